"""The measured accuracy detente ships: provenance, what it says, how forecasts find it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from detente.backtest.accuracy import (
    LABELS,
    MeasuredAccuracy,
    load_measured_accuracy,
    measured_accuracy,
)
from detente.backtest.forecasts import DEFAULT_MODELS, MODEL_SPECS, backtest_name
from detente.errors import InputError
from support import shared_path

#: Baseline MAEs on the development split, as stated in shared/data/deu3/PROVENANCE.md.
PROVENANCE_MAE = {
    "mean_salience": 23.91,
    "mean_capability_salience": 23.20,
    "median": 28.26,
    "constant_50": 27.45,
    "median_salience": 29.75,
}

REPO = Path(__file__).resolve().parents[2]


def test_shipped_accuracy_and_its_provenance() -> None:
    acc = measured_accuracy()
    assert acc is measured_accuracy()  # read once
    assert acc.schema_version == 1 and acc.compromise == "mean_capability_salience"
    assert set(acc.models) >= {*DEFAULT_MODELS, "median_salience", "ensemble"}
    dev = shared_path("data", "deu3", "deu3_dev.csv")
    assert acc.data["sha256"] == hashlib.sha256(dev.read_bytes()).hexdigest()
    assert acc.data["file"] == "deu3_dev.csv"
    assert (acc.data["proposals"], acc.data["issues"], acc.data["decided"]) == (99, 249, 245)
    assert acc.data["proposals_decided"] == 97
    assert "Arregui" in acc.data["citation"]
    assert acc.protocol["partitions"] >= 20 and acc.protocol["cv_folds"] == 5
    dt.date.fromisoformat(acc.date)
    assert {"python", "numpy", "scipy", "pandas", "scikit-learn", "detente"} <= set(acc.versions)
    assert acc.made_by.startswith("tools/backtest_accuracy.py --nested")
    assert acc.run_seconds > 0
    for name, expected in PROVENANCE_MAE.items():
        assert round(acc.models[name].mae, 2) == expected, name
        assert acc.models[name].n == 245 and not acc.models[name].fitted
    assert acc.models["ensemble"].fitted and acc.models["nbs"].n == 168
    for name, m in acc.models.items():
        assert m.name == name and m.label == LABELS[name]
        assert m.nested is not None and m.nested.partitions == acc.protocol["partitions"]


def test_unseen_figures_are_cited_from_issue_16() -> None:
    acc = measured_accuracy()
    mean = acc.models["mean_capability_salience"].unseen
    assert mean is not None and (mean.mae, mean.rmse, mean.within_10) == (23.27, 30.44, 0.324)
    assert (mean.issues, mean.proposals) == (108, 42) and "issue 16" in mean.source
    previous = acc.models["ensemble_previous"].unseen
    assert previous is not None and previous.mae == 23.39 and "82.4%" in previous.note
    # the shipped design has not been measured on unseen decisions: no figure is made up
    assert acc.models["ensemble"].unseen is None
    assert acc.models["nbs"].unseen is None


@pytest.mark.parametrize(
    ("model", "params", "name"),
    [
        ("mean", None, "mean_capability_salience"),
        ("MEAN", {"weights": "salience"}, "mean_salience"),
        ("mean", {"weights": "equal"}, "mean_unweighted"),
        ("mean", {"weights": "capability"}, None),
        ("median", {}, "median"),
        ("median", {"weights": "salience"}, "median_salience"),
        ("nbs", {"weights": "capability", "utility": "quadratic"}, "nbs"),
        ("nbs", {"weights": "equal"}, None),
        ("eum", {"backend": "numba", "keep_trajectory": True}, "eum"),
        ("eum", {"Q": 0.5}, None),
        ("smp", {}, "smp"),
        ("smp", {"VotingRule": "Cubic"}, None),
        ("smp", {"no_such_parameter": 1}, None),
        ("exchange-of-letters", {}, None),
    ],
)
def test_a_forecast_finds_the_accuracy_measured_for_it(
    model: str, params: dict[str, object] | None, name: str | None
) -> None:
    assert backtest_name(model, params) == name
    got = measured_accuracy().for_forecast(model, params)
    assert (got.name if got is not None else None) == name


def test_every_registry_spec_has_its_accuracy() -> None:
    acc = measured_accuracy()
    for name, (model, params) in MODEL_SPECS.items():
        assert backtest_name(model, params) == name
        assert name in acc.models


def test_accuracy_table() -> None:
    acc = measured_accuracy()
    t = acc.table(["smp", "mean_capability_salience", "no_such_model"])
    assert t["model"].tolist() == ["smp", "mean_capability_salience"]
    base = acc.models["mean_capability_salience"]
    row = t.iloc[1]
    assert row["mae"] == base.mae and row["unseen_mae"] == 23.27
    assert base.nested is not None and row["nested_ratio"] == 1.0
    assert len(acc.table()) == len(acc.models)


def test_reading_a_document(tmp_path: Path) -> None:
    doc = json.loads(
        (REPO / "src" / "detente" / "backtest" / "measured_accuracy.json").read_text("utf-8")
    )
    good = tmp_path / "a.json"
    good.write_text(json.dumps(doc), encoding="utf-8")
    assert isinstance(load_measured_accuracy(good), MeasuredAccuracy)
    with pytest.raises(InputError, match="does not exist"):
        load_measured_accuracy(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON file"):
        load_measured_accuracy(bad)
    broken = dict(doc)
    broken["models"] = {**doc["models"], "smp": {**doc["models"]["smp"], "mae": "low"}}
    bad.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(InputError, match=r"models\.smp\.mae"):
        load_measured_accuracy(bad)
    orphan = {**doc, "compromise": "nothing"}
    bad.write_text(json.dumps(orphan), encoding="utf-8")
    with pytest.raises(InputError, match="compromise"):
        load_measured_accuracy(bad)


def _comparison_line(text: str) -> tuple[str, str, str]:
    """The figures of a model card's "For comparison (same run)" sentence."""
    m = re.search(
        r"For comparison \(same run\): the ensemble ([\d.]+), the capability × salience\s+"
        r"weighted\s+mean ([\d.]+), a constant 50 ([\d.]+)\.",
        text,
    )
    assert m is not None, "no comparison sentence"
    return m.group(1), m.group(2), m.group(3)


