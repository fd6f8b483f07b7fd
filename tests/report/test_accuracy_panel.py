"""Each model's measured accuracy on EU decisions beside its forecasts: the pipeline's
table, the report's figure, captions and finding."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detente.backtest.accuracy import VERDICTS, measured_accuracy
from detente.pipeline.accuracy import ACCURACY_COLUMNS, NOT_MEASURED, accuracy_table
from detente.pipeline.results import NegotiationResults
from detente.report import AnalyzeResult
from detente.report.findings import accuracy_findings
from detente.report.negotiation import accuracy_note, negotiation_section
from detente.scenario import load_scenario
from report_helpers import small_scenario


class Fake:
    """A forecast with the attributes the accuracy table reads."""

    def __init__(self, model: str, params: dict[str, object] | None = None) -> None:
        self.model = model
        self.actor_ids = ("A", "B", "C")
        self.issue_ids = ("first", "second")
        self.outcome = np.array([40.0, 60.0])
        self.trajectory = None
        self.rounds = 0
        self.converged = True
        self.stop_reason = "closed-form solution"
        self.events = None
        self.notes: tuple[str, ...] = ()
        if params is not None:
            self.params = params


def _results(**forecasts: Fake) -> NegotiationResults:
    labels = {"mean": "Weighted mean", "smp": "Spatial model", "median": "Weighted median"}
    return NegotiationResults(forecasts=dict(forecasts), labels=labels)


def test_each_forecast_finds_its_figures() -> None:
    acc = measured_accuracy()
    res = _results(
        mean=Fake("mean", {"weights": "capability_salience"}),
        smp=Fake("smp"),  # no params: the model's defaults
        median=Fake("median", {"weights": "capability"}),  # not back-tested
    )
    t = accuracy_table(res)
    assert list(t.columns) == list(ACCURACY_COLUMNS)
    assert t["model"].tolist() == ["mean", "smp", "median"]
    assert t["measured_as"].tolist() == ["mean_capability_salience", "smp", ""]
    smp = t.iloc[1]
    m = acc.models["smp"]
    assert (smp["mae"], smp["rmse"], smp["n"]) == (m.mae, m.rmse, m.n)
    assert m.unseen is not None and smp["unseen_mae"] == m.unseen.mae
    assert m.nested is not None and smp["nested_mae_q10"] == m.nested.mae.q10
    assert smp["verdict"] == VERDICTS["worse"]
    assert t.iloc[0]["verdict"] == VERDICTS["benchmark"]
    median = t.iloc[2]
    assert math.isnan(median["mae"]) and median["verdict"] == NOT_MEASURED


def test_the_compromise_model_is_always_there_as_the_benchmark() -> None:
    t = accuracy_table(_results(smp=Fake("smp")))
    assert t["model"].tolist() == ["smp", ""]
    assert t.iloc[1]["measured_as"] == "mean_capability_salience"
    (found,) = accuracy_findings(t)
    assert "the compromise model, not run here" in found.text


def test_the_finding_ranks_no_model_above_the_compromise_without_unseen_evidence() -> None:
    t = accuracy_table(_results(mean=Fake("mean"), smp=Fake("smp"), median=Fake("median")))
    (found,) = accuracy_findings(t)
    assert found.figure_id == "forecast_accuracy" and found.topic == "forecasts"
    acc = measured_accuracy()
    mean, smp = acc.models["mean_capability_salience"], acc.models["smp"]
    assert mean.unseen is not None and smp.unseen is not None
    assert f"Weighted mean {mean.mae:.1f} ({mean.unseen.mae:.1f}); Spatial model" in found.text
    assert found.text.index("Weighted mean") < found.text.index("Spatial model")
    assert "None has beaten the compromise model" in found.text
    # a model with evidence from unseen decisions is named, and only then
    better = t.copy()
    better.loc[better["model"] == "smp", "verdict"] = VERDICTS["better"]
    (found,) = accuracy_findings(better)
    assert "Spatial model beat the compromise model" in found.text
    assert "None has beaten" not in found.text
    ahead = t.copy()
    ahead.loc[ahead["model"] == "smp", "verdict"] = VERDICTS["untested"]
    assert "None has beaten" in accuracy_findings(ahead)[0].text
    # nothing measured: no sentence
    empty = t.assign(mae=np.nan)
    assert accuracy_findings(empty) == []


def test_forecast_section_shows_accuracy_beside_the_forecasts(tmp_path: Path) -> None:
    scenario = load_scenario(small_scenario(tmp_path / "s.toml", partnership=False))
    res = _results(mean=Fake("mean"), smp=Fake("smp", {"VotingRule": "Cubic"}))
    section = negotiation_section(res, scenario)
    figs = {f.id: f for f in section.figures()}
    acc_fig = figs["forecast_accuracy"]
    assert acc_fig.kind == "table" and "DEU III" in acc_fig.source + acc_fig.caption
    shown = acc_fig.table
    assert shown["model_label"].tolist() == ["Weighted mean", "Spatial model"]
    assert shown.iloc[0]["mae"] == pytest.approx(
        measured_accuracy().models["mean_capability_salience"].mae, abs=0.005
    )
    assert shown.iloc[1]["verdict"] == NOT_MEASURED
    caption = figs["forecast_i0_first"].caption
    note = accuracy_note(accuracy_table(res))
    assert note in caption and "Spatial model: not measured" in note
    # the overview keeps the summary first
    assert section.panels[0].figures[0].id == "forecast_summary"


def test_the_report_carries_the_accuracy(hostile_run: AnalyzeResult) -> None:
    html = hostile_run.report.read_text(encoding="utf-8")
    assert "How accurate each model has been on real EU decisions" in html
    texts = [f.text for f in hostile_run.findings]
    assert any(t.startswith("Track record on decided EU legislation") for t in texts)
    assert any("compromise model" in t for t in texts)


def test_accuracy_table_is_plain_data() -> None:
    t = accuracy_table(_results(mean=Fake("mean")))
    assert isinstance(t, pd.DataFrame) and len(t) == 1
    assert t.select_dtypes("number").columns.tolist() == list(ACCURACY_COLUMNS[3:-1])
