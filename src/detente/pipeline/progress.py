"""Progress of a staged run, reported as plain events.

A long run (``detente analyze``, a strategy-lab run in the app) is a sequence of
stages, each with a number of steps.  It reports its progress by calling a function
with a :class:`ProgressEvent`; the face decides how to show it (the CLI draws rich
progress bars, the app sends the events from its worker process to the page).
:class:`Stages` times each stage and emits the events.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["ProgressEvent", "ProgressFn", "StageStep", "Stages"]


@dataclass(frozen=True)
class ProgressEvent:
    """One change of a run's progress.

    Attributes
    ----------
    stage
        The stage's key (e.g. ``"forecasts"``).
    label
        The stage's description, for display.
    completed, total
        Steps done and steps in the stage.
    step
        What was just done ("" when a stage starts).
    finished
        Whether the stage has ended.
    """

    stage: str
    label: str
    completed: int
    total: int
    step: str = ""
    finished: bool = False


ProgressFn = Callable[[ProgressEvent], None]


class StageStep:
    """Advances one stage: call it with a label after each step."""

    def __init__(self, emit: ProgressFn | None, stage: str, label: str, total: int) -> None:
        self._emit = emit
        self.stage = stage
        self.label = label
        self.total = max(int(total), 1)
        self.completed = 0

    def __call__(self, step: str) -> None:
        self.completed = min(self.completed + 1, self.total)
        self._send(step)

    def set_total(self, total: int) -> None:
        """Set how many steps the stage has."""
        self.total = max(int(total), 1)
        self._send("")

    def _send(self, step: str, *, finished: bool = False) -> None:
        if self._emit is not None:
            self._emit(
                ProgressEvent(self.stage, self.label, self.completed, self.total, step, finished)
            )

    def finish(self) -> None:
        """Mark the stage done."""
        self.completed = self.total
        self._send("", finished=True)


class Stages:
    """The stages of a run: timings, and progress events for ``emit``.

    Parameters
    ----------
    stages
        ``(key, label)`` of every stage, in order.
    emit
        Called with every :class:`ProgressEvent` (``None``: no progress reported).
    before
        Called with a stage's key as it starts (a testing hook).
    """

    def __init__(
        self,
        stages: Sequence[tuple[str, str]],
        emit: ProgressFn | None = None,
        before: Callable[[str], None] | None = None,
    ) -> None:
        self.labels = dict(stages)
        self.emit = emit
        self.before = before
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, key: str, total: int = 1) -> Iterator[StageStep]:
        """Run one stage; yields its :class:`StageStep`."""
        step = StageStep(self.emit, key, self.labels.get(key, key), total)
        step.set_total(total)
        t0 = time.perf_counter()
        if self.before is not None:
            self.before(key)
        yield step
        self.timings[key] = time.perf_counter() - t0
        step.finish()
