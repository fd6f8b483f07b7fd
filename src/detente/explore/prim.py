"""Scenario discovery with PRIM, the Patient Rule Induction Method.

Friedman & Fisher (1999), "Bump hunting in high-dimensional data", *Statistics and
Computing* 9: 123-143; used for scenario discovery by Bryant & Lempert (2010),
"Thinking inside the box", *Technological Forecasting & Social Change* 77: 34-49.

Given inputs ``x`` (one column per uncertainty) and a boolean ``y`` marking the
*cases of interest* (e.g. "integration does worse than a transactional deal"), PRIM
looks for a box -- a range per input -- inside which cases of interest are dense:

* **peeling**: from the box holding all data, try removing the lowest or the highest
  ``peel_alpha`` share of the points along each input (for a categorical input: one
  category).  Keep the candidate with the best objective -- the "lenient" criterion of
  Friedman & Fisher's eq. 14.5, ``(mean_new - mean_old) / (n_old - n_new)``, ties
  going to the box restricting fewer inputs -- while it improves the mean, keeps at
  least ``mass_min`` of the data and shrinks the box.  Every accepted box is a point
  of the *peeling trajectory*.
* **pasting**: widen a restricted input again by ``paste_alpha`` of the points beyond
  its limit while that raises the mean.
* a box is reported with its **coverage** (share of all cases of interest inside it),
  **density** (share of the points inside it that are cases of interest), **mass**
  (share of all points inside it) and, per restricted input, a quasi-p-value (a
  one-sided binomial test of the box's density against the box without that
  restriction, as in the EMA Workbench).

Quantiles follow the sdtoolkit / EMA Workbench convention: a peel limit lies halfway
between two distinct neighbouring values, so a peel always removes points even when
values repeat.  The implementation is vectorised: each input is sorted once, and each
step reads the sorted values still in the box through a boolean mask.  Tests compare
it step for step with the ``prim`` package (Hadka's standalone port of the EMA
Workbench's PRIM) on the same data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from detente.errors import InputError

__all__ = ["BoxStep", "PrimBox", "PrimResult", "find_boxes", "peel_box"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class BoxStep:
    """One point of a peeling trajectory."""

    coverage: float
    density: float
    mass: float
    res_dim: int
    limits: dict[str, Any]


@dataclass
class PrimBox:
    """A box found by PRIM, at its selected point of the peeling trajectory.

    Attributes
    ----------
    limits
        Restricted inputs only: ``name -> (low, high)`` for numeric inputs,
        ``name -> [categories kept]`` for categorical ones.
    coverage, density, mass
        The box's statistics (see the module docstring).
    n_points, n_cases
        Points and cases of interest in the box.
    qp
        Quasi-p-value of each restriction.
    trajectory
        The whole peeling (and pasting) trajectory.
    selected
        Index of the selected step in ``trajectory``.
    """

    limits: dict[str, Any]
    coverage: float
    density: float
    mass: float
    n_points: int
    n_cases: int
    qp: dict[str, float]
    trajectory: list[BoxStep] = field(repr=False)
    selected: int = -1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the trajectory's limits)."""
        return {
            "limits": {k: list(v) if isinstance(v, tuple) else v for k, v in self.limits.items()},
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "n_points": self.n_points,
            "n_cases": self.n_cases,
            "qp": self.qp,
            "trajectory": [
                {"coverage": s.coverage, "density": s.density, "mass": s.mass, "res_dim": s.res_dim}
                for s in self.trajectory
            ],
            "selected": self.selected,
        }


@dataclass
class PrimResult:
    """Boxes found, with the base rate of cases of interest."""

    boxes: list[PrimBox]
    n_points: int
    n_cases: int
    question: str = ""

    @property
    def base_density(self) -> float:
        """Share of cases of interest in all the data."""
        return self.n_cases / self.n_points if self.n_points else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "question": self.question,
            "n_points": self.n_points,
            "n_cases": self.n_cases,
            "base_density": self.base_density,
            "boxes": [b.to_dict() for b in self.boxes],
        }


