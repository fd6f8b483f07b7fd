"""Nested evaluation: the accuracy a forecaster keeps on proposals it has never seen.

Cross-validating a forecaster on the same decisions its design was tuned on overstates
its accuracy: every choice made while looking at all of them (features, penalty, how
forecasts combine, how the interval is calibrated) is fitted to their noise too.  The
nested evaluation separates the two loops:

* the **outer loop** only scores.  Each of ``partitions`` random proposal-level
  partitions puts a share ``train_share`` of the proposals (70%, the share of DEU III
  the project's shipped split holds) on the training side and the rest on the test
  side, as the project's holdout was drawn (sorted proposal codes, a seeded
  permutation; ``shared/data/deu3/PROVENANCE.md``);
* the **inner loop** is :meth:`detente.backtest.ensemble.Ensemble.fit` on the training
  side alone: it chooses the penalty, the weight of the compromise and the interval's
  tail and calibration by grouped cross-validation inside the training issues
  (:func:`detente.backtest.run.fit_predict`, the code behind ``detente backtest
  --train A --test B``).

Every model is scored on every partition's test side, so the result is a distribution
(one figure per partition) rather than one number, and the share of partitions on
which the ensemble beats the compromise model (the capability × salience weighted
mean) says how often a holdout of that size would see it win.  The partitions are
drawn from ``numpy.random.default_rng(seed)``: the same seed gives the same figures bit
for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.backtest.cases import DecisionCase
from detente.backtest.ensemble import CANDIDATE_FEATURES, Ensemble
from detente.backtest.run import ENSEMBLE, ModelScore, ensemble_settings, fit_predict, score
from detente.errors import InputError

__all__ = [
    "COMPROMISE",
    "DESIGNS",
    "NestedResult",
    "holdout_partitions",
    "nested_evaluation",
]

IntArray = NDArray[np.int64]

#: The compromise model: the benchmark every forecaster is compared with.
COMPROMISE = "mean_capability_salience"

#: Ensemble designs the evaluation can score (name -> builder from the nominal
#: coverage).  ``ensemble`` is the shipped design; ``ensemble_previous`` the one it
#: replaced (every candidate feature, the penalty fixed at 0.005 after tuning on the
#: whole development split, no weight on the compromise, the interval's tail fixed at
#: 0.2), kept to show its nested accuracy beside its cross-validated one.
DESIGNS: dict[str, Callable[[float], Ensemble]] = {
    ENSEMBLE: lambda nominal: Ensemble(nominal=nominal),
    "ensemble_previous": lambda nominal: Ensemble(
        nominal=nominal,
        penalties=(0.005,),
        compromise_weights=(0.0,),
        features=CANDIDATE_FEATURES,
        interval_tails=(0.2,),
    ),
}


def holdout_partitions(
    proposals: Sequence[str], partitions: int, seed: int, train_share: float = 0.7
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Random proposal-level train/test partitions, drawn as the project's holdout was.

    Parameters
    ----------
    proposals
        Proposal codes (duplicates are ignored; the order does not matter: they are
        sorted first).
    partitions
        How many partitions.
    seed
        Seed of ``numpy.random.default_rng``; partition ``k`` is the ``k``-th
        permutation it draws.
    train_share
        Share of proposals on the training side (rounded; at least one on each side).

    Returns
    -------
    list of (train, test)
        Proposal codes on each side.

    Raises
    ------
    InputError
        With fewer than two proposals, a share outside (0, 1) or fewer than one
        partition.
    """
    props = sorted(set(proposals))
    if len(props) < 2:
        raise InputError(
            f"a nested evaluation needs at least 2 proposals, not {len(props)}",
            field="proposals",
            fix="evaluate a file with decided issues from more proposals.",
        )
    if not 0.0 < train_share < 1.0:
        raise InputError(f"train_share {train_share} is not between 0 and 1", field="train_share")
    if partitions < 1:
        raise InputError(f"{partitions} partitions: give at least 1", field="partitions")
    n_train = min(len(props) - 1, max(1, round(train_share * len(props))))
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(partitions):
        perm = rng.permutation(len(props))
        out.append(
            (
                frozenset(props[i] for i in perm[:n_train]),
                frozenset(props[i] for i in perm[n_train:]),
            )
        )
    return out


