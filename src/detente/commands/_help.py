"""What ``--help`` needs, kept light: help texts that print as written, and the names they list.

``detente --help`` and every command's ``--help`` must answer at once, so :mod:`detente.cli`
and every module under :mod:`detente.commands` import only typer, rich, the standard
library, :mod:`detente.errors` (and :mod:`detente._version`) and one another at module
level.  The rest of detente (the models, the data, the scenario schema, the atomic
writer) and numpy, pandas and the like are imported inside the command functions that
use them.  A help text that lists names the library defines takes them from the
constants below.  ``tests/cli/test_help.py`` checks the constants against the library,
the module-level imports against this rule, and that rendering every help page loads
none of the library.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.core
from rich.markup import escape

__all__ = [
    "BACKTEST_DEFAULT_MODELS",
    "BACKTEST_MODELS",
    "BARGAINING_MODELS",
    "FastHelpGroup",
    "help_as_written",
]

#: The bargaining models, in registration order (:func:`detente.bargaining.list_models`).
BARGAINING_MODELS: tuple[str, ...] = ("mean", "median", "nbs", "eum", "smp", "exchange")

#: The back-test's default models (:data:`detente.backtest.forecasts.DEFAULT_MODELS`).
BACKTEST_DEFAULT_MODELS: tuple[str, ...] = (
    "mean_capability_salience",
    "mean_salience",
    "mean_unweighted",
    "median",
    "constant_50",
    "reference_point",
    "nbs",
    "eum",
    "smp",
)

#: Every back-test model: the baselines, then the bargaining models
#: (:data:`detente.backtest.forecasts.BASELINES`, then ``BARGAINING``).
BACKTEST_MODELS: tuple[str, ...] = (
    "mean_capability_salience",
    "mean_salience",
    "mean_unweighted",
    "median",
    "median_salience",
    "constant_50",
    "reference_point",
    "nbs",
    "eum",
    "smp",
)

#: Set on a command or parameter once its help texts are escaped, so that a command
#: reached twice in the tree is escaped once.
_DONE = "_detente_help_as_written"


def _first_paragraph(text: str) -> str:
    """The first paragraph of a help text (before ``\\f``), its line breaks joined."""
    head = text.partition("\f")[0].strip()
    first = head.split("\n\n")[0]
    return " ".join(line.strip() for line in first.splitlines())


#: Metavars by value type, as click writes them ("--seed INTEGER").
_METAVARS = {"Path": "PATH", "int": "INTEGER", "float": "FLOAT", "str": "TEXT"}


def _set_metavar(param: Any) -> None:
    """Give a parameter click's classic metavar (``FILE``, ``INTEGER``) if it has none.

    typer (0.29) would print ``<list[str]>`` or ``{file}``: Python type names that mean
    little to an analyst reading the help.
    """
    if getattr(param, "metavar", None) is not None:
        return
    desc = getattr(param, "type_descriptor", None)
    annotation = getattr(desc, "annotation", None)
    if annotation is bool or getattr(param, "is_flag", False):
        return
    if getattr(param, "param_type_name", "") == "argument":
        param.metavar = str(param.name).upper()
        return
    while annotation is not None and getattr(annotation, "__origin__", None) is list:
        annotation = annotation.__args__[0]
    name = getattr(annotation, "__name__", "")
    param.metavar = _METAVARS.get(name, str(param.name).upper())


def help_as_written(command: Any) -> None:
    """Make every help text under ``command`` print as written, in place.

    In typer's ``"rich"`` markup mode a help text is read as Rich markup: the
    ``[partnership]`` of "a [partnership] table" is taken for a style tag and vanishes.
    detente's help texts are plain text, so each one (a command's help, short help and
    epilog, each parameter's help) is escaped here, for every command rendered in that
    mode.  A command with no short help also gets the first paragraph of its help, with
    its line breaks joined, as its line in its group's command list (typer's rich panel
    would keep the docstring's line breaks there).

    Parameters
    ----------
    command
        A click command or group, as ``typer.main.get_command`` builds it; groups are
        walked recursively.
    """
    if getattr(command, _DONE, False):
        return
    setattr(command, _DONE, True)
    if command.help and not command.short_help and not command.help.startswith("\b"):
        command.short_help = _first_paragraph(command.help)
    for param in command.params:
        _set_metavar(param)
    if getattr(command, "rich_markup_mode", None) == "rich":
        for attr in ("help", "short_help", "epilog"):
            text = getattr(command, attr, None)
            if text:
                setattr(command, attr, escape(text))
        for param in command.params:
            text = getattr(param, "help", None)
            if text and not getattr(param, _DONE, False):
                param.help = escape(text)
                setattr(param, _DONE, True)
    for sub in getattr(command, "commands", {}).values():
        help_as_written(sub)


def _help_defaults(command: Any) -> dict[str, Any]:
    """A click ``default_map`` giving ``--help`` the value False wherever it is not given."""
    defaults: dict[str, Any] = {"help": False}
    for name, sub in getattr(command, "commands", {}).items():
        if name != "help":
            defaults[name] = _help_defaults(sub)
    return defaults


class FastHelpGroup(typer.core.TyperGroup):
    """The root command group: help texts print as written, and ``--help`` stays light.

    Give it as ``typer.Typer(cls=FastHelpGroup)``.  When typer builds the command tree
    (for a run, for ``--help``, for a test runner) the group's constructor receives the
    whole tree, and

    * applies :func:`help_as_written` to it;
    * sets a click ``default_map`` (context settings) that gives every command's
      ``--help`` flag the value False when it is not given.  typer (0.29) coerces an
      unset flag's None through a pydantic adapter, so ``detente data show --help``
      imported pydantic (0.1-0.25 s of CPU) for the ``--help`` flags of ``detente`` and
      ``data``; a flag that is already a bool is not coerced.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        help_as_written(self)
        settings = dict(self.context_settings)
        settings["default_map"] = _merge(_help_defaults(self), settings.get("default_map") or {})
        self.context_settings = settings


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``over``, nested dicts merged (``over`` wins)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
