"""The ``detente`` command line: a thin layer over the library API.

Each command group lives in :mod:`detente.commands` and registers itself here.  This
module owns the one rule every command follows: a user's mistake
(:class:`detente.errors.InputError`) is reported as a located message with exit code
2 and never as a traceback; anything else is an internal error with exit code 1.
"""

from __future__ import annotations

import os
import sys

import typer

from detente._version import __version__
from detente.commands import backtest as _backtest
from detente.commands import data as _data
from detente.commands import deals as _deals
from detente.commands import explore as _explore
from detente.commands import forecast as _forecast
from detente.commands import report as _report
from detente.commands import scenario as _scenario
from detente.commands import uncertainty as _uncertainty
from detente.commands._common import console_err, run_app

app = typer.Typer(
    name="detente",
    help="Explicit, data-grounded models of geopolitical bargaining and partnership strategy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"detente {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """detente: forecast negotiations, stress partnership strategies, report."""


_scenario.register(app)
_data.register(app)
_explore.register(app)
_forecast.register(app)
_report.register(app)
_uncertainty.register(app)
_backtest.register(app)
_deals.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 internal error, 2 bad input)."""
    code = run_app(app, argv, debug=bool(os.environ.get("DETENTE_DEBUG")))
    if argv is None:
        sys.exit(code)
    return code


__all__ = ["app", "console_err", "main"]