@dataclass(frozen=True)
class NestedResult:
    """What a nested evaluation measured.

    Attributes
    ----------
    scores
        One row per partition and model: ``partition``, ``model``, ``n_train`` and
        ``n_test`` (decided issues), ``mae``, ``rmse``, ``within_10``, ``n`` (issues
        the model forecast), and for the ensemble designs ``coverage``, ``mean_width``,
        ``penalty``, ``compromise_weight``, ``interval_tail`` (NaN for the others).
    partitions, seed, train_share
        How the partitions were drawn.
    nominal
        Nominal coverage of the ensembles' intervals.
    """

    scores: pd.DataFrame
    partitions: int
    seed: int
    train_share: float
    nominal: float

    def models(self) -> list[str]:
        """The models scored, in order."""
        return list(dict.fromkeys(self.scores["model"]))

    def column(self, model: str, column: str) -> NDArray[np.float64]:
        """``(partitions,)`` one column of one model, in partition order."""
        sub = self.scores[self.scores["model"] == model].sort_values("partition")
        return sub[column].to_numpy(dtype=np.float64)

    def ratio(self, model: str, base: str = COMPROMISE) -> NDArray[np.float64]:
        """``(partitions,)`` the model's MAE over ``base``'s, partition by partition."""
        return self.column(model, "mae") / self.column(base, "mae")

    def beats(self, model: str, base: str = COMPROMISE, column: str = "mae") -> float:
        """Share of partitions on which ``model`` has a lower ``column`` than ``base``."""
        return float(np.mean(self.column(model, column) < self.column(base, column)))


def nested_evaluation(
    cases: Sequence[DecisionCase],
    forecasts: pd.DataFrame,
    *,
    partitions: int = 40,
    seed: int = 0,
    train_share: float = 0.7,
    nominal: float = 0.8,
    models: Sequence[str] | None = None,
    designs: Mapping[str, Callable[[float], Ensemble]] | None = None,
) -> NestedResult:
    """Score every model and ensemble design on random proposal-level partitions.

    Parameters
    ----------
    cases
        Decided issues (issues without an outcome are dropped).
    forecasts
        The models' forecasts of ``cases``
        (:func:`detente.backtest.forecasts.case_forecasts`, with the ensemble's
        feature models).
    partitions, seed, train_share
        See :func:`holdout_partitions`.
    nominal
        Nominal coverage of the ensembles' intervals.
    models
        Columns of ``forecasts`` to score (default: all of them).
    designs
        Ensemble designs to fit on each training side (default :data:`DESIGNS`).

    Returns
    -------
    NestedResult

    Raises
    ------
    InputError
        With too few proposals or a training side too small to fit on.
    """
    keep = [i for i, c in enumerate(cases) if c.has_outcome]
    decided = [cases[i] for i in keep]
    fc = forecasts.iloc[keep]
    names = list(fc.columns) if models is None else list(models)
    builders = dict(DESIGNS if designs is None else designs)
    groups = np.array([c.proposal for c in decided])
    y = np.array([c.outcome for c in decided])
    rows = []
    for k, (train, _test) in enumerate(
        holdout_partitions(groups.tolist(), partitions, seed, train_share)
    ):
        in_train = np.isin(groups, list(train))
        tr = np.flatnonzero(in_train)
        te = np.flatnonzero(~in_train)
        base = {"partition": k, "n_train": int(tr.size), "n_test": int(te.size)}
        for m in names:
            s = score(fc[m].to_numpy()[te], y[te])
            rows.append({**base, "model": m, **_fields(s)})
        tr_cases, te_cases = [decided[i] for i in tr], [decided[i] for i in te]
        for name, make in builders.items():
            ens, out = fit_predict(
                tr_cases, fc.iloc[tr], te_cases, fc.iloc[te], nominal=nominal, make=make
            )
            s = score(out.point, y[te])
            st = ensemble_settings(ens)
            rows.append(
                {
                    **base,
                    "model": name,
                    **_fields(s),
                    "coverage": float(np.mean(out.covered(y[te]))),
                    "mean_width": float(np.mean(out.upper - out.lower)),
                    "penalty": st["penalty"],
                    "compromise_weight": st["compromise_weight"],
                    "interval_tail": st["interval_tail"],
                }
            )
    table = pd.DataFrame(rows)
    for col in ("coverage", "mean_width", "penalty", "compromise_weight", "interval_tail"):
        if col not in table.columns:
            table[col] = np.nan
    return NestedResult(
        scores=table, partitions=partitions, seed=seed, train_share=train_share, nominal=nominal
    )


def _fields(s: ModelScore) -> dict[str, float | int]:
    return {"mae": s.mae, "rmse": s.rmse, "within_10": s.within_10, "n": s.n}
