"""The ensemble's out-of-sample accuracy on a DEU file: every figure of docs/models/ensemble.md.

Sections (each printed as a table):

1. **Grouped 5-fold cross-validation** -- exactly ``detente backtest --cv 5 FILE``: every
   model's MAE, RMSE and share within 10 points, the ensemble interval's coverage and
   mean width, and how often the ensemble's forecast is a held position, the reference
   point or the compromise.
2. **Other partitions** -- the same 5-fold CV on ``--partitions`` random proposal-to-fold
   assignments (seeds 1, 2, ...): the spread of the CV figure over partitions.
3. **Repeated holdout-like splits** -- for each seed, the file is split by proposal as
   the project's holdout was (``shared/data/deu3/PROVENANCE.md``: sorted proposal codes,
   ``numpy.random.default_rng(seed).permutation``, the first ``round(0.7 * P)`` to
   training), both parts are written as DEU files (lines copied byte for byte, the
   capability row in both) and ``detente.backtest.run.backtest(train, test)`` -- the code
   behind ``detente backtest --train A --test B`` -- scores every model on the test part.
4. **The penalty** (``--nested``) -- on the same splits, the ensemble with each penalty
   of a grid held fixed, and with the penalty chosen inside each training part by
   grouped 5-fold CV over that grid (nested: no choice made on the whole file can
   flatter it).  The default penalty was chosen on this file; the fixed-C rows show how
   much that choice matters, the nested row what choosing it from the training data
   alone gives.

Run from the repository root: ``.venv/bin/python tools/backtest_accuracy.py [--file PATH]
[--seeds 10] [--partitions 10] [--nested] [--keep DIR]`` (about 2 minutes on 2 cores;
``--nested`` adds about a minute).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from detente.backtest.cases import DecisionCase, load_cases
from detente.backtest.ensemble import PENALTY, Ensemble, candidate_table
from detente.backtest.forecasts import DEFAULT_MODELS, case_forecasts
from detente.backtest.run import _one_blas_thread, _with_features, backtest, cross_validate

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))
BASE = "mean_capability_salience"
#: Forecasts this close (0-100 scale) count as equal: candidates are rounded to 1e-9 of
#: the unit scale.
TIE = 1e-6
#: Penalties the nested check chooses from.
NESTED_GRID = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1)


def split_deu(path: Path, seed: int, frac: float = 0.7) -> tuple[str, str, int, int]:
    """Split a DEU file by proposal as PROVENANCE.md describes.

    Parameters
    ----------
    path
        The DEU file (header on line 1, optional capability row on line 2).
    seed
        Seed of ``numpy.random.default_rng``.
    frac
        Share of proposals in the training part (rounded).

    Returns
    -------
    train_text, test_text
        The two files' contents, lines copied byte for byte.
    n_train, n_test
        Proposals in each part.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [c.strip().strip('"') for c in lines[0].split("\t")]
    col = header.index("prnr")

    def prnr(line: str) -> str:
        cells = line.rstrip("\r\n").split("\t")
        return cells[col].strip().strip('"') if col < len(cells) else ""

    head = lines[:1]
    body = lines[1:]
    if body and not prnr(body[0]):
        head, body = lines[:2], lines[2:]
    props = sorted({prnr(ln) for ln in body if ln.strip()})
    perm = np.random.default_rng(seed).permutation(len(props))
    n_train = round(frac * len(props))
    train = {props[i] for i in perm[:n_train]}
    tr = [ln for ln in body if ln.strip() and prnr(ln) in train]
    te = [ln for ln in body if ln.strip() and prnr(ln) not in train]
    return "".join(head + tr), "".join(head + te), n_train, len(props) - n_train


def _table(title: str, columns: Sequence[str]) -> Table:
    t = Table(title=title, title_justify="left")
    for i, c in enumerate(columns):
        t.add_column(c, justify="left" if i == 0 else "right")
    return t


