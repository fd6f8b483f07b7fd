"""Each model's measured accuracy on decided EU issues, shipped with the package.

``measured_accuracy.json`` (beside this module) is written by
``tools/backtest_accuracy.py --nested --json ...`` on the DEU III development split:

* for every back-test model, its errors on the split's decided issues (MAE, RMSE,
  share within 10 points, issues forecast) as ``detente backtest --cv 5`` prints them
  (for the ensemble, out of fold);
* the **nested** distribution over random proposal-level partitions
  (:mod:`detente.backtest.nested`): each model's MAE, RMSE and share within 10 on each
  test side, its MAE relative to the compromise model's, the share of partitions on
  which it beats the compromise model, and for the ensemble its interval coverage;
* the errors measured on decisions the project has **never** shown the models (the
  other 30% of DEU III, issue 16), cited with their source -- the evidence that
  survives unseen data;
* provenance: the data file and its sha256, the protocol, the seed, the date, the
  versions of Python and the libraries, the run time.

A report or the workbench shows these figures beside a model's forecast without
re-running anything (:func:`measured_accuracy`, :meth:`MeasuredAccuracy.for_forecast`).
The figures are for EU legislative decisions as coded by DEU (expert-coded positions
and outcomes, GDP-based capabilities); they say how the models did there, not how they
will do on another kind of negotiation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from detente.backtest.forecasts import backtest_name
from detente.errors import InputError

__all__ = [
    "ACCURACY_FILE",
    "CLEAR_WIN",
    "LABELS",
    "VERDICTS",
    "Distribution",
    "MeasuredAccuracy",
    "ModelAccuracy",
    "NestedAccuracy",
    "UnseenAccuracy",
    "load_measured_accuracy",
    "measured_accuracy",
]

#: The shipped file (inside the package).
ACCURACY_FILE = "measured_accuracy.json"

#: Share of nested partitions on which a model must beat the compromise model for a
#: clear lead (and lose for a clear deficit: 1 - CLEAR_WIN).
CLEAR_WIN = 0.9

#: The comparisons :meth:`MeasuredAccuracy.verdict` returns.
VERDICTS: dict[str, str] = {
    "benchmark": "the benchmark: the compromise model",
    "better": "more accurate than the compromise model, also on unseen decisions",
    "not_confirmed": "ahead of the compromise model on the development split, but not on "
    "unseen decisions",
    "untested": "ahead of the compromise model on the development split; not yet measured "
    "on unseen decisions",
    "worse": "less accurate than the compromise model",
    "unclear": "no clear difference from the compromise model",
}

#: Plain labels of the back-test models.
LABELS: dict[str, str] = {
    "mean_capability_salience": "weighted mean (capability × salience), the compromise model",
    "mean_salience": "weighted mean (salience)",
    "mean_unweighted": "mean of the positions (unweighted)",
    "median": "weighted median (capability × salience)",
    "median_salience": "weighted median (salience)",
    "constant_50": "constant 50 (the middle of the scale)",
    "reference_point": "the reference point (status quo)",
    "nbs": "Nash bargaining solution",
    "eum": "expected-utility model (Bueno de Mesquita, Scholz et al. 2011)",
    "smp": "Spatial Model of Politics (KTAB)",
    "ensemble": "calibrated forecaster (ensemble)",
    "ensemble_previous": "calibrated forecaster, previous design",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Distribution(_Frozen):
    """Summary of one figure over the partitions of a nested evaluation."""

    mean: float
    sd: float
    min: float
    q10: float
    median: float
    q90: float
    max: float


class NestedAccuracy(_Frozen):
    """A model's accuracy over the test sides of random proposal-level partitions.

    Attributes
    ----------
    partitions
        How many partitions.
    mae, rmse, within_10
        Distribution of the model's test-side figures.
    ratio
        Distribution of its MAE divided by the compromise model's on the same side.
    beats_compromise, rmse_beats_compromise
        Share of partitions on which its MAE (RMSE) is lower than the compromise
        model's (0 for the compromise model itself).
    coverage, mean_width
        The ensemble's interval: coverage and mean width on each test side (None for
        the other models).
    per_partition
        Column (``mae``, ``rmse``, ``within_10``, and for the ensemble ``coverage``,
        ``mean_width`` and what it chose: ``penalty``, ``compromise_weight``,
        ``interval_tail``) -> its value on each partition, in partition order.
    """

    partitions: int
    mae: Distribution
    rmse: Distribution
    within_10: Distribution
    ratio: Distribution
    beats_compromise: float
    rmse_beats_compromise: float
    coverage: Distribution | None = None
    mean_width: Distribution | None = None
    per_partition: dict[str, list[float]] = {}


class UnseenAccuracy(_Frozen):
    """Errors on decisions kept from the models (cited: measured elsewhere).

    Attributes
    ----------
    mae, rmse, within_10
        The figures.
    issues, proposals
        What they were measured on.
    source
        Where the figures are reported.
    note
        What to keep in mind (e.g. which design of the ensemble was measured).
    """

    mae: float
    rmse: float
    within_10: float
    issues: int
    proposals: int
    source: str
    note: str = ""


class ModelAccuracy(_Frozen):
    """One back-test model's measured accuracy.

    Attributes
    ----------
    name, label
        Back-test name (``mean_capability_salience``, ``smp``...) and plain label.
    mae, rmse, within_10, n
        On the development split's decided issues (out of fold for a fitted model),
        as ``detente backtest --cv 5`` prints them; ``n`` issues forecast.
    fitted
        Whether the model learns from past decisions (the ensemble) or not.
    nested
        Its distribution over the nested evaluation's partitions.
    unseen
        Its errors on decisions the project never used (None where not measured).
    """

    name: str
    label: str
    mae: float
    rmse: float
    within_10: float
    n: int
    fitted: bool = False
    nested: NestedAccuracy | None = None
    unseen: UnseenAccuracy | None = None


class MeasuredAccuracy(_Frozen):
    """Every model's measured accuracy, with the provenance of the figures.

    Attributes
    ----------
    models
        Back-test name -> :class:`ModelAccuracy`.
    compromise
        The compromise model's name (the benchmark of ``ratio`` and ``beats``).
    data
        The file measured on: ``file``, ``sha256``, ``proposals``, ``issues``,
        ``proposals_decided``, ``decided``, ``description``, ``citation``.
    protocol
        How: cross-validation folds, partitions, seed, training share, inner folds.
    interval
        The ensemble's interval in the cross-validation: ``nominal``, ``coverage``,
        ``mean_width``.
    versions
        Python and library versions of the run.
    date, made_by, run_seconds
        When, by which command, in how long.
    """

    schema_version: int
    models: dict[str, ModelAccuracy]
    compromise: str
    data: dict[str, Any]
    protocol: dict[str, Any]
    interval: dict[str, float]
    versions: dict[str, str]
    date: str
    made_by: str
    run_seconds: float

    def for_forecast(
        self, model: str, params: Mapping[str, Any] | None = None
    ) -> ModelAccuracy | None:
        """The accuracy measured for registry ``model`` run with ``params``.

        Parameters
        ----------
        model
            A registry model (``mean``, ``median``, ``nbs``, ``eum``, ``smp``...).
        params
            Its parameters (e.g. a forecast's ``params``); missing ones are the
            model's defaults.

        Returns
        -------
        ModelAccuracy or None
            None when the back-test did not measure that model with those parameters.
        """
        name = backtest_name(model, params)
        return None if name is None else self.models.get(name)

    def verdict(self, name: str) -> str:
        """How a model compares with the compromise model, in the words a report uses.

        A model is called more accurate than the compromise model only with evidence
        that survives unseen data: a lower MAE on the decisions the project never used
        **and** on at least :data:`CLEAR_WIN` of the nested partitions.  Without unseen
        figures, a clear nested lead is reported as such, and as not yet confirmed.

        Returns
        -------
        str
            One of :data:`VERDICTS`' values.

        Raises
        ------
        KeyError
            For a model without an entry.
        """
        m = self.models[name]
        base = self.models[self.compromise]
        if name == self.compromise:
            return VERDICTS["benchmark"]
        nested = m.nested
        ahead = nested is not None and nested.beats_compromise >= CLEAR_WIN
        behind = nested is not None and nested.beats_compromise <= 1.0 - CLEAR_WIN
        if m.unseen is not None and base.unseen is not None:
            better_unseen = m.unseen.mae < base.unseen.mae
            if ahead and better_unseen:
                return VERDICTS["better"]
            if ahead:
                return VERDICTS["not_confirmed"]
            if behind and not better_unseen:
                return VERDICTS["worse"]
            return VERDICTS["unclear"]
        if ahead:
            return VERDICTS["untested"]
        if behind:
            return VERDICTS["worse"]
        return VERDICTS["unclear"]

    def figures(self, m: ModelAccuracy) -> dict[str, Any]:
        """One model's figures as a flat dict (the columns of :meth:`table` after
        ``model`` and ``label``; NaN where a figure was not measured)."""
        nest, uns = m.nested, m.unseen
        nan = float("nan")
        return {
            "mae": m.mae,
            "rmse": m.rmse,
            "within_10": m.within_10,
            "n": m.n,
            "nested_mae": nest.mae.mean if nest else nan,
            "nested_mae_q10": nest.mae.q10 if nest else nan,
            "nested_mae_q90": nest.mae.q90 if nest else nan,
            "nested_ratio": nest.ratio.mean if nest else nan,
            "beats_compromise": nest.beats_compromise if nest else nan,
            "unseen_mae": uns.mae if uns else nan,
            "unseen_rmse": uns.rmse if uns else nan,
            "unseen_n": float(uns.issues) if uns else nan,
            "verdict": self.verdict(m.name),
        }

    def table(self, names: list[str] | None = None) -> pd.DataFrame:
        """One row per model: the figures a report shows.

        Columns ``model``, ``label``, ``mae``, ``rmse``, ``within_10``, ``n``,
        ``nested_mae`` (mean over partitions), ``nested_mae_q10`` and
        ``nested_mae_q90``, ``nested_ratio`` (mean MAE ratio to the compromise model),
        ``beats_compromise`` (share of partitions), ``unseen_mae``, ``unseen_rmse``,
        ``unseen_n`` (NaN where not measured) and ``verdict`` (:meth:`verdict`).
        """
        rows = []
        for name in names if names is not None else list(self.models):
            m = self.models.get(name)
            if m is not None:
                rows.append({"model": m.name, "label": m.label, **self.figures(m)})
        return pd.DataFrame(rows)


def load_measured_accuracy(path: str | Path) -> MeasuredAccuracy:
    """Read a measured-accuracy document (as written by ``tools/backtest_accuracy.py``).

    Raises
    ------
    InputError
        If the file is missing, not JSON, or not a measured-accuracy document.
    """
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("the file does not exist", file=p, fix="check the path.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not a JSON file: {err}", file=p, fix="give a JSON file.") from None
    return _parse(doc, p)


def _parse(doc: Any, where: str | Path) -> MeasuredAccuracy:
    try:
        out = MeasuredAccuracy.model_validate(doc)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise InputError(
            f"not a measured-accuracy document: {first['msg']}",
            file=where,
            field=loc or None,
            fix="write it with tools/backtest_accuracy.py --nested --json PATH.",
        ) from None
    if out.compromise not in out.models:
        raise InputError(
            f"the compromise model {out.compromise!r} has no entry",
            file=where,
            field="compromise",
            fix="write it with tools/backtest_accuracy.py --nested --json PATH.",
        )
    return out


@lru_cache(maxsize=1)
def measured_accuracy() -> MeasuredAccuracy:
    """The accuracy shipped with detente (``detente/backtest/measured_accuracy.json``).

    Returns
    -------
    MeasuredAccuracy
        Read once and cached (the object is immutable).
    """
    text = resources.files("detente.backtest").joinpath(ACCURACY_FILE).read_text("utf-8")
    return _parse(json.loads(text), f"detente/backtest/{ACCURACY_FILE}")
