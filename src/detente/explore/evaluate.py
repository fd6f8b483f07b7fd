"""Evaluate a model over an experiment design: in chunks, locally or on Dask.

Each chunk of scenarios is sampled, crossed with the strategies and passed through the
model by :func:`evaluate_chunk`, a pure function of ``(model, design, chunk index)``.
The chunk's sample and the model's random events are seeded from the master seed and
the chunk index alone (:func:`detente.explore.sampling.chunk_seed`), so a chunk gives
the same numbers in this process, in a Dask worker, first or last.

:func:`perform_experiments` runs the chunks in-process (default), on a local Dask
cluster it starts (``workers=N``) or on an existing Dask scheduler
(``scheduler="tcp://host:port"``), shows a rich progress bar, streams every chunk to a
Parquet file as it arrives (in chunk order, to a temporary file renamed at the end) and
keeps in memory only the outcomes (one float64 per experiment and outcome) and the
inputs of the first ``keep_inputs`` scenarios.  Peak memory is therefore about
``8 * n_experiments * n_outcomes`` bytes plus two chunks.
"""

from __future__ import annotations

import collections
import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from detente.errors import EnvironmentFailure, InputError
from detente.explore.model import Combine, ExperimentDesign, Model
from detente.explore.parameters import Categorical, Integer
from detente.explore.sampling import chunk_seed, sample_chunk
from detente.limits import check_memory

__all__ = ["ChunkResult", "Results", "evaluate_chunk", "noise_generator", "perform_experiments"]

FloatArray = npt.NDArray[np.float64]


def noise_generator(master: int, chunk: int) -> np.random.Generator:
    """The generator for the model's random events in chunk ``chunk``.

    A child of the chunk's seed sequence, distinct from the sampling stream.
    """
    parent = chunk_seed(master, chunk)
    return np.random.default_rng(
        np.random.SeedSequence(entropy=parent.entropy, spawn_key=(*parent.spawn_key, 1))
    )


@dataclass
class ChunkResult:
    """The inputs and outcomes of one chunk.

    ``inputs`` holds one array per uncertainty (length: the chunk's scenarios).
    ``outcomes`` holds one array per outcome of length ``n_experiments``, ordered
    strategy-major for a factorial design (all scenarios of strategy 0, then 1, ...).
    Levers are stored once per *lever row* (``lever_values``: one value per strategy
    of a factorial design, one per experiment of a zip design) and ``lever_row`` says
    which row each experiment uses; :attr:`levers` expands them per experiment.
    """

    index: int
    start: int
    stop: int
    inputs: dict[str, npt.NDArray[Any]]
    lever_values: dict[str, FloatArray]
    lever_row: npt.NDArray[np.int32]
    strategy: npt.NDArray[np.int32]
    outcomes: dict[str, FloatArray]

    @property
    def n_experiments(self) -> int:
        """Number of experiments in the chunk."""
        return int(self.strategy.shape[0])

    @property
    def levers(self) -> dict[str, FloatArray]:
        """Every lever's value in every experiment (length ``n_experiments``)."""
        return {name: v[self.lever_row] for name, v in self.lever_values.items()}


def _scenario_inputs(model: Model, design: ExperimentDesign, k: int) -> dict[str, Any]:
    start, stop = design.chunk_bounds(k)
    unit = sample_chunk(design.sampler, len(model.uncertainties), start, stop, design.seed, k)
    return {u.name: u.ppf(unit[:, j]) for j, u in enumerate(model.uncertainties)}


def _call(
    model: Model, inputs: Mapping[str, Any], rng: np.random.Generator, n: int
) -> dict[str, FloatArray]:
    out = model.function(inputs, rng)
    result: dict[str, FloatArray] = {}
    for o in model.outcomes:
        if o.name not in out:
            raise InputError(
                f"model {model.name!r} did not return outcome {o.name!r}",
                fix="return every declared outcome.",
            )
        arr = np.asarray(out[o.name], dtype=np.float64)
        if arr.shape != (n,):
            raise ValueError(
                f"model {model.name!r} returned outcome {o.name!r} with shape {arr.shape}, "
                f"expected ({n},)"
            )
        result[o.name] = arr
    return result


