"""Back-tests: train/test and grouped cross-validation, with the scores of every model.

* :func:`backtest` -- every model forecasts every decided issue of a test file; the
  ensemble is fitted on a training file only.
* :func:`cross_validate` -- one file, ``k`` folds grouped by proposal (all issues of a
  proposal in the same fold, :class:`sklearn.model_selection.GroupKFold`); the
  ensemble is fitted on ``k - 1`` folds and forecasts the held-out fold.  The
  baselines and bargaining models are not fitted, so their scores are simply over all
  decided issues.

Scores (:func:`score`), on the issues' own scale: mean absolute error, root mean
squared error and the share of issues forecast within 10 points of the outcome
(``|error| <= 10``).  A model that gives no forecast of an issue (the Nash bargaining
solution and the reference point need a reference point) is scored on the issues it
forecasts; the table says on how many.  Issues on which fewer than two actors take a
position are left out of both files, with a note (:func:`detente.backtest.cases.load_cases`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.backtest.cases import DecisionCase, SkippedIssue, load_cases
from detente.backtest.ensemble import Ensemble, EnsembleForecast
from detente.backtest.forecasts import DEFAULT_MODELS, case_forecasts
from detente.errors import InputError

__all__ = [
    "BacktestResult",
    "ModelScore",
    "backtest",
    "cross_validate",
    "ensemble_settings",
    "fit_predict",
    "score",
]

FloatArray = NDArray[np.float64]

ENSEMBLE = "ensemble"


@dataclass(frozen=True)
class ModelScore:
    """Accuracy of one model.

    Attributes
    ----------
    mae, rmse
        Mean absolute and root mean squared error (NaN if it forecast nothing).
    within_10
        Share of issues with ``|error| <= 10``.
    n
        Issues the model forecast.
    """

    mae: float
    rmse: float
    within_10: float
    n: int


def score(forecast: FloatArray, outcome: FloatArray) -> ModelScore:
    """Score forecasts against outcomes over the issues with both.

    Parameters
    ----------
    forecast, outcome
        Arrays of the same length; NaN marks a missing forecast or outcome.

    Returns
    -------
    ModelScore
    """
    f = np.asarray(forecast, dtype=np.float64)
    y = np.asarray(outcome, dtype=np.float64)
    ok = np.isfinite(f) & np.isfinite(y)
    if not ok.any():
        return ModelScore(math.nan, math.nan, math.nan, 0)
    e = np.abs(f[ok] - y[ok])
    return ModelScore(
        mae=float(e.mean()),
        rmse=float(np.sqrt(np.mean(e**2))),
        within_10=float(np.mean(e <= 10.0)),
        n=int(ok.sum()),
    )


@dataclass
class BacktestResult:
    """What a back-test measured.

    Attributes
    ----------
    mode
        ``"train/test"`` or ``"cv"``.
    n_issues
        Decided issues scored.
    scores
        Model name -> :class:`ModelScore` (the ensemble last); a model that forecast no
        issue (e.g. the reference point of a file without one) is left out, with a note.
    coverage
        Empirical coverage of the ensemble's prediction interval.
    nominal
        Its nominal coverage.
    predictions
        One row per scored issue: ``proposal``, ``outcome``, every model's forecast,
        ``ensemble_lower`` and ``ensemble_upper``.
    folds
        Number of cross-validation folds (``cv`` mode).
    failures
        Model -> issues on which it failed, with the reason.
    notes
        Remarks for the user.
    settings
        What each fitted ensemble chose inside its training issues (one per fit: the
        penalty, the compromise weight, the interval's tail and widening).
    """

    mode: str
    n_issues: int
    scores: dict[str, ModelScore]
    coverage: float
    nominal: float
    predictions: pd.DataFrame
    folds: int | None = None
    failures: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    settings: list[dict[str, float]] = field(default_factory=list)

    @property
    def mean_width(self) -> float:
        """Mean width of the ensemble's prediction intervals (on the issues' scales)."""
        p = self.predictions
        if p.empty:
            return math.nan
        return float((p["ensemble_upper"] - p["ensemble_lower"]).mean())

    def to_dict(self) -> dict[str, Any]:
        """The JSON document.

        ``{"mode", "n_issues", "models": {name: {"mae", "rmse", "within_10", "n"}},
        "ensemble_interval": {"nominal", "coverage", "mean_width"}, "ensemble_settings":
        [{"penalty", "compromise_weight", "interval_tail", "interval_q"}, ...],
        "notes": [...]}`` (a model without any forecast is left out; a number that
        cannot be computed is ``null``).
        """

        def num(v: float) -> float | None:
            return float(v) if math.isfinite(v) else None

        return {
            "mode": self.mode,
            "n_issues": int(self.n_issues),
            "models": {
                name: {
                    "mae": num(s.mae),
                    "rmse": num(s.rmse),
                    "within_10": num(s.within_10),
                    "n": int(s.n),
                }
                for name, s in self.scores.items()
            },
            "ensemble_interval": {
                "nominal": self.nominal,
                "coverage": num(self.coverage),
                "mean_width": num(self.mean_width),
            },
            "ensemble_settings": [{k: num(v) for k, v in st.items()} for st in self.settings],
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"


def _load(path: str | Path, role: str) -> tuple[list[DecisionCase], list[str]]:
    """The issues of a file, and notes on those left out (fewer than two actors)."""
    skipped: list[SkippedIssue] = []
    cases = load_cases(path, skipped)
    notes = []
    if skipped:
        where = ", ".join(f"line {s.line}" if s.line is not None else "?" for s in skipped[:5]) + (
            " ..." if len(skipped) > 5 else ""
        )
        reasons = sorted({s.reason for s in skipped})
        notes.append(
            f"{role}: {len(skipped)} issue(s) left out because {' or '.join(reasons)} "
            f"({where}); no bargaining model applies"
        )
    return cases, notes


def _decided(
    cases: list[DecisionCase], path: str | Path, role: str, notes: Sequence[str] = ()
) -> list[DecisionCase]:
    decided = [c for c in cases if c.has_outcome]
    if not decided:
        extra = f" ({'; '.join(notes)})" if notes else ""
        which = f"the {role} file" if role else "the file"
        raise InputError(
            f"{which} has no issue with an outcome{extra}",
            file=path,
            field="out",
            fix="back-tests need decided issues (a number in the 'out' column) on which at "
            "least two actors take a position.",
        )
    return decided


def _result(
    mode: str,
    cases: Sequence[DecisionCase],
    forecasts: pd.DataFrame,
    ens_point: FloatArray,
    ens_lo: FloatArray,
    ens_hi: FloatArray,
    nominal: float,
    failures: dict[str, list[str]],
    folds: int | None,
    notes: list[str],
    settings: list[dict[str, float]],
) -> BacktestResult:
    y = np.array([c.outcome for c in cases])
    scores: dict[str, ModelScore] = {}
    for m in forecasts.columns:
        s = score(forecasts[m].to_numpy(), y)
        if s.n == 0:
            why = " (it needs a reference point)" if m in ("nbs", "reference_point") else ""
            notes = [*notes, f"{m} forecast no issue{why}; left out of the scores"]
            continue
        scores[m] = s
    scores[ENSEMBLE] = score(ens_point, y)
    covered = (y >= ens_lo - 1e-9) & (y <= ens_hi + 1e-9)
    pred = forecasts.copy()
    pred.insert(0, "outcome", y)
    pred.insert(0, "proposal", [c.proposal for c in cases])
    pred[ENSEMBLE] = ens_point
    pred["ensemble_lower"] = ens_lo
    pred["ensemble_upper"] = ens_hi
    return BacktestResult(
        mode=mode,
        n_issues=len(cases),
        scores=scores,
        coverage=float(np.mean(covered)),
        nominal=nominal,
        predictions=pred,
        folds=folds,
        failures=failures,
        notes=notes,
        settings=settings,
    )


def _skipped_note(all_cases: list[DecisionCase], decided: list[DecisionCase], role: str) -> str:
    skipped = len(all_cases) - len(decided)
    return f"{role}: {len(decided)} decided issues; {skipped} without an outcome left out"


def _one_blas_thread() -> Any:
    """Limit BLAS to one thread: the back-test's many small fits run faster (and do not
    fight other processes for the cores)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def backtest(
    train: str | Path,
    test: str | Path,
    *,
    models: Sequence[str] = DEFAULT_MODELS,
    nominal: float = 0.8,
) -> BacktestResult:
    """Score every model on the test file's decided issues; fit the ensemble on train.

    Parameters
    ----------
    train, test
        DEU-format tables.
    models
        The models to score besides the ensemble.
    nominal
        Nominal coverage of the ensemble's interval.

    Returns
    -------
    BacktestResult

    Raises
    ------
    InputError
        If a file cannot be read, has no decided issue, or the training set is too small.
    """
    tr_all, tr_notes = _load(train, "training")
    te_all, te_notes = _load(test, "test")
    tr = _decided(tr_all, train, "training", tr_notes)
    te = _decided(te_all, test, "test", te_notes)
    with _one_blas_thread():
        fc_tr, _ = case_forecasts(tr, _with_features(models))
        fc_te, failures = case_forecasts(te, _with_features(models))
        try:
            ens, out = fit_predict(tr, fc_tr, te, fc_te, nominal=nominal)
        except InputError as err:
            raise InputError(
                err.problems[0].message,
                file=train,
                field="--train",
                fix=err.problems[0].fix,
            ) from None
    notes = [
        _skipped_note(tr_all, tr, "training"),
        *tr_notes,
        _skipped_note(te_all, te, "test"),
        *te_notes,
    ]
    overlap = {c.proposal for c in tr} & {c.proposal for c in te}
    if overlap:
        notes.append(
            f"{len(overlap)} proposal(s) appear in both files, so the test is not out of "
            "sample for them"
        )
    return _result(
        "train/test",
        te,
        fc_te[list(models)],
        out.point,
        out.lower,
        out.upper,
        nominal,
        failures,
        None,
        notes,
        [ensemble_settings(ens)],
    )


