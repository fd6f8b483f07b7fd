"""The partnership strategy lab: from a scenario file to ranked, stress-tested strategies.

:func:`read_config` loads a scenario file (validated as a whole) and its
``[partnership]`` table;
:func:`make_model` turns it into an exploratory model (:class:`detente.explore.Model`);
:func:`run_lab` samples the futures, evaluates every strategy in every future, ranks
the strategies by robustness, asks PRIM where the recommended strategy does worse
than the runner-up, computes Sobol indices for it, and writes
``experiments.parquet`` and ``summary.json``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detente._atomic import atomic_write_json
from detente.errors import InputError, Problem
from detente.explore import (
    Constant,
    ExperimentDesign,
    Model,
    Results,
    Sampler,
    find_boxes,
    perform_experiments,
    rank,
    robustness,
    sobol_indices,
)
from detente.explore.evaluate import DASK_TIMEOUT
from detente.explore.prim import PrimResult
from detente.explore.robustness import StrategyScore
from detente.explore.sensitivity import SobolIndices
from detente.partnership.model import PartnershipModel
from detente.partnership.parameters import PartnershipConfig, build, load_config
from detente.scenario import Format, detect_format, load_scenario
from detente.scenario._text import read_text
from detente.scenario.toml_format import parse_toml

__all__ = ["LabReport", "compare", "make_model", "read_config", "run_lab"]


def read_config(path: str | Path) -> PartnershipConfig:
    """Load a scenario file and validate its ``[partnership]`` table.

    The whole file is read and validated by :func:`detente.scenario.load_scenario`, as
    every command does (actors, issues, stances, sources: each problem with its line),
    and the ``[partnership]`` table by :func:`detente.partnership.load_config` (each
    problem with its line).  Problems of both kinds are reported together.

    Raises
    ------
    InputError
        If the file is missing or not valid TOML, the scenario is invalid, or the
        ``[partnership]`` table is missing or invalid.
    """
    path = Path(path)
    problems: list[Problem] = []
    scenario = None
    cfg: PartnershipConfig | None = None
    try:
        scenario = load_scenario(path)
    except InputError as err:
        problems.extend(err.problems)
    table: Any = None
    text: str | None = None
    if scenario is not None:
        table = scenario.partnership
        if detect_format(path) is Format.TOML:
            text = read_text(path, legacy_encodings=False).text  # UTF-8 or UTF-16
    else:
        # the scenario is invalid; still check the [partnership] table if the TOML parses
        try:
            text = read_text(path, legacy_encodings=False).text
            table = parse_toml(text, file=path).get("partnership")
        except InputError:
            raise InputError(problems) from None
    if table is None:
        problems.append(
            Problem(
                "the scenario has no [partnership] table",
                file=str(path),
                field="partnership",
                fix="add a [partnership] table (see docs/models/partnership.md); an empty "
                "table uses the documented defaults.",
            )
        )
        raise InputError(problems)
    if not isinstance(table, dict):
        problems.append(
            Problem(
                "[partnership] must be a table",
                file=str(path),
                field="partnership",
                fix="write it as a [partnership] table.",
            )
        )
        raise InputError(problems)
    try:
        cfg = load_config(table, file=str(path), text=text)
    except InputError as err:
        problems.extend(err.problems)
    if problems or cfg is None:
        raise InputError(problems)
    return cfg


def make_model(cfg: PartnershipConfig) -> tuple[Model, ExperimentDesign]:
    """The exploratory model of a configuration and a one-scenario design skeleton."""
    uncs, levers, strategies, outcomes = build(cfg)
    model = Model(
        name="partnership",
        function=PartnershipModel(cfg.horizon),
        uncertainties=uncs,
        levers=levers,
        outcomes=outcomes,
    )
    design = ExperimentDesign(n_scenarios=1, strategies=strategies)
    return model, design


def compare(
    results: Results, a: str, b: str, outcome: str, *, max_points: int = 20_000, **prim_kw: Any
) -> PrimResult:
    """PRIM boxes of the futures in which strategy ``a`` does worse than ``b``.

    Parameters
    ----------
    results
        A factorial run holding both strategies.
    a, b
        Strategy names.
    outcome
        The outcome compared (its direction says what "worse" means).
    max_points
        Use the first this many kept scenarios (a random sample, since scenarios are
        sampled independently of their index).
    **prim_kw
        Passed to :func:`detente.explore.find_boxes`.
    """
    names = results.strategy_names
    for s in (a, b):
        if s not in names:
            raise InputError(f"strategy {s!r} was not run", fix=f"use one of {names}.")
    spec = results.model.outcome(outcome)
    x = results.matrix(outcome)
    m = min(results.n_kept, max_points)
    va, vb = x[names.index(a), :m], x[names.index(b), :m]
    worse = va < vb if spec.sign > 0 else va > vb
    cols = {
        u.name: results.inputs[u.name][:m]
        for u in results.model.uncertainties
        if not isinstance(u, Constant) and u.bounds[0] != u.bounds[1]
    }
    return find_boxes(
        cols, worse, question=f"where does {a} do worse than {b} on {outcome}?", **prim_kw
    )


@dataclass
class LabReport:
    """Everything :func:`run_lab` found."""

    config: PartnershipConfig
    results: Results
    scores: list[StrategyScore]
    ranking: list[str]
    breakdown_by_year: dict[str, list[float]]
    means: dict[str, dict[str, float]]
    prim: PrimResult | None
    sobol: dict[str, SobolIndices]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def recommended(self) -> str:
        """The most robust strategy."""
        return self.ranking[0]

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary."""
        r = self.results
        return {
            "model": "partnership",
            "scenarios": r.design.n_scenarios,
            "strategies": r.strategy_names,
            "experiments": r.design.n_experiments,
            "sampler": str(r.design.sampler),
            "seed": r.design.seed,
            "horizon": self.config.horizon,
            "where": r.where,
            "outcome": self.config.outcome,
            "rank_by": self.config.rank_by,
            "ranking": self.ranking,
            "recommended": self.recommended,
            "metrics": [s.to_dict() for s in self.scores],
            "outcome_means": self.means,
            "breakdown_by_year": self.breakdown_by_year,
            "thresholds": self.config.thresholds,
            "prim": self.prim.to_dict() if self.prim is not None else None,
            "sobol": {k: v.to_dict() for k, v in self.sobol.items()},
            "timings_s": self.timings,
        }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_json(path, data, allow_nan=False, default=_json_default, ensure_ascii=True)


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, frozenset | set | tuple):
        return list(o)
    raise TypeError(type(o).__name__)


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _analyse(
    results: Results,
    cfg: PartnershipConfig,
    prim_points: int,
    sobol_base: int,
    seed: int,
    timings: dict[str, float],
) -> tuple[
    list[StrategyScore],
    list[str],
    dict[str, list[float]],
    dict[str, dict[str, float]],
    PrimResult | None,
    dict[str, SobolIndices],
]:
    """Robustness, ranking, breakdown curve, means, PRIM boxes and Sobol indices."""
    model, design = results.model, results.design
    t1 = time.perf_counter()
    names = design.strategy_names
    scores = robustness(results.outcomes, model.outcomes, names, outcome=cfg.outcome)
    spec = model.outcome(cfg.outcome)
    ranked = rank(scores, cfg.rank_by, maximize=spec.sign > 0)
    ranking = [s.strategy for s in ranked]
    by_year = {}
    by = results.matrix("breakdown_year")
    for i, name in enumerate(names):
        col = by[i]
        counts = np.bincount(np.nan_to_num(col, nan=0).astype(np.int64), minlength=cfg.horizon + 1)[
            1:
        ]
        by_year[name] = (np.cumsum(counts) / col.shape[0]).tolist()
    means: dict[str, dict[str, float]] = {}
    for i, name in enumerate(names):
        row: dict[str, float] = {}
        for o in model.outcomes:
            vals = results.matrix(o.name)[i]
            finite = vals[np.isfinite(vals)]
            row[o.name] = float(finite.mean()) if finite.size else float("nan")
        means[name] = row
    timings["robustness"] = time.perf_counter() - t1
    prim_result = None
    if prim_points > 0 and len(ranking) > 1:
        t2 = time.perf_counter()
        prim_result = compare(results, ranking[0], ranking[1], cfg.outcome, max_points=prim_points)
        timings["prim"] = time.perf_counter() - t2
    sobol: dict[str, SobolIndices] = {}
    if sobol_base > 0:
        t3 = time.perf_counter()
        strat = next(s for s in design.strategies if s.name == ranking[0])
        targets = [cfg.outcome] + (
            ["breakdown"] if ranking[0] != "none" and cfg.outcome != "breakdown" else []
        )
        sobol = sobol_indices(model, strat, targets, n_base=sobol_base, seed=seed)
        timings["sobol"] = time.perf_counter() - t3
    return scores, ranking, by_year, means, prim_result, sobol