def _strategy_rows(model: Model, out: Mapping[str, Any], n_s: int, n: int) -> dict[str, FloatArray]:
    result: dict[str, FloatArray] = {}
    for o in model.outcomes:
        if o.name not in out:
            raise InputError(
                f"model {model.name!r} did not return outcome {o.name!r}",
                fix="return every declared outcome.",
            )
        arr = np.asarray(out[o.name], dtype=np.float64)
        if arr.shape != (n_s, n):
            raise ValueError(
                f"model {model.name!r} returned outcome {o.name!r} with shape {arr.shape} "
                f"from evaluate_strategies, expected ({n_s}, {n})"
            )
        result[o.name] = np.ascontiguousarray(arr).reshape(-1)
    return result


def evaluate_chunk(model: Model, design: ExperimentDesign, k: int) -> ChunkResult:
    """Sample chunk ``k`` of ``design`` and evaluate ``model`` on it.

    For a factorial design every strategy sees the same generator state (common random
    numbers); a model function with an ``evaluate_strategies`` method (see
    :mod:`detente.explore.model`) gets all strategies in one call.

    Parameters
    ----------
    model
        The model.
    design
        The design.
    k
        The chunk index.

    Returns
    -------
    ChunkResult
        Deterministic given ``(model, design, k)``.
    """
    start, stop = design.chunk_bounds(k)
    n = stop - start
    scen = _scenario_inputs(model, design, k)
    consts = {name: np.full(n, float(v)) for name, v in model.constants.items()}
    if design.combine is Combine.ZIP:
        idx = np.arange(start, stop)
        lever_table = [model.lever_values(design.strategies[i]) for i in idx]
        levers = {
            name: np.array([lt[name] for lt in lever_table], dtype=np.float64)
            for name in model.lever_names
        }
        inputs = {**scen, **consts, **levers}
        outcomes = _call(model, inputs, noise_generator(design.seed, k), n)
        rows = np.arange(n, dtype=np.int32)
        return ChunkResult(k, start, stop, scen, levers, rows, idx.astype(np.int32), outcomes)
    lever_table = [model.lever_values(s) for s in design.strategies]
    n_s = len(design.strategies)
    batch = getattr(model.function, "evaluate_strategies", None)
    if batch is not None:
        out = batch({**scen, **consts}, lever_table, noise_generator(design.seed, k))
        outcomes = _strategy_rows(model, out, n_s, n)
    else:
        parts: list[dict[str, FloatArray]] = []
        for values in lever_table:
            lev = {name: np.full(n, v) for name, v in values.items()}
            # the same generator state for every strategy: common random numbers
            rng = noise_generator(design.seed, k)
            parts.append(_call(model, {**scen, **consts, **lev}, rng, n))
        outcomes = {o: np.concatenate([p[o] for p in parts]) for o in model.outcome_names}
    lever_values = {
        name: np.array([lt[name] for lt in lever_table], dtype=np.float64)
        for name in model.lever_names
    }
    strategy = np.repeat(np.arange(n_s, dtype=np.int32), n)
    return ChunkResult(k, start, stop, scen, lever_values, strategy, strategy, outcomes)


