"""Long CPU work in separate processes: the job registry.

The workbench runs draws, sweeps, lab runs, data panels and "Analyze" here, never in
the server process, so that one user's run does not stall another user's edits.

Each job is one process forked from a *forkserver* that has imported the libraries
and compiled the models once (:mod:`detente.app._preload`), so a job starts in
milliseconds with warm models.  A process per job (rather than a pool) is what makes
cancelling real: a job is first asked to stop (its progress callback raises
:class:`Cancelled` at its next step, so it cleans up as on any error; "Analyze" then
publishes nothing), and a job that does not stop within a grace period is
terminated.  A task running in a ``ProcessPoolExecutor`` could only be abandoned, and
killing its worker would break the pool for every other user's jobs.

At most ``max_running`` jobs run at once (default: the cores minus the one the server
needs); the others wait in order.  Each job belongs to an *owner* (a browser session):
:meth:`JobRunner.jobs` and :meth:`JobRunner.cancel` only ever see the owner's jobs.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

__all__ = ["Cancelled", "Job", "JobRunner", "JobState", "Progress", "default_max_running"]


class Cancelled(Exception):
    """Raised inside a job by its progress callback once it was asked to stop."""


class JobState(StrEnum):
    """Where a job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """True once the job will not change any more."""
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class Job:
    """A snapshot of one job (the registry keeps the live record).

    Attributes
    ----------
    id
        Unique id (``j1``, ``j2``...).
    owner
        The session that started it.
    kind
        What it does (``lab``, ``draws``, ``analyze``...).
    label
        A line for the page.
    state
        Queued, running, done, failed or cancelled.
    progress
        0 to 1, or ``None`` while unknown.
    message
        The last progress label.
    result
        The job function's return value, once done.
    error
        Why it failed: the message of a user's mistake, or ``Type: message`` with
        ``internal`` set for a bug.
    """

    id: str
    owner: str
    kind: str
    label: str
    state: JobState = JobState.QUEUED
    progress: float | None = None
    message: str = ""
    result: Any = None
    error: str | None = None
    internal: bool = False
    created: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished_at: float | None = None

    @property
    def seconds(self) -> float:
        """Running time so far (or in all, once finished)."""
        if self.started is None:
            return 0.0
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return end - self.started


class Progress:
    """The callback a job function receives: ``progress(fraction, label)``.

    ``fraction`` is 0 to 1 or ``None`` (unknown).  Every call checks whether the job
    was asked to stop and then raises :class:`Cancelled`.
    """

    def __init__(self, conn: Any, cancel: Any) -> None:
        self._conn = conn
        self._cancel = cancel
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        """True once the job was asked to stop."""
        return bool(self._cancel.is_set())

    def __call__(self, fraction: float | None = None, label: str = "") -> None:
        if self.cancelled:
            raise Cancelled()
        now = time.monotonic()
        if fraction is None or fraction >= 1 or now - self._last > 0.05:
            self._last = now
            self._conn.send(("progress", fraction, label))


def _limit_threads() -> None:
    """Let the server keep a core: jobs run at a lower priority."""
    with contextlib.suppress(OSError):  # not permitted: run at the same priority
        os.nice(5)


def _job_main(fn: Callable[..., Any], kwargs: dict[str, Any], conn: Any, cancel: Any) -> None:
    """Entry point of a job process: run ``fn`` and send back how it ended."""
    from detente.errors import InputError

    _limit_threads()
    progress = Progress(conn, cancel)
    try:
        result = fn(progress=progress, **kwargs)
    except Cancelled:
        conn.send(("cancelled",))
    except InputError as err:
        conn.send(("failed", str(err), False))
    except BaseException as err:
        tb = traceback.format_exc(limit=20)
        conn.send(("failed", f"{type(err).__name__}: {err}\n{tb}", True))
    else:
        try:
            conn.send(("done", result))
        except Exception as err:  # a result that cannot be sent back
            conn.send(("failed", f"{type(err).__name__}: {err}", True))
    finally:
        conn.close()


