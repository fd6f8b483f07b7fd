"""``detente data ...``: sources, query, show, import, check-claims, build and friends."""

from __future__ import annotations

import json
import math
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from detente.commands._common import console, console_err
from detente.errors import InputError

__all__ = ["register"]

data_app = typer.Typer(
    name="data",
    help="Query detente's datasets (NATO, SIPRI, COW, ATOP, WDI, UNHCR, UNGA), with provenance.",
    no_args_is_help=True,
)
import_app = typer.Typer(
    name="import",
    help="Import your own SIPRI download into the local data store.",
    no_args_is_help=True,
)
data_app.add_typer(import_app, name="import")


class OutputFormat(StrEnum):
    """Output formats of tabular commands."""

    table = "table"
    csv = "csv"
    json = "json"


_FMT = typer.Option(OutputFormat.table, "--format", help="Output format: table, csv or json.")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-3):
            return f"{value:.6g}"
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        if value != value:  # pandas NA / NaT
            return ""
    except (TypeError, ValueError):
        return str(value)
    return str(value)


def _check_years(years: list[int] | None) -> None:
    """Refuse a ``--year`` no dataset can hold (before any query)."""
    from detente.limits import check_count

    for y in years or ():
        check_count("--year", y)


def _print_frame(df: Any, fmt: OutputFormat, title: str | None = None) -> None:
    """Print a DataFrame as a rich table, CSV or JSON (records; NaN as null)."""
    if fmt is OutputFormat.csv:
        typer.echo(df.to_csv(index=False), nl=False)
        return
    if fmt is OutputFormat.json:
        typer.echo(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1))
        return
    table = Table(title=title, title_justify="left")
    for col in df.columns:
        numeric = df[col].dtype.kind in "iuf"
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in df.itertuples(index=False):
        table.add_row(*(Text(_cell(v)) for v in row))
    console.print(table)
    if len(df) == 0:
        console.print(Text("(no rows)", style="dim"))


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out: list[str] = []
    for v in values:
        out += [p.strip() for p in v.split(",") if p.strip()]
    return out


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        console_err.print(Text(f"warning: {w.message}", style="yellow"))


@data_app.command("sources")
def sources_cmd(fmt: OutputFormat = _FMT) -> None:
    """Print every dataset's provenance: publisher, edition, licence, citation, caveats."""
    from detente.data import sources

    records = sources()
    if fmt is OutputFormat.json:
        typer.echo(json.dumps([r.as_dict() for r in records], indent=1, ensure_ascii=False))
        return
    if fmt is OutputFormat.csv:
        import pandas as pd

        df = pd.DataFrame([r.as_dict() for r in records])
        df["caveats"] = df["caveats"].map(" | ".join)
        df["indicator_prefixes"] = df["indicator_prefixes"].map(" ".join)
        typer.echo(df.to_csv(index=False), nl=False)
        return
    for r in records:
        style = {"shipped": "green", "extracted": "yellow", "imported": "cyan"}.get(r.status, "")
        console.print(Text.assemble((f"{r.id}", "bold"), "  ", (r.status.upper(), style)))
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        table.add_row("title", Text(r.title))
        table.add_row("publisher", Text(r.publisher))
        table.add_row("edition", Text(r.edition))
        table.add_row("years", Text(r.years))
        table.add_row("licence", Text(r.licence))
        table.add_row("cite", Text(r.citation))
        table.add_row("url", Text(r.url))
        table.add_row("indicators", Text(", ".join(f"{p}*" for p in r.prefixes)))
        for c in r.caveats:
            table.add_row("caveat", Text(c))
        if r.note:
            table.add_row("status", Text(r.note))
        console.print(table)
        console.print()


@data_app.command("query")
def query_cmd(
    sql: str = typer.Argument(..., help="SQL over the views indicators, catalog, countries, ..."),
    fmt: OutputFormat = _FMT,
    limit: int = typer.Option(
        10_000, "--limit", help="Show at most this many rows (0: all).", min=0, max=10**9
    ),
    timeout: float = typer.Option(
        60.0, "--timeout", help="Stop a query that runs longer (seconds).", min=0.1, max=86_400
    ),
) -> None:
    """Run SQL over the data (DuckDB). The main view is
    indicators(iso3, country, year, indicator, value, unit, source, flag)."""
    from detente.data import query

    df = query(sql, limit=limit or None, timeout=timeout)
    _print_frame(df, fmt)
    if df.attrs.get("truncated"):
        console_err.print(
            f"note: the query has more than {limit:,} rows; the first {limit:,} are shown "
            "(--limit N shows more, --limit 0 all)."
        )