def ensemble_settings(ens: Ensemble) -> dict[str, float]:
    """What a fitted ensemble chose inside its training issues."""
    assert ens.penalty is not None and ens.compromise_weight is not None
    assert ens.tail is not None and ens.q is not None
    return {
        "penalty": ens.penalty,
        "compromise_weight": ens.compromise_weight,
        "interval_tail": ens.tail,
        "interval_q": ens.q,
    }


def fit_predict(
    train: Sequence[DecisionCase],
    train_forecasts: pd.DataFrame,
    test: Sequence[DecisionCase],
    test_forecasts: pd.DataFrame,
    *,
    nominal: float = 0.8,
    make: Callable[[float], Ensemble] | None = None,
) -> tuple[Ensemble, EnsembleForecast]:
    """Fit an ensemble on the training issues only and forecast the test issues.

    The one code path of :func:`backtest`, :func:`cross_validate` and the nested
    evaluation (:mod:`detente.backtest.nested`): nothing of the test issues but their
    inputs reaches the fit.

    Parameters
    ----------
    train, train_forecasts
        Training issues and the models' forecasts of them.
    test, test_forecasts
        Test issues and the models' forecasts of them.
    nominal
        Nominal coverage of the interval.
    make
        Builds the (unfitted) ensemble from ``nominal`` (default: :class:`Ensemble`
        with its default settings).

    Returns
    -------
    tuple
        The fitted ensemble and its forecasts of ``test``.
    """
    ens = (make or (lambda v: Ensemble(nominal=v)))(nominal)
    ens.fit(train, train_forecasts)
    return ens, ens.predict(test, test_forecasts)


