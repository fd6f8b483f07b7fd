"""Dask: a real 2-process LocalCluster gives the in-process results bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from detente.explore import ExperimentDesign, perform_experiments
from detente.partnership import load_config, make_model

pytest.importorskip("distributed")


@pytest.mark.slow
def test_local_cluster_matches_in_process_bit_for_bit(tmp_path) -> None:
    from distributed import Client, LocalCluster

    model, skeleton = make_model(load_config({}))
    design = ExperimentDesign(3000, skeleton.strategies, seed=11, chunk_size=500)
    local = perform_experiments(model, design, out=tmp_path / "local.parquet", progress=False)
    dask = perform_experiments(
        model, design, workers=2, out=tmp_path / "dask.parquet", progress=False
    )
    assert dask.where.startswith("LocalCluster(2")
    for name in local.outcomes:
        assert np.array_equal(local.outcomes[name], dask.outcomes[name], equal_nan=True), name
    for name in local.inputs:
        assert np.array_equal(local.inputs[name], dask.inputs[name])
    import pyarrow.parquet as pq

    a = pq.read_table(tmp_path / "local.parquet").to_pandas()
    b = pq.read_table(tmp_path / "dask.parquet").to_pandas()
    assert a.equals(b)  # NaN (no breakdown) compares equal here
    # an existing scheduler, by address
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as c,
        Client(c),
    ):
        remote = perform_experiments(model, design, scheduler=c.scheduler_address, progress=False)
    for name in local.outcomes:
        assert np.array_equal(local.outcomes[name], remote.outcomes[name], equal_nan=True)


def test_unreachable_scheduler() -> None:
    from detente.errors import InputError

    model, skeleton = make_model(load_config({}))
    design = ExperimentDesign(10, skeleton.strategies)
    with pytest.raises(InputError, match="cannot reach"):
        perform_experiments(model, design, scheduler="tcp://127.0.0.1:9", progress=False)
