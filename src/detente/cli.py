"""The ``detente`` command line: a thin layer over the library API.

Each command group lives in :mod:`detente.commands` and registers itself in
:func:`build_app`.  This module owns the one rule every command follows: a user's
mistake (:class:`detente.errors.InputError`) is reported as a located message with exit
code 2 and never as a traceback; a failure outside detente and its input
(:class:`detente.errors.EnvironmentFailure`, e.g. a Dask cluster that lost its workers)
gets exit code 3 and what to do; anything else is an internal error with exit code 1.

Exit codes: 0 success, 1 internal error (a bug), 2 bad input, 3 environment failure,
130 interrupted.

``--help`` and ``--version`` answer at once: the command modules import the library
inside their commands (see :mod:`detente.commands._help`), and ``detente --version``
prints the version before typer is even imported.  ``detente.cli.app`` is built on
first use.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

from detente._version import __version__

if TYPE_CHECKING:
    import typer
    from rich.console import Console

    app: typer.Typer
    console_err: Console

__all__ = ["app", "build_app", "console_err", "main"]


def build_app() -> typer.Typer:
    """The ``detente`` typer app: the root options and every command group."""
    import typer

    from detente.commands import app as workbench
    from detente.commands import (
        backtest,
        claims,
        data,
        deals,
        explore,
        forecast,
        report,
        scenario,
        uncertainty,
    )
    from detente.commands._help import FastHelpGroup

    app = typer.Typer(
        name="detente",
        help="Explicit, data-grounded models of geopolitical bargaining and partnership strategy.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        cls=FastHelpGroup,
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

    scenario.register(app)
    data.register(app)
    explore.register(app)
    forecast.register(app)
    report.register(app)
    uncertainty.register(app)
    backtest.register(app)
    claims.register(app)
    deals.register(app)
    workbench.register(app)
    return app


def _app() -> typer.Typer:
    """``app``, built on first use."""
    built = globals().get("app")
    if built is None:
        built = globals()["app"] = build_app()
    return built


def __getattr__(name: str) -> Any:
    # PEP 562: ``app`` is built, and ``console_err`` imported, on first use
    if name == "app":
        return _app()
    if name == "console_err":
        from detente.commands._common import console_err

        return console_err
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 internal error, 2 bad input, 3 environment)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        # the fast path: the one answer that needs neither typer nor the command tree
        with contextlib.suppress(BrokenPipeError):
            print(f"detente {__version__}", flush=True)
        code = 0
    else:
        from detente.commands._common import run_app

        code = run_app(_app(), args, debug=bool(os.environ.get("DETENTE_DEBUG")))
    if argv is None:
        sys.exit(code)
    return code
