"""``detente app``: serve the analyst's workbench (a local web application)."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``detente app`` to the CLI."""

    @app.command("app")
    def app_cmd(
        path: Path | None = typer.Argument(
            None,
            help="A scenario file to open, or a workspace folder of scenario files "
            "(default: the current folder).",
        ),
        host: str = typer.Option(
            "127.0.0.1", "--host", help="Address to listen on (default: this machine only)."
        ),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        runs: Path | None = typer.Option(
            None, "--runs", help="The run store for Analyze (default: WORKSPACE/runs)."
        ),
    ) -> None:
        """Serve the workbench: edit a scenario and see every forecast update at once."""
        from detente.app.web import is_loopback, serve
        from detente.commands._common import console_err

        if not is_loopback(host):
            console_err.print(
                f"warning: listening on {host}, not only on this machine: anyone who can "
                "reach this address can read and change the workspace's scenarios and run "
                "the models. The workbench has no login.",
                markup=False,
            )
        shown = f"[{host}]" if ":" in host else host
        console_err.print(
            f"detente workbench: http://{shown}:{port}/  (Ctrl+C stops it)", markup=False
        )
        serve(path, host=host, port=port, runs=runs)
