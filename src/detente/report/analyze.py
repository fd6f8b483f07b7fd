"""``detente analyze``: one scenario file in, a report folder out.

Stages: load the scenario, resolve its capabilities from data, capability panels and
claims, negotiation forecasts (with sensitivity and draws), the deal finder (with the
same draws), the strategy lab, then the report, the summary and the run store.
Progress is reported as :class:`~detente.pipeline.progress.ProgressEvent` objects to a
function the caller gives (the CLI draws progress bars; the app forwards them to the
page).

A run is published as a whole.  Everything is written into a hidden folder beside the
output folder and swapped with it in one step (:func:`detente._atomic.publish_folder`),
so an interrupted run, or a crash at any moment, leaves either the earlier run whole
or the new one whole, never a new store beside an old report.  ``run.json`` lists the
run's files with their SHA-256, so anyone can check that a folder is one run.  Because
the folder is replaced as a whole, a folder holding anything but a run's files is
refused, as is a folder holding another scenario's run (unless ``force`` is set) or
report files that no detente run wrote.

Testing hook: the environment variable ``DETENTE_REPORT_PAUSE=STAGE:SECONDS`` makes
the run sleep that long at the start of stage ``STAGE`` (or, for ``swap``, just before
the new run is published), so that the tests can interrupt a run mid-way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente._atomic import (
    ForeignEntriesError,
    atomic_write_json,
    foreign_entries,
    publish_folder,
    recover_folder,
    staged_folder,
)
from detente._version import __version__
from detente.errors import InputError
from detente.pipeline import engines
from detente.pipeline.accuracy import accuracy_table
from detente.pipeline.deals import deals_steps, run_deals
from detente.pipeline.progress import ProgressFn, Stages
from detente.pipeline.results import forecast_table
from detente.pipeline.warm import CompileAhead, compile_ahead
from detente.report import capabilities, claims, deals, findings, negotiation, strategy
from detente.report.case import case_section, inputs_frames
from detente.report.figures import Finding, Section
from detente.report.html import ReportMeta, render_html
from detente.report.store import STORE_NAME, read_run, write_store
from detente.report.summary import render_summary
from detente.scenario import Scenario, dumps, load_scenario

__all__ = ["MANIFEST_NAME", "OUTPUTS", "STAGES", "AnalyzeResult", "analyze", "check_output_dir"]

REPORT_NAME = "report.html"
SUMMARY_NAME = "summary.md"
MANIFEST_NAME = "run.json"
#: The files of a run (the manifest, written last, lists the others).
OUTPUTS = (STORE_NAME, SUMMARY_NAME, REPORT_NAME, MANIFEST_NAME)
#: What an earlier run's folder may hold (DuckDB may leave its write-ahead log).
_REPLACEABLE = frozenset((*OUTPUTS, f"{STORE_NAME}.wal"))
STAGES = (
    ("load", "Load the scenario"),
    ("data", "Resolve capabilities, data panels, claims"),
    ("strategy", "Strategy lab"),
    ("forecasts", "Negotiation forecasts and sensitivity"),
    ("deals", "Deals: which concessions pay for both sides"),
    ("report", "Charts, findings, report"),
    ("store", "Run store and atomic write"),
)


@dataclass
class AnalyzeResult:
    """What a run produced."""

    out_dir: Path
    scenario_id: str
    scenario_hash: str
    timings: dict[str, float]
    panels: list[tuple[str, str, str]] = field(default_factory=list)  # section, panel, status
    findings: list[Finding] = field(default_factory=list)

    @property
    def report(self) -> Path:
        """Path of ``report.html``."""
        return self.out_dir / REPORT_NAME


def check_output_dir(out_dir: Path, scenario_id: str, *, force: bool) -> None:
    """Refuse an output folder that holds another scenario's run (without ``force``).

    Raises
    ------
    InputError
        If ``out_dir`` is a file; or, without ``force``, if it holds report files
        that no readable detente store vouches for, or a store of another scenario.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(
            "the output path exists and is not a folder",
            file=out_dir,
            fix="give a folder for the report (it is created if missing).",
        )
    recover_folder(out_dir)
    if not out_dir.is_dir():
        return
    foreign = foreign_entries(out_dir, _REPLACEABLE)
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise InputError(
            f"the folder holds entries that are not part of a detente run ({shown}); a run "
            "replaces its folder as a whole, so it needs a folder of its own",
            file=out_dir,
            fix="choose a new or empty folder for the report, or move those entries out.",
        )
    if force:
        return
    present = [name for name in OUTPUTS if (out_dir / name).exists()]
    if not present:
        return
    store = out_dir / STORE_NAME
    if not store.exists():
        raise InputError(
            f"the folder already holds {', '.join(present)} but no run store, so detente "
            "cannot tell whose report it is",
            file=out_dir,
            fix="choose another folder, or pass --force to overwrite those files.",
        )
    try:
        previous = read_run(store)
    except InputError:
        raise InputError(
            f"the folder holds a {STORE_NAME} that is not a readable detente run store",
            file=out_dir,
            fix="choose another folder, or pass --force to overwrite it.",
        ) from None
    if previous.scenario_id != scenario_id:
        raise InputError(
            f"the folder holds the run of another scenario ({previous.scenario_id!r}, "
            f"from {previous.input_file or 'an unknown file'}), not of {scenario_id!r}",
            file=out_dir,
            fix="choose another folder, or pass --force to replace that run.",
        )