def run_lab(
    cfg: PartnershipConfig,
    *,
    n_scenarios: int = 10_000,
    sampler: str | Sampler = Sampler.LHS,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    sobol_base: int = 1024,
    prim_points: int = 20_000,
    chunk_size: int = 65_536,
    on_chunk: Callable[[int, int], None] | None = None,
    timeout: float | None = None,
) -> LabReport:
    """Run the whole strategy lab.

    Parameters
    ----------
    cfg
        The validated ``[partnership]`` configuration.
    n_scenarios
        Number of sampled futures; every strategy runs in each.
    sampler
        ``lhs``, ``sobol`` or ``mc``.
    seed
        Master seed (default: the configuration's, else 0).
    workers, scheduler
        Dask back end (see :func:`detente.explore.perform_experiments`).
    timeout
        On Dask: seconds to wait for workers and for each chunk of results (default:
        :data:`detente.explore.evaluate.DASK_TIMEOUT`).
    out_dir
        Folder for ``experiments.parquet`` and ``summary.json`` (nothing written if None).
    progress
        Show a progress bar.
    sobol_base
        Sobol base sample size (0 skips the sensitivity analysis).
    prim_points
        Scenarios used by PRIM (0 skips scenario discovery).
    chunk_size
        Scenarios per chunk.
    on_chunk
        Called with the experiments done and their total after each chunk (see
        :func:`detente.explore.perform_experiments`).

    Returns
    -------
    LabReport
        Metrics, ranking, PRIM boxes and Sobol indices.
    """
    seed = cfg.seed if seed is None else seed
    seed = 0 if seed is None else seed
    model, skeleton = make_model(cfg)
    design = ExperimentDesign(
        n_scenarios=n_scenarios,
        strategies=skeleton.strategies,
        sampler=Sampler.parse(sampler),
        seed=seed,
        chunk_size=chunk_size,
    )
    out = Path(out_dir) if out_dir is not None else None
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    results = perform_experiments(
        model,
        design,
        out=out / "experiments.parquet" if out is not None else None,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        keep_inputs=max(prim_points, 1),
        finish=False,
        on_chunk=on_chunk,
        timeout=DASK_TIMEOUT if timeout is None else timeout,
    )
    timings["experiments"] = time.perf_counter() - t0
    # the analysis overlaps the writing of the last chunks to Parquet
    try:
        analysis = _analyse(results, cfg, prim_points, sobol_base, seed, timings)
        t4 = time.perf_counter()
        results.finish_writing()
        timings["parquet_wait"] = time.perf_counter() - t4
    except BaseException:
        results.abort_writing()
        raise
    scores, ranking, by_year, means, prim_result, sobol = analysis
    report = LabReport(
        config=cfg,
        results=results,
        scores=scores,
        ranking=ranking,
        breakdown_by_year=by_year,
        means=means,
        prim=prim_result,
        sobol=sobol,
        timings=timings,
    )
    if out is not None:
        _write_json(out / "summary.json", _finite(report.summary()))
    return report
