"""Each forecasting model's measured accuracy on decided EU issues, beside its forecast.

The figures are the ones detente ships (:func:`detente.backtest.accuracy.measured_accuracy`:
DEU III's development split, cross-validated and nested, and the errors on decisions the
project never used, cited from issue 16); nothing is re-run.  A forecast is matched to
the back-test model run with the same parameters
(:meth:`~detente.backtest.accuracy.MeasuredAccuracy.for_forecast`); a model run with other
parameters, or one the back-test does not run, has no figures, and the table says so.
The ``verdict`` column compares each model with the compromise model and calls a model
more accurate only with evidence from unseen decisions
(:meth:`~detente.backtest.accuracy.MeasuredAccuracy.verdict`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from detente.backtest.accuracy import MeasuredAccuracy, ModelAccuracy, measured_accuracy
from detente.pipeline.results import NegotiationResults

__all__ = ["ACCURACY_COLUMNS", "NOT_MEASURED", "accuracy_table"]

#: Columns of :func:`accuracy_table`.
ACCURACY_COLUMNS: tuple[str, ...] = (
    "model",
    "model_label",
    "measured_as",
    "mae",
    "rmse",
    "within_10",
    "n",
    "nested_mae",
    "nested_mae_q10",
    "nested_mae_q90",
    "nested_ratio",
    "beats_compromise",
    "unseen_mae",
    "unseen_rmse",
    "unseen_n",
    "verdict",
)

#: The verdict of a model without measured figures.
NOT_MEASURED = "not measured on DEU decisions with these parameters"


def _row(model: str, label: str, m: ModelAccuracy | None, acc: MeasuredAccuracy) -> dict[str, Any]:
    nan = math.nan
    if m is None:
        return {
            "model": model,
            "model_label": label,
            "measured_as": "",
            **{c: nan for c in ACCURACY_COLUMNS[3:-1]},
            "verdict": NOT_MEASURED,
        }
    figures = acc.figures(m)
    figures["n"] = float(figures["n"])
    return {"model": model, "model_label": label, "measured_as": m.name, **figures}


def accuracy_table(
    res: NegotiationResults, accuracy: MeasuredAccuracy | None = None
) -> pd.DataFrame:
    """One row per model that forecast, with its measured accuracy on DEU decisions.

    Parameters
    ----------
    res
        The negotiation models' results (their forecasts' ``params`` say which
        back-test model each one is; a forecast without ``params`` is taken to use
        the model's defaults).
    accuracy
        The measured accuracy (default: the shipped one).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ACCURACY_COLUMNS`, in the order of ``res.forecasts``; when no
        forecast is the compromise model, a last row (``model`` empty) gives it as the
        benchmark.  ``mae``, ``rmse``, ``within_10``, ``n``: on the development split's
        decided issues; ``nested_*``: over the nested evaluation's test sides;
        ``unseen_*``: on decisions the project never used (NaN where not measured).
    """
    acc = accuracy if accuracy is not None else measured_accuracy()
    rows = []
    for model, fc in res.forecasts.items():
        params = getattr(fc, "params", None)
        m = acc.for_forecast(model, params if isinstance(params, dict) else None)
        rows.append(_row(model, res.label(model), m, acc))
    if acc.compromise not in {r["measured_as"] for r in rows}:
        base = acc.models[acc.compromise]
        rows.append(_row("", base.label, base, acc))
    return pd.DataFrame(rows, columns=list(ACCURACY_COLUMNS))