@data_app.command("show")
def show_cmd(
    indicator: str | None = typer.Argument(None, help="Indicator, e.g. nato.defence_share_gdp."),
    year: list[int] | None = typer.Option(None, "--year", "-y", help="Year(s); repeatable."),
    countries: list[str] | None = typer.Option(
        None, "--countries", "-c", help="Countries (ISO3 or names), comma-separated or repeated."
    ),
    below: float | None = typer.Option(None, "--below", help="Only values below X."),
    above: float | None = typer.Option(None, "--above", help="Only values above X."),
    list_all: bool = typer.Option(False, "--list", help="List every indicator and exit."),
    fmt: OutputFormat = _FMT,
) -> None:
    """Show one indicator by country and year, optionally filtered."""
    _check_years(year)
    from detente.data import indicator as get_indicator
    from detente.data import list_indicators

    if list_all or indicator is None:
        df = list_indicators()
        cols = ["indicator", "unit", "first_year", "last_year", "countries", "status"]
        _print_frame(df[cols] if fmt is OutputFormat.table else df, fmt, "indicators")
        return
    if below is not None and above is not None:
        raise InputError(
            "--below and --above cannot be used together",
            field="--below/--above",
            fix="use one of them.",
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = get_indicator(indicator, countries=_split(countries), years=year or None)
    _show_warnings(caught)
    if below is not None:
        df = df[df["value"] < below]
    if above is not None:
        df = df[df["value"] > above]
    if fmt is OutputFormat.table:
        unit = df["unit"].iloc[0] if len(df) else ""
        source = "; ".join(sorted(set(df["source"]))) if len(df) else ""
        title = f"{indicator} ({unit})" if unit else indicator
        _print_frame(df[["iso3", "country", "year", "value", "flag"]], fmt, title)
        if source:
            console.print(Text(f"source: {source}", style="dim"))
        return
    _print_frame(df, fmt)


@data_app.command("check-claims")
def check_claims_cmd(fmt: OutputFormat = _FMT) -> None:
    """Check the flagship example's claims against the data (= `detente claims check` on it)."""
    from detente.commands.claims import ClaimsFormat, print_checks
    from detente.data import check_claims

    checks = check_claims()  # the example's [[claims]]
    print_checks(checks, ClaimsFormat(fmt.value), "The seed article's claims, checked")


@data_app.command("gap")
def gap_cmd(
    year: int = typer.Option(2024, "--year", "-y", help="Year of NATO's figures."),
    target: float = typer.Option(2.0, "--target", help="Guideline in percent of GDP."),
    group: str = typer.Option("NATO", "--group", help="NATO or NATO-Europe."),
    fmt: OutputFormat = _FMT,
) -> None:
    """Each ally's gap to NATO's 2% guideline, in percentage points and US$."""
    _check_years([year])
    if not math.isfinite(target) or target < 0:
        raise InputError(
            f"--target must be a finite percentage of GDP, not {target}",
            field="--target",
            fix="use e.g. --target 2.",
        )
    from detente.data import nato_gap
    from detente.data.derived import countries_of

    countries_of(group, year, field_name="--group")  # a mistake names the option
    df = nato_gap(year, target, group)
    if fmt is OutputFormat.table:
        view = df.assign(gap_usd_bn=df["gap_usd"] / 1e9, gap_usd_2015_bn=df["gap_usd_2015"] / 1e9)
        cols = ["iso3", "country", "share_gdp", "gap_pp", "gap_usd_bn", "gap_usd_2015_bn", "below"]
        _print_frame(view[cols], fmt, f"gap to {target:g}% of GDP, {year} ({group})")
        return
    _print_frame(df, fmt)


@data_app.command("coalition")
def coalition_cmd(
    countries: list[str] = typer.Argument(..., help="A group (NATO-Europe, EU) or countries."),
    indicator: str = typer.Option(..., "--indicator", "-i", help="An additive indicator."),
    year: int | None = typer.Option(None, "--year", "-y", help="Year (default: latest)."),
    exclude: list[str] | None = typer.Option(None, "--exclude", help="Countries to leave out."),
    reference: str | None = typer.Option(
        None, "--reference", help="Group the share is taken of (default: all with data)."
    ),
    fmt: OutputFormat = _FMT,
) -> None:
    """Combined capability of a set of countries: sum and share of an indicator."""
    _check_years(None if year is None else [year])
    from detente.data import coalition

    names = _split(countries) or []
    spec: str | list[str] = names[0] if len(names) == 1 else names
    c = coalition(spec, indicator, year, exclude=_split(exclude) or (), reference=reference)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(c.as_dict(), indent=1, ensure_ascii=False, default=str))
        return
    if fmt is OutputFormat.csv:
        _print_frame(c.members, fmt)
        return
    console.print(
        Text(
            f"{indicator} {c.year}: total {_cell(c.total)} {c.unit}; share {100 * c.share:.1f}% "
            f"of {c.reference}"
        )
    )
    if c.missing:
        console.print(Text(f"no data: {', '.join(c.missing)}", style="yellow"))
    _print_frame(c.members, fmt)


