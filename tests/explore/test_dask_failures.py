"""A Dask cluster that fails is an environment failure (exit 3), not a bug (issue 13).

Real clusters: a scheduler with no workers, and worker processes killed mid-run.
Each test finishes in well under 20 s (the timeouts are a few seconds).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from detente.cli import main
from detente.errors import EnvironmentFailure
from detente.explore import ExperimentDesign, perform_experiments
from detente.partnership import load_config, make_model
from support import REPO

pytest.importorskip("distributed")

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


@pytest.fixture
def empty_scheduler() -> object:
    """A real scheduler (in this process) with no worker."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=0,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def test_a_scheduler_without_workers_exits_3_saying_what_to_do(
    empty_scheduler: str, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            [
                "explore",
                str(EXAMPLE),
                "--scheduler",
                empty_scheduler,
                "--timeout",
                "2",
                "-n",
                "100",
                "--sobol",
                "0",
                "--prim-points",
                "0",
                "--out",
                str(tmp_path / "lab"),
                "--quiet",
            ]
        )
    text = " ".join((out.getvalue() + err.getvalue()).split())
    assert code == 3, text
    assert time.perf_counter() - t0 < 20
    assert "has no workers" in text
    assert "--timeout" in text and "without --scheduler/--workers" in text
    assert "bug in detente" not in text and "Traceback" not in text
    assert not (tmp_path / "lab" / "experiments.parquet").exists()


def _worker(address: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "distributed.cli.dask_worker", address),
            *("--no-nanny", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_a_cluster_that_loses_all_its_workers_is_an_environment_failure(
    empty_scheduler: str,
) -> None:
    from distributed import Client

    procs = [_worker(empty_scheduler) for _ in range(2)]
    try:
        with Client(empty_scheduler) as c:
            c.wait_for_workers(2, timeout=15)
        model, skeleton = make_model(load_config({}))
        # far more work than can finish before the workers are killed
        design = ExperimentDesign(20_000_000, skeleton.strategies, seed=1, chunk_size=20_000)

        def kill() -> None:
            time.sleep(1.5)
            for p in procs:
                os.killpg(p.pid, signal.SIGKILL)

        killer = threading.Thread(target=kill)
        killer.start()
        t0 = time.perf_counter()
        with pytest.raises(EnvironmentFailure) as info:
            perform_experiments(model, design, scheduler=empty_scheduler, progress=False, timeout=3)
        killer.join()
        assert time.perf_counter() - t0 < 20
        text = str(info.value)
        # seen either as a lost connection (when the kill lands mid-transfer) or, once
        # the scheduler has noticed, as a cluster with no workers left
        assert "Dask cluster" in text, text
        assert "no workers left" in text or "Error" in text, text
        assert "without --scheduler/--workers" in text
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
