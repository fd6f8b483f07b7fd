r"""The calibrated forecaster (``ensemble``): which candidate outcome wins, learnt from the past.

Most decided outcomes in the DEU data are a position some actor held (about two in
three on the DEU III development split) or the reference point; most of the others are
compromises between the positions.  The ensemble therefore scores a small set of
**candidate outcomes** of each issue -- every distinct position held by an actor, the
reference point, and the compromise (the capability × salience weighted mean, Achen's
compromise model) -- and forecasts from the resulting predictive distribution.

Candidate features (positions on the issue's unit scale)
--------------------------------------------------------
:func:`candidate_table` describes every candidate by :data:`CANDIDATE_FEATURES`:

* **Who holds it**: the capability × salience weight share and the share of actors
  holding it; whether it is the Commission's or the Parliament's position (each also ×
  codecision, which gives the Parliament a veto), the reference point (also ×
  unanimity), an extreme of the candidates, a held position, the compromise.
* **Coalitions** (weights :math:`w_i = c_i s_i`, positions :math:`x_i`): the support
  :math:`\min(\sum_{x_i \le x} w_i, \sum_{x_i \ge x} w_i) / \sum w_i` of candidate
  :math:`x` over all actors and over the Council members (also × unanimity); whether it
  is in the Council's qualified-majority core (:math:`\min(L, R) \ge 0.35` of Council
  weight; GDP-based capabilities stand in for Council votes); the share of all weight
  and of Council weight closer to it than to the reference point (the latter also ×
  unanimity), whether under unanimity every Council member prefers it to the
  reference point; its distance to the reference point.
* **Models**: its distance to every model's forecast
  (:data:`~detente.backtest.features.FORECAST_MODELS`), the squared distance to the
  compromise and that distance relative to the spread of positions.

The conditional logit reads only the **institutional** features,
:data:`LOGIT_FEATURES`: whether the candidate is the Commission's position, the
Parliament's, the reference point, the compromise, a held position or an extreme, and
the Commission's, the Parliament's and the reference point's positions interacted with
the procedure (codecision) and the voting rule (unanimity).  These are the actors and
rules that the procedural models of EU legislation single out -- the Commission as
agenda setter, the Parliament's veto under codecision, the reversion point under
unanimity (Crombez 1996; Tsebelis & Garrett 2000; Thomson et al. 2006) -- and nine
coefficients is a small enough model for a few hundred decisions.  The richer table
(coalitions, distances to the models' forecasts) is kept as a description of the
candidates; a logit on all of it fitted the development split better and held up
worse on decisions it had not seen (``docs/models/ensemble.md``).

Model
-----
A conditional logit (McFadden 1974): candidate :math:`c` of issue :math:`i` has score
:math:`s_{ic} = \beta^\top z_{ic}` (standardised features) and probability
:math:`p_{ic} = e^{s_{ic}} / \sum_d e^{s_{id}}`.  The training target of an issue is
the candidate **nearest the outcome** (shared equally on a tie), so issues settled by a
compromise teach the model too.  :math:`\beta` minimises the L2-penalised negative
log-likelihood :math:`-\sum_i \sum_c t_{ic} \log p_{ic} + \lVert\beta\rVert^2 / (2C)`
(L-BFGS, scipy).  A strong penalty keeps the distribution close to uniform over the
candidates, tilted by the features.

**Shrinkage toward the compromise.**  The predictive distribution puts weight
:math:`\alpha` on the compromise :math:`m_i`:
:math:`p'_{ic} = (1 - \alpha)\, p_{ic} + \alpha\, [x_{ic} = m_i]`.  With
:math:`\alpha = 1` the forecaster *is* the compromise model.

**Point forecast**: the median of :math:`p'` -- the point that minimises the expected
absolute error under it -- so the forecast is always a candidate, and it leaves the
compromise only for a candidate (or side) that carries half the probability: a risky
bet on one position must pay for its tail.

Choices made from the training data only
----------------------------------------
Everything :meth:`Ensemble.fit` chooses, it chooses inside the training issues: a
grouped :math:`K`-fold cross-validation (folds by proposal) gives every training issue
an out-of-fold distribution for each penalty :math:`C` of :data:`PENALTIES`; the pair
:math:`(C, \alpha)` (:math:`\alpha` in :data:`COMPROMISE_WEIGHTS`) with the lowest
out-of-fold mean absolute error is kept (on a tie: the larger :math:`\alpha`, then the
smaller :math:`C`, i.e. the simpler forecaster).  So a training file on which the
candidates do not pay makes the ensemble the compromise model.  The same out-of-fold
forecasts calibrate the interval; the logit is then refitted on all training issues.

80% prediction interval
-----------------------
Conformalised quantiles (Romano, Patterson & Candès 2019) with grouped cross-validation
residuals (CV+ style; Barber et al. 2021).  For a tail :math:`a`, the base interval is
:math:`[Q_a, Q_{1-a}]` of the issue's distribution :math:`p'`, widened to contain
:math:`\hat{y}`.  The training issues' out-of-fold conformity scores
:math:`E = \max(Q_a - y, y - Q_{1-a})` give the quantile :math:`q` at level
:math:`\lceil (1 - \alpha_0)(n+1) \rceil / n` for nominal coverage
:math:`1 - \alpha_0` (0.8), and a new issue's interval is
:math:`[Q_a - q, Q_{1-a} + q]` (still containing :math:`\hat{y}`), cut to the scale.
Outcomes often *are* a candidate, so many scores are exactly 0 and a fixed tail can
over-cover (about 87% for :math:`a` = 0.2 on the development split); the fit therefore
tries every tail of :data:`INTERVAL_TAILS` and keeps the one whose conformal
out-of-fold intervals are narrowest.

References
----------
Barber, R. F., Candès, E. J., Ramdas, A. & Tibshirani, R. J. (2021). Predictive
inference with the jackknife+. *Annals of Statistics*, 49(1), 486-507.

Crombez, C. (1996). Legislative procedures in the European Community. *British
Journal of Political Science*, 26(2), 199-228.

McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior. In
P. Zarembka (ed.), *Frontiers in Econometrics*, 105-142.

Romano, Y., Patterson, E. & Candès, E. J. (2019). Conformalized quantile regression.
*Advances in Neural Information Processing Systems* 32.

Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds) (2006). *The European
Union Decides*. Cambridge University Press.

Tsebelis, G. & Garrett, G. (2000). Legislative politics in the European Union.
*European Union Politics*, 1(1), 9-36.
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
    "COMPROMISE_WEIGHTS",
    "INTERVAL_TAILS",
    "LOGIT_FEATURES",
    "PENALTIES",
    "CandidateDistribution",
    "Ensemble",
    "EnsembleForecast",
    "candidate_table",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Every column of the candidate table that describes a candidate.
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

#: The features the conditional logit reads (the institutional ones; see the module
#: docstring).
LOGIT_FEATURES: tuple[str, ...] = (
    "is_com",
    "is_ep",
    "is_rp",
    "is_compromise",
    "is_held",
    "is_extreme",
    "com_x_cod",
    "ep_x_cod",
    "rp_x_unan",
)

#: Penalties C the fit chooses from (beta minimises NLL + ||beta||^2 / (2 C), features
#: standardised; smaller = closer to uniform over the candidates).
PENALTIES: tuple[float, ...] = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 1.0)

#: Weights of the compromise in the predictive distribution the fit chooses from
#: (1.0: the forecaster is the compromise model).
COMPROMISE_WEIGHTS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.3, 1.0)

#: Tails ``a`` of the base interval ``[Q_a, Q_{1-a}]`` the fit chooses from.
INTERVAL_TAILS: tuple[float, ...] = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)

#: Council weight share that blocks a qualified majority (1 - 0.65).
QMV_BLOCKING = 0.35

#: Floor of the spread in ``dist_rel_spread``, on the unit scale.
SPREAD_FLOOR = 0.05

_SAME = 1e-6

#: Two out-of-fold mean absolute errors (unit scale) closer than this are a tie.
_TIE = 1e-12


def _shares(w: FloatArray) -> FloatArray:
    total = float(w.sum())
    return w / total if total > 0 else np.zeros_like(w)


def _at(x: FloatArray, v: float | None, case: DecisionCase) -> FloatArray:
    """1.0 where candidate ``x`` (unit scale) is the position ``v`` (issue scale)."""
    if v is None or not math.isfinite(v):
        return np.zeros(x.size)
    return (np.abs(x - (v - case.lower) / (case.upper - case.lower)) <= _SAME).astype(float)


def _candidates(i: int, case: DecisionCase, f: pd.Series) -> dict[str, FloatArray] | None:
    """The candidate rows of one issue (column -> array), or None without candidates."""
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
        return None
    x: FloatArray = np.unique(np.round(np.asarray(pool, dtype=np.float64), 9)).astype(np.float64)
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
    held_here = np.abs(held[None, :] - x[:, None]) <= _SAME
    cols: dict[str, FloatArray] = {
        "case": np.full(k, float(i)),
        "x": x,
        "share": near.astype(float) @ share,
        "actor_share": np.mean(held_here, axis=1),
        "is_extreme": ((x == x[0]) | (x == x[-1])).astype(float),
        "is_com": is_com,
        "is_ep": is_ep,
        "is_rp": is_rp,
        "com_x_cod": is_com * cod,
        "ep_x_cod": is_ep * cod,
        "rp_x_unan": is_rp * unan,
        "is_held": np.any(held_here, axis=1).astype(float),
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
    return cols


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
    columns = ["case", "x", "is_outcome", "target", *CANDIDATE_FEATURES]
    feats = feature_frame(cases, forecasts)
    parts = [_candidates(i, case, feats.iloc[i]) for i, case in enumerate(cases)]
    rows = [p for p in parts if p is not None]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    return pd.DataFrame({c: np.concatenate([r[c] for r in rows]) for c in columns})


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

    def covered(self, outcome: FloatArray) -> BoolArray:
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

    def has(self) -> BoolArray:
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
        # scipy release's default stopping rule happens to halt.
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


@dataclass(frozen=True)
class _Rows:
    """The candidate rows of a set of issues as arrays (issues numbered 0..n-1)."""

    case: IntArray
    x: FloatArray
    z: FloatArray
    target: FloatArray
    compromise: FloatArray
    n: int

    @classmethod
    def of(cls, table: pd.DataFrame, n: int, features: Sequence[str]) -> _Rows:
        return cls(
            case=table["case"].to_numpy().astype(np.int64),
            x=table["x"].to_numpy(dtype=np.float64),
            z=table[list(features)].to_numpy(dtype=np.float64),
            target=table["target"].to_numpy(dtype=np.float64),
            compromise=table["is_compromise"].to_numpy(dtype=np.float64),
            n=n,
        )

    def select(self, issues: IntArray) -> tuple[_Rows, IntArray]:
        """The rows of ``issues`` (renumbered in that order) and their row indices."""
        new = np.full(self.n, -1, dtype=np.int64)
        new[issues] = np.arange(issues.size)
        idx = np.flatnonzero(new[self.case] >= 0)
        sub = _Rows(
            case=new[self.case[idx]],
            x=self.x[idx],
            z=self.z[idx],
            target=self.target[idx],
            compromise=self.compromise[idx],
            n=int(issues.size),
        )
        return sub, idx


def _fit_logit(c: float, rows: _Rows) -> _ConditionalLogit:
    keep = np.isfinite(rows.target)
    if not keep.any() or np.unique(rows.case[keep]).size < 2:
        raise InputError(
            "the training issues give the ensemble nothing to learn: fewer than two "
            "decided issues with a candidate outcome",
            field="training issues",
            fix="train on more decided issues.",
        )
    return _ConditionalLogit(c).fit(rows.z[keep], rows.case[keep], rows.target[keep])


def _shrunk(p: FloatArray, rows: _Rows, alpha: float) -> CandidateDistribution:
    """The distribution ``(1 - alpha) p + alpha [candidate = compromise]``.

    An issue without a compromise candidate (no actor has weight) keeps ``p``.
    """
    has_comp = np.zeros(rows.n, dtype=bool)
    has_comp[rows.case[rows.compromise > 0]] = True
    a = np.where(has_comp[rows.case], alpha, 0.0)
    return CandidateDistribution(rows.case, rows.x, (1.0 - a) * p + a * rows.compromise, rows.n)


class Ensemble:
    """Conditional-logit forecaster over candidate outcomes, with conformal intervals.

    Parameters
    ----------
    nominal
        Nominal coverage of the prediction interval (default 0.8).
    folds
        Grouped cross-validation folds (by proposal) of the training issues, inside
        which the penalty and the compromise weight are chosen and the interval
        calibrated.
    penalties
        The conditional logit's ``C`` values to choose from (default
        :data:`PENALTIES`; smaller = stronger).  One value fixes it.
    compromise_weights
        The weights of the compromise to choose from (default
        :data:`COMPROMISE_WEIGHTS`, each in [0, 1]).  One value fixes it.
    features
        Columns of :data:`CANDIDATE_FEATURES` the logit reads (default
        :data:`LOGIT_FEATURES`).
    interval_tails
        Tails of the base interval to choose from (default :data:`INTERVAL_TAILS`,
        each in (0, 0.5]).  One value fixes it.

    Attributes
    ----------
    penalty, compromise_weight
        The values chosen by :meth:`fit`.
    selection
        After :meth:`fit`: one row per ``(penalty, compromise_weight)`` with its
        out-of-fold mean absolute error on the training issues (0-100 scale) and
        whether it was chosen.
    tail, q
        The interval's tail (base interval ``[Q_tail, Q_{1-tail}]``) and its conformal
        widening (unit scale), chosen by :meth:`fit`.
    """

    def __init__(
        self,
        nominal: float = 0.8,
        folds: int = 5,
        penalties: Sequence[float] = PENALTIES,
        compromise_weights: Sequence[float] = COMPROMISE_WEIGHTS,
        features: Sequence[str] = LOGIT_FEATURES,
        interval_tails: Sequence[float] = INTERVAL_TAILS,
    ) -> None:
        if not 0 < nominal < 1:
            raise InputError(f"nominal coverage {nominal:g} is not between 0 and 1")
        if folds < 2:
            raise InputError(f"the ensemble needs at least 2 folds, not {folds}")
        cs = [float(c) for c in penalties]
        if not cs or not all(math.isfinite(c) and c > 0 for c in cs):
            raise InputError(f"penalties {list(penalties)} must be positive numbers")
        ws = [float(a) for a in compromise_weights]
        if not ws or not all(0.0 <= a <= 1.0 for a in ws):
            raise InputError(f"compromise weights {list(compromise_weights)} must lie in [0, 1]")
        tails = [float(t) for t in interval_tails]
        if not tails or not all(0.0 < t <= 0.5 for t in tails):
            raise InputError(f"interval tails {list(interval_tails)} must lie in (0, 0.5]")
        unknown = [f for f in features if f not in CANDIDATE_FEATURES]
        if unknown or not features:
            raise InputError(
                f"unknown ensemble feature(s) {unknown}" if unknown else "no ensemble feature",
                fix=f"use some of {', '.join(CANDIDATE_FEATURES)}.",
            )
        self.nominal = float(nominal)
        self.folds = int(folds)
        self.penalties = tuple(sorted(set(cs)))
        #: tried from the compromise outward: on a tie the larger weight wins
        self.compromise_weights = tuple(sorted(set(ws), reverse=True))
        self.features = tuple(features)
        self.interval_tails = tuple(sorted(set(tails)))
        self.tail: float | None = None
        self.penalty: float | None = None
        self.compromise_weight: float | None = None
        self.q: float | None = None
        self.selection: pd.DataFrame | None = None
        self._clf: _ConditionalLogit | None = None

    # -- pieces ---------------------------------------------------------------------------

    @staticmethod
    def _summaries(
        dist: CandidateDistribution, fallback: FloatArray, tail: float
    ) -> dict[str, FloatArray]:
        """Point forecast (the median; ``fallback`` without candidates) and the base
        interval ``[Q_tail, Q_{1-tail}]`` widened to hold it (the whole scale without
        candidates)."""
        median = dist.quantile(0.5)
        point = np.where(np.isfinite(median), median, fallback)
        lo, hi = dist.quantile(tail), dist.quantile(1.0 - tail)
        none = ~np.isfinite(lo)
        return {
            "point": point,
            "lo": np.where(none, 0.0, np.fmin(lo, point)),
            "hi": np.where(none, 1.0, np.fmax(hi, point)),
        }

    def _calibrate(
        self, dist: CandidateDistribution, fallback: FloatArray, y: FloatArray
    ) -> tuple[float, float]:
        """The tail and conformal widening whose out-of-fold intervals are narrowest.

        For every tail of ``interval_tails`` the conformal quantile ``q`` makes the
        out-of-fold intervals cover at least the nominal share of the training issues;
        the tail whose intervals are then narrowest on average is kept (on a tie, the
        smaller tail).
        """
        best: tuple[float, float, float] | None = None
        for tail in self.interval_tails:
            s = self._summaries(dist, fallback, tail)
            q = _conformal_quantile(np.maximum(s["lo"] - y, y - s["hi"]), self.nominal)
            lo = np.clip(np.fmin(s["lo"] - q, s["point"]), 0.0, 1.0)
            hi = np.clip(np.fmax(s["hi"] + q, s["point"]), 0.0, 1.0)
            width = float(np.mean(hi - lo))
            if best is None or width < best[0] - _TIE:
                best = (width, tail, q)
        assert best is not None
        return best[1], best[2]

    def _out_of_fold(self, rows: _Rows, groups: NDArray[np.str_]) -> dict[float, FloatArray]:
        """Penalty -> every training row's out-of-fold probability (folds by proposal)."""
        from sklearn.model_selection import GroupKFold

        k = min(self.folds, len(set(groups.tolist())))
        if k < 2:
            raise InputError(
                "the ensemble needs decided issues from at least two proposals to "
                "choose its settings and calibrate its interval",
                field="training issues",
                fix="train on more proposals.",
            )
        splits = list(GroupKFold(k).split(np.zeros(rows.n), groups=groups))
        out: dict[float, FloatArray] = {}
        for c in self.penalties:
            p = np.full(rows.case.size, np.nan)
            for tr, te in splits:
                train_rows, _ = rows.select(tr.astype(np.int64))
                test_rows, idx = rows.select(te.astype(np.int64))
                try:
                    clf = _fit_logit(c, train_rows)
                except InputError:
                    raise InputError(
                        "too few decided issues to choose the ensemble's settings by "
                        f"cross-validation: a fold of the {k} leaves fewer than two to "
                        "learn from",
                        field="training issues",
                        fix="train on more decided issues, from more proposals.",
                    ) from None
                p[idx] = _softmax_by_case(test_rows.case, clf.scores(test_rows.z), test_rows.n)
            out[c] = p
        return out

    # -- public ---------------------------------------------------------------------------

    def fit(self, cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> Ensemble:
        """Fit on decided issues (issues without an outcome are ignored).

        Chooses the penalty and the compromise weight by grouped cross-validation
        inside ``cases``, calibrates the interval on the same out-of-fold forecasts and
        refits the logit on all of ``cases``.

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
        rows = _Rows.of(candidate_table(train, fc), n, self.features)
        groups = np.array([c.proposal for c in train])
        y = np.array([(c.outcome - c.lower) / (c.upper - c.lower) for c in train])
        fallback = self._fallback(train, fc)
        oof = self._out_of_fold(rows, groups)
        table = []
        best: tuple[float, float, float, CandidateDistribution] | None = None
        for alpha in self.compromise_weights:
            for c in self.penalties:
                dist = _shrunk(oof[c], rows, alpha)
                point = self._summaries(dist, fallback, 0.5)["point"]
                err = float(np.mean(np.abs(point - y)))
                table.append((c, alpha, 100.0 * err))
                if best is None or err < best[0] - _TIE:
                    best = (err, c, alpha, dist)
        assert best is not None
        _, self.penalty, self.compromise_weight, dist = best
        self.tail, self.q = self._calibrate(dist, fallback, y)
        self.selection = pd.DataFrame(table, columns=["penalty", "compromise_weight", "oof_mae"])
        self.selection["chosen"] = (self.selection["penalty"] == self.penalty) & (
            self.selection["compromise_weight"] == self.compromise_weight
        )
        self._clf = _fit_logit(self.penalty, rows)
        return self

    @staticmethod
    def _fallback(cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> FloatArray:
        """Unit-scale weighted mean (or the midpoint) for issues without candidates."""
        lower = np.array([c.lower for c in cases])
        span = np.array([c.upper - c.lower for c in cases])
        m = (forecasts["mean_capability_salience"].to_numpy() - lower) / span
        return np.asarray(np.where(np.isfinite(m), m, 0.5))

    def distribution(
        self, cases: Sequence[DecisionCase], forecasts: pd.DataFrame
    ) -> CandidateDistribution:
        """Each issue's predictive distribution over its candidates (unit scale).

        Raises
        ------
        RuntimeError
            If the ensemble has not been fitted.
        """
        if self._clf is None or self.compromise_weight is None:
            raise RuntimeError("fit the ensemble before predicting")
        rows = _Rows.of(candidate_table(cases, forecasts), len(cases), self.features)
        p = _softmax_by_case(rows.case, self._clf.scores(rows.z), rows.n)
        return _shrunk(p, rows, self.compromise_weight)

    def predict(self, cases: Sequence[DecisionCase], forecasts: pd.DataFrame) -> EnsembleForecast:
        """Forecasts and prediction intervals of ``cases``, on their own scales.

        Raises
        ------
        RuntimeError
            If the ensemble has not been fitted.
        """
        dist = self.distribution(cases, forecasts)
        assert self.q is not None and self.tail is not None
        s = self._summaries(dist, self._fallback(cases, forecasts), self.tail)
        point = s["point"]
        lo = np.clip(np.fmin(s["lo"] - self.q, point), 0.0, 1.0)
        hi = np.clip(np.fmax(s["hi"] + self.q, point), 0.0, 1.0)
        lower = np.array([c.lower for c in cases])
        span = np.array([c.upper - c.lower for c in cases])
        return EnsembleForecast(
            point=lower + span * point,
            lower=lower + span * lo,
            upper=lower + span * hi,
            nominal=self.nominal,
        )