def _quantile_sorted(data: FloatArray, q: float) -> float:
    """sdtoolkit quantile of sorted ``data``: halfway between distinct neighbours."""
    n = data.shape[0]
    i = (n - 1) * q
    lo = math.floor(i)
    hi = math.ceil(i)
    if q > 0.5:
        if data[lo] == data[hi]:
            lo = max(int(np.searchsorted(data, data[hi], side="left")) - 1, 0)
    elif data[lo] == data[hi]:
        hi = min(int(np.searchsorted(data, data[lo], side="right")), n - 1)
    return float((data[lo] + data[hi]) / 2)


def _lenient1(mean_old: float, n_old: int, mean_new: float, n_new: int) -> float:
    if mean_old == mean_new:
        return 0.0
    return (mean_new - mean_old) / abs(n_old - n_new)


class _Data:
    def __init__(
        self, x: Mapping[str, npt.NDArray[Any]], y: BoolArray, categorical: Sequence[str]
    ) -> None:
        self.names = list(x)
        self.cat = set(categorical)
        self.cols: dict[str, FloatArray] = {}
        for name in self.names:
            col = np.asarray(x[name])
            if name not in self.cat and not np.issubdtype(col.dtype, np.number):
                self.cat.add(name)
            if name in self.cat:
                _, codes = np.unique(col, return_inverse=True)
                self.cols[name] = codes.astype(np.float64)
                self.levels = getattr(self, "levels", {})
                self.levels[name] = np.unique(col)
            else:
                col = col.astype(np.float64)
                if np.isnan(col).any():
                    raise InputError(f"input {name!r} has missing values; PRIM needs complete data")
                self.cols[name] = col
        if not hasattr(self, "levels"):
            self.levels = {}
        self.y = np.asarray(y, dtype=bool)
        self.n = self.y.shape[0]
        self.order = {
            n: np.argsort(self.cols[n], kind="stable") for n in self.names if n not in self.cat
        }
        self.sorted = {n: self.cols[n][o] for n, o in self.order.items()}
        self.init: dict[str, Any] = {}
        for n in self.names:
            if n in self.cat:
                self.init[n] = frozenset(np.unique(self.cols[n]).tolist())
            else:
                self.init[n] = (float(self.cols[n].min()), float(self.cols[n].max()))

    def res_dim(self, limits: Mapping[str, Any]) -> int:
        return sum(1 for n in self.names if limits[n] != self.init[n])

    def in_box(self, limits: Mapping[str, Any], rows: BoolArray) -> BoolArray:
        m = rows.copy()
        for n in self.names:
            lim = limits[n]
            if lim == self.init[n]:
                continue
            col = self.cols[n]
            if n in self.cat:
                m &= np.isin(col, list(lim))
            else:
                m &= (col >= lim[0]) & (col <= lim[1])
        return m


