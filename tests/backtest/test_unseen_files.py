"""Back-tests on files the ensemble has never seen: holdout-like splits of the dev file and
the ways a new DEU file can differ from it (new category values, another column order,
CRLF, extra columns, degenerate issues)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from detente.backtest.cases import SkippedIssue, load_cases
from detente.backtest.run import BacktestResult, backtest, cross_validate
from detente.cli import main
from detente.errors import InputError
from support import shared_path


@pytest.fixture(scope="module")
def dev() -> Path:
    return shared_path("data", "deu3", "deu3_dev.csv")


@pytest.fixture(scope="module")
def split(dev: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A holdout-like split as in PROVENANCE.md (sorted proposals, a seeded permutation,
    lines copied byte for byte), kept small for speed: 30 proposals to training, the next
    12 to test."""
    lines = dev.read_bytes().decode("utf-8").splitlines(keepends=True)
    head, body = lines[:2], lines[2:]
    props = sorted({ln.split("\t")[2] for ln in body})
    perm = np.random.default_rng(1).permutation(len(props))
    train = {props[i] for i in perm[:30]}
    test = {props[i] for i in perm[30:42]}
    folder = tmp_path_factory.mktemp("split")
    a, b = folder / "train.csv", folder / "test.csv"
    a.write_text("".join(head + [ln for ln in body if ln.split("\t")[2] in train]), "utf-8")
    b.write_text("".join(head + [ln for ln in body if ln.split("\t")[2] in test]), "utf-8")
    return a, b


@pytest.fixture(scope="module")
def reference(split: tuple[Path, Path]) -> BacktestResult:
    return backtest(*split)


Rows = list[list[str]]


def _rewrite(src: Path, dst: Path, edit: Callable[[Rows], Rows], newline: str = "\n") -> Path:
    rows = [ln.split("\t") for ln in src.read_text(encoding="utf-8").splitlines()]
    dst.write_bytes(newline.join("\t".join(r) for r in edit(rows)).encode() + newline.encode())
    return dst


def _col(rows: Rows, name: str) -> int:
    return rows[0].index(f'"{name}"')


def _set(name: str, value: str) -> Callable[[Rows], Rows]:
    def edit(rows: Rows) -> Rows:
        j = _col(rows, name)
        for r in rows[2:]:
            r[j] = value
        return rows

    return edit