@data_app.command("alignment")
def alignment_cmd(
    a: str = typer.Argument(..., help="First country."),
    b: str = typer.Argument(..., help="Second country."),
    year: list[int] | None = typer.Option(None, "--year", "-y", help="Year(s); repeatable."),
    fmt: OutputFormat = _FMT,
) -> None:
    """UNGA alignment of two countries: ideal-point distance and vote agreement."""
    _check_years(year)
    from detente.data import alignment

    df = alignment(a, b, year or None)
    names = df.attrs.get("names", (a, b))
    _print_frame(df, fmt, f"UNGA alignment: {names[0]} and {names[1]}")


@import_app.command("sipri-milex")
def import_milex_cmd(
    file: Path = typer.Argument(..., help="SIPRI-Milex-data-1949-YYYY.xlsx (or its tidy CSV)."),
) -> None:
    """Import SIPRI's Military Expenditure Database from your own download."""
    from detente.data import import_sipri_milex

    r = import_sipri_milex(file)
    _report_import(r)


@import_app.command("sipri-arms")
def import_arms_cmd(
    file: Path = typer.Argument(..., help="trade-register.csv exported from SIPRI."),
) -> None:
    """Import SIPRI's Arms Transfers trade register from your own download."""
    from detente.data import import_sipri_arms

    r = import_sipri_arms(file)
    _report_import(r)


def _report_import(r: Any) -> None:
    console.print(
        Text(
            f"imported {r.dataset}: {r.rows:,} rows, {r.countries} countries, "
            f"{r.years[0]}-{r.years[1]} ({r.edition})",
            style="green",
        )
    )
    console.print(Text(f"stored in {r.files[0].parent}", style="dim"))


@data_app.command("build")
def build_cmd(
    raw: Path | None = typer.Option(None, "--raw", help="Raw source folder (default: data/raw)."),
    out: Path | None = typer.Option(
        None, "--out", help="Output folder (default: the package's datasets folder)."
    ),
    sipri_milex: Path | None = typer.Option(
        None, "--sipri-milex", help="SIPRI milex workbook, to rebuild the SIPRI extract."
    ),
    sipri_arms: Path | None = typer.Option(
        None, "--sipri-arms", help="SIPRI trade register, to rebuild the SIPRI extract."
    ),
) -> None:
    """Rebuild the shipped Parquet files from the raw source files (maintainers)."""
    from detente.data.build import build_all
    from detente.data.convert._tidy import BuildError
    from detente.data.paths import SHIPPED_DIR, repo_raw_dir
    from detente.data.store import reset_store

    checkout = repo_raw_dir()
    raw_dir = raw if raw is not None else checkout
    if raw_dir is None or not raw_dir.is_dir():
        raise InputError(
            "no raw data folder found",
            field="--raw",
            fix="run from a detente source checkout or pass --raw data/raw.",
        )
    if out is None and checkout is None:
        raise InputError(
            "detente is not running from a source checkout; refusing to write into the "
            "installed package",
            field="--out",
            fix="pass --out FOLDER for the built Parquet files.",
        )
    if out is not None:
        from detente._paths import check_writable_folder

        check_writable_folder(out)
    for p in (sipri_milex, sipri_arms):
        if p is not None and not p.is_file():
            raise InputError("file not found", file=p, fix="pass the path of your SIPRI file.")
    try:
        result = build_all(
            raw_dir,
            out if out is not None else SHIPPED_DIR,
            sipri_milex=sipri_milex,
            sipri_arms=sipri_arms,
            progress=lambda msg: console_err.print(Text(msg, style="dim")),
        )
    except BuildError as err:
        raise InputError(
            str(err), fix="fix the raw file or teach the converter its layout."
        ) from None
    reset_store()
    for name, n in result.rows.items():
        console.print(f"{name}: {n:,} rows")
    console.print(Text(f"wrote {result.out_dir}", style="green"))


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to the CLI."""
    app.add_typer(data_app, name="data")
