"""Features of the ensemble: the models' forecasts and what is known about each issue.

Every number is put on the issue's unit scale, ``(x - lower) / (upper - lower)``, so
that issues on different scales are comparable.

================  ===============================================================
column            meaning
================  ===============================================================
``f_<model>``     the model's forecast (for each of :data:`FORECAST_MODELS`);
                  where a model gives none, the capability × salience weighted
                  mean stands in (and ``f_nbs`` missing = no reference point)
``rp``            the reference point (the weighted mean where absent)
``has_rp``        1 if the issue has a reference point
``com``, ``ep``   the Commission's and the Parliament's positions (the weighted
                  mean where absent), with ``has_com`` / ``has_ep``
``spread``        capability × salience weighted standard deviation of positions
``range``         highest minus lowest position
``concentration`` Herfindahl index of the capability × salience weights (1: one
                  actor holds all the weight; 1/n: equal weights)
``n_actors``      actors with a position and a positive salience
``procedure``     legislative procedure (COD, CNS...; categorical)
``voting_rule``   Council voting rule (QMV, Unan...; categorical)
================  ===============================================================
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from detente.backtest.cases import DecisionCase

__all__ = ["CATEGORICAL", "FORECAST_MODELS", "NUMERIC", "feature_frame"]

#: Models whose forecasts are features.
FORECAST_MODELS: tuple[str, ...] = (
    "mean_capability_salience",
    "mean_salience",
    "mean_unweighted",
    "median",
    "nbs",
    "eum",
    "smp",
)

NUMERIC: tuple[str, ...] = (
    *(f"f_{m}" for m in FORECAST_MODELS),
    "rp",
    "has_rp",
    "com",
    "has_com",
    "ep",
    "has_ep",
    "spread",
    "range",
    "concentration",
    "n_actors",
)
CATEGORICAL: tuple[str, ...] = ("procedure", "voting_rule")

#: Actor ids of the Commission and the Parliament in DEU files.
COMMISSION, PARLIAMENT = "COM", "EP"


def _spread(case: DecisionCase) -> tuple[float, float, float]:
    """Weighted sd, range and weight concentration on the unit scale."""
    a = case.arrays
    if case.n_actors == 0:
        return 0.0, 0.0, 1.0
    x = (a.positions[:, 0] - case.lower) / (case.upper - case.lower)
    w = a.capabilities * a.saliences[:, 0]
    if not w.sum() > 0:
        w = np.ones_like(x)
    share = w / w.sum()
    mean = float((share * x).sum())
    sd = float(np.sqrt((share * (x - mean) ** 2).sum()))
    return sd, float(x.max() - x.min()), float((share**2).sum())


def feature_frame(cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> pd.DataFrame:
    """The ensemble's features, one row per case (index: issue code).

    Parameters
    ----------
    cases
        The decided issues.
    forecasts
        The models' forecasts (:func:`detente.backtest.forecasts.case_forecasts`),
        holding at least the columns of :data:`FORECAST_MODELS`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NUMERIC` then :data:`CATEGORICAL`.
    """
    lower = np.array([c.lower for c in cases])
    span = np.array([c.upper - c.lower for c in cases])

    def unit(v: np.ndarray) -> np.ndarray:
        return (np.asarray(v, dtype=np.float64) - lower) / span

    base = unit(forecasts["mean_capability_salience"].to_numpy())
    base = np.where(np.isfinite(base), base, 0.5)
    cols: dict[str, np.ndarray] = {}
    for m in FORECAST_MODELS:
        f = unit(forecasts[m].to_numpy())
        cols[f"f_{m}"] = np.where(np.isfinite(f), f, base)
    rp = unit(np.array([c.reference_point for c in cases]))
    cols["rp"] = np.where(np.isfinite(rp), rp, base)
    cols["has_rp"] = np.isfinite(rp).astype(float)
    for name, actor in (("com", COMMISSION), ("ep", PARLIAMENT)):
        x = unit(np.array([c.all_positions.get(actor, np.nan) for c in cases]))
        cols[name] = np.where(np.isfinite(x), x, base)
        cols[f"has_{name}"] = np.isfinite(x).astype(float)
    spread = np.array([_spread(c) for c in cases]).reshape(-1, 3)
    cols["spread"], cols["range"], cols["concentration"] = spread.T
    cols["n_actors"] = np.array([c.n_actors for c in cases], dtype=float)
    frame = pd.DataFrame(cols, index=pd.Index([c.issue for c in cases], name="issue"))
    frame["procedure"] = [c.procedure or "unknown" for c in cases]
    frame["voting_rule"] = [c.voting_rule or "unknown" for c in cases]
    return frame[[*NUMERIC, *CATEGORICAL]]