def test_holdout_like_split_json_and_out_of_sample(
    split: tuple[Path, Path], reference: BacktestResult, tmp_path: Path
) -> None:
    train, test = split
    out = tmp_path / "out.json"
    assert main(["backtest", "--train", str(train), "--test", str(test), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc == json.loads(reference.to_json())
    assert doc["n_issues"] == sum(c.has_outcome for c in load_cases(test))
    assert set(doc["models"]) >= {"mean_capability_salience", "nbs", "eum", "smp", "ensemble"}
    assert doc["ensemble_interval"]["nominal"] == 0.8
    assert 0.0 <= doc["ensemble_interval"]["coverage"] <= 1.0
    assert not any("both files" in n for n in reference.notes)


def test_file_layout_does_not_change_the_result(
    split: tuple[Path, Path], reference: BacktestResult, tmp_path: Path
) -> None:
    """Columns in another order, CRLF line ends and an unknown extra column: same scores."""
    train, test = split
    order = list(reversed(range(len(test.read_text().split("\n", 1)[0].split("\t")))))

    def reorder(rows: Rows) -> Rows:
        return [[r[j] for j in order] for r in rows]

    def extra(rows: Rows) -> Rows:
        return [
            [*r[:3], '"note"' if k == 0 else ('"x"' if k > 1 else ""), *r[3:]]
            for k, r in enumerate(rows)
        ]

    variants = [
        (
            _rewrite(train, tmp_path / "tr_rev.csv", reorder),
            _rewrite(test, tmp_path / "te_rev.csv", reorder),
        ),
        (
            _rewrite(train, tmp_path / "tr_crlf.csv", lambda r: r, "\r\n"),
            _rewrite(test, tmp_path / "te_crlf.csv", lambda r: r, "\r\n"),
        ),
        (train, _rewrite(test, tmp_path / "te_extra.csv", extra)),
    ]
    for a, b in variants:
        res = backtest(a, b)
        # another actor order sums in another order: equal to rounding
        for name, s in reference.scores.items():
            got = res.scores[name]
            assert (got.mae, got.rmse, got.within_10, got.n) == pytest.approx(
                (s.mae, s.rmse, s.within_10, s.n), rel=1e-12
            ), (b.name, name)
        assert res.coverage == reference.coverage and res.n_issues == reference.n_issues
        ens = res.predictions["ensemble"].to_numpy()
        assert ens == pytest.approx(reference.predictions["ensemble"].to_numpy(), abs=1e-9)


def test_category_values_absent_from_training(
    split: tuple[Path, Path], reference: BacktestResult, tmp_path: Path
) -> None:
    train, test = split
    edits = [_set("council", '"Competitiveness"'), _set("type", '"Act"'), _set("proccde", "7")]

    def all_new(rows: Rows) -> Rows:
        for e in edits:
            rows = e(rows)
        return rows

    res = backtest(train, _rewrite(test, tmp_path / "new.csv", all_new))
    # council, instrument and procedure code are not features: nothing changes
    assert res.to_dict() == reference.to_dict()
    for name, value in (("counvte", '"QMV(10)"'), ("proc", '"SPL"'), ("counvte", "")):
        res = backtest(train, _rewrite(test, tmp_path / "v.csv", _set(name, value)))
        assert res.n_issues == reference.n_issues
        assert np.isfinite(res.predictions["ensemble"]).all()
        assert 0.0 <= res.coverage <= 1.0
        # an unseen voting rule or procedure is treated as "not unanimity" / "not COD"
        assert (
            res.scores["mean_capability_salience"] == reference.scores["mean_capability_salience"]
        )


def test_no_reference_point_single_proposal_single_issue(
    split: tuple[Path, Path], tmp_path: Path
) -> None:
    train, test = split
    res = backtest(train, _rewrite(test, tmp_path / "norp.csv", _set("rp", "")))
    assert "nbs" not in res.scores and "reference_point" not in res.scores
    assert np.isfinite(res.predictions["ensemble"]).all()
    assert any("nbs forecast no issue" in n for n in res.notes)

    def first_proposal(rows: Rows) -> Rows:
        j = _col(rows, "prnr")
        out = rows[:2] + [r for r in rows[2:] if r[j] == rows[2][j]]
        return out

    one = backtest(train, _rewrite(test, tmp_path / "one.csv", first_proposal))
    assert one.n_issues == len([c for c in load_cases(tmp_path / "one.csv") if c.has_outcome])
    assert one.n_issues >= 1 and np.isfinite(one.predictions["ensemble"]).all()

    def first_decided(rows: Rows) -> Rows:
        j = _col(rows, "out")
        return [*rows[:2], next(r for r in rows[2:] if r[j].strip())]

    single = backtest(train, _rewrite(test, tmp_path / "single.csv", first_decided))
    assert single.n_issues == 1 and single.coverage in (0.0, 1.0)


def _blank_actors(keep: Callable[[str], bool]) -> Callable[[Rows], Rows]:
    """Clear the position and salience of every actor code for which keep() is False."""

    def edit(rows: Rows) -> Rows:
        head = [h.strip('"') for h in rows[0]]
        codes = {h[1:] for h in head if re.fullmatch(r"p[a-z]+", h) and f"s{h[1:]}" in head}
        drop = [
            j for j, h in enumerate(head) if h[:1] in "ps" and h[1:] in codes and not keep(h[1:])
        ]
        for r in rows[2:]:
            for j in drop:
                r[j] = ""
        return rows

    return edit


def test_actors_without_any_position(split: tuple[Path, Path], tmp_path: Path) -> None:
    """Only the Commission and Parliament columns filled: issues where just one of them
    takes a position are left out with a note; the rest are scored (SMP on two actors)."""
    train, test = split
    path = _rewrite(test, tmp_path / "two.csv", _blank_actors(lambda c: c in ("com", "ep")))
    skipped: list[SkippedIssue] = []
    cases = load_cases(path, skipped)
    reasons = {"a single actor takes a position", "no actor takes a position"}
    assert skipped and {s.reason for s in skipped} <= reasons
    assert all(s.line is not None and s.line > 2 for s in skipped)
    with pytest.raises(InputError, match="single actor"):
        load_cases(path)
    res = backtest(train, path)
    assert res.n_issues == sum(c.has_outcome for c in cases)
    assert any(f"{len(skipped)} issue(s) left out" in n for n in res.notes)
    assert np.isfinite(res.predictions["mean_capability_salience"]).all()
    assert np.isfinite(res.predictions["ensemble"]).all()
    # where both have a salience, SMP runs with two actors
    two = [c.issue for c in cases if c.n_actors == 2]
    assert two and np.isfinite(res.predictions.loc[two, "smp"]).any()

    # every actor blank on one issue: that issue alone is left out
    def blank_first(rows: Rows) -> Rows:
        return _blank_actors(lambda c: False)(rows[:3]) + rows[3:]

    res = backtest(train, _rewrite(test, tmp_path / "blank.csv", blank_first))
    assert any(
        "1 issue(s) left out because no actor takes a position (line 3)" in n for n in res.notes
    )


def test_degenerate_files_give_exit_2_with_a_message(
    split: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, test = split

    def no_issue_rows(rows: Rows) -> Rows:
        return rows[:2]

    def one_proposal(rows: Rows) -> Rows:
        j = _col(rows, "prnr")
        return rows[:2] + [r for r in rows[2:] if r[j] == rows[2][j]]

    def off_scale(rows: Rows) -> Rows:
        rows[2][_col(rows, "out")] = "150"
        return rows

    def salience_without_position(rows: Rows) -> Rows:
        j = _col(rows, "pde")
        rows[2][j] = ""
        rows[2][_col(rows, "sde")] = "50"
        return rows

    cases = [
        (
            ["--test", _rewrite(test, tmp_path / "undecided.csv", _set("out", ""))],
            "no issue with an outcome",
        ),
        (["--test", _rewrite(test, tmp_path / "empty.csv", no_issue_rows)], "no issue rows"),
        (["--test", _rewrite(test, tmp_path / "off.csv", off_scale)], "outside the scale"),
        (
            ["--test", _rewrite(test, tmp_path / "sal.csv", salience_without_position)],
            "no position",
        ),
        (["--train", _rewrite(train, tmp_path / "onep.csv", one_proposal)], "two proposals"),
    ]
    for (flag, path), message in cases:
        args = {"--train": str(train), "--test": str(test), flag: str(path)}
        argv = ["backtest", *[x for kv in args.items() for x in kv]]
        assert main(argv) == 2, message
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert (
        main(["backtest", "--cv", "2", str(_rewrite(train, tmp_path / "p.csv", one_proposal))]) == 2
    )
    assert "proposal" in capsys.readouterr().err


def test_cross_validation_on_a_holdout_like_file(split: tuple[Path, Path]) -> None:
    _, test = split
    res = cross_validate(test, folds=5)
    assert res.n_issues == sum(c.has_outcome for c in load_cases(test))
    assert np.isfinite(res.predictions["ensemble"]).all()
    assert (res.predictions["ensemble_lower"] <= res.predictions["ensemble"]).all()