@dataclass
class Results:
    """What :func:`perform_experiments` keeps in memory.

    Attributes
    ----------
    outcomes
        Outcome name -> array of shape ``(n_strategies, n_scenarios)`` for a factorial
        design, ``(1, n_scenarios)`` for a zip design.
    inputs
        Uncertainty name -> values of the first ``n_kept`` scenarios.
    path
        The Parquet file written, if any (with ``finish=False``, complete only after
        :meth:`finish_writing`).
    seconds
        Wall-clock time of the evaluation.
    """

    model: Model
    design: ExperimentDesign
    outcomes: dict[str, FloatArray]
    inputs: dict[str, npt.NDArray[Any]]
    n_kept: int
    path: Path | None = None
    seconds: float = 0.0
    where: str = "in-process"
    extra: dict[str, Any] = field(default_factory=dict)
    _writer: _ParquetSink | None = field(default=None, repr=False)

    @property
    def writing(self) -> bool:
        """Whether the Parquet file is still being written (``finish=False``)."""
        return self._writer is not None

    def finish_writing(self) -> None:
        """Wait for the Parquet file to be complete and move it into place."""
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.commit()
            except BaseException:
                writer.abort()
                raise

    def abort_writing(self) -> None:
        """Stop writing the Parquet file and remove what was written."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.abort()

    @property
    def strategy_names(self) -> list[str]:
        """Strategy names in row order of the outcome matrices."""
        return self.design.strategy_names

    def matrix(self, outcome: str) -> FloatArray:
        """The ``(n_strategies, n_scenarios)`` matrix of one outcome."""
        if outcome not in self.outcomes:
            self.model.outcome(outcome)
        return self.outcomes[outcome]

    def kept_inputs(self) -> dict[str, npt.NDArray[Any]]:
        """The inputs of the kept scenarios (first ``n_kept``)."""
        return self.inputs


def _scenario_column(param: Any, values: npt.NDArray[Any], repeat: int) -> pa.ChunkedArray:
    """One uncertainty's column: the chunk's values once per strategy, without copying."""
    if isinstance(param, Categorical):
        arr: pa.Array = pa.DictionaryArray.from_arrays(
            pa.array(np.asarray(values, dtype=np.int32)),
            pa.array([str(c) for c in param.categories]),
        )
    else:
        dtype = np.int64 if isinstance(param, Integer) else np.float64
        arr = pa.array(np.asarray(values, dtype=dtype))
    return pa.chunked_array([arr] * repeat)


def chunk_table(model: Model, design: ExperimentDesign, res: ChunkResult) -> pa.Table:
    """One row per experiment of the chunk: scenario, strategy, inputs, outcomes.

    Nothing is copied: a scenario input column is the chunk's array repeated once per
    strategy (a chunked array); a lever column is a dictionary array (one value per
    strategy, indexed by the strategy), which Parquet stores as a few runs.  Columns
    are declared non-nullable, so no definition levels are written; with
    :class:`_ParquetSink` every column reads back as a plain column.
    """
    n = res.stop - res.start
    repeat = res.n_experiments // n
    rows = pa.array(res.lever_row)
    cols: dict[str, pa.Array | pa.ChunkedArray] = {}
    cols["scenario"] = pa.chunked_array(
        [pa.array(np.arange(res.start, res.stop, dtype=np.int64))] * repeat
    )
    if design.combine is Combine.ZIP:
        cols["strategy"] = pa.array(
            [design.strategies[int(i)].name for i in res.strategy], type=pa.string()
        )
    else:
        cols["strategy"] = pa.DictionaryArray.from_arrays(
            pa.array(res.strategy), pa.array(design.strategy_names)
        )
    for u in model.uncertainties:
        cols[u.name] = _scenario_column(u, res.inputs[u.name], repeat)
    for lever in model.levers:
        vals = res.lever_values[lever.name]
        if isinstance(lever, Categorical):
            cols[lever.name] = pa.DictionaryArray.from_arrays(
                pa.array(vals.astype(np.int32)[res.lever_row]),
                pa.array([str(c) for c in lever.categories]),
            )
        elif design.combine is Combine.ZIP:
            cols[lever.name] = pa.array(vals)
        else:
            cols[lever.name] = pa.DictionaryArray.from_arrays(rows, pa.array(vals))
    zeros = pa.array(np.zeros(res.n_experiments, dtype=np.int32))
    for name, value in model.constants.items():
        cols[name] = pa.DictionaryArray.from_arrays(zeros, pa.array([float(value)]))
    for o in model.outcome_names:
        cols[o] = pa.array(res.outcomes[o])
    schema = pa.schema([pa.field(k, v.type, nullable=False) for k, v in cols.items()])
    return pa.Table.from_arrays(list(cols.values()), schema=schema)


class _ParquetSink:
    """Append tables to ``path`` through a temporary file; rename on success.

    Tables are encoded and written on a background thread (Arrow releases the GIL), so
    the encoding overlaps the evaluation of the next chunks; at most ``max_pending``
    tables wait in the queue.  Columns given as dictionary arrays (levers, strategy)
    are written with their dictionary as it is, no hashing, and cost a few bytes per
    chunk; the others are written plain.  The Arrow schema is not stored, so readers
    (pandas, DuckDB, Arrow) see plain columns.  No compression: sampled inputs and
    outcomes are random doubles that general-purpose compressors barely shrink, at a
    high cost in time.
    """

    def __init__(self, path: Path, *, max_pending: int = 2) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.writer: pq.ParquetWriter | None = None
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=max_pending)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._cancel = False

    def _open(self, table: pa.Table) -> pq.ParquetWriter:
        dict_cols = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
        largest = max(
            (table.column(c).chunk(0).dictionary.nbytes for c in dict_cols if table.num_rows),
            default=0,
        )
        return pq.ParquetWriter(
            self.tmp,
            table.schema,
            compression="none",
            use_dictionary=dict_cols,
            dictionary_pagesize_limit=max(1 << 20, 2 * largest),
            store_schema=False,
        )

    def _run(self) -> None:
        while True:
            table = self._queue.get()
            if table is None:
                return
            if self._error is not None or self._cancel:
                continue  # keep draining so that the producer never blocks
            try:
                if self.writer is None:
                    self.writer = self._open(table)
                self.writer.write_table(table, row_group_size=max(table.num_rows, 1))
            except BaseException as err:  # re-raised in the producer's thread
                self._error = err

    def write(self, table: pa.Table) -> None:
        """Queue ``table`` for writing (blocks while ``max_pending`` tables wait)."""
        if self._error is not None:
            raise self._error
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="detente-parquet-writer", daemon=True
            )
            self._thread.start()
        self._queue.put(table)

    def _join(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def commit(self) -> None:
        """Write what is queued, close the file and move it into place."""
        self._join()
        if self._error is not None:
            raise self._error
        if self.writer is not None:
            self.writer.close()
            os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Stop writing and remove the temporary file."""
        self._cancel = True
        with contextlib.suppress(Exception):
            self._join()
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