def _pause(stage: str) -> None:
    hook = os.environ.get("DETENTE_REPORT_PAUSE", "")
    name, _, seconds = hook.partition(":")
    if name == stage and seconds:
        sys.stderr.write(f"paused at {stage}\n")
        sys.stderr.flush()
        time.sleep(float(seconds))


def _data_versions(data: Any) -> dict[str, str]:
    if data is None or not hasattr(data, "sources"):
        return {}
    out = {}
    for p in data.sources():
        out[str(p.id)] = f"{p.title}, {p.edition} ({p.status})"
    return out


def _resolve(scenario: Scenario, data: Any, path: Path) -> Scenario:
    if data is None or not scenario.unresolved_actors:
        return scenario
    resolved = data.resolve_capabilities(scenario, file=path)
    assert isinstance(resolved, Scenario)
    return resolved


def analyze(
    path: Path,
    out_dir: Path,
    *,
    draws: int = 0,
    scenarios: int = 0,
    seed: int = 0,
    force: bool = False,
    progress: ProgressFn | None = None,
    command: str | None = None,
    ahead: CompileAhead | None = None,
) -> AnalyzeResult:
    """Run everything on a scenario and write ``report.html``, ``summary.md`` and
    ``results.duckdb`` to ``out_dir``.

    Parameters
    ----------
    path
        The scenario file.
    out_dir
        The report folder (created if missing).
    draws
        Monte Carlo draws of the inputs for the forecast intervals.
    scenarios
        Futures sampled by the strategy lab.
    seed
        Master seed of every stochastic step.
    force
        Replace a run of another scenario, or report files of unknown origin.
    progress
        Called with every :class:`~detente.pipeline.progress.ProgressEvent` (``None``:
        progress is not reported).
    command
        The command line to print as "Reproduce" (default: built from the options).
    ahead
        A process already compiling the exchange model's engine (see
        :func:`detente.pipeline.warm.compile_ahead`; the caller closes it); by default
        ``analyze`` starts one itself when numba's cache lacks the engine.

    Returns
    -------
    AnalyzeResult

    Raises
    ------
    InputError
        For a bad scenario file, bad options, or a refused output folder.
    """
    for name, value in (("--draws", draws), ("--scenarios", scenarios), ("--seed", seed)):
        if value < 0:
            raise InputError(
                f"{name} must be zero or positive, not {value}",
                field=name,
                fix=f"give {name} 0 or more (0 skips that stage)."
                if name != "--seed"
                else "give a seed of 0 or more, e.g. --seed 1.",
            )
    path = Path(path)
    out_dir = Path(out_dir)
    started = dt.datetime.now(dt.UTC)
    stages = Stages(STAGES, progress, before=_pause)
    with stages.stage("load") as step:
        raw = path.read_bytes() if path.is_file() else b""
        scenario = load_scenario(path)
        check_output_dir(out_dir, scenario.id, force=force)
        digest = hashlib.sha256(raw).hexdigest()
        step("loaded")
    # a fresh installation compiles the exchange model's engine on its first call: do
    # that in another process while this one works on the data and the other models
    with compile_ahead(["exchange"]) if ahead is None else contextlib.nullcontext(ahead) as ahead:
        with stages.stage("data", total=3) as step:
            data = capabilities.load_data_layer()
            scenario = _resolve(scenario, data, path)
            step("resolved")
            cap_section, cap_findings = capabilities.capabilities_section(scenario, data)
            step("capabilities")
            claim_section, claim_findings = claims.claims_section(scenario, data)
            step("claims")
        # the lab first: it needs no model that may still be compiling elsewhere
        with stages.stage("strategy", total=2) as step:
            lab = engines.run_strategy(scenario, n_scenarios=scenarios, seed=seed, step=step)
        with stages.stage("forecasts") as step:
            step.set_total(engines.negotiation_steps(draws))
            neg = engines.run_negotiation(
                scenario,
                draws=draws,
                seed=seed,
                step=step,
                before=lambda model: model in ahead.models and ahead.wait(),
                last=ahead.models,
            )
    with stages.stage("deals") as step:
        step.set_total(deals_steps(draws))
        found_deals = (
            run_deals(scenario, draws=draws, seed=seed, step=step)
            if len(scenario.issues) >= 2
            else None
        )
    with stages.stage("report", total=3) as step:
        sections = [case_section(scenario), cap_section, claim_section]
        neg_section = negotiation.negotiation_section(neg, scenario)
        sections.append(neg_section)
        sections.append(deals.deals_section(found_deals, scenario))
        sections.append(strategy.strategy_section(lab))
        step("sections")
        found: list[Finding] = [*cap_findings, *claim_findings]
        if neg.unavailable is None:
            table = forecast_table(neg, scenario)
            found += findings.forecast_findings(table, scenario)
            found += findings.accuracy_findings(accuracy_table(neg))
            found += findings.swing_findings(neg.swings, scenario)
        found += deals.deals_findings(found_deals, scenario)
        found += findings.strategy_findings(lab)
        figure_ids = {f.id for s in sections for f in s.figures()}
        found = [f for f in findings.rank_findings(found) if f.figure_id in figure_ids]
        sections.append(
            Section(
                id="findings",
                title="7. Findings",
                intro=[
                    "Plain sentences generated from the numbers above, most important "
                    "first; each links to the chart it rests on."
                ],
            )
        )
        generated = started.strftime("%Y-%m-%d %H:%M UTC")
        data_versions = _data_versions(data)
        cmd = command or (
            f"detente analyze {path} -o {out_dir} --draws {draws} --scenarios "
            f"{scenarios} --seed {seed}"
        )
        meta = ReportMeta(
            title=scenario.name,
            question=scenario.question,
            description=scenario.description,
            scenario_id=scenario.id,
            scenario_hash=digest,
            generated=generated,
            version=__version__,
            seed=seed,
            draws=draws,
            scenarios=scenarios,
            command=cmd,
            data_versions=list(data_versions.values()),
        )
        html_text = render_html(meta, sections, found)
        step("html")
        summary_text = render_summary(meta, sections, found)
        step("summary")
    with stages.stage("store") as step:
        # the time to the microsecond: two runs of one file within a second differ
        run_id = f"{scenario.id}-{started.strftime('%Y%m%dT%H%M%S.%f')}-{digest[:8]}"
        with staged_folder(out_dir) as tmp:
            (tmp / REPORT_NAME).write_text(html_text, encoding="utf-8")
            (tmp / SUMMARY_NAME).write_text(summary_text, encoding="utf-8")
            finished = dt.datetime.now(dt.UTC)
            timings = dict(stages.timings)
            run_row = {
                "run_id": run_id,
                "scenario_id": scenario.id,
                "scenario_name": scenario.name,
                "scenario_hash": digest,
                "scenario_text": raw.decode("utf-8", errors="replace"),
                "scenario_toml": _toml(scenario),
                "input_file": str(path),
                "started": started.isoformat(),
                "finished": finished.isoformat(),
                "seed": int(seed),
                "draws": int(draws),
                "scenarios": int(scenarios),
                "version": __version__,
                "data_versions": data_versions,
                "options": {
                    "draws": draws,
                    "scenarios": scenarios,
                    "seed": seed,
                    "force": force,
                    "command": cmd,
                },
            }
            write_store(
                tmp / STORE_NAME,
                run=run_row,
                timings=timings,
                inputs=inputs_frames(scenario),
                sections=sections,
                findings=found,
            )
            _write_manifest(tmp, run_id, scenario.id)
            _pause("swap")
            try:
                publish_folder(tmp, out_dir, replaceable=_REPLACEABLE)
            except ForeignEntriesError as err:  # something was put there meanwhile
                raise InputError(
                    f"the folder now holds entries that are not part of a detente run "
                    f"({', '.join(err.names[:5])}), so the run was not published",
                    file=out_dir,
                    fix="choose a new or empty folder for the report.",
                ) from None
            step("written")
    timings = dict(stages.timings)
    return AnalyzeResult(
        out_dir=out_dir,
        scenario_id=scenario.id,
        scenario_hash=digest,
        timings=timings,
        panels=[
            (s.id, p.id, "live" if p.live else f"unavailable: {p.unavailable}")
            for s in sections
            for p in s.panels
        ],
        findings=found,
    )


def _toml(scenario: Scenario) -> str:
    try:
        return dumps(scenario, "toml")
    except Exception as err:  # a scenario detente cannot write as TOML
        return json.dumps({"error": f"{type(err).__name__}: {err}"})


def _write_manifest(folder: Path, run_id: str, scenario_id: str) -> None:
    """Write ``run.json``: the run's id and the SHA-256 of each of its files."""
    files = {}
    for name in OUTPUTS:
        if name == MANIFEST_NAME:
            continue
        files[name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    atomic_write_json(
        folder / MANIFEST_NAME,
        {"run_id": run_id, "scenario_id": scenario_id, "version": __version__, "files": files},
    )
