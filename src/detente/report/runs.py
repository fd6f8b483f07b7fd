"""Runs: list the runs in report folders, and compare two of them.

:func:`list_runs` reads the ``run`` row of each store.  :func:`compare_runs` says what
changed between two runs: the options and versions, the inputs (actor by actor, issue
by issue, stance by stance) and how the forecasts and the strategy metrics moved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from detente.report.store import RunRecord, read_run, read_table

__all__ = ["RunComparison", "compare_runs", "list_runs"]

INPUT_COLUMNS = ("what", "actor", "issue", "field", "before", "after")


def list_runs(paths: Sequence[Path]) -> pd.DataFrame:
    """One row per run store found in ``paths`` (report folders or store files).

    Raises
    ------
    InputError
        If a path holds no readable run store.
    """
    rows = []
    for p in paths:
        r = read_run(Path(p))
        rows.append(
            {
                "folder": str(Path(p)),
                "scenario": r.scenario_id,
                "name": r.scenario_name,
                "hash": r.scenario_hash[:12],
                "finished": r.finished,
                "seed": r.seed,
                "draws": r.draws,
                "futures": r.scenarios,
                "version": r.version,
                "data": "; ".join(f"{k}: {v}" for k, v in sorted(r.data_versions.items())),
            }
        )
    return pd.DataFrame(rows)


@dataclass
class RunComparison:
    """What changed from run ``a`` to run ``b``."""

    a: RunRecord
    b: RunRecord
    settings: pd.DataFrame  # field, before, after
    inputs: pd.DataFrame  # what, actor, issue, field, before, after
    forecasts: pd.DataFrame  # issue, model, before, after, change (+ medians)
    strategy: pd.DataFrame  # strategy, metric, before, after, change

    @property
    def same_inputs(self) -> bool:
        """True when the two runs read identical scenario files."""
        return self.a.scenario_hash == self.b.scenario_hash


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        if math.isnan(x) and math.isnan(y):
            return True
        return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)
    return bool(x == y)


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _diff_frame(
    a: pd.DataFrame | None, b: pd.DataFrame | None, keys: list[str], what: str
) -> list[dict[str, Any]]:
    """Row-by-row, field-by-field differences of two input tables."""
    rows: list[dict[str, Any]] = []
    a = a if a is not None else pd.DataFrame(columns=keys)
    b = b if b is not None else pd.DataFrame(columns=keys)
    ia = {tuple(r[k] for k in keys): r for r in a.to_dict("records")}
    ib = {tuple(r[k] for k in keys): r for r in b.to_dict("records")}

    def where(key: tuple[Any, ...]) -> dict[str, Any]:
        d = dict(zip(keys, key, strict=True))
        return {"actor": d.get("actor", ""), "issue": d.get("issue", "")}

    for key in ia:
        if key not in ib:
            rows.append(
                {
                    "what": f"{what} removed",
                    **where(key),
                    "field": "",
                    "before": "present",
                    "after": "",
                }
            )
    for key in ib:
        if key not in ia:
            rows.append(
                {
                    "what": f"{what} added",
                    **where(key),
                    "field": "",
                    "before": "",
                    "after": "present",
                }
            )
    for key, ra in ia.items():
        rb = ib.get(key)
        if rb is None:
            continue
        for col in ra:
            if col in keys or col not in rb:
                continue
            va, vb = _plain(ra[col]), _plain(rb[col])
            if not _same(va, vb):
                rows.append(
                    {
                        "what": f"{what} changed",
                        **where(key),
                        "field": col,
                        "before": va,
                        "after": vb,
                    }
                )
    return rows


def _forecast_moves(a: pd.DataFrame | None, b: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["issue", "model", "before", "after", "change", "median_before", "median_after"]
    if a is None or b is None:
        return pd.DataFrame(columns=cols)
    m = a.merge(b, on=["issue", "model"], how="outer", suffixes=("_a", "_b"))
    out = pd.DataFrame(
        {
            "issue": m["issue"],
            "model": m["model"],
            "before": m["point_a"],
            "after": m["point_b"],
            "change": m["point_b"] - m["point_a"],
            "median_before": m.get("median_a"),
            "median_after": m.get("median_b"),
        }
    )
    return out[cols].reset_index(drop=True)


_METRICS = (
    "mean",
    "p5",
    "p50",
    "p95",
    "max_regret",
    "mean_regret",
    "satisficing",
    "best_share",
    "rank",
)


def _strategy_moves(a: pd.DataFrame | None, b: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["strategy", "metric", "before", "after", "change"]
    if a is None or b is None:
        return pd.DataFrame(columns=cols)
    rows = []
    ia = {r["strategy"]: r for r in a.to_dict("records")}
    ib = {r["strategy"]: r for r in b.to_dict("records")}
    for s in dict.fromkeys([*ia, *ib]):
        ra, rb = ia.get(s, {}), ib.get(s, {})
        for metric in _METRICS:
            if metric not in ra and metric not in rb:
                continue
            va = _plain(ra.get(metric))
            vb = _plain(rb.get(metric))
            change = (
                vb - va if isinstance(va, int | float) and isinstance(vb, int | float) else None
            )
            rows.append(
                {"strategy": s, "metric": metric, "before": va, "after": vb, "change": change}
            )
    return pd.DataFrame(rows, columns=cols)


def compare_runs(a: Path, b: Path) -> RunComparison:
    """Compare the runs stored in report folders (or store files) ``a`` and ``b``.

    Raises
    ------
    InputError
        If either path holds no readable run store.
    """
    ra, rb = read_run(Path(a)), read_run(Path(b))
    settings = []
    for fld in ("scenario_id", "scenario_hash", "seed", "draws", "scenarios", "version"):
        va, vb = getattr(ra, fld), getattr(rb, fld)
        if va != vb:
            settings.append({"field": fld, "before": va, "after": vb})
    for k in sorted(set(ra.data_versions) | set(rb.data_versions)):
        va, vb = ra.data_versions.get(k), rb.data_versions.get(k)
        if va != vb:
            settings.append({"field": f"data {k}", "before": va, "after": vb})
    inputs: list[dict[str, Any]] = []
    inputs += _diff_frame(
        read_table(ra.path, "inputs_actors"),
        read_table(rb.path, "inputs_actors"),
        ["actor"],
        "actor",
    )
    inputs += _diff_frame(
        read_table(ra.path, "inputs_issues"),
        read_table(rb.path, "inputs_issues"),
        ["issue"],
        "issue",
    )
    inputs += _diff_frame(
        read_table(ra.path, "inputs_stances"),
        read_table(rb.path, "inputs_stances"),
        ["actor", "issue"],
        "stance",
    )
    return RunComparison(
        a=ra,
        b=rb,
        settings=pd.DataFrame(settings, columns=["field", "before", "after"]),
        inputs=pd.DataFrame(inputs, columns=list(INPUT_COLUMNS)),
        forecasts=_forecast_moves(
            read_table(ra.path, "fig_forecast_summary"), read_table(rb.path, "fig_forecast_summary")
        ),
        strategy=_strategy_moves(
            read_table(ra.path, "fig_strategy_robustness"),
            read_table(rb.path, "fig_strategy_robustness"),
        ),
    )
