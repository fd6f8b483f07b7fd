"""``detente validate``, ``detente show`` and ``detente convert``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from detente.commands._common import (
    about_file,
    check_output_path,
    console,
    table_problems,
    unknown_model_tables,
)
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.scenario import Format, Scenario

__all__ = ["register"]

_FILE = typer.Argument(..., help="Scenario file (.toml, KTAB .csv/.xml, or a DEU table).")
_FORMAT = typer.Option(
    None,
    "--format",
    help="Input format if it cannot be told from the file: toml, ktab-csv, ktab-xml, deu, decide.",
)
_SCENARIO = typer.Option(
    None, "--scenario", help="For files holding several scenarios (DEU): the one to use."
)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def capability_text(scenario: Scenario, actor_id: str) -> Text:
    """How an actor's capability is shown: the number, or its data reference."""
    from detente.scenario import DataRef

    a = scenario.actor(actor_id)
    if isinstance(a.capability, DataRef):
        ref = a.capability.describe()
        if a.resolved is not None:
            return Text(f"{_fmt(a.resolved.value)}  ← {ref}")
        return Text(f"{ref} (unresolved)", style="yellow")
    return Text(_fmt(a.capability))


#: Actors shown by ``detente show`` unless ``--all`` is given: a table of thousands of
#: rows helps nobody on a screen, and takes rich seconds per thousand rows to draw.
SHOW_ROWS = 200


def _scenario_table(s: Scenario, rows: int | None = None) -> Table:
    table = Table(title=f"{s.name}  [{s.id}]", title_justify="left", show_lines=False)
    table.add_column("actor", style="bold", no_wrap=True)
    table.add_column("kind")
    table.add_column("capability", justify="right")
    for i in s.issues:
        table.add_column(f"{i.id}\npos / sal", justify="right")
    for a in s.actors[:rows]:
        cells: list[str | Text] = [Text(a.id), a.kind.value, capability_text(s, a.id)]
        for i in s.issues:
            st = s.stance(a.id, i.id)
            if st is None:
                cells.append(Text("–", style="dim"))
            else:
                txt = f"{_fmt(st.position)} / {_fmt(st.salience)}"
                if st.uncertainty is not None:
                    u = st.uncertainty
                    txt += f" ±{_fmt(u.sd)}" if u.sd is not None else f" [{u.low:g}–{u.high:g}]"
                cells.append(Text(txt))
        table.add_row(*cells)
    sq_cells: list[str | Text] = [Text("status quo", style="italic"), "", ""]
    for i in s.issues:
        sq_cells.append(Text("–" if i.status_quo is None else _fmt(i.status_quo), style="italic"))
    table.add_row(*sq_cells)
    return table


def _issue_table(s: Scenario) -> Table:
    table = Table(title="issues", title_justify="left")
    table.add_column("id", style="bold")
    table.add_column("label")
    table.add_column("scale")
    table.add_column("anchors")
    for i in s.issues:
        anchors = "\n".join(f"{p:g}: {t}" for p, t in i.anchors.items())
        table.add_row(Text(i.id), Text(i.label), f"{i.scale.min:g}–{i.scale.max:g}", Text(anchors))
    return table


#: Warnings printed by ``validate`` and ``show`` before the rest are counted.
MAX_WARNINGS = 20


def _print_warnings(warnings: list[str], indent: str) -> None:
    for w in warnings[:MAX_WARNINGS]:
        console.print(Text(f"{indent}warning: {w}", style="yellow"))
    if len(warnings) > MAX_WARNINGS:
        console.print(
            Text(f"{indent}... and {len(warnings) - MAX_WARNINGS:,} more warnings", style="yellow")
        )


def _summary(s: Scenario) -> str:
    unresolved = s.unresolved_actors
    extra = f", {len(unresolved)} capability reference(s) unresolved" if unresolved else ""
    return (
        f"{s.id}: {len(s.actors)} actors, {len(s.issues)} issues, {len(s.stances)} stances{extra}"
    )