@pytest.mark.parametrize("card", ["mean", "median", "nbs", "eum", "smp"])
def test_model_cards_quote_the_shipped_figures(card: str) -> None:
    """Every accuracy figure of a model card is the shipped run's (to the digits shown)."""
    acc = measured_accuracy()
    text = (REPO / "docs" / "models" / f"{card}.md").read_text(encoding="utf-8")
    ens, mean, c50 = _comparison_line(text)
    assert ens == f"{acc.models['ensemble'].mae:.2f}"
    assert mean == f"{acc.models['mean_capability_salience'].mae:.2f}"
    assert c50 == f"{acc.models['constant_50'].mae:.2f}"
    rows = re.findall(
        r"^\| `(\w+)`[^|]*\| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|", text, re.M
    )
    assert rows, "no accuracy table"
    for name, mae, rmse, w10, n in rows:
        m = acc.models[name]
        assert (mae, rmse, w10, int(n)) == (
            f"{m.mae:.2f}",
            f"{m.rmse:.2f}",
            f"{m.within_10:.3f}",
            m.n,
        ), (card, name)
    nested = re.findall(
        r"^\| `(\w+)` \| ([\d.]+) \(([\d.]+)-([\d.]+)\) \| ([\d.]+) \| ([^|]+) \| ([^|]+) \| "
        r"([^|]+) \|$",
        text,
        re.M,
    )
    assert nested, "no nested table"
    for name, mean, q10, q90, ratio, u_mae, u_rmse, u_w10 in nested:
        _check_nested_row(acc, name, mean, q10, q90, ratio, (u_mae, u_rmse, u_w10))