class _Peeling:
    """The points of the current box, per input, kept sorted for peeling.

    Peeling only shrinks the box, so each numeric input keeps the sorted values of the
    points in the box (one row per input: every row has the box's size) and the
    running count of cases of interest among them; a candidate peel's size and number
    of cases are then two binary searches, and only the chosen candidate's mask is
    built.  The candidates, their order and their statistics are those of the plain
    definition (mask the box, sort, count), so the trajectory is the same step for
    step.
    """

    def __init__(self, data: _Data, mask: BoolArray) -> None:
        self.data = data
        self.numeric = [n for n in data.names if n not in data.cat]
        self.row = {n: i for i, n in enumerate(self.numeric)}
        self.cat_n: dict[str, npt.NDArray[np.int64]] = {}
        self.cat_coi: dict[str, npt.NDArray[np.int64]] = {}
        if self.numeric:
            self.idx = np.stack([data.order[n] for n in self.numeric])
            self.vals = np.stack([data.sorted[n] for n in self.numeric])
        else:
            self.idx = np.empty((0, data.n), dtype=np.intp)
            self.vals = np.empty((0, data.n))
        self.update(mask)

    def update(self, mask: BoolArray) -> None:
        """Restrict the sorted points to ``mask`` (a subset of the previous box)."""
        data = self.data
        d = self.idx.shape[0]
        keep = mask[self.idx]
        self.idx = self.idx[keep].reshape(d, -1)
        self.vals = self.vals[keep].reshape(d, -1)
        self.cum = np.zeros((d, self.idx.shape[1] + 1), dtype=np.int64)
        np.cumsum(data.y[self.idx], axis=1, out=self.cum[:, 1:])
        for n in data.cat:
            codes = data.cols[n][mask].astype(np.int64)
            k = int(data.cols[n].max()) + 1 if data.n else 1
            self.cat_n[n] = np.bincount(codes, minlength=k)
            self.cat_coi[n] = np.bincount(codes[data.y[mask]], minlength=k)

    def candidates(
        self, limits: dict[str, Any], alpha: float, n_old: int, coi_old: int
    ) -> list[tuple[str, Any, int, int]]:
        """Every peel of the box: ``(input, new limit, points left, cases left)``."""
        data = self.data
        out: list[tuple[str, Any, int, int]] = []
        m = self.idx.shape[1]
        for n in data.names:
            if n in data.cat:
                present = limits[n]
                if len(present) > 1:
                    for c in sorted(present):
                        ci = int(c)
                        out.append(
                            (
                                n,
                                frozenset(present - {c}),
                                n_old - int(self.cat_n[n][ci]),
                                coi_old - int(self.cat_coi[n][ci]),
                            )
                        )
                continue
            if m == 0:
                continue
            r = self.row[n]
            vals = self.vals[r]
            cum = self.cum[r]
            hi = _quantile_sorted(vals, 1 - alpha)
            k = int(np.searchsorted(vals, hi, side="right"))
            out.append((n, (limits[n][0], hi), k, int(cum[k])))
            lo = _quantile_sorted(vals, alpha)
            k = int(np.searchsorted(vals, lo, side="left"))
            out.append((n, (lo, limits[n][1]), m - k, int(cum[m] - cum[k])))
        return out


def _peel_mask(data: _Data, mask: BoolArray, name: str, old: Any, new: Any) -> BoolArray:
    """The box ``mask`` after the peel of ``name`` from limit ``old`` to ``new``."""
    col = data.cols[name]
    if name in data.cat:
        (gone,) = old - new
        return mask & (col != gone)
    if new[1] != old[1]:
        return mask & (col <= new[1])
    return mask & (col >= new[0])


def _paste_candidates(
    data: _Data, limits: dict[str, Any], remaining: BoolArray, alpha: float
) -> list[tuple[dict[str, Any], BoolArray]]:
    out: list[tuple[dict[str, Any], BoolArray]] = []
    for n in data.names:
        if limits[n] == data.init[n]:
            continue
        if n in data.cat:
            for c in sorted(data.init[n] - limits[n]):
                new = dict(limits)
                new[n] = frozenset(limits[n] | {c})
                out.append((new, data.in_box(new, remaining)))
            continue
        lo0, hi0 = data.init[n]
        lo, hi = limits[n]
        # lower side: points between the initial and the current lower limit
        probe = dict(limits)
        probe[n] = (lo0, lo)
        vals = np.sort(data.cols[n][data.in_box(probe, remaining)])
        value = _quantile_sorted(vals, 1 - alpha) if vals.shape[0] else lo0
        new = dict(limits)
        new[n] = (value, hi)
        out.append((new, data.in_box(new, remaining)))
        probe = dict(limits)
        probe[n] = (hi, hi0)
        vals = np.sort(data.cols[n][data.in_box(probe, remaining)])
        value = _quantile_sorted(vals, alpha) if vals.shape[0] else hi0
        new = dict(limits)
        new[n] = (lo, value)
        out.append((new, data.in_box(new, remaining)))
    return out


