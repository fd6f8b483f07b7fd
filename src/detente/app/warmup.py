"""Warming up in the background, so the first page is served at once.

Starting the workbench imports only what the first page needs.  A background thread
then imports the models and runs each once on a tiny scenario, which makes numba
compile its code (half a minute with an empty cache) or load it from the cache (a
few seconds); meanwhile the page shows which models are still warming up, and the
forecasts of the ready ones.  When the models are warm the thread starts the job
runner's forkserver, whose own warm-up (:mod:`detente.app._preload`) then loads the
compiled code from the cache instead of compiling it a second time.

The chart library (Vega, bundled by vl-convert, which holds Python's lock while it
works) is bundled in a separate process, started at once.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Warmup"]

_BUNDLE_SCRIPT = (
    "import sys\n"
    "from detente.report.html import vega_bundle\n"
    "sys.stdout.buffer.write(vega_bundle().encode('utf-8'))\n"
)


class Warmup:
    """Which models are ready, and the chart library once it is bundled.

    Attributes
    ----------
    status
        Model name -> ``"warming"``, ``"ready"`` or ``"failed: <reason>"``; empty
        while the models are still being imported.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.status: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._version = 0
        self._bundle: bytes | None = None
        self._bundle_error: str | None = None
        self._bundle_done = threading.Event()
        self._done = threading.Event()
        self._data_done = threading.Event()
        self.seconds: dict[str, float] = {}

    # -- reading ------------------------------------------------------------------
    def version(self) -> int:
        """A number that changes whenever a model's status changes."""
        with self._lock:
            return self._version

    def ready(self, model: str) -> bool:
        """True once ``model`` can be run without compiling."""
        with self._lock:
            return self.status.get(model) == "ready"

    def snapshot(self) -> dict[str, str]:
        """A copy of :attr:`status`."""
        with self._lock:
            return dict(self.status)

    @property
    def done(self) -> bool:
        """True once every model is warm (or failed)."""
        return self._done.is_set()

    @property
    def data_done(self) -> bool:
        """True once the first scenario's data has been looked up (see :meth:`start`)."""
        return self._data_done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the models are warm; False on timeout."""
        return self._done.wait(timeout)

    def bundle(self, timeout: float | None = None) -> bytes | None:
        """The chart library's JavaScript (``None`` if it could not be bundled)."""
        self._bundle_done.wait(timeout)
        return self._bundle

    @property
    def bundle_error(self) -> str | None:
        """Why the chart library could not be bundled."""
        return self._bundle_error

    def _set(self, model: str, status: str) -> None:
        with self._lock:
            self.status[model] = status
            self._version += 1

    # -- working ------------------------------------------------------------------
    def start(
        self,
        *,
        before: Callable[[], Any] | None = None,
        compile_elsewhere: Callable[[], Iterator[set[str]]] | None = None,
    ) -> None:
        """Bundle the chart library (in a process) and warm the models (in a thread).

        ``before`` runs first in the thread (the app looks up the first scenario's
        data there).  ``compile_elsewhere``, if given, starts the models' first run in
        another process and yields the set of models done there so far, each time it
        grows; each model is then run here only once it is done there, so that this
        process loads compiled code from numba's cache instead of compiling it while
        it serves pages.
        """
        threading.Thread(target=self._make_bundle, daemon=True, name="vega-bundle").start()
        threading.Thread(
            target=self._warm, args=(before, compile_elsewhere), daemon=True, name="model-warmup"
        ).start()

    def _make_bundle(self) -> None:
        try:
            done = subprocess.run(
                [sys.executable, "-c", _BUNDLE_SCRIPT],
                capture_output=True,
                timeout=600,
                check=False,
            )
            if done.returncode == 0 and done.stdout:
                self._bundle = done.stdout
            else:
                self._bundle_error = done.stderr.decode("utf-8", "replace")[-500:]
        except Exception as err:  # reported on the page
            self._bundle_error = f"{type(err).__name__}: {err}"
        finally:
            self._bundle_done.set()

    def _warm(
        self,
        before: Callable[[], Any] | None,
        compile_elsewhere: Callable[[], Iterator[set[str]]] | None,
    ) -> None:
        if before is not None:
            with contextlib.suppress(Exception):  # the page reports what fails
                before()
        self._data_done.set()
        with self._lock:
            self._version += 1
        try:
            from detente import bargaining
            from detente.pipeline.warm import warm_scenario

            names = list(bargaining.list_models())
            with self._lock:
                for name in names:
                    self.status[name] = "warming"
                    self.labels[name] = bargaining.get_model(name).label
                self._version += 1
            s = warm_scenario()
            pending = list(names)

            def run(name: str) -> None:
                t0 = time.perf_counter()
                try:
                    bargaining.forecast(s, name, seed=0)
                    self._set(name, "ready")
                except Exception as err:
                    self._set(name, f"failed: {type(err).__name__}: {err}")
                self.seconds[name] = time.perf_counter() - t0

            if compile_elsewhere is not None:
                with contextlib.suppress(Exception):  # then everything is run here
                    for done in compile_elsewhere():
                        for name in [n for n in pending if n in done]:
                            pending.remove(name)
                            run(name)
                        if not pending:
                            break
            for name in pending:
                run(name)
        except Exception as err:  # the models cannot even be imported
            self._set("models", f"failed: {type(err).__name__}: {err}")
        finally:
            self._done.set()
            with self._lock:
                self._version += 1
