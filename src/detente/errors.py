"""Error types shared by every part of detente.

Three families matter to users:

* :class:`InputError` -- the user's input is wrong (a file, a field, a parameter).
  It always names *where* (file, line, field) and *how to fix it*.  The CLI turns it
  into exit code 2 with no traceback.
* :class:`EnvironmentFailure` -- something outside detente and the input failed: a
  Dask cluster lost its workers, a scheduler has none.  It says what happened and
  what to do; the CLI turns it into exit code 3.
* Everything else is an internal error (exit code 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DetenteError", "EnvironmentFailure", "InputError", "Problem", "ScenarioError"]


class DetenteError(Exception):
    """Base class of every error raised on purpose by detente."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    Parameters
    ----------
    message
        What is wrong, in the user's terms.
    file
        The input file, when there is one.
    line
        1-based line number in ``file``, when known.
    field
        Dotted path of the offending field, e.g. ``stances[3].position``.
    fix
        What the user can do about it.
    """

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    fix: str | None = None

    def located(self, file: str | Path | None = None, line: int | None = None) -> Problem:
        """Return a copy with ``file``/``line`` filled in where they were missing."""
        return Problem(
            self.message,
            self.file if self.file is not None else (str(file) if file is not None else None),
            self.line if self.line is not None else line,
            self.field,
            self.fix,
        )

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
        elif self.line is not None:
            where = f"line {self.line}"
        parts = []
        if where:
            parts.append(where)
        if self.field:
            parts.append(self.field)
        head = ": ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


@dataclass
class InputError(DetenteError):
    """The user's input cannot be used; carries one or more located problems."""

    problems: Sequence[Problem] = field(default_factory=list)

    def __init__(
        self,
        message: str | Iterable[Problem],
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        if isinstance(message, str):
            probs = [Problem(message, str(file) if file else None, line, field, fix)]
        else:
            probs = [p.located(file) for p in message]
        if not probs:
            raise ValueError("InputError needs at least one problem")
        self.problems = probs
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ScenarioError(InputError):
    """A scenario file or object is invalid."""


class EnvironmentFailure(DetenteError):
    """Something detente relies on failed (a cluster, a scheduler): not a bug, not the input.

    Parameters
    ----------
    message
        What happened.
    fix
        What the user can do (e.g. run without the cluster, check it).
    """

    def __init__(self, message: str, *, fix: str) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} Fix: {fix}")