def _with_features(models: Sequence[str]) -> list[str]:
    """The chosen models plus those the ensemble reads."""
    from detente.backtest.features import FORECAST_MODELS

    return list(dict.fromkeys([*models, *FORECAST_MODELS]))


def cross_validate(
    path: str | Path,
    *,
    folds: int = 5,
    models: Sequence[str] = DEFAULT_MODELS,
    nominal: float = 0.8,
    make: Callable[[float], Ensemble] | None = None,
) -> BacktestResult:
    """Grouped ``folds``-fold cross-validation on one file (groups = proposals).

    Parameters
    ----------
    path
        A DEU-format table.
    folds
        Number of folds (at least 2, at most the number of proposals).
    models
        The models to score besides the ensemble.
    nominal
        Nominal coverage of the ensemble's interval.
    make
        Builds the ensemble of each fold from ``nominal`` (default: :class:`Ensemble`
        with its default settings; see :func:`fit_predict`).

    Returns
    -------
    BacktestResult
        The ensemble's forecasts and intervals are out of fold.

    Raises
    ------
    InputError
        For a bad ``folds``, or a file that cannot be read or has too few proposals.
    """
    from sklearn.model_selection import GroupKFold

    if isinstance(folds, bool) or folds < 2:
        raise InputError(
            f"--cv needs at least 2 folds, not {folds!r}", field="--cv", fix="use e.g. --cv 5."
        )
    all_cases, load_notes = _load(path, "file")
    cases = _decided(all_cases, path, "", load_notes)
    groups = np.array([c.proposal for c in cases])
    n_groups = len(set(groups.tolist()))
    if folds > n_groups:
        raise InputError(
            f"--cv {folds}: the file has only {n_groups} proposal(s) with a decided issue",
            file=path,
            field="--cv",
            fix=f"use at most {n_groups} folds (at least 3 proposals are needed).",
        )
    n = len(cases)
    point, lo, hi = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    settings = []
    with _one_blas_thread():
        fc, failures = case_forecasts(cases, _with_features(models))
        for k, (tr, te) in enumerate(GroupKFold(folds).split(np.zeros(n), groups=groups)):
            try:
                ens, out = fit_predict(
                    [cases[i] for i in tr],
                    fc.iloc[tr],
                    [cases[i] for i in te],
                    fc.iloc[te],
                    nominal=nominal,
                    make=make,
                )
            except InputError as err:
                raise InputError(
                    f"fold {k + 1} of {folds}: {err.problems[0].message}",
                    file=path,
                    field="--cv",
                    fix="cross-validate a file with more proposals, or use fewer folds.",
                ) from None
            point[te], lo[te], hi[te] = out.point, out.lower, out.upper
            settings.append(ensemble_settings(ens))
    notes = [_skipped_note(all_cases, cases, "file"), *load_notes]
    return _result(
        "cv", cases, fc[list(models)], point, lo, hi, nominal, failures, folds, notes, settings
    )