def _best(
    data: _Data, cands: list[tuple[dict[str, Any], BoolArray]], mean_old: float, n_old: int
) -> tuple[float, dict[str, Any], BoolArray, int, float]:
    best: tuple[float, int] | None = None
    chosen = cands[0]
    chosen_stats = (0, 0.0)
    y = data.y
    for lim, m in cands:
        n_new = int(m.sum())
        mean_new = float(np.count_nonzero(y & m) / n_new) if n_new else 0.0
        obj = _lenient1(mean_old, n_old, mean_new, n_new)
        key = (obj, len(data.names) - data.res_dim(lim))
        if best is None or key > best:
            best = key
            chosen = (lim, m)
            chosen_stats = (n_new, mean_new)
    assert best is not None
    return best[0], chosen[0], chosen[1], chosen_stats[0], chosen_stats[1]


def peel_box(
    data: _Data,
    remaining: BoolArray,
    *,
    peel_alpha: float,
    paste_alpha: float,
    mass_min: float,
    t_coi: int,
) -> tuple[list[BoxStep], list[BoolArray]]:
    """Peel and paste one box over the ``remaining`` points; return its trajectory."""
    limits = dict(data.init)
    mask = remaining.copy()
    masks = [mask]
    traj: list[BoxStep] = []

    def record(lim: dict[str, Any], m: BoolArray) -> None:
        n_in = int(m.sum())
        coi = int(np.count_nonzero(data.y & m))
        traj.append(
            BoxStep(
                coverage=coi / t_coi if t_coi else 0.0,
                density=coi / n_in if n_in else 0.0,
                mass=n_in / data.n,
                res_dim=data.res_dim(lim),
                limits=dict(lim),
            )
        )

    record(limits, mask)
    peeling = _Peeling(data, mask)
    n_names = len(data.names)
    while True:
        n_old = int(mask.sum())
        coi_old = int(np.count_nonzero(data.y & mask))
        mean_old = float(coi_old / n_old) if n_old else 0.0
        res_dim = data.res_dim(limits)
        best: tuple[float, int] | None = None
        chosen: tuple[str, Any, int] | None = None
        # the lenient objective, ties to the box restricting fewer inputs, then the first
        for name, lim, n_new, coi_new in peeling.candidates(limits, peel_alpha, n_old, coi_old):
            mean_new = float(coi_new / n_new) if n_new else 0.0
            dim = res_dim - (limits[name] != data.init[name]) + (lim != data.init[name])
            key = (_lenient1(mean_old, n_old, mean_new, n_new), n_names - dim)
            if best is None or key > best:
                best, chosen = key, (name, lim, n_new)
        if best is None or chosen is None:
            break
        name, lim, n_new = chosen
        if n_new / data.n >= mass_min and n_new < n_old and best[0] > 0:
            mask = _peel_mask(data, mask, name, limits[name], lim)
            limits = dict(limits)
            limits[name] = lim
            masks.append(mask)
            record(limits, mask)
            peeling.update(mask)
        else:
            break
    while True:
        n_old = int(mask.sum())
        mean_old = float(np.count_nonzero(data.y & mask) / n_old) if n_old else 0.0
        cands = _paste_candidates(data, limits, remaining, paste_alpha)
        if not cands:
            break
        obj, lim, m, n_new, mean_new = _best(data, cands, mean_old, n_old)
        if n_new / data.n >= mass_min and n_new > n_old and obj > 0 and mean_new > mean_old:
            limits, mask = lim, m
            masks.append(mask)
            record(limits, mask)
        else:
            break
    return traj, masks


def _select(traj: list[BoxStep], min_coverage: float) -> int:
    ok = [i for i, s in enumerate(traj) if s.coverage >= min_coverage]
    if not ok:
        return 0
    return max(ok, key=lambda i: (traj[i].density, traj[i].coverage))


