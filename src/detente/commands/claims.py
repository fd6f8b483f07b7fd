"""``detente claims check FILE`` and ``detente draft ARTICLE``: an argument's claims and actors.

Only typer, rich and the standard library are imported here at module level; the
library (data layer, drafter) is imported inside the commands, so ``--help`` stays
fast.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

__all__ = ["print_checks", "register"]

claims_app = typer.Typer(
    name="claims",
    help="An argument's numeric claims ([[claims]] in a scenario), checked against the data.",
    no_args_is_help=True,
)


class ClaimsFormat(StrEnum):
    """Output formats of the claims table."""

    table = "table"
    csv = "csv"
    json = "json"


_COLOURS = {"holds": "green", "partly holds": "yellow", "does not hold": "red"}


def print_checks(checks: list[Any], fmt: ClaimsFormat, title: str) -> None:
    """Print claim checks as a table (claim, figures, verdict and why, source), CSV or JSON."""
    from detente.commands._common import console

    if fmt is ClaimsFormat.json:
        typer.echo(json.dumps([c.as_dict() for c in checks], indent=1, ensure_ascii=False))
        return
    if fmt is ClaimsFormat.csv:
        import pandas as pd

        df = pd.DataFrame([c.as_dict() for c in checks]).drop(columns="values")
        if "countries" in df:
            df["countries"] = df["countries"].map(" ".join)
        typer.echo(df.to_csv(index=False), nl=False)
        return
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("claim", ratio=3)
    table.add_column("figures from the data", ratio=5)
    table.add_column("verdict", ratio=2)
    table.add_column("source", ratio=3)
    for c in checks:
        verdict = Text.assemble(
            (c.verdict, f"bold {_COLOURS.get(c.verdict, 'cyan')}"), "\n", c.explanation
        )
        if c.year_note:
            verdict.append(f"\n({c.year_note})", style="dim")
        table.add_row(Text(c.claim), Text(c.figures), verdict, Text(c.source))
    console.print(table)


_FMT = typer.Option(ClaimsFormat.table, "--format", help="Output format: table, csv or json.")


@claims_app.command("check")
def check_cmd(
    file: Path = typer.Argument(..., help="A scenario (or a draft) with [[claims]]."),
    fmt: ClaimsFormat = _FMT,
) -> None:
    """Check every claim of a scenario against the data: a verdict, figures and source each."""
    from detente.commands._common import console
    from detente.data.claims import check_claims
    from detente.scenario.claim_file import load_claims

    claims = load_claims(file)
    if not claims.claims:
        if fmt is ClaimsFormat.json:
            typer.echo("[]")
            return
        console.print(f"{file} states no claims: add [[claims]] (see docs/formats.md).")
        return
    checks = check_claims(claims, file=file)
    print_checks(checks, fmt, f"{claims.name}: {len(checks)} claim(s) checked")
    if not claims.complete and fmt is ClaimsFormat.table:
        console.print(
            Text(
                "note: the file is not yet a complete scenario (`detente validate` says what "
                "is missing); its claims were checked all the same.",
                style="dim",
            )
        )


def draft_cmd(
    article: Path = typer.Argument(..., help="The article: plain text, Markdown or HTML."),
    output: Path = typer.Option(..., "-o", "--output", help="The draft scenario (.toml)."),
    json_out: Path | None = typer.Option(
        None, "--json", help="Also write the actors and claims as JSON, for scripts."
    ),
    input_format: str | None = typer.Option(
        None, "--input-format", help="text, markdown or html (default: from the file)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
) -> None:
    """Draft a scenario from an article: its actors, its numeric claims checked, a template."""
    from detente._atomic import atomic_write_text
    from detente.commands._common import check_output_paths, console
    from detente.draft import draft_from_file

    check_output_paths([output, json_out], force=force, inputs=[article])
    draft = draft_from_file(article, input_format=input_format)
    atomic_write_text(output, draft.to_toml())
    if json_out is not None:
        atomic_write_text(
            json_out, json.dumps(draft.to_json(), indent=1, ensure_ascii=False) + "\n"
        )
    verdicts: dict[str, int] = {}
    for c in draft.claims:
        verdicts[c.verdict] = verdicts.get(c.verdict, 0) + 1
    counts = ", ".join(f"{n} {v}" for v, n in verdicts.items()) or "none"
    console.print(
        f"wrote {output}: {len(draft.actors)} actors "
        f"({', '.join(a.id for a in draft.actors)}), {len(draft.claims)} numeric claims "
        f"({counts})"
    )
    if json_out is not None:
        console.print(f"wrote {json_out}")
    console.print(
        "next: fill in the issues and stances (the draft's comments show how); "
        f"`detente validate {output}` lists what is still missing."
    )


def register(app: typer.Typer) -> None:
    """Add ``detente claims ...`` and ``detente draft`` to the CLI."""
    app.add_typer(claims_app, name="claims")
    app.command("draft")(draft_cmd)
