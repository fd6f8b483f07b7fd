r"""The calibrated forecaster (``ensemble``): which candidate outcome wins, learnt from the past.

Most decided outcomes in the DEU data are a position some actor held (about two in
three on the DEU III development split) or the reference point; most of the others are
compromises between the positions.  The ensemble therefore scores a small set of
**candidate outcomes** of each issue -- every distinct position held by an actor, the
reference point, and the compromise (the capability × salience weighted mean, Achen's
compromise model) -- and forecasts from the resulting predictive distribution.

Candidate features (positions on the issue's unit scale)
--------------------------------------------------------
* **Who holds it**: the capability × salience weight share and the share of actors
  holding it; whether it is the Commission's or the Parliament's position (each also ×
  codecision, which gives the Parliament a veto), the reference point (also ×
  unanimity), an extreme of the candidates, a held position, the compromise.
* **Coalitions** (weights :math:`w_i = c_i s_i`, positions :math:`x_i`): the support
  :math:`\min(\sum_{x_i \le x} w_i, \sum_{x_i \ge x} w_i) / \sum w_i` of candidate
  :math:`x` -- the weight that can be assembled at or beyond it on its weaker side,
  0.5 at the weighted median -- over all actors and over the Council members only (the
  latter also × unanimity); whether it is in the Council's qualified-majority core
  (no 65% of Council weight lies strictly on one side of it:
  :math:`\min(L, R) \ge 0.35`; GDP-based capabilities stand in for Council votes); the
  share of all weight and of Council weight whose holders are closer to the candidate
  than to the reference point, that Council share × unanimity, and whether, under
  unanimity, every Council member prefers it to the reference point; its distance to
  the reference point (0 where there is none).
* **Models**: its distance to every model's forecast
  (:data:`~detente.backtest.features.FORECAST_MODELS`: the weighted means, the weighted
  median, Nash bargaining, EUM and SMP), the squared distance to the capability ×
  salience mean and that distance relative to the spread of positions.
* What is the same for every candidate of an issue (its procedure, voting rule, spread
  of positions...) cannot change a conditional logit's choice on its own; it enters
  through the interactions above.

Model
-----
A conditional logit (McFadden 1974): candidate :math:`c` of issue :math:`i` has score
:math:`s_{ic} = \beta^\top z_{ic}` (standardised features) and probability
:math:`p_{ic} = e^{s_{ic}} / \sum_d e^{s_{id}}`.  The training target of an issue is
the candidate **nearest the outcome** (shared equally on a tie), so issues settled by a
compromise teach the model too.  :math:`\beta` minimises the L2-penalised negative
log-likelihood :math:`-\sum_i \sum_c t_{ic} \log p_{ic} + \lVert\beta\rVert^2 / (2C)`
(L-BFGS, scipy).

The forecast is the **median** of the issue's candidate distribution -- the point that
minimises the expected absolute error under it -- so it is always one of the
candidates.  The penalty is fixed, :math:`C` = :data:`PENALTY`, chosen on the DEU III
development split by repeated proposal-grouped train/test splits; choosing it inside
each training set by cross-validation instead is noisy with about 200 training issues
and does worse out of sample (``tools/backtest_accuracy.py --nested``).

80% prediction interval
-----------------------
Conformalised quantiles (Romano, Patterson & Candès 2019) with grouped cross-validation
residuals (CV+ style; Barber et al. 2021).  For nominal coverage :math:`1 - \alpha`
(0.8), the base interval is :math:`[Q_\alpha, Q_{1-\alpha}]` of the issue's candidate
distribution -- its central :math:`1 - 2\alpha` (60%) -- widened to contain
:math:`\hat{y}`.  The training issues' out-of-fold conformity scores
:math:`E = \max(Q_\alpha - y, y - Q_{1-\alpha})` (folds grouped by proposal) give the
quantile :math:`q` at level :math:`\lceil (1 - \alpha)(n+1) \rceil / n`, and a new
issue's interval is :math:`[Q_\alpha - q, Q_{1-\alpha} + q]` (still containing
:math:`\hat{y}`), cut to the issue's scale.  (Choosing the base quantiles among several
as the narrowest on the training issues did not narrow the intervals out of sample and
cost about a point of coverage, so they are fixed.)

References
----------
McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior. In
P. Zarembka (ed.), *Frontiers in Econometrics*, 105-142.

Romano, Y., Patterson, E. & Candès, E. J. (2019). Conformalized quantile regression.
*Advances in Neural Information Processing Systems* 32.

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
from detente.backtest.features import COMMISSION, FORECAST_MODELS, PARLIAMENT, feature_frame
from detente.errors import InputError

__all__ = [
    "CANDIDATE_FEATURES",
    "PENALTY",
    "CandidateDistribution",
    "Ensemble",
    "EnsembleForecast",
    "candidate_table",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Columns of the candidate table the conditional logit uses.
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
    "is_held",
    "is_compromise",
    "support",
    "council_support",
    "council_support_x_unan",
    "in_qmv_core",
    "beats_rp",
    "council_beats_rp",
    "council_beats_rp_x_unan",
    "unanimous_over_rp",
    "dist_rp",
    *(f"dist_{m}" for m in FORECAST_MODELS),
    "dist2_mean",
    "dist_rel_spread",
)

#: L2 penalty of the conditional logit: beta minimises NLL + ||beta||^2 / (2 C), features
#: standardised.  Chosen on the DEU III development split (``tools/backtest_accuracy.py``).
PENALTY = 0.005


#: Council weight share that blocks a qualified majority (1 - 0.65).
QMV_BLOCKING = 0.35

#: Floor of the spread in ``dist_rel_spread``, on the unit scale.
SPREAD_FLOOR = 0.05

_SAME = 1e-6


def _shares(w: FloatArray) -> FloatArray:
    total = float(w.sum())
    return w / total if total > 0 else np.zeros_like(w)


def _at(x: FloatArray, v: float | None, case: DecisionCase) -> FloatArray:
    """1.0 where candidate ``x`` (unit scale) is the position ``v`` (issue scale)."""
    if v is None or not math.isfinite(v):
        return np.zeros(x.size)
    return (np.abs(x - (v - case.lower) / (case.upper - case.lower)) <= _SAME).astype(float)


def candidate_table(cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> pd.DataFrame:
    """One row per issue and candidate outcome, with the candidate features.

    The candidates of an issue are the distinct positions held (by any actor, salience
    or not), the reference point where present, and the capability × salience weighted
    mean where some actor has weight.

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
        scale), ``is_outcome`` (1.0 if it is the outcome, NaN if unknown), ``target``
        (1 / k for the k candidates nearest the outcome, else 0; NaN if unknown) and
        :data:`CANDIDATE_FEATURES`, sorted by case and ``x``.
    """
    feats = feature_frame(cases, forecasts)
    frames = []
    for i, case in enumerate(cases):
        f = feats.iloc[i]
        span = case.upper - case.lower
        a = case.arrays
        xs = (a.positions[:, 0] - case.lower) / span
        w = a.capabilities * a.saliences[:, 0]
        share = _shares(w)
        council = np.array([aid not in (COMMISSION, PARLIAMENT) for aid in a.actor_ids], bool)
        share_c = _shares(w * council)
        held = (np.array(list(case.all_positions.values()), dtype=np.float64) - case.lower) / span
        rp = (case.reference_point - case.lower) / span
        has_rp = math.isfinite(rp)
        mean = float((share * xs).sum()) if share.sum() > 0 else math.nan
        pool = [*held, *([rp] if has_rp else []), *([mean] if math.isfinite(mean) else [])]
        if not pool:
            continue
        x: FloatArray = np.unique(np.round(np.asarray(pool, dtype=np.float64), 9)).astype(
            np.float64
        )
        k = x.size
        near = np.abs(xs[None, :] - x[:, None]) <= _SAME  # (k, actors)
        left = (xs[None, :] <= x[:, None] + _SAME).astype(float)
        right = (xs[None, :] >= x[:, None] - _SAME).astype(float)
        support = np.minimum(left @ share, right @ share)
        support_c = np.minimum(left @ share_c, right @ share_c)
        if has_rp:
            prefers = np.abs(xs[None, :] - x[:, None]) < np.abs(xs - rp)[None, :] - _SAME
            beats = prefers.astype(float) @ share
            beats_c = prefers.astype(float) @ share_c
        else:
            beats = beats_c = np.zeros(k)

        is_com = _at(x, case.all_positions.get(COMMISSION), case)
        is_ep = _at(x, case.all_positions.get(PARLIAMENT), case)
        is_rp = _at(x, case.reference_point, case)
        cod = float(case.procedure.upper() == "COD")
        unan = float(case.voting_rule.lower().startswith("unan"))
        any_council = bool(share_c.sum() > 0)
        d_mean = np.abs(x - float(f["f_mean_capability_salience"]))
        cols: dict[str, FloatArray | float] = {
            "case": float(i),
            "x": x,
            "share": near.astype(float) @ share,
            "actor_share": np.mean(np.abs(held[None, :] - x[:, None]) <= _SAME, axis=1),
            "is_extreme": ((x == x[0]) | (x == x[-1])).astype(float),
            "is_com": is_com,
            "is_ep": is_ep,
            "is_rp": is_rp,
            "com_x_cod": is_com * cod,
            "ep_x_cod": is_ep * cod,
            "rp_x_unan": is_rp * unan,
            "is_held": np.any(np.abs(held[None, :] - x[:, None]) <= _SAME, axis=1).astype(float),
            "is_compromise": (np.abs(x - mean) <= _SAME).astype(float),
            "support": support,
            "council_support": support_c,
            "council_support_x_unan": support_c * unan,
            "in_qmv_core": (support_c >= QMV_BLOCKING - _SAME).astype(float) * any_council,
            "beats_rp": beats,
            "council_beats_rp": beats_c,
            "council_beats_rp_x_unan": beats_c * unan,
            "unanimous_over_rp": (beats_c >= 1.0 - _SAME).astype(float) * unan * any_council,
            "dist_rp": np.abs(x - rp) if has_rp else np.zeros(k),
            **{f"dist_{m}": np.abs(x - float(f[f"f_{m}"])) for m in FORECAST_MODELS},
            "dist2_mean": d_mean**2,
            "dist_rel_spread": d_mean / (float(f["spread"]) + SPREAD_FLOOR),
        }
        if case.has_outcome:
            out = (case.outcome - case.lower) / span
            gap = np.abs(x - out)
            nearest = (gap <= gap.min() + _SAME).astype(float)
            cols["is_outcome"] = (gap <= _SAME).astype(float)
            cols["target"] = nearest / nearest.sum()
        else:
            cols["is_outcome"] = cols["target"] = np.full(k, np.nan)
        frames.append(pd.DataFrame(cols, index=range(k)))
    columns = ["case", "x", "is_outcome", "target", *CANDIDATE_FEATURES]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


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


def _softmax_by_case(case: IntArray, scores: FloatArray, n: int) -> FloatArray:
    top = np.full(n, -np.inf)
    np.maximum.at(top, case, scores)
    e = np.exp(scores - top[case])
    tot = np.zeros(n)
    np.add.at(tot, case, e)
    return np.asarray(e / tot[case])


@dataclass(frozen=True)
class CandidateDistribution:
    """Each issue's predictive distribution over its candidates (unit scale).

    Attributes
    ----------
    case
        ``(R,)`` issue of each candidate (0..n-1).
    x
        ``(R,)`` candidate positions.
    p
        ``(R,)`` probabilities (summing to 1 within an issue).
    n
        Number of issues (an issue without candidates has no rows).
    """

    case: IntArray
    x: FloatArray
    p: FloatArray
    n: int

    def has(self) -> NDArray[np.bool_]:
        """``(n,)`` whether each issue has a candidate."""
        out = np.zeros(self.n, dtype=bool)
        out[self.case] = True
        return out

    def mean(self) -> FloatArray:
        """``(n,)`` expected value of each issue (NaN without candidates)."""
        m = np.zeros(self.n)
        np.add.at(m, self.case, self.p * self.x)
        return np.where(self.has(), m, np.nan)

    def quantile(self, q: float) -> FloatArray:
        """``(n,)`` the smallest candidate whose cumulative probability reaches ``q``."""
        order = np.lexsort((self.x, self.case))
        c, x, p = self.case[order], self.x[order], self.p[order]
        cum = np.cumsum(p)
        first = np.r_[True, c[1:] != c[:-1]] if c.size else np.zeros(0, bool)
        starts = np.flatnonzero(first)
        before = np.repeat(cum[starts] - p[starts], np.diff(np.r_[starts, c.size]))
        reached = np.flatnonzero(cum - before >= q - 1e-12)
        out = np.full(self.n, np.nan)
        cc = c[reached]
        head = np.r_[True, cc[1:] != cc[:-1]] if cc.size else np.zeros(0, bool)
        out[cc[head]] = x[reached[head]]
        return out


class _ConditionalLogit:
    """L2-penalised conditional logit over standardised features, fitted by L-BFGS."""

    def __init__(self, c: float) -> None:
        self.c = float(c)
        self.center: FloatArray | None = None
        self.scale: FloatArray | None = None
        self.beta: FloatArray | None = None

    def fit(self, z: FloatArray, case: IntArray, target: FloatArray) -> _ConditionalLogit:
        from scipy.optimize import minimize

        self.center = z.mean(axis=0)
        sd = z.std(axis=0)
        self.scale = np.where(sd > 0, sd, 1.0)
        zs = (z - self.center) / self.scale
        _, case = np.unique(case, return_inverse=True)
        n = int(case.max()) + 1
        penalty = 1.0 / self.c

        def loss(beta: FloatArray) -> tuple[float, FloatArray]:
            p = _softmax_by_case(case, zs @ beta, n)
            nll = -float(np.sum(target * np.log(np.maximum(p, 1e-300))))
            grad = -(zs.T @ (target - p)) + penalty * beta
            return nll + 0.5 * penalty * float(beta @ beta), grad

        # The penalised loss is strictly convex, so it has one minimum; solving to a
        # tight tolerance makes the fit that minimum rather than wherever a given
        # scipy release's default stopping rule happens to halt (their defaults moved
        # the cross-validated MAE by 0.15 between releases).
        res = minimize(
            loss,
            np.zeros(zs.shape[1]),
            jac=True,
            method="L-BFGS-B",
            options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10_000},
        )
        self.beta = np.asarray(res.x, dtype=np.float64)
        return self

    def scores(self, z: FloatArray) -> FloatArray:
        assert self.beta is not None and self.center is not None and self.scale is not None
        return np.asarray(((z - self.center) / self.scale) @ self.beta, dtype=np.float64)


def _conformal_quantile(scores: FloatArray, nominal: float) -> float:
    n = scores.size
    level = min(1.0, math.ceil(nominal * (n + 1)) / n)
    return float(np.quantile(scores, level, method="higher"))


class Ensemble:
    """Conditional-logit forecaster over candidate outcomes, with conformal intervals.

    Parameters
    ----------
    nominal
        Nominal coverage of the prediction interval (default 0.8).
    folds
        Grouped cross-validation folds (by proposal) of the training issues whose
        out-of-fold residuals calibrate the interval.
    penalty
        The conditional logit's ``C`` (default :data:`PENALTY`; smaller = stronger).
    """

    def __init__(self, nominal: float = 0.8, folds: int = 5, penalty: float = PENALTY) -> None:
        if not 0 < nominal < 1:
            raise InputError(f"nominal coverage {nominal:g} is not between 0 and 1")
        if not (math.isfinite(penalty) and penalty > 0):
            raise InputError(f"penalty {penalty:g} is not a positive number")
        if folds < 2:
            raise InputError(f"the ensemble needs at least 2 folds, not {folds}")
        self.nominal = float(nominal)
        self.folds = int(folds)
        self.C = float(penalty)
        #: lower tail of the base interval (the quantiles ``tail`` and ``1 - tail``)
        self.tail = round(min(0.49, 1.0 - self.nominal), 10)
        self.q: float | None = None
        self._clf: _ConditionalLogit | None = None

    # -- pieces ---------------------------------------------------------------------------

    @staticmethod
    def _fit_rows(c: float, rows: pd.DataFrame) -> _ConditionalLogit:
        t = rows["target"].to_numpy()
        keep = np.isfinite(t)
        if not keep.any() or rows.loc[keep, "case"].nunique() < 2:
            raise InputError(
                "the training issues give the ensemble nothing to learn: fewer than two "
                "decided issues with a candidate outcome",
                field="training issues",
                fix="train on more decided issues.",
            )
        z = rows.loc[keep, list(CANDIDATE_FEATURES)].to_numpy(dtype=np.float64)
        case = rows.loc[keep, "case"].to_numpy().astype(np.int64)
        return _ConditionalLogit(c).fit(z, case, t[keep])

    @staticmethod
    def _distribution(clf: _ConditionalLogit, rows: pd.DataFrame, n: int) -> CandidateDistribution:
        case = rows["case"].to_numpy().astype(np.int64)
        x = rows["x"].to_numpy(dtype=np.float64)
        if rows.empty:
            return CandidateDistribution(case, x, np.zeros(0), n)
        s = clf.scores(rows[list(CANDIDATE_FEATURES)].to_numpy(dtype=np.float64))
        return CandidateDistribution(case, x, _softmax_by_case(case, s, n), n)

    @staticmethod
    def _subset(rows: pd.DataFrame, idx: IntArray) -> pd.DataFrame:
        """Rows of cases ``idx``, renumbered 0..len(idx)-1 in that order."""
        pos = {int(c): k for k, c in enumerate(idx)}
        sub = rows[rows["case"].isin(pos)].copy()
        sub["case"] = sub["case"].map(pos).astype(float)
        return sub

    def _summaries(self, dist: CandidateDistribution) -> dict[str, FloatArray]:
        return {
            "median": dist.quantile(0.5),
            "lo": dist.quantile(self.tail),
            "hi": dist.quantile(1.0 - self.tail),
        }

    def _oof(self, rows: pd.DataFrame, groups: NDArray[np.str_], n: int) -> dict[str, FloatArray]:
        """Out-of-fold summaries of the training issues (folds grouped by proposal)."""
        from sklearn.model_selection import GroupKFold

        k = min(self.folds, len(set(groups.tolist())))
        if k < 2:
            raise InputError(
                "the ensemble needs decided issues from at least two proposals to "
                "calibrate its interval",
                field="training issues",
                fix="train on more proposals.",
            )
        out: dict[str, FloatArray] = {}
        for tr, te in GroupKFold(k).split(np.zeros(n), groups=groups):
            clf = self._fit_rows(self.C, self._subset(rows, tr))
            part = self._summaries(self._distribution(clf, self._subset(rows, te), len(te)))
            for key, v in part.items():
                out.setdefault(key, np.full(n, np.nan))[te] = v
        return out

    @staticmethod
    def _point(s: dict[str, FloatArray], fallback: FloatArray) -> FloatArray:
        return np.asarray(np.where(np.isfinite(s["median"]), s["median"], fallback))

    @staticmethod
    def _base_interval(
        s: dict[str, FloatArray], point: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """``[Q_a, Q_{1-a}]`` widened to hold the point; the whole scale without candidates."""
        lo = np.fmin(s["lo"], point)
        hi = np.fmax(s["hi"], point)
        none = ~np.isfinite(s["lo"])
        return np.where(none, 0.0, lo), np.where(none, 1.0, hi)

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
        y = np.array([(c.outcome - c.lower) / (c.upper - c.lower) for c in train])
        oof = self._oof(rows, groups, n)
        point = self._point(oof, self._fallback(train, fc))
        lo, hi = self._base_interval(oof, point)
        self.q = _conformal_quantile(np.maximum(lo - y, y - hi), self.nominal)
        self._clf = self._fit_rows(self.C, rows)
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
        s = self._summaries(self._distribution(self._clf, rows, n))
        point = self._point(s, self._fallback(cases, forecasts))
        lo, hi = self._base_interval(s, point)
        lo = np.clip(np.fmin(lo - self.q, point), 0.0, 1.0)
        hi = np.clip(np.fmax(hi + self.q, point), 0.0, 1.0)
        lower = np.array([c.lower for c in cases])
        span = np.array([c.upper - c.lower for c in cases])
        return EnsembleForecast(
            point=lower + span * point,
            lower=lower + span * lo,
            upper=lower + span * hi,
            nominal=self.nominal,
        )