def validate(
    files: list[Path] = typer.Argument(..., help="Scenario files to check."),
    format: str | None = _FORMAT,
) -> None:
    """Check scenario files; report every problem with its file, line and fix."""
    from detente.scenario import load_scenarios, scenario_warnings

    failed: list[InputError] = []
    for f in files:
        try:
            scenarios = load_scenarios(f, format=format)
            tables = [p for s in scenarios for p in table_problems(s, f)]
            if len(scenarios) == 1 and scenarios[0].claims:
                # claims that could not be checked (unknown indicator, unit, country)
                from detente.data.claims import claims_problems_in_data

                tables += claims_problems_in_data(scenarios[0], file=f)
            if tables:
                raise InputError(tables)
        except InputError as err:
            failed.append(err)
            console.print(Text(f"✗ {f}", style="red"))
            continue
        if len(scenarios) == 1:
            console.print(Text(f"✓ {f}: {_summary(scenarios[0])}", style="green"))
        else:
            n_act = sum(len(s.actors) for s in scenarios)
            console.print(
                Text(f"✓ {f}: {len(scenarios)} scenarios, {n_act} actor entries", style="green")
            )
        warnings = list(scenarios[0].meta.get("warnings", []))
        if len(scenarios) == 1:
            warnings += scenario_warnings(scenarios[0])
        _print_warnings(warnings, "  ")
        if len(scenarios) == 1:
            for name in unknown_model_tables(scenarios[0]):
                console.print(
                    Text(
                        f"  warning: [models.{name}] names no model, so no model reads it "
                        "(`detente forecast --help` lists the models)",
                        style="yellow",
                    )
                )
    if failed:
        problems = [p for err in failed for p in err.problems]
        raise InputError(problems)


def show(
    file: Path = _FILE,
    format: str | None = _FORMAT,
    scenario: str | None = _SCENARIO,
    all_rows: bool = typer.Option(
        False, "--all", help=f"Show every actor (by default the first {SHOW_ROWS})."
    ),
) -> None:
    """Show a scenario: actors × issues with positions, saliences and capabilities."""
    from detente.scenario import load_scenario, load_scenarios, scenario_warnings

    scenarios = load_scenarios(file, format=format)
    if scenario is None and len(scenarios) > 1:
        table = Table(title=f"{file}: {len(scenarios)} scenarios", title_justify="left")
        for col in ("id", "name", "actors", "issues", "status quo", "outcome"):
            table.add_column(col)
        for s in scenarios:
            i = s.issues[0]
            table.add_row(
                s.id,
                Text(s.name),
                str(len(s.actors)),
                str(len(s.issues)),
                "–" if i.status_quo is None else _fmt(i.status_quo),
                "–" if i.outcome is None else _fmt(i.outcome),
            )
        console.print(table)
        console.print("Show one with --scenario ID.")
        return
    s = (
        scenarios[0]
        if scenario is None
        else load_scenario(file, format=format, scenario_id=scenario)
    )
    s = _resolve_data(s, file)
    if s.question:
        console.print(Text(s.question, style="italic"))
    rows = None if all_rows else SHOW_ROWS
    console.print(_scenario_table(s, rows))
    hidden = len(s.actors) - SHOW_ROWS
    if rows is not None and hidden > 0:
        console.print(f"... and {hidden:,} more actors (--all shows every one)")
    if any(i.anchors or i.label != i.id for i in s.issues):
        console.print(_issue_table(s))
    if any(a.resolved is not None for a in s.actors):
        console.print(_capability_table(s, rows))
    _print_warnings([*s.meta.get("warnings", []), *scenario_warnings(s)], "")