def default_max_running() -> int:
    """Jobs run at once: the cores this process may use, less one for the server."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


class JobRunner:
    """Starts, tracks and cancels jobs, each in its own process.

    Parameters
    ----------
    max_running
        Jobs running at once (default :func:`default_max_running`).
    preload
        Modules the forkserver imports once before forking any job.
    grace
        Seconds a job has to stop after it was asked to, before it is terminated.
    method
        The multiprocessing start method (``forkserver`` where available).
    """

    def __init__(
        self,
        *,
        max_running: int | None = None,
        preload: tuple[str, ...] = (),
        grace: float = 3.0,
        method: str | None = None,
    ) -> None:
        if method is None:
            available = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in available else "spawn"
        self._ctx: Any = multiprocessing.get_context(method)
        if method == "forkserver" and preload:
            self._ctx.set_forkserver_preload(list(preload))
        self.max_running = max_running or default_max_running()
        self.grace = grace
        self._slots = threading.Semaphore(self.max_running)
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._cancel: dict[str, Any] = {}
        self._procs: dict[str, Any] = {}
        self._versions: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._closed = False

    # -- registry ---------------------------------------------------------------------
    def _set(self, job_id: str, **changes: Any) -> Job | None:
        with self._lock:
            old = self._jobs.get(job_id)
            if old is None:  # forgotten (its session ended)
                return None
            if old.state.finished and "state" in changes:
                return old  # cancelled while it was starting: it stays cancelled
            job = replace(old, **changes)
            self._jobs[job_id] = job
            self._versions[job.owner] = self._versions.get(job.owner, 0) + 1
            return job

    def version(self, owner: str) -> int:
        """A number that changes whenever one of ``owner``'s jobs changes."""
        with self._lock:
            return self._versions.get(owner, 0)

    def jobs(self, owner: str) -> list[Job]:
        """``owner``'s jobs, oldest first."""
        with self._lock:
            return [j for j in self._jobs.values() if j.owner == owner]

    def get(self, owner: str, job_id: str) -> Job | None:
        """One of ``owner``'s jobs (``None`` for another owner's or an unknown id)."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def forget(self, owner: str) -> None:
        """Cancel and drop every job of ``owner`` (its session ended)."""
        for job in self.jobs(owner):
            if not job.state.finished:
                self.cancel(owner, job.id)
        with self._lock:
            for job_id in [
                k for k, j in self._jobs.items() if j.owner == owner and j.state.finished
            ]:
                del self._jobs[job_id]

    # -- running ----------------------------------------------------------------------
    def submit(
        self,
        owner: str,
        kind: str,
        label: str,
        fn: Callable[..., Any],
        /,
        *,
        queue: bool = True,
        **kwargs: Any,
    ) -> Job:
        """Start ``fn(progress=..., **kwargs)`` in a new process.

        ``fn`` must be a module-level function (it is sent to the process by name);
        ``queue=False`` starts it at once, outside the limit of running jobs (for the
        app's own short start-up jobs).
        """
        if self._closed:
            raise RuntimeError("the job runner is shut down")
        job_id = f"j{next(self._ids)}"
        job = Job(id=job_id, owner=owner, kind=kind, label=label)
        with self._lock:
            self._jobs[job_id] = job
            self._cancel[job_id] = self._ctx.Event()
            self._versions[owner] = self._versions.get(owner, 0) + 1
        t = threading.Thread(
            target=self._run, args=(job_id, fn, kwargs, queue), daemon=True, name=f"job-{job_id}"
        )
        t.start()
        return job

    def _run(
        self, job_id: str, fn: Callable[..., Any], kwargs: dict[str, Any], queue: bool
    ) -> None:
        if queue:
            self._slots.acquire()
        try:
            self._run_process(job_id, fn, kwargs)
        finally:
            if queue:
                self._slots.release()

    def _run_process(self, job_id: str, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        cancel = self._cancel[job_id]
        if cancel.is_set():
            return  # cancelled while it waited: cancel() has recorded it
        recv, send = self._ctx.Pipe(duplex=False)
        try:
            proc = self._ctx.Process(target=_job_main, args=(fn, kwargs, send, cancel), daemon=True)
            proc.start()
        except Exception as err:
            self._set(
                job_id,
                state=JobState.FAILED,
                error=f"could not start the job: {type(err).__name__}: {err}",
                internal=True,
                finished_at=time.monotonic(),
            )
            return
        send.close()
        with self._lock:
            self._procs[job_id] = proc
        if cancel.is_set():  # cancelled while its process was starting
            proc.terminate()
        self._set(job_id, state=JobState.RUNNING, started=time.monotonic(), progress=0.0)
        ending: tuple[Any, ...] | None = None
        while ending is None:
            try:
                if not recv.poll(0.25):
                    if not proc.is_alive() and not recv.poll(0):
                        break
                    continue
                msg = recv.recv()
            except (EOFError, OSError):
                break
            if msg[0] == "progress":
                changes: dict[str, Any] = {"message": str(msg[2])}
                if msg[1] is not None:
                    changes["progress"] = max(0.0, min(1.0, float(msg[1])))
                self._set(job_id, **changes)
            else:
                ending = msg
        proc.join(timeout=5)
        with self._lock:
            self._procs.pop(job_id, None)
        now = time.monotonic()
        if ending is not None and ending[0] == "done":
            self._set(job_id, state=JobState.DONE, result=ending[1], progress=1.0, finished_at=now)
        elif cancel.is_set() or (ending is not None and ending[0] == "cancelled"):
            self._set(job_id, state=JobState.CANCELLED, finished_at=now)
        elif ending is not None and ending[0] == "failed":
            self._set(
                job_id,
                state=JobState.FAILED,
                error=str(ending[1]),
                internal=bool(ending[2]),
                finished_at=now,
            )
        else:
            self._set(
                job_id,
                state=JobState.FAILED,
                error=f"the job's process ended without a result (exit code {proc.exitcode})",
                internal=True,
                finished_at=now,
            )

    def cancel(self, owner: str, job_id: str) -> bool:
        """Ask one of ``owner``'s jobs to stop; terminate it after the grace period.

        Returns
        -------
        bool
            False if the job is not ``owner``'s, unknown, or already finished.
        """
        job = self.get(owner, job_id)
        if job is None or job.state.finished:
            return False
        self._cancel[job_id].set()
        if job.state is JobState.QUEUED:
            self._set(job_id, state=JobState.CANCELLED, finished_at=time.monotonic())
            return True
        self._set(job_id, message="stopping…")

        def _terminate() -> None:
            with self._lock:
                proc = self._procs.get(job_id)
            if proc is not None and proc.is_alive():
                proc.terminate()

        timer = threading.Timer(self.grace, _terminate)
        timer.daemon = True
        timer.start()
        return True

    def wait(self, owner: str, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job has finished (for scripts and tests).

        Raises
        ------
        TimeoutError
            If it is still running after ``timeout`` seconds.
        """
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get(owner, job_id)
            if job is None:
                raise KeyError(job_id)
            if job.state.finished:
                return job
            if end is not None and time.monotonic() > end:
                raise TimeoutError(f"job {job_id} still {job.state.value} after {timeout} s")
            time.sleep(0.05)

    def shutdown(self) -> None:
        """Cancel every job and stop their processes."""
        self._closed = True
        with self._lock:
            ids = [(j.owner, j.id) for j in self._jobs.values() if not j.state.finished]
            procs = list(self._procs.values())
        for _owner, job_id in ids:
            self._cancel[job_id].set()
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