def _check_nested_row(
    acc: MeasuredAccuracy,
    name: str,
    mean: str,
    q10: str,
    q90: str,
    ratio: str,
    unseen: tuple[str, str, str],
) -> None:
    m = acc.models[name]
    assert m.nested is not None
    assert (mean, q10, q90, ratio) == (
        f"{m.nested.mae.mean:.2f}",
        f"{m.nested.mae.q10:.2f}",
        f"{m.nested.mae.q90:.2f}",
        f"{m.nested.ratio.mean:.3f}",
    ), name
    u = m.unseen
    want = ("-", "-", "-") if u is None else (f"{u.mae:.2f}", f"{u.rmse:.2f}", f"{u.within_10:.3f}")
    assert tuple(v.strip() for v in unseen) == want, name


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_ensemble_card_quotes_the_shipped_figures() -> None:
    """docs/models/ensemble.md: its tables and its statements about the nested
    evaluation are the shipped run's."""
    acc = measured_accuracy()
    text = (REPO / "docs" / "models" / "ensemble.md").read_text(encoding="utf-8")
    flat = _flat(text)
    rows = re.findall(
        r"^\| `(\w+)`[^|]*\| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|$", text, re.M
    )
    assert {r[0] for r in rows} >= {"mean_capability_salience", "ensemble", "ensemble_previous"}
    for name, mae, rmse, w10, n in rows:
        m = acc.models[name]
        assert (mae, rmse, w10, int(n)) == (
            f"{m.mae:.2f}",
            f"{m.rmse:.2f}",
            f"{m.within_10:.3f}",
            m.n,
        ), name
    nested = re.findall(
        r"^\| `(\w+)` \| ([\d.]+) \(([\d.]+)-([\d.]+)\) \| ([\d.]+) \| ([^|]+) \| ([^|]+) \| "
        r"([^|]+) \|$",
        text,
        re.M,
    )
    assert {r[0] for r in nested} >= {"ensemble", "ensemble_previous"}
    for name, mean, q10, q90, ratio, u_mae, u_rmse, u_w10 in nested:
        _check_nested_row(acc, name, mean, q10, q90, ratio, (u_mae, u_rmse, u_w10))
    targets = re.findall(
        r"^\| `(\w+)` \| (\d+)% \| ([\d.]+) \| (\d+)% \| ([\d.]+) \| ([^|]+) \| ([^|]+) \|$",
        text,
        re.M,
    )
    assert {r[0] for r in targets} == {"mean_capability_salience", "ensemble", "ensemble_previous"}
    for name, beats, rmse, below, w10, cov, width in targets:
        n = acc.models[name].nested
        assert n is not None
        assert (beats, rmse, below, w10) == (
            f"{100 * n.beats_compromise:.0f}",
            f"{n.rmse.mean:.2f}",
            f"{100 * n.rmse_beats_compromise:.0f}",
            f"{n.within_10.mean:.3f}",
        ), name
        if n.coverage is None or n.mean_width is None:
            assert cov.strip() == width.strip() == "-"
        else:
            c = n.coverage
            want = f"{100 * c.mean:.1f}% ({100 * c.min:.1f}-{100 * c.max:.1f})"
            assert (cov.strip(), width.strip()) == (want, f"{n.mean_width.mean:.1f}"), name
    # the sentences about the shipped design's nested figures
    ens = acc.models["ensemble"].nested
    base = acc.models[acc.compromise].nested
    previous = acc.models["ensemble_previous"].nested
    assert ens is not None and ens.coverage is not None
    assert base is not None and previous is not None
    p = ens.partitions
    ratio = np.array(ens.per_partition["mae"]) / np.array(base.per_partition["mae"])
    cov = np.array(ens.per_partition["coverage"])
    chosen = {k: Counter(ens.per_partition[k]) for k in ("penalty", "compromise_weight")}
    tails = Counter(ens.per_partition["interval_tail"])
    previous_wins = int(
        np.sum(np.array(previous.per_partition["mae"]) < np.array(ens.per_partition["mae"]))
    )
    median = acc.models["median"]
    assert median.nested is not None and median.unseen is not None
    base_unseen = acc.models[acc.compromise].unseen
    assert base_unseen is not None
    median_ratio = np.array(median.nested.per_partition["mae"]) / np.array(
        base.per_partition["mae"]
    )
    worse_share = np.mean(median_ratio > median.unseen.mae / base_unseen.mae)
    small_c = sum(v for c, v in chosen["penalty"].items() if c <= 0.01)
    for phrase in [
        f"beats the weighted mean on {round(p * ens.beats_compromise)} of the {p} partitions",
        f"({ens.rmse.mean:.2f} against "
        f"{base.rmse.mean:.2f} on average; lower on "
        f"{round(p * ens.rmse_beats_compromise)} partitions)",
        f"Its MAE ratio to the mean is {ens.ratio.mean:.3f} on average, "
        f"{ens.ratio.median:.3f} at the median partition, between {ens.ratio.q10:.3f} and "
        f"{ens.ratio.q90:.3f} on 80% of them ({ens.ratio.min:.3f} to {ens.ratio.max:.3f} in all)",
        f"it is at most 0.95 on {int(np.sum(ratio <= 0.95))} of the {p} partitions and at most "
        f"0.90 on {int(np.sum(ratio <= 0.90))}",
        f"Its interval covers {100 * ens.coverage.mean:.1f}% on average, and between 75% and "
        f"85% on {int(np.sum((cov >= 0.75) & (cov <= 0.85)))} of the {p} partitions",
        f"C between 0.001 and 0.01 on {small_c} partitions (0.02 on "
        f"{chosen['penalty'][0.02]}, more on {p - small_c - chosen['penalty'][0.02]})",
        f"α = 0 on {chosen['compromise_weight'][0.0]} partitions, 0.05 on "
        f"{chosen['compromise_weight'][0.05]}",
        f"the tail 0.25 on {tails[0.25]} partitions, 0.2 on {tails[0.2]}",
        f"scores {acc.models['ensemble_previous'].mae:.2f} in cross-validation",
        f"it beats the new design on {previous_wins} partitions",
        f"and {previous.ratio.mean:.3f} times the mean on average over the {p} partitions",
        "relative to the weighted mean, the weighted median did better there than on "
        f"{100 * worse_share:.0f}% of the development split's partitions",
        f"where it beat the mean on {round(p * previous.beats_compromise)} of them and never "
        f"did worse than {previous.ratio.max:.3f} times it",
    ]:
        assert _flat(phrase) in flat, phrase
