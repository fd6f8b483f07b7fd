"""``detente deals``: the exchanges of concessions that pay for both sides.

The exchange model's first round (Stokman & Van Oosten 1994, as decide computes it):
each deal, its package, with ``--draws`` how robust each deal is, and the rival bids.
The library does the work (:mod:`detente.bargaining.deals`, run by
:func:`detente.pipeline.deals.run_deals`); this module parses options and prints.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from detente.commands._common import (
    about_file,
    check_output_paths,
    console,
    load_for_models,
    parse_params,
    table_problems,
)
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.pipeline.deals import DealsResults
    from detente.scenario import Scenario

__all__ = ["MAX_DRAWS", "register"]

#: The most draws ``--draws`` takes (each draw re-runs the search).
MAX_DRAWS = 100_000


def _num(x: Any, fmt: str = ".4g") -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "n/a"
    return format(v, fmt) if math.isfinite(v) else "n/a"


def _share(x: Any) -> str:
    return "n/a" if x is None or not math.isfinite(float(x)) else f"{100 * float(x):.0f}%"


def _rows(df: Any) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict(orient="records")]


def _move(r: dict[str, Any], tag: str) -> Text:
    """``EU  pkk_ypg  30 → 78.22`` and, dim, the anchor nearest the new position."""
    text = Text()
    text.append(str(r[f"{tag}_actor"]), style="bold")
    text.append(f"  {r[f'{tag}_issue']}  {_num(r[f'{tag}_from'])} → {_num(r[f'{tag}_to'])}")
    anchor = str(r[f"{tag}_to_anchor"] or "")
    if anchor:
        text.append("\n")
        text.append(f"to ≈ {anchor}", style="dim")
    return text


def _deals_table(res: DealsResults) -> Table:
    names = res.side_names or ("", "")
    table = Table(
        title=f"Deals {res.describe_sides()} (exchange model, first round): {len(res.deals)}",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("#", justify="right")
    table.add_column(f"moves ({names[0]})" if names[0] else "one side moves", ratio=3)
    table.add_column(f"in return ({names[1]})" if names[1] else "the other moves", ratio=3)
    table.add_column("gains", justify="right", no_wrap=True)
    table.add_column("forecast shifts", justify="right", no_wrap=True)
    robust = {int(r["deal"]): r for r in _rows(res.robust)} if res.robust is not None else None
    if robust is not None:
        table.add_column(f"holds ({res.draws:,} draws)", justify="right")
    table.add_column("rival bids", ratio=2)
    outbid = [r for r in _rows(res.rivals) if r["outbid"]]
    for r in _rows(res.deals):
        a, b = str(r["a_actor"]), str(r["b_actor"])
        cells: list[Any] = [
            str(r["deal"]),
            _move(r, "a"),
            _move(r, "b"),
            Text(f"{a} {_num(r['a_gain'], '.3f')}\n{b} {_num(r['b_gain'], '.3f')}")
            + (Text("") if r["mutual"] else Text("\nnot mutual", style="yellow")),
            f"{r['a_issue']} {_num(r['a_shift'], '+.3g')}\n"
            f"{r['b_issue']} {_num(r['b_shift'], '+.3g')}",
        ]
        if robust is not None:
            row = robust[int(r["deal"])]
            cell = Text(_share(row["holds"]))
            if row["point_only"]:
                cell.append("\npoint estimate only", style="yellow")
            cells.append(cell)
        bids = Text()
        for bid in (x for x in outbid if x["deal"] == r["deal"]):
            if bids:
                bids.append("\n")
            bids.append(
                f"{bid['rival']} outbids for {bid['partner']} by {_num(bid['margin'], '.3f')}",
                style="red",
            )
        cells.append(bids)
        table.add_row(*cells)
    return table


def _package_table(res: DealsResults) -> Table:
    table = Table(title="The package: every deal executed", title_justify="left")
    table.add_column("issue", style="bold")
    table.add_column("forecast before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("shift", justify="right")
    table.add_column("deals", justify="right")
    table.add_column("nearest verbal anchor (before → after)")
    for r in _rows(res.package):
        before, after = str(r["before_anchor"] or ""), str(r["after_anchor"] or "")
        anchors = after if before == after else f"{before} → {after}"
        table.add_row(
            str(r["issue"]),
            _num(r["outcome_before"]),
            _num(r["outcome_after"]),
            _num(r["shift"], "+.3g"),
            str(r["deals"]),
            Text(anchors, style="dim"),
        )
    return table


def _sides_table(res: DealsResults) -> Table:
    title = "What the package gives each side" + (
        " (a side's gain is the sum of its members' gains)" if res.sides is not None else ""
    )
    table = Table(title=title, title_justify="left")
    table.add_column("side", style="bold")
    table.add_column("members")
    table.add_column("gain", justify="right")
    draws = res.robust is not None
    if draws:
        table.add_column("5%–95% over the draws", justify="right")
        table.add_column("gains in", justify="right")
    for r in _rows(res.side_gains):
        cells: list[Any] = [str(r["side"]), ", ".join(r["members"]), _num(r["gain"], "+.3f")]
        if draws:
            cells += [
                f"{_num(r['gain_p05'], '+.3f')} to {_num(r['gain_p95'], '+.3f')}",
                _share(r["gains"]),
            ]
        table.add_row(*cells)
    return table


def _rivals_table(res: DealsResults) -> Table | None:
    out = [r for r in _rows(res.rivals) if r["outbid"]]
    if not out:
        return None
    table = Table(
        title="Rival bids that outbid a deal (offers at the start of the round)",
        title_justify="left",
    )
    table.add_column("deal", justify="right")
    for col in ("partner", "rival", "the rival moves", "the partner moves"):
        table.add_column(col)
    table.add_column("partner's gain: deal → rival", justify="right")
    table.add_column("margin", justify="right")
    for r in out:
        table.add_row(
            str(r["deal"]),
            str(r["partner"]),
            str(r["rival"]),
            f"{r['partner_gets']} {_num(r['rival_from'])} → {_num(r['rival_to'])}",
            f"{r['partner_issue']} {_num(r['partner_from'])} → {_num(r['partner_to'])}",
            f"{_num(r['offer_gain'], '.3f')} → {_num(r['rival_gain'], '.3f')}",
            _num(r["margin"], "+.3f"),
        )
    return table


def _summary(res: DealsResults) -> list[str]:
    lines = []
    if res.sides is not None and res.sides_from == "[deals]":
        named = "; ".join(
            f"{n} = {', '.join(m)}" for n, m in zip(res.sides.names, res.sides.members, strict=True)
        )
        lines.append(
            f"Sides from the scenario's [deals] table: {named} "
            "(--between A B for others, --all-pairs for every pair)."
        )
    if len(res.deals):
        pays = "pays for" if res.mutually_beneficial else "does not pay for"
        lines.append(f"The package {pays} every side.")
    if res.package_holds is not None and math.isfinite(res.package_holds):
        lines.append(
            f"Over {res.draws:,} draws of the inputs, every side gains from the package in "
            f"{_share(res.package_holds)} of the draws; a draw's package executes "
            f"{_share(res.overlap)} of these deals on average."
        )
    n_out = int(res.rivals["outbid"].sum()) if len(res.rivals) else 0
    if len(res.deals):
        lines.append(
            f"{n_out} of {2 * len(res.deals)} partner offers are outbid by a third actor."
            if n_out
            else "No third actor outbids a deal."
        )
    return lines


def _check_params(raw: dict[str, str]) -> dict[str, str]:
    """The ``--param`` values, checked against the exchange model's parameters."""
    from detente.bargaining import get_model, resolve_params
    from detente.errors import Problem

    try:
        resolve_params(get_model("exchange"), raw)
    except InputError as err:
        raise InputError(
            [Problem(p.message, field=f"--param {p.field}", fix=p.fix) for p in err.problems]
        ) from None
    return raw