def _qp(
    data: _Data, limits: dict[str, Any], mask: BoolArray, remaining: BoolArray
) -> dict[str, float]:
    out: dict[str, float] = {}
    n_box = int(mask.sum())
    coi_box = int(np.count_nonzero(data.y & mask))
    for n in data.names:
        if limits[n] == data.init[n]:
            continue
        loose = dict(limits)
        loose[n] = data.init[n]
        m = data.in_box(loose, remaining)
        n_l = int(m.sum())
        p = np.count_nonzero(data.y & m) / n_l if n_l else 0.0
        out[n] = float(stats.binom.sf(coi_box - 1, n_box, p)) if n_box else 1.0
    return out


def _public_limits(data: _Data, limits: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in data.names:
        if limits[n] == data.init[n]:
            continue
        if n in data.cat:
            levels = data.levels[n]
            out[n] = [levels[int(c)].item() for c in sorted(limits[n])]
        else:
            out[n] = (float(limits[n][0]), float(limits[n][1]))
    return out


def find_boxes(
    x: Mapping[str, npt.NDArray[Any]],
    y: npt.ArrayLike,
    *,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    min_coverage: float = 0.5,
    max_boxes: int = 3,
    categorical: Sequence[str] = (),
    question: str = "",
) -> PrimResult:
    """Find up to ``max_boxes`` PRIM boxes of the cases of interest ``y``.

    Parameters
    ----------
    x
        Input name -> values (one per point); non-numeric arrays and the names in
        ``categorical`` are treated as categories.
    y
        Boolean: True for a case of interest.
    peel_alpha, paste_alpha, mass_min
        PRIM's parameters (defaults as in the EMA Workbench).
    min_coverage
        The selected point of each trajectory is the densest one whose coverage is at
        least this (Bryant & Lempert's trade-off; 0 selects the last, densest box).
    max_boxes
        Covering: after a box is selected its points are removed and PRIM runs again,
        until this many boxes, no cases left, or a box no denser than the rest.
    categorical
        Names of categorical inputs given as codes.
    question
        The question the boxes answer, kept in the result.

    Returns
    -------
    PrimResult
        The boxes, best first.
    """
    yb = np.asarray(y)
    if yb.dtype != bool:
        if not np.isin(yb, [0, 1]).all():
            raise InputError("PRIM needs a boolean y (True for a case of interest)")
        yb = yb.astype(bool)
    n = yb.shape[0]
    for name, col in x.items():
        if np.shape(col) != (n,):
            raise InputError(f"input {name!r} has {np.shape(col)} values; y has {n}")
    if not 0 < peel_alpha < 0.5 or not 0 < paste_alpha < 0.5:
        raise InputError("peel_alpha and paste_alpha must lie in (0, 0.5)")
    data = _Data(x, yb, categorical)
    t_coi = int(yb.sum())
    result = PrimResult(boxes=[], n_points=n, n_cases=t_coi, question=question)
    if n == 0 or t_coi == 0 or not data.names:
        return result
    remaining = np.ones(n, dtype=bool)
    for _ in range(max_boxes):
        left = int(remaining.sum())
        coi_left = int(np.count_nonzero(yb & remaining))
        if left == 0 or coi_left == 0:
            break
        traj, masks = peel_box(
            data,
            remaining,
            peel_alpha=peel_alpha,
            paste_alpha=paste_alpha,
            mass_min=mass_min,
            t_coi=t_coi,
        )
        if len(traj) < 2:
            break
        # coverage relative to the cases left, for selection, as in covering PRIM
        sel = _select(
            [
                BoxStep(s.coverage * t_coi / coi_left, s.density, s.mass, s.res_dim, s.limits)
                for s in traj
            ],
            min_coverage,
        )
        if sel == 0 or traj[sel].density <= coi_left / left:
            break
        step = traj[sel]
        mask = masks[sel]
        result.boxes.append(
            PrimBox(
                limits=_public_limits(data, step.limits),
                coverage=step.coverage,
                density=step.density,
                mass=step.mass,
                n_points=int(mask.sum()),
                n_cases=int(np.count_nonzero(yb & mask)),
                qp=_qp(data, step.limits, mask, remaining),
                trajectory=traj,
                selected=sel,
            )
        )
        remaining &= ~mask
    return result
