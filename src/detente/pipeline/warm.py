"""Warming the compiled models: a tiny scenario, and compiling ahead in another process.

numba compiles a model's kernels on their first call and keeps them in its on-disk cache.
On a fresh installation that first call is the largest part of a run: the exchange
model's engine alone takes tens of seconds.  :func:`compile_ahead` starts a process that
makes those first calls on :func:`warm_scenario` (writing numba's cache) while this
process does other work; when this process needs the model, :meth:`CompileAhead.wait`
waits for that process and numba then loads the kernels from the cache instead of
compiling them.  Nothing is started when the kernels are already in the cache.

The numbers do not depend on any of this: a kernel loaded from the cache is the code this
process would have compiled, and if the other process fails or is killed, this process
compiles as it would have.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from detente.scenario import Scenario

__all__ = ["CompileAhead", "compile_ahead", "is_cached", "warm_model", "warm_scenario"]

#: Models whose kernels are worth compiling ahead -> the module that holds them.
KERNELS: dict[str, str] = {"exchange": "detente.bargaining.exchange._kernel"}

_SCRIPT = "import sys\nfrom detente.pipeline.warm import _main\nsys.exit(_main(sys.argv[1:]))\n"


def warm_scenario() -> Scenario:
    """A tiny scenario that makes every model compile what the real ones need."""
    actors = [{"id": a, "capability": c} for a, c in (("A", 3.0), ("B", 2.0), ("C", 1.0))]
    issues = [{"id": "x", "status_quo": 20.0}, {"id": "y"}]
    stances = [
        {"actor": a, "issue": i, "position": p, "salience": s, "uncertainty": {"sd": 5.0}}
        for (a, i, p, s) in (
            ("A", "x", 10.0, 80.0),
            ("B", "x", 60.0, 50.0),
            ("C", "x", 90.0, 70.0),
            ("A", "y", 30.0, 40.0),
            ("B", "y", 70.0, 60.0),
            ("C", "y", 50.0, 90.0),
        )
    ]
    return Scenario.model_validate(
        {"id": "warm", "actors": actors, "issues": issues, "stances": stances}
    )


def warm_model(name: str, scenario: Scenario | None = None) -> None:
    """Run model ``name`` once as a point forecast and once in a batch (and, for the
    exchange model, the deal finder), so that its kernels are compiled or loaded."""
    import numpy as np

    from detente import bargaining

    s = warm_scenario() if scenario is None else scenario
    bargaining.forecast(s, name, seed=0)
    draws = bargaining.sample_inputs(s, 4, 0)
    np.asarray(bargaining.forecast_batch(s, name, draws, seed=0).outcome)
    if name == "exchange":
        from detente.pipeline.deals import run_deals

        run_deals(s, draws=2, seed=0)


def is_cached(name: str) -> bool:
    """True unless model ``name``'s kernels are missing from numba's cache (a fresh
    installation, or the kernels' source changed since they were cached).

    A model without kernels worth compiling ahead counts as cached.
    """
    module = KERNELS.get(name)
    if module is None:
        return True
    try:
        import importlib

        from numba.core.registry import CPUDispatcher

        mod = importlib.import_module(module)
        # numba's own check (its private API): an index whose stamp matches the source
        caches: list[Any] = [
            getattr(obj, "_cache", None)
            for obj in vars(mod).values()
            if isinstance(obj, CPUDispatcher)
        ]
        return any(c is not None and c._cache_file._load_index() for c in caches)
    except Exception:  # numba's internals moved: compile ahead, which is always safe
        return False


class CompileAhead:
    """A process compiling models' kernels into numba's cache (see :func:`compile_ahead`)."""

    def __init__(self, models: Sequence[str], process: subprocess.Popen[bytes] | None) -> None:
        self.models = tuple(models)
        self._process = process

    @property
    def started(self) -> bool:
        """True if a process was started."""
        return self._process is not None

    def wait(self, timeout: float = 600.0) -> bool:
        """Wait for the process (at most ``timeout`` seconds); True if it compiled
        everything.  Afterwards this process loads the kernels from numba's cache."""
        if self._process is None:
            return True
        try:
            return self._process.wait(timeout=timeout) == 0
        except subprocess.TimeoutExpired:
            self.close()
            return False

    def close(self) -> None:
        """Stop the process if it is still running."""
        p = self._process
        if p is not None and p.poll() is None:
            p.kill()
            with contextlib.suppress(Exception):
                p.wait(timeout=10)

    def __enter__(self) -> CompileAhead:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def compile_ahead(models: Sequence[str]) -> CompileAhead:
    """Start compiling the kernels of those ``models`` that are not in numba's cache, in
    another process (nothing is started when all are cached).

    Use it as a context manager, and call :meth:`CompileAhead.wait` before the first
    use of one of the models.
    """
    cold = [m for m in models if m in KERNELS and not is_cached(m)]
    if not cold:
        return CompileAhead((), None)
    try:
        process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, *cold],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no process can be started: compile here, as always
        process = None
    return CompileAhead(cold, process)


def _main(models: Sequence[str]) -> int:
    """The compiling process: warm each model; exit 1 if any failed."""
    failed = 0
    for name in models:
        try:
            warm_model(name)
        except Exception:  # this process then compiles it itself, and reports any error
            failed = 1
    return failed