def _deals_cmd(
    file: Path = typer.Argument(..., help="Scenario file (.toml, KTAB .csv/.xml, DEU, decide)."),
    between: tuple[str, str] | None = typer.Option(
        None,
        "--between",
        help="Only exchanges across two sides: A B, each an actor id or a group of actors "
        "(default: the scenario's deals table, else every pair).",
    ),
    all_pairs: bool = typer.Option(
        False, "--all-pairs", help="Every pair of actors, ignoring the scenario's deals table."
    ),
    draws: int = typer.Option(
        0, "--draws", help="Re-run the search over N draws of the stated input uncertainty."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the draws."),
    param: list[str] = typer.Option(
        None, "--param", "-p", help="Exchange-model parameter KEY=VALUE (variant, p, rules)."
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write the results as JSON."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Write one row per deal as CSV."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
    format: str | None = typer.Option(
        None, "--format", help="Input format: toml, ktab-csv, ktab-xml, deu, decide."
    ),
    scenario_id: str | None = typer.Option(
        None, "--scenario", help="For files holding several scenarios (DEU): the one to use."
    ),
) -> None:
    """Which concessions pay for both sides: the exchange model's deals and their package."""
    from detente._atomic import atomic_write_text
    from detente.pipeline.deals import deals_csv_table, deals_json, run_deals

    if draws < 0 or draws > MAX_DRAWS:
        raise InputError(
            f"--draws must be between 0 and {MAX_DRAWS:,}, not {draws:,}",
            field="--draws",
            fix="e.g. --draws 1000.",
        )
    params = _check_params(parse_params(param))
    if between is not None and any(not str(x).strip() for x in between):
        raise InputError(
            "--between needs two names", field="--between", fix="write e.g. --between Europe TUR."
        )
    check_output_paths([json_out, csv_out], force=force, inputs=[file])
    scenario: Scenario = load_for_models(file, format=format, scenario_id=scenario_id)
    tables = table_problems(scenario, file, models=["exchange"], partnership=False)
    if tables:
        raise InputError(tables)
    with about_file(file):
        res = run_deals(
            scenario,
            draws=draws,
            seed=seed,
            between=between,
            all_pairs=all_pairs,
            params=params,
        )
    console.print(_deals_table(res))
    if len(res.deals):
        console.print(_package_table(res))
        console.print(_sides_table(res))
        rivals = _rivals_table(res)
        if rivals is not None:
            console.print(rivals)
    for line in _summary(res):
        console.print(line)
    for note in res.notes:
        console.print(Text.assemble(("note: ", "yellow"), note))
    if json_out is not None:
        text = json.dumps(deals_json(res), indent=2, allow_nan=False, ensure_ascii=False)
        atomic_write_text(json_out, text + "\n")
        console.print(f"wrote {json_out}")
    if csv_out is not None:
        atomic_write_text(csv_out, deals_csv_table(res).to_csv(index=False))
        console.print(f"wrote {csv_out}")


def register(app: typer.Typer) -> None:
    """Add ``detente deals`` to the CLI."""
    app.command("deals")(_deals_cmd)