def _cv_section(console: Console, path: Path) -> None:
    res = cross_validate(path, folds=5)
    t = _table(
        f"1. Grouped 5-fold CV on {path.name} (= detente backtest --cv 5), {res.n_issues} issues",
        ["model", "MAE", "RMSE", "within 10", "issues"],
    )
    for name, s in res.scores.items():
        t.add_row(name, f"{s.mae:.2f}", f"{s.rmse:.2f}", f"{s.within_10:.3f}", str(s.n))
    console.print(t)
    pred = res.predictions
    y = pred["outcome"].to_numpy()
    ens = pred["ensemble"].to_numpy()
    base = pred[BASE].to_numpy()
    width = (pred["ensemble_upper"] - pred["ensemble_lower"]).to_numpy()
    e_ens, e_base = np.abs(ens - y), np.abs(base - y)
    decided = [c for c in load_cases(path) if c.has_outcome]
    cases = {c.issue: c for c in decided}
    fc, _ = case_forecasts(decided, _with_features(DEFAULT_MODELS))
    cand = candidate_table(decided, fc)
    exact = cand[cand["is_outcome"] == 1.0]
    console.print(
        f"{len(decided)} decided issues, {len(cand) / len(decided):.1f} candidate outcomes per "
        f"issue; the outcome is a candidate on {exact['case'].nunique()} "
        f"({100 * exact['case'].nunique() / len(decided):.0f}%), a held position or the "
        "reference point on "
        f"{exact[(exact['is_held'] == 1) | (exact['is_rp'] == 1)]['case'].nunique()}"
    )
    held = np.array(
        [
            any(abs(v - f) < TIE for v in cases[i].all_positions.values())
            for i, f in zip(pred.index, ens, strict=True)
        ]
    )
    is_rp = np.abs(ens - pred["reference_point"].to_numpy()) < TIE
    is_mean = np.abs(ens - base) < TIE
    s_ens, s_base = res.scores["ensemble"].mae, res.scores[BASE].mae
    console.print(
        f"ensemble MAE {s_ens:.2f} vs {BASE} {s_base:.2f}: {100 * (1 - s_ens / s_base):.1f}% "
        f"below; interval coverage {100 * res.coverage:.1f}% (nominal "
        f"{100 * res.nominal:.0f}%), mean width {width.mean():.1f} (median "
        f"{np.median(width):.1f}; {100 * np.mean(width >= 99.999):.0f}% span the whole scale)"
    )
    console.print(
        f"forecast = outcome on {100 * np.mean(e_ens < TIE):.0f}% of issues; a held position "
        f"on {100 * held.mean():.0f}% (the reference point on {100 * is_rp.mean():.1f}%), the "
        f"compromise on {100 * is_mean.mean():.0f}%; closer than {BASE} on "
        f"{100 * np.mean(e_ens < e_base - TIE):.0f}% of issues, as close on "
        f"{100 * np.mean(np.abs(e_ens - e_base) <= TIE):.0f}%, further on "
        f"{100 * np.mean(e_ens > e_base + TIE):.0f}%"
    )


