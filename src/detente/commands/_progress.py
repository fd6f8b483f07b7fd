"""Progress bars for staged runs: :class:`~detente.pipeline.progress.ProgressEvent` to rich."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from detente.pipeline.progress import ProgressEvent, ProgressFn

__all__ = ["progress_bars"]


@contextmanager
def progress_bars(
    console: Console | None, stages: Sequence[tuple[str, str]]
) -> Iterator[ProgressFn | None]:
    """One progress bar per stage on ``console`` (``None``: no bars, yields ``None``)."""
    if console is None:
        yield None
        return
    bars = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    tasks: dict[str, Any] = {
        key: bars.add_task(label, total=1, start=False) for key, label in stages
    }

    def show(event: ProgressEvent) -> None:
        task = tasks.get(event.stage)
        if task is None:
            task = tasks[event.stage] = bars.add_task(event.label, total=event.total)
        if not bars.tasks[task].started:
            bars.start_task(task)
        bars.update(task, total=event.total, completed=event.completed)

    with bars:
        yield show