def convert(
    file: Path = _FILE,
    to: str = typer.Option(
        ..., "--to", help="Output format: toml, ktab-csv, ktab-xml, deu, decide."
    ),
    output: Path = typer.Option(..., "-o", "--output", help="Output file."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing output file."),
    format: str | None = _FORMAT,
    scenario: str | None = _SCENARIO,
) -> None:
    """Convert a scenario file to another format."""
    from detente.scenario import Format, load_scenario, load_scenarios, write_scenarios

    try:
        target = Format(to.lower())
    except ValueError:
        raise InputError(
            f"unknown output format {to!r}",
            field="--to",
            fix=f"use one of {', '.join(f.value for f in Format)}.",
        ) from None
    check_output_path(output, force=force, inputs=[file])
    if scenario is not None:
        scenarios = [load_scenario(file, format=format, scenario_id=scenario)]
    else:
        scenarios = load_scenarios(file, format=format)
        if len(scenarios) > 1 and target is not Format.DEU:
            raise InputError(
                f"the file holds {len(scenarios)} scenarios; {target.value} holds one",
                file=file,
                fix="pick one with --scenario ID, or convert to deu.",
            )
    # what validate refuses is not converted: the output would be refused too
    tables = [p for s in scenarios for p in table_problems(s, file)]
    if tables:
        raise InputError(tables)
    resolved = target is not Format.TOML and any(s.unresolved_actors for s in scenarios)
    if resolved:
        # KTAB and DEU files hold numbers only: look the data references up
        scenarios = [_resolve_data(s, file) for s in scenarios]
    with about_file(file):
        write_scenarios(scenarios, output, format=target, force=force)
    console.print(f"wrote {output} ({target.value})")
    _note_suffix(output, target)
    _note_left_out(scenarios, output, target)
    if resolved:
        console.print(
            f"note: capabilities taken from data were written as numbers in {target.value}"
        )


#: The usual extension of each format (keyed by :class:`detente.scenario.Format` value).
_USUAL_SUFFIX = {
    "toml": ".toml",
    "ktab-csv": ".csv",
    "ktab-xml": ".xml",
    "deu": ".tsv",
    "decide": ".csv",
}


def _note_left_out(scenarios: list[Scenario], output: Path, target: Format) -> None:
    """Say what the output format could not hold (read back and compared)."""
    from detente.scenario import Format, load_scenarios
    from detente.scenario.io import left_out

    if target is Format.TOML:
        return
    try:
        back = load_scenarios(output, format=target)
    except InputError:
        return  # nothing to compare with; the write itself succeeded
    lost: list[str] = []
    by_id = {b.id: b for b in back}
    for s in scenarios:
        twin = by_id.get(s.id) or (back[0] if len(back) == 1 else None)
        if twin is not None:
            lost += [x for x in left_out(s, twin) if x not in lost]
    if lost:
        console.print(
            f"note: {target.value} cannot hold {', '.join(lost)}; they were left out "
            "(keep the TOML file for them)",
            markup=False,
        )


def _note_suffix(output: Path, target: Format) -> None:
    """Say so when detente would not read ``output`` back as ``target`` without --format."""
    from detente.scenario import detect_format

    try:
        same = detect_format(output) is target
    except InputError:
        same = False
    if same:
        return
    console.print(
        f"note: {output.name} holds {target.value}, but its name makes it read as another "
        f"format: read it with --format {target.value}, or name it *{_USUAL_SUFFIX[target]}"
    )


# -- capabilities from data (detente.data) ---------------------------------------------


def _resolve_data(s: Scenario, file: Path) -> Scenario:
    """Resolve data-referenced capabilities (``capability = {indicator = ...}``)."""
    if not s.unresolved_actors:
        return s
    from detente.data import resolve_capabilities

    return resolve_capabilities(s, file=file)


def _capability_table(s: Scenario, rows: int | None = None) -> Table:
    """Where each data-referenced capability came from: value, year, unit, source."""
    table = Table(title="capabilities from data", title_justify="left")
    for col in ("actor", "value", "indicator", "year", "unit", "source", "note"):
        table.add_column(col, justify="right" if col in ("value", "year") else "left")
    for a in s.actors[:rows]:
        r = a.resolved
        if r is None:
            continue
        note = r.note
        if r.missing_members:
            note = f"{note}; no data: {', '.join(r.missing_members)}".strip("; ")
        table.add_row(
            Text(a.id),
            _fmt(r.value),
            Text(r.indicator),
            "" if r.year is None else str(r.year),
            Text(r.unit),
            Text(r.source),
            Text(note),
        )
    return table


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the CLI."""
    app.command("validate")(validate)
    app.command("show")(show)
    app.command("convert")(convert)