def _fit_predict(
    cases: Sequence[DecisionCase], fc: pd.DataFrame, tr: np.ndarray, te: np.ndarray, c: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ens = Ensemble(penalty=c).fit([cases[i] for i in tr], fc.iloc[tr])
    out = ens.predict([cases[i] for i in te], fc.iloc[te])
    return out.point, out.lower, out.upper


def _partitions_section(
    console: Console, cases: list[DecisionCase], fc: pd.DataFrame, n: int
) -> None:
    y = np.array([c.outcome for c in cases])
    groups = np.array([c.proposal for c in cases])
    props = np.unique(groups)
    base = float(np.mean(np.abs(fc[BASE].to_numpy() - y)))
    t = _table(
        f"2. Grouped 5-fold CV on {n} random partitions of the proposals ({BASE} MAE {base:.2f})",
        ["partition seed", "ensemble MAE", "below the mean", "coverage", "mean width"],
    )
    rows = []
    for seed in range(1, n + 1):
        perm = np.random.default_rng(seed).permutation(props.size)
        fold_of = {props[j]: k % 5 for k, j in enumerate(perm)}
        fold = np.array([fold_of[g] for g in groups])
        point, lo, hi = np.full(y.size, np.nan), np.full(y.size, np.nan), np.full(y.size, np.nan)
        for k in range(5):
            tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
            point[te], lo[te], hi[te] = _fit_predict(cases, fc, tr, te, PENALTY)
        mae = float(np.mean(np.abs(point - y)))
        cov = float(np.mean((y >= lo - 1e-9) & (y <= hi + 1e-9)))
        rows.append((mae, cov, float(np.mean(hi - lo))))
        t.add_row(
            str(seed),
            f"{mae:.2f}",
            f"{100 * (1 - mae / base):.1f}%",
            f"{100 * cov:.1f}%",
            f"{rows[-1][2]:.1f}",
        )
    r = np.array(rows)
    t.add_row(
        "mean [min, max]",
        f"{r[:, 0].mean():.2f} [{r[:, 0].min():.2f}, {r[:, 0].max():.2f}]",
        f"{100 * (1 - r[:, 0].mean() / base):.1f}%",
        f"{100 * r[:, 1].mean():.1f}% [{100 * r[:, 1].min():.1f}, {100 * r[:, 1].max():.1f}]",
        f"{r[:, 2].mean():.1f}",
    )
    console.print(t)


def _summary_row(t: Table, r: np.ndarray) -> None:
    impr = 100 * (1 - r[:, 1] / r[:, 0])
    t.add_row(
        "mean [min, max]",
        "",
        "",
        f"{r[:, 0].mean():.2f}",
        f"{r[:, 1].mean():.2f}",
        f"{impr.mean():.1f}% [{impr.min():.1f}, {impr.max():.1f}]",
        f"{100 * r[:, 2].mean():.1f}% [{100 * r[:, 2].min():.1f}, {100 * r[:, 2].max():.1f}]",
        f"{r[:, 3].mean():.1f}",
    )


def _splits_section(console: Console, path: Path, seeds: int, keep: Path | None) -> None:
    columns = [
        "seed",
        "proposals train/test",
        "test issues",
        f"{BASE} MAE",
        "ensemble MAE",
        "below the mean",
        "coverage",
        "mean width",
    ]
    t = _table(
        "3. Holdout-like splits: backtest(--train 70% of proposals, --test the other 30%)",
        columns,
    )
    rows = []
    sizes = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for seed in range(seeds):
            train_text, test_text, n_tr, n_te = split_deu(path, seed)
            a, b = folder / f"split{seed}_train.csv", folder / f"split{seed}_test.csv"
            a.write_text(train_text, encoding="utf-8")
            b.write_text(test_text, encoding="utf-8")
            res = backtest(a, b)
            pred = res.predictions
            width = float((pred["ensemble_upper"] - pred["ensemble_lower"]).mean())
            base, ens = res.scores[BASE].mae, res.scores["ensemble"].mae
            rows.append((base, ens, res.coverage, width))
            sizes.append(res.n_issues)
            t.add_row(
                str(seed),
                f"{n_tr}/{n_te}",
                str(res.n_issues),
                f"{base:.2f}",
                f"{ens:.2f}",
                f"{100 * (1 - ens / base):.1f}%",
                f"{100 * res.coverage:.1f}%",
                f"{width:.1f}",
            )
    _summary_row(t, np.array(rows))
    console.print(t)
    r = np.array(rows)
    within = np.abs(r[:, 2] - 0.8) <= 0.05
    console.print(
        f"coverage within 5 points of 80% on {int(within.sum())} of {len(r)} splits; "
        f"ensemble at least 10% below {BASE} on "
        f"{int(np.sum(r[:, 1] <= 0.9 * r[:, 0]))} of {len(r)}; the coverage varies by "
        f"{100 * r[:, 2].std(ddof=1):.1f} points (sd) over the splits, where an interval "
        f"that covers each issue with probability 0.8 would vary by "
        f"{100 * np.sqrt(0.16 / np.mean(sizes)):.1f} on {np.mean(sizes):.0f} issues"
    )
    if keep is not None:
        console.print(f"split files kept in {keep}")


def _inner_choice(
    cases: Sequence[DecisionCase], fc: pd.DataFrame, tr: np.ndarray, grid: Sequence[float]
) -> float:
    """The penalty with the lowest grouped 5-fold CV MAE inside the training issues."""
    from sklearn.model_selection import GroupKFold

    y = np.array([cases[i].outcome for i in tr])
    groups = np.array([cases[i].proposal for i in tr])
    best: tuple[float, float] | None = None
    for c in grid:
        point = np.full(tr.size, np.nan)
        for a, b in GroupKFold(5).split(np.zeros(tr.size), groups=groups):
            point[b] = _fit_predict(cases, fc, tr[a], tr[b], c)[0]
        mae = float(np.mean(np.abs(point - y)))
        if best is None or mae < best[0] - 1e-12:
            best = (mae, c)
    assert best is not None
    return best[1]


def _penalty_section(
    console: Console, path: Path, cases: list[DecisionCase], fc: pd.DataFrame, seeds: int
) -> None:
    y = np.array([c.outcome for c in cases])
    index = {c.issue: i for i, c in enumerate(cases)}
    splits = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(seeds):
            a = Path(tmp) / "train.csv"
            a.write_text(split_deu(path, seed)[0], encoding="utf-8")
            tr = np.array(sorted(index[c.issue] for c in load_cases(a) if c.has_outcome))
            splits.append((tr, np.setdiff1d(np.arange(len(cases)), tr)))
    base = np.array([np.mean(np.abs(fc[BASE].to_numpy()[te] - y[te])) for _, te in splits])
    t = _table(
        f"4. The penalty C on the same {seeds} splits: fixed values, and chosen inside each "
        "training part by grouped 5-fold CV over the same values (nested)",
        ["C", "ensemble MAE", "below the mean: mean [min, max]", "chosen C per split"],
    )

    def row(label: str, maes: list[float], chosen: str = "") -> None:
        m = np.array(maes)
        impr = 100 * (1 - m / base)
        t.add_row(
            label,
            f"{m.mean():.2f}",
            f"{impr.mean():.1f}% [{impr.min():.1f}, {impr.max():.1f}]",
            chosen,
        )

    for c in NESTED_GRID:
        maes = [
            float(np.mean(np.abs(_fit_predict(cases, fc, tr, te, c)[0] - y[te])))
            for tr, te in splits
        ]
        row(f"{c:g}" + (" (the default)" if c == PENALTY else ""), maes)
    chosen = [_inner_choice(cases, fc, tr, NESTED_GRID) for tr, _ in splits]
    maes = [
        float(np.mean(np.abs(_fit_predict(cases, fc, tr, te, c)[0] - y[te])))
        for (tr, te), c in zip(splits, chosen, strict=True)
    ]
    row("nested choice", maes, ", ".join(f"{c:g}" for c in chosen))
    console.print(t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=SHARED / "data" / "deu3" / "deu3_dev.csv")
    ap.add_argument("--seeds", type=int, default=10, help="holdout-like splits (seeds 0..)")
    ap.add_argument("--partitions", type=int, default=10, help="random CV partitions")
    ap.add_argument("--nested", action="store_true", help="also run the nested check")
    ap.add_argument("--keep", type=Path, default=None, help="keep the split files here")
    args = ap.parse_args()
    console = Console(width=130)
    _cv_section(console, args.file)
    cases = [c for c in load_cases(args.file) if c.has_outcome]
    with _one_blas_thread():
        fc, _ = case_forecasts(cases, _with_features(DEFAULT_MODELS))
        if args.partitions:
            _partitions_section(console, cases, fc, args.partitions)
        if args.seeds:
            _splits_section(console, args.file, args.seeds, args.keep)
        if args.nested and args.seeds:
            _penalty_section(console, args.file, cases, fc, args.seeds)


if __name__ == "__main__":
    main()
