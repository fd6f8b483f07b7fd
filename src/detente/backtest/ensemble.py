r"""The calibrated forecaster (``ensemble``): which position wins, learnt from past decisions.

Most decided outcomes in the DEU data are a position some actor held (about two in
three on the DEU III development split) or the reference point.  The ensemble therefore
scores every **candidate outcome** of an issue -- each distinct position held by an
actor, and the reference point -- and forecasts the expected outcome under those scores.

Candidate features (positions on the issue's unit scale)
--------------------------------------------------------
* the capability × salience weight share and the share of actors holding it;
* whether it is the Commission's, the Parliament's position, the reference point, an
  extreme of the positions; the first two interacted with the procedure (codecision
  gives the Parliament a veto) and the reference point with unanimity;
* its distance to every model's forecast (:data:`~detente.backtest.features.FORECAST_MODELS`:
  the weighted means, the weighted median, Nash bargaining, EUM and SMP), the squared
  distance to the capability × salience weighted mean, and that distance relative to the
  spread of positions;
* the issue's number of candidates, spread and salience concentration.

Model
-----
A logistic regression (scikit-learn, L2 penalty, standardised features) learns, on
training issues, whether a candidate is the outcome.  On a new issue the candidates'
decision scores :math:`s_c` become probabilities by a softmax within the issue,
:math:`p_c = e^{s_c} / \sum_d e^{s_d}` (the conditional-logit form), and the forecast is
:math:`\hat{y} = \sum_c p_c x_c`.  The penalty ``C`` is chosen by grouped
cross-validation on the training issues (no proposal in both parts), by mean absolute
error of :math:`\hat{y}`.

80% prediction interval
-----------------------
Split-conformal with grouped cross-validation residuals (CV+ style; Vovk et al. 2005,
Barber et al. 2021): the training issues' out-of-fold absolute errors, divided by a
local scale (the predictive standard deviation of the candidate distribution plus a
floor), give the quantile :math:`q` at level :math:`\lceil 0.8 (n+1) \rceil / n`; a new
issue's interval is :math:`\hat{y} \pm q \cdot \text{scale}`, cut to the issue's scale.

References
----------
McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior. In
P. Zarembka (ed.), *Frontiers in Econometrics*, 105-142.

Barber, R. F., Candès, E. J., Ramdas, A. & Tibshirani, R. J. (2021). Predictive
inference with the jackknife+. *Annals of Statistics*, 49(1), 486-507.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.backtest.cases import DecisionCase
from detente.backtest.features import FORECAST_MODELS, feature_frame
from detente.errors import InputError

__all__ = ["CANDIDATE_FEATURES", "Ensemble", "EnsembleForecast", "candidate_table"]

FloatArray = NDArray[np.float64]

#: Columns of the candidate table the classifier uses.
CANDIDATE_FEATURES: tuple[str, ...] = (
    "share",
    "actor_share",
    "is_extreme",
    "is_com",
    "is_ep",
    "is_rp",
    "com_x_cod",
    "ep_x_cod",
    "rp_x_unan",
    *(f"dist_{m}" for m in FORECAST_MODELS),
    "dist2_mean",
    "dist_rel_spread",
    "n_candidates",
    "spread",
    "concentration",
)

#: Penalties tried by the inner cross-validation.
C_GRID: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)

#: Floor of the conformal scale, on the unit scale.
SCALE_FLOOR = 0.05

_SAME = 1e-6


def candidate_table(cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> pd.DataFrame:
    """One row per issue and candidate outcome, with the candidate features.

    Parameters
    ----------
    cases
        The issues.
    forecasts
        The models' forecasts (one row per case, columns incl. ``FORECAST_MODELS``).

    Returns
    -------
    pandas.DataFrame
        Columns ``case`` (position in ``cases``), ``x`` (the candidate on the unit
        scale), ``is_outcome`` (1.0 if it is the outcome, NaN if unknown) and
        :data:`CANDIDATE_FEATURES`.
    """
    feats = feature_frame(cases, forecasts)
    cols: dict[str, list[float]] = {c: [] for c in ("case", "x", "is_outcome", *CANDIDATE_FEATURES)}
    for i, case in enumerate(cases):
        f = feats.iloc[i]
        span = case.upper - case.lower
        held = np.array(list(case.all_positions.values()), dtype=np.float64)
        pool = list(held)
        if math.isfinite(case.reference_point):
            pool.append(case.reference_point)
        if not pool:
            continue
        cand = np.unique(np.round((np.asarray(pool) - case.lower) / span, 9))
        a = case.arrays
        xs = (a.positions[:, 0] - case.lower) / span
        w = a.capabilities * a.saliences[:, 0]
        total = float(w.sum())
        units = (held - case.lower) / span
        com = case.all_positions.get("COM")
        ep = case.all_positions.get("EP")
        rp = case.reference_point
        cod = float(case.procedure.upper() == "COD")
        unan = float(case.voting_rule.lower().startswith("unan"))
        out = (case.outcome - case.lower) / span if case.has_outcome else math.nan
        for x in cand:
            same = np.abs(xs - x) <= _SAME
            is_com = float(com is not None and abs((com - case.lower) / span - x) <= _SAME)
            is_ep = float(ep is not None and abs((ep - case.lower) / span - x) <= _SAME)
            is_rp = float(math.isfinite(rp) and abs((rp - case.lower) / span - x) <= _SAME)
            d_mean = abs(x - float(f["f_mean_capability_salience"]))
            row = {
                "case": float(i),
                "x": float(x),
                "is_outcome": (float(abs(out - x) <= _SAME) if math.isfinite(out) else math.nan),
                "share": float(w[same].sum() / total) if total > 0 else 0.0,
                "actor_share": float(np.mean(np.abs(units - x) <= _SAME)) if units.size else 0.0,
                "is_extreme": float(x in (cand[0], cand[-1])),
                "is_com": is_com,
                "is_ep": is_ep,
                "is_rp": is_rp,
                "com_x_cod": is_com * cod,
                "ep_x_cod": is_ep * cod,
                "rp_x_unan": is_rp * unan,
                "dist2_mean": d_mean**2,
                "dist_rel_spread": d_mean / (float(f["spread"]) + SCALE_FLOOR),
                "n_candidates": float(cand.size),
                "spread": float(f["spread"]),
                "concentration": float(f["concentration"]),
            }
            for m in FORECAST_MODELS:
                row[f"dist_{m}"] = abs(x - float(f[f"f_{m}"]))
            for key, value in row.items():
                cols[key].append(value)
    return pd.DataFrame(cols)


@dataclass(frozen=True)
class EnsembleForecast:
    """The ensemble's forecasts of a set of issues, on their own scales.

    Attributes
    ----------
    point
        ``(N,)`` forecasts.
    lower, upper
        ``(N,)`` ends of the prediction interval.
    nominal
        The interval's nominal coverage.
    """

    point: FloatArray
    lower: FloatArray
    upper: FloatArray
    nominal: float

    def covered(self, outcome: FloatArray) -> NDArray[np.bool_]:
        """Where ``outcome`` lies inside the interval."""
        y = np.asarray(outcome, dtype=np.float64)
        return np.asarray((y >= self.lower - 1e-9) & (y <= self.upper + 1e-9))


def _softmax_by_case(case: NDArray[np.int64], scores: FloatArray, n: int) -> FloatArray:
    top = np.full(n, -np.inf)
    np.maximum.at(top, case, scores)
    e = np.exp(scores - top[case])
    tot = np.zeros(n)
    np.add.at(tot, case, e)
    return np.asarray(e / tot[case])


class Ensemble:
    """Conditional-logit forecaster over candidate outcomes, with conformal intervals.

    Parameters
    ----------
    nominal
        Nominal coverage of the prediction interval (default 0.8).
    folds
        Grouped cross-validation folds for choosing the penalty and for the conformal
        residuals.
    c_grid
        Penalties tried.
    """

    def __init__(
        self, nominal: float = 0.8, folds: int = 5, c_grid: Sequence[float] = C_GRID
    ) -> None:
        if not 0 < nominal < 1:
            raise InputError(f"nominal coverage {nominal:g} is not between 0 and 1")
        self.nominal = float(nominal)
        self.folds = int(folds)
        self.c_grid = tuple(float(c) for c in c_grid)
        self.C: float | None = None
        self.q: float | None = None
        self._clf: object | None = None

    # -- pieces ---------------------------------------------------------------------------

    @staticmethod
    def _classifier(c: float) -> object:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))

    @staticmethod
    def _fit_rows(clf: object, rows: pd.DataFrame) -> object:
        y = rows["is_outcome"].to_numpy()
        keep = np.isfinite(y)
        labels = y[keep].astype(int)
        if labels.min(initial=1) == labels.max(initial=0):
            raise InputError(
                "the training issues give the ensemble nothing to learn: no outcome (or "
                "every candidate) matches a position held",
                field="--train",
                fix="train on more decided issues.",
            )
        clf.fit(rows.loc[keep, list(CANDIDATE_FEATURES)].to_numpy(), labels)  # type: ignore[attr-defined]
        return clf

    @staticmethod
    def _predict_rows(clf: object, rows: pd.DataFrame, n: int) -> tuple[FloatArray, FloatArray]:
        """Expected value and standard deviation of each case's candidate distribution."""
        mean = np.full(n, np.nan)
        sd = np.full(n, np.nan)
        if rows.empty:
            return mean, sd
        scores = clf.decision_function(rows[list(CANDIDATE_FEATURES)].to_numpy())  # type: ignore[attr-defined]
        case = rows["case"].to_numpy().astype(np.int64)
        p = _softmax_by_case(case, np.asarray(scores, dtype=np.float64), n)
        x = rows["x"].to_numpy()
        m = np.zeros(n)
        np.add.at(m, case, p * x)
        v = np.zeros(n)
        np.add.at(v, case, p * (x - m[case]) ** 2)
        has = np.zeros(n, dtype=bool)
        has[case] = True
        mean[has] = m[has]
        sd[has] = np.sqrt(v[has])
        return mean, sd

    @staticmethod
    def _subset(rows: pd.DataFrame, idx: NDArray[np.int64]) -> pd.DataFrame:
        """Rows of cases ``idx``, renumbered 0..len(idx)-1 in that order."""
        pos = {int(c): k for k, c in enumerate(idx)}
        sub = rows[rows["case"].isin(pos)].copy()
        sub["case"] = sub["case"].map(pos).astype(float)
        return sub

    def _oof(
        self, rows: pd.DataFrame, groups: NDArray[np.str_], n: int, c: float
    ) -> tuple[FloatArray, FloatArray]:
        from sklearn.model_selection import GroupKFold

        mean = np.full(n, np.nan)
        sd = np.full(n, np.nan)
        k = min(self.folds, len(set(groups.tolist())))
        if k < 2:
            raise InputError(
                "the ensemble needs issues from at least two proposals to cross-validate",
                field="--train",
                fix="train on more proposals.",
            )
        for tr, te in GroupKFold(k).split(np.zeros(n), groups=groups):
            clf = self._fit_rows(self._classifier(c), self._subset(rows, tr))
            mean[te], sd[te] = self._predict_rows(clf, self._subset(rows, te), len(te))
        return mean, sd

    # -- public ---------------------------------------------------------------------------

    def fit(self, cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> Ensemble:
        """Fit on decided issues (issues without an outcome are ignored).

        Parameters
        ----------
        cases
            Training issues.
        forecasts
            The models' forecasts of those issues.

        Returns
        -------
        Ensemble
            ``self``, fitted.

        Raises
        ------
        InputError
            If the training set is too small to cross-validate or learn from.
        """
        keep = [i for i, c in enumerate(cases) if c.has_outcome]
        train = [cases[i] for i in keep]
        fc = forecasts.iloc[keep]
        n = len(train)
        rows = candidate_table(train, fc)
        groups = np.array([c.proposal for c in train])
        unit_y = np.array([(c.outcome - c.lower) / (c.upper - c.lower) for c in train])
        fallback = self._fallback(train, fc)
        best: tuple[float, float, FloatArray, FloatArray] | None = None
        for c in self.c_grid:
            mean, sd = self._oof(rows, groups, n, c)
            mean = np.where(np.isfinite(mean), mean, fallback)
            err = float(np.mean(np.abs(mean - unit_y)))
            if best is None or err < best[0] - 1e-12:
                best = (err, c, mean, sd)
        assert best is not None
        _, self.C, oof_mean, oof_sd = best
        scale = np.where(np.isfinite(oof_sd), oof_sd, 0.0) + SCALE_FLOOR
        score = np.abs(unit_y - oof_mean) / scale
        level = min(1.0, math.ceil(self.nominal * (n + 1)) / n)
        self.q = float(np.quantile(score, level, method="higher"))
        self._clf = self._fit_rows(self._classifier(self.C), rows)
        return self

    @staticmethod
    def _fallback(cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> FloatArray:
        """Unit-scale weighted mean (or the midpoint) for issues without candidates."""
        lower = np.array([c.lower for c in cases])
        span = np.array([c.upper - c.lower for c in cases])
        m = (forecasts["mean_capability_salience"].to_numpy() - lower) / span
        return np.asarray(np.where(np.isfinite(m), m, 0.5))

    def predict(self, cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> EnsembleForecast:
        """Forecasts and prediction intervals of ``cases``, on their own scales.

        Raises
        ------
        RuntimeError
            If the ensemble has not been fitted.
        """
        if self._clf is None or self.q is None:
            raise RuntimeError("fit the ensemble before predicting")
        n = len(cases)
        rows = candidate_table(cases, forecasts)
        mean, sd = self._predict_rows(self._clf, rows, n)
        mean = np.where(np.isfinite(mean), mean, self._fallback(cases, forecasts))
        half = self.q * (np.where(np.isfinite(sd), sd, 0.0) + SCALE_FLOOR)
        lower = np.array([c.lower for c in cases])
        span = np.array([c.upper - c.lower for c in cases])
        lo = np.clip(mean - half, 0.0, 1.0)
        hi = np.clip(mean + half, 0.0, 1.0)
        return EnsembleForecast(
            point=lower + span * mean,
            lower=lower + span * lo,
            upper=lower + span * hi,
            nominal=self.nominal,
        )