def default_threads() -> int:
    """The CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _local_chunks(
    model: Model, design: ExperimentDesign, threads: int
) -> Generator[ChunkResult, None, None]:
    """Evaluate the chunks in-process, in order, on ``threads`` threads.

    numpy, SciPy's samplers and compiled models release the GIL, so threads evaluate
    chunks in parallel; each chunk is a pure function of its index, so the results do
    not depend on the thread count.  At most ``threads + 1`` chunks are in flight.
    """
    n = design.n_chunks
    if threads <= 1 or n == 1:
        for k in range(n):
            yield evaluate_chunk(model, design, k)
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="detente-chunk") as pool:
        pending: collections.deque[Future[ChunkResult]] = collections.deque()
        next_submit = 0
        try:
            while next_submit < n and len(pending) <= threads:
                pending.append(pool.submit(evaluate_chunk, model, design, next_submit))
                next_submit += 1
            while pending:
                res = pending.popleft().result()
                if next_submit < n:
                    pending.append(pool.submit(evaluate_chunk, model, design, next_submit))
                    next_submit += 1
                yield res
        finally:
            for fut in pending:
                fut.cancel()


#: Seconds to wait for a Dask scheduler's first worker, and for the next chunk of
#: results, before giving up (``explore --timeout``).
DASK_TIMEOUT = 120.0

_CLUSTER_FIX = (
    "check the cluster (its scheduler and workers, and their logs), or run without "
    "--scheduler/--workers to compute in this process; --timeout sets how long to wait."
)


def _dask_failures() -> tuple[type[BaseException], ...]:
    """Exceptions by which distributed says the cluster, not the task, failed."""
    from distributed import TimeoutError as DaskTimeout
    from distributed.client import FutureCancelledError, FuturesCancelledError
    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    # ``wait`` reports futures cancelled for "lost dependencies" (their worker died
    # while they were being sent) as one FuturesCancelledError
    return (
        KilledWorker,
        CommClosedError,
        FutureCancelledError,
        FuturesCancelledError,
        DaskTimeout,
        OSError,
    )


@contextlib.contextmanager
def _dask_client(
    workers: int | None, scheduler: str | None, timeout: float = DASK_TIMEOUT
) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - dask is a core dependency
        raise InputError(
            "Dask distributed is not installed", fix="pip install 'dask[distributed]'."
        ) from err
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=f"{min(timeout, 10.0)}s")
        except OSError as err:
            raise InputError(
                f"cannot reach the Dask scheduler at {scheduler}: {err}",
                field="--scheduler",
                fix="check the address (tcp://HOST:PORT) and that the scheduler runs.",
            ) from None
        try:
            try:
                client.wait_for_workers(1, timeout=timeout)
            except _dask_failures() as err:
                raise EnvironmentFailure(
                    f"the Dask scheduler at {scheduler} has no workers: none joined within "
                    f"{timeout:g} s ({type(err).__name__})",
                    fix="start workers for it (`dask worker "
                    + scheduler
                    + "`), or "
                    + _CLUSTER_FIX,
                ) from None
            yield client
        finally:
            client.close()
        return
    assert workers is not None
    starting: tuple[type[BaseException], ...] = (RuntimeError, *_dask_failures())
    try:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
    except starting as err:
        raise EnvironmentFailure(
            f"a local Dask cluster of {workers} worker processes could not start "
            f"({type(err).__name__}: {err})",
            fix="use fewer --workers, or " + _CLUSTER_FIX,
        ) from None
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _dask_chunks(
    model: Model,
    design: ExperimentDesign,
    client: Any,
    in_flight: int,
    timeout: float = DASK_TIMEOUT,
) -> Generator[ChunkResult, None, None]:
    from distributed import wait

    failures = _dask_failures()
    n = design.n_chunks
    next_submit = 0
    next_yield = 0
    buffer: dict[int, ChunkResult] = {}
    pending: set[Any] = set()
    try:
        [fmodel, fdesign] = client.scatter([model, design], broadcast=True)
    except failures as err:
        raise _lost(client, timeout, err) from None

    def submit() -> None:
        nonlocal next_submit
        pending.add(client.submit(evaluate_chunk, fmodel, fdesign, next_submit, pure=False))
        next_submit += 1

    while next_submit < n and next_submit < in_flight:
        submit()
    while pending:
        try:
            done, _ = wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED")
            results = [fut.result() for fut in done if fut.status != "pending"]
        except failures as err:
            raise _lost(client, timeout, err) from None
        if not done:
            raise _lost(client, timeout, None)
        for fut in done:
            pending.discard(fut)
            fut.release()
        for res in results:
            buffer[res.index] = res
        while next_yield in buffer:
            yield buffer.pop(next_yield)
            next_yield += 1
            if next_submit < n:
                submit()


def _lost(client: Any, timeout: float, err: BaseException | None) -> EnvironmentFailure:
    """What went wrong with the cluster, as an :class:`EnvironmentFailure`."""
    try:
        n_workers = len(client.scheduler_info().get("workers", {}))
    except Exception:  # the scheduler itself is gone
        n_workers = -1
    if err is None:
        what = f"no result came back from the Dask cluster for {timeout:g} s"
    else:
        what = f"the Dask cluster failed ({type(err).__name__}: {err})"
    if n_workers == 0:
        what += "; it has no workers left"
    elif n_workers < 0:
        what += "; its scheduler cannot be reached"
    return EnvironmentFailure(what, fix=_CLUSTER_FIX)


def perform_experiments(
    model: Model,
    design: ExperimentDesign,
    *,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    keep_inputs: int = 200_000,
    console: Console | None = None,
    threads: int | None = None,
    finish: bool = True,
    on_chunk: Callable[[int, int], None] | None = None,
    timeout: float = DASK_TIMEOUT,
) -> Results:
    """Run every experiment of ``design`` through ``model``.

    Parameters
    ----------
    model
        The vectorised model.
    design
        Scenarios, strategies, sampler, seed and chunking.
    out
        Parquet file to stream the experiments to (one row per scenario x strategy).
        Written to a temporary file and renamed when complete; absent on failure.
    workers
        Start a local Dask cluster with this many worker processes.
    scheduler
        Address of an existing Dask scheduler (``tcp://HOST:PORT``).
    progress
        Show a rich progress bar (on standard error).
    keep_inputs
        Keep the inputs of at most this many scenarios in memory (for PRIM).
    console
        The rich console for the progress bar.
    threads
        In-process only: evaluate this many chunks at a time on threads (default: the
        CPUs available).  The model function must then be thread-safe (a pure
        function of its inputs and generator, as the model contract asks).
    finish
        Wait for the Parquet file before returning (default).  With ``False`` the
        last chunks are still being written when the function returns, so that the
        caller's analysis overlaps the writing; the caller must then call
        :meth:`Results.finish_writing` (or :meth:`Results.abort_writing`).
    on_chunk
        Called after each chunk with the experiments done so far and their total (for
        progress shown elsewhere than a terminal).  An exception it raises stops the
        run as any error does (the Parquet file is not written).
    timeout
        On Dask: seconds to wait for a scheduler's first worker, and for each next
        chunk of results, before giving up with an
        :class:`~detente.errors.EnvironmentFailure` (exit code 3 in the CLI), as also
        when the cluster loses its workers.

    Returns
    -------
    Results
        Outcome matrices and kept inputs; identical bit for bit for the same model,
        design and seed, whichever back end and thread count ran it.
    """
    if workers is not None and scheduler is not None:
        raise InputError(
            "give either --workers or --scheduler, not both",
            field="--workers",
            fix="drop one of the two options.",
        )
    if workers is not None and workers < 1:
        raise InputError(
            f"--workers must be at least 1, not {workers}",
            field="--workers",
            fix="use --workers 2, or leave it out to run in-process.",
        )
    n_s = 1 if design.combine is Combine.ZIP else len(design.strategies)
    n_sc = design.n_scenarios
    n_kept = min(keep_inputs, n_sc)
    # the outcome matrices and the kept inputs stay in memory; the chunks in flight too
    chunk = min(design.chunk_size, n_sc) * n_s
    n_inputs = len(model.uncertainties) + len(model.levers)
    check_memory(
        8.0 * (n_s * n_sc * len(model.outcome_names) + n_kept * n_inputs)
        + 8.0 * chunk * (n_inputs + len(model.outcome_names)) * 8
        + 2**20,
        what="the strategy lab",
        size=f"{n_sc:,} futures x {n_s} strategies x {len(model.outcome_names)} outcomes",
        fix="use fewer futures (--scenarios).",
        field="--scenarios",
    )
    outcomes = {o: np.empty((n_s, n_sc)) for o in model.outcome_names}
    kept: dict[str, npt.NDArray[Any]] = {}
    sink = _ParquetSink(Path(out)) if out is not None else None
    where = "in-process"
    t0 = time.perf_counter()
    progress_bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("experiments"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        disable=not progress,
        transient=False,
    )
    try:
        with contextlib.ExitStack() as stack:
            if workers is not None or scheduler is not None:
                client = stack.enter_context(_dask_client(workers, scheduler, timeout))
                n_workers = len(client.scheduler_info().get("workers", {})) or 1
                where = scheduler or f"LocalCluster({workers} processes)"
                chunks: Generator[ChunkResult, None, None] = _dask_chunks(
                    model, design, client, in_flight=2 * n_workers, timeout=timeout
                )
            else:
                n_threads = default_threads() if threads is None else max(1, threads)
                chunks = _local_chunks(model, design, n_threads)
                if n_threads > 1:
                    where = f"in-process, {n_threads} threads"
            stack.enter_context(contextlib.closing(chunks))
            stack.enter_context(progress_bar)
            task = progress_bar.add_task(model.name, total=design.n_experiments)
            done = 0
            for res in chunks:
                n = res.stop - res.start
                for o in model.outcome_names:
                    outcomes[o][:, res.start : res.stop] = res.outcomes[o].reshape(n_s, n)
                if res.start < n_kept:
                    stop = min(res.stop, n_kept)
                    for name, vals in res.inputs.items():
                        if name not in kept:
                            kept[name] = np.empty(n_kept, dtype=vals.dtype)
                        kept[name][res.start : stop] = vals[: stop - res.start]
                if sink is not None:
                    sink.write(chunk_table(model, design, res))
                progress_bar.advance(task, res.n_experiments)
                done += res.n_experiments
                if on_chunk is not None:
                    on_chunk(done, design.n_experiments)
        if sink is not None and finish:
            sink.commit()
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    return Results(
        model=model,
        design=design,
        outcomes=outcomes,
        inputs=kept,
        n_kept=n_kept,
        path=Path(out) if out is not None else None,
        seconds=time.perf_counter() - t0,
        where=where,
        _writer=None if finish else sink,
    )
