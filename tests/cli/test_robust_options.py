"""Every bad option, output path, size and damaged store gets exit 2 naming it (issue 13).

Options are checked before any work starts; outputs are probed before any work; sizes
are refused from an estimate of the memory they need; a truncated run store is named.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path

import pytest

from detente.bargaining import forecast
from detente.cli import main
from detente.errors import InputError
from detente.limits import COUNTS, check_count, format_bytes, memory_limit
from report_helpers import small_scenario
from support import REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"
HUGE = str(10**20)


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, " ".join((out.getvalue() + err.getvalue()).split())


def _refused(argv: list[str], *parts: str, seconds: float = 30) -> str:
    t0 = time.perf_counter()
    code, text = _run(argv)
    assert code == 2, (argv, code, text)
    assert "Traceback" not in text and "internal error" not in text, text
    for part in parts:
        assert part in text, (part, text)
    assert time.perf_counter() - t0 < seconds, "refused only after doing the work"
    return text


# -- counts: capped, and checked before any work -------------------------------------

E = str(EXAMPLE)
SWEEP = ["sweep", E, "--actor", "TUR", "--field", "salience", "--issue", "troops"]


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["forecast", E, "-m", "mean", "--draws", HUGE], "--draws"),
        (["forecast", E, "-m", "mean", "--draws", "10", "--workers", HUGE], "--workers"),
        (["forecast", E, "-m", "mean", "--seed", HUGE], "--seed"),
        (["explore", E, "--scenarios", HUGE], "--scenarios"),
        (["explore", E, "--sobol", HUGE], "--sobol"),
        (["explore", E, "--prim-points", HUGE], "--prim-points"),
        (["explore", E, "--seed", HUGE], "--seed"),
        (["explore", E, "--workers", HUGE], "--workers"),
        (["analyze", E, "-o", "unused", "--draws", HUGE], "--draws"),
        (["analyze", E, "-o", "unused", "--scenarios", HUGE], "--scenarios"),
        (["analyze", E, "-o", "unused", "--seed", HUGE], "--seed"),
        (["sensitivity", E, "--samples", HUGE], "--samples"),
        (["sensitivity", E, "--seed", HUGE], "--seed"),
        (["sensitivity", E, "--top", "0"], "--top"),
        (["backtest", "--cv", HUGE, E], "--cv"),
        (["backtest", "--cv", "1", E], "--cv"),
        (
            [*SWEEP, "--range", "0:1e400:1", "-m", "mean"],
            "--range",
        ),
        (
            [*SWEEP, "--range", "0:1e300:1e-300", "-m", "mean"],
            "--range",
        ),
    ],
)
def test_huge_counts_are_refused_before_any_work(
    argv: list[str], option: str, tmp_path: Path
) -> None:
    argv = [str(tmp_path / "unused") if a == "unused" else a for a in argv]
    _refused(argv, option, "Fix:")
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize(("value", "expected"), [("3", "use 2 or 4"), ("1", "use 2")])
def test_a_sobol_base_that_is_no_power_of_two_is_refused_before_the_experiments(
    tmp_path: Path, value: str, expected: str
) -> None:
    # it used to be refused after every experiment had run
    out = tmp_path / "lab"
    _refused(["explore", E, "--sobol", value, "-o", str(out), "-q"], "--sobol", expected)
    assert not (out / "experiments.parquet").exists()


def test_check_count_accepts_the_ends_of_every_range() -> None:
    for name, spec in COUNTS.items():
        check_count(name, spec.low)
        check_count(name, spec.high)
        for bad in (spec.low - 1, spec.high + 1):
            with pytest.raises(InputError, match=f"between {spec.low:,} and {spec.high:,}"):
                check_count(name, bad)


# -- outputs: unwritable paths -------------------------------------------------------


def _output_cases(tmp: Path) -> list[list[str]]:
    e = E
    under = str(tmp / "a_file" / "out")  # a path under a regular file
    return [
        ["forecast", e, "-m", "mean", "--json", under + ".json"],
        ["forecast", e, "-m", "mean", "--trajectory", under + ".csv"],
        ["sweep", e, "--actor", "TUR", "--field", "salience", "--issue", "troops", "--range",
         "0:10:5", "-m", "mean", "--csv", under + ".csv"],
        ["sensitivity", e, "-m", "mean", "--json", under + ".json"],
        ["sensitivity", e, "-m", "mean", "--csv", under + ".csv"],
        ["convert", e, "--to", "toml", "-o", under + ".toml"],
        ["backtest", "--cv", "5", e, "--json", under + ".json"],
        ["backtest", "--cv", "5", e, "--predictions", under + ".csv"],
        ["explore", e, "-o", under, "-q"],
        ["analyze", e, "-o", under, "-q"],
    ]  # fmt: skip


def test_every_output_option_under_a_file_is_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("x")
    for argv in _output_cases(tmp_path):
        _refused(argv, str(tmp_path / "a_file"), "which is a file, not a folder", seconds=60)


def test_an_output_that_is_a_folder_or_a_device_is_refused(tmp_path: Path) -> None:
    _refused(["forecast", E, "-m", "mean", "--json", str(tmp_path)], "is a directory")
    _refused(["forecast", E, "-m", "mean", "--json", os.devnull, "--force"], "not a regular file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_output_in_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        _refused(["forecast", E, "-m", "mean", "--json", str(ro / "x.json")], str(ro))
        _refused(["explore", E, "-o", str(ro / "lab"), "-q"], str(ro))
    finally:
        ro.chmod(0o755)


def test_a_folder_that_cannot_be_written_even_by_root_is_refused(tmp_path: Path) -> None:
    # /proc/self takes no new files, whoever asks: the probe finds it before any work
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc")
    _refused(["forecast", E, "-m", "mean", "--json", "/proc/self/x.json"], "/proc/self/x.json")
    _refused(["analyze", E, "-o", "/proc/self/report", "-q"], "/proc/self/report")


def test_a_write_that_fails_late_names_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the disk fills, or permissions change, between the check and the write
    import detente._atomic as atomic

    target = tmp_path / "late.json"

    def refuse(path: object, text: str, **_: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(atomic, "atomic_write_text", refuse)
    _refused(["forecast", E, "-m", "mean", "--json", str(target)], str(target), "permission denied")


# -- sizes: the memory check -----------------------------------------------------------


def test_memory_limit_is_overridable_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT_GB", "0.5")
    assert memory_limit() == 2**29
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT_GB", "lots")
    with pytest.raises(InputError, match="DETENTE_MEMORY_LIMIT_GB"):
        memory_limit()
    monkeypatch.delenv("DETENTE_MEMORY_LIMIT_GB")
    assert memory_limit() >= 2**28
    assert format_bytes(7.6 * 2**30) == "7.6 GiB"


def _many_actors(path: Path, n: int, k: int = 6) -> Path:
    lines = ['[scenario]\nid = "many"\n']
    lines += [f'[[actors]]\nid = "A{a}"\ncapability = {1 + a % 7}\n' for a in range(n)]
    lines += [f'[[issues]]\nid = "i{j}"\n' for j in range(k)]
    lines += [
        f'[[stances]]\nactor = "A{a}"\nissue = "i{j}"\nposition = {(a * 37 + j * 11) % 101}\n'
        f"salience = {1 + (a + j) % 15}\n"
        for a in range(n)
        for j in range(k)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("model", ["smp", "eum"])
def test_a_scenario_too_big_for_a_model_is_refused_before_it_starts(
    tmp_path: Path, model: str
) -> None:
    # 10,000 actors used to die with MemoryError (SMP) or run out of memory after 80 s
    f = _many_actors(tmp_path / "big.toml", 10_000)
    text = _refused(
        ["forecast", str(f), "--model", model], "10,000 actors x 6 issues", "TiB", seconds=120
    )
    assert "limit of" in text and "DETENTE_MEMORY_LIMIT_GB" in text and "fewer actors" in text


def test_every_model_is_checked_before_the_first_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = _many_actors(tmp_path / "mid.toml", 300)
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT_GB", "0.05")
    text = _refused(["forecast", str(f), "--model", "mean,median,smp"], "300 actors", "Spatial")
    assert "Forecast:" not in text  # no model ran


def test_draws_too_many_for_memory_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT_GB", "0.01")
    _refused(["forecast", E, "-m", "mean", "--draws", "1000000"], "--draws", "draws")


def test_the_sizes_the_project_uses_are_not_refused() -> None:
    from detente.bargaining import get_model
    from detente.bargaining.base import check_model_memory

    # KTAB's largest reference run (160 actors), the EUM benchmark and the draws
    # benchmark: far below half of even a small machine's memory
    for name, n, k, r in (("smp", 160, 3, 0), ("eum", 100, 6, 0), ("eum", 11, 6, 10_000),
                          ("smp", 11, 6, 1024), ("mean", 11, 6, 10_000)):  # fmt: skip
        spec = get_model(name)
        need = spec.peak_bytes(n, k, r, spec.defaults) if spec.peak_bytes else 0
        assert need < 2**30, (name, n, format_bytes(need))
        check_model_memory(spec, n, k, r, spec.defaults)


def test_a_small_scenario_still_forecasts_with_a_small_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT_GB", "0.25")
    from detente.scenario import load_scenario

    s = load_scenario(small_scenario(tmp_path / "s.toml"))
    assert forecast(s, "smp").outcome.shape == (len(s.issues),)


# -- a damaged run store ------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("store")
    f = small_scenario(base / "s.toml")
    assert main(["analyze", str(f), "-o", str(base / "run"), "--draws", "0", "--scenarios",
                 "200", "-q"]) == 0  # fmt: skip
    return base / "run"


@pytest.mark.parametrize("keep", [0.001, 0.02, 0.5, 0.97])
def test_a_truncated_run_store_is_named_in_every_command_that_reads_it(
    run_dir: Path, tmp_path: Path, keep: float
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    data = (run_dir / "results.duckdb").read_bytes()
    (broken / "results.duckdb").write_bytes(data[: int(len(data) * keep)])
    for name in ("report.html", "summary.md"):
        (broken / name).write_bytes((run_dir / name).read_bytes())
    store = str(broken / "results.duckdb")
    _refused(["runs", "list", str(broken)], store)
    _refused(["runs", "compare", str(run_dir), str(broken)], store)
    _refused(["runs", "compare", str(broken), str(run_dir)], store)
    f = small_scenario(tmp_path / "s.toml")
    _refused(["analyze", str(f), "-o", str(broken), "--draws", "0", "--scenarios", "10", "-q"],
             str(broken), "--force")  # fmt: skip


@pytest.mark.parametrize(
    "argv",
    [
        ["data", "show", "nato.defence_share_gdp", "--year", HUGE],
        ["data", "gap", "--year", HUGE],
        ["data", "coalition", "NATO-Europe", "-i", "nato.military_personnel", "--year", HUGE],
        ["data", "alignment", "TUR", "GRC", "--year", HUGE],
    ],
)
def test_data_years_out_of_range_are_refused(argv: list[str]) -> None:
    _refused(argv, "--year", "between 0 and 9,999")


def test_a_gap_target_that_is_not_a_number_is_refused() -> None:
    _refused(["data", "gap", "--target", "nan"], "--target")


def test_an_input_over_the_size_limit_is_refused_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "big.toml"
    f.write_bytes(EXAMPLE.read_bytes() + b"\n# padding\n" * 200_000)  # about 2.3 MB
    monkeypatch.setenv("DETENTE_MAX_INPUT_MB", "1")
    _refused(["validate", str(f)], str(f), "limit of 1 MiB", "DETENTE_MAX_INPUT_MB")
    monkeypatch.setenv("DETENTE_MAX_INPUT_MB", "8")
    assert _run(["validate", str(f)])[0] == 0


def test_a_draws_worker_killed_by_the_system_is_an_environment_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the kernel's OOM killer ends a worker: exit 3 with what to do, not "a bug"
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    import detente.bargaining.draws as draws

    class DyingPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def __enter__(self) -> DyingPool:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def submit(self, *args: object, **kwargs: object) -> Future[object]:
            fut: Future[object] = Future()
            fut.set_exception(BrokenProcessPool("A process in the process pool was terminated"))
            return fut

    monkeypatch.setattr(draws, "ProcessPoolExecutor", DyingPool)
    code, text = _run(["forecast", E, "-m", "mean", "--draws", "3000", "--workers", "2"])
    assert code == 3, text
    assert "worker process died" in text and "fewer --workers" in text


def test_a_draft_from_deeply_nested_html_is_refused_and_errors_name_the_article(
    tmp_path: Path,
) -> None:
    # 100,000 nested <div> used to run for hours (marking blocks is depth x blocks)
    f = tmp_path / "deep.html"
    f.write_text("<html><body>" + "<div>" * 100_000 + "Türkiye spent 2% of GDP in 2024."
                 + "</div>" * 100_000 + "</body></html>")  # fmt: skip
    _refused(["draft", str(f), "-o", str(tmp_path / "d.toml")], str(f), "nesting too deep")
    g = tmp_path / "empty.md"
    g.write_text("> > > > \n- - -\n", encoding="utf-8")
    _refused(["draft", str(g), "-o", str(tmp_path / "e.toml")], str(g), "no text")
    sloppy = tmp_path / "sloppy.html"  # unclosed paragraphs nest, but are read
    sloppy.write_text("<html><body>" + "<p>Türkiye spent 2% of GDP in 2024." * 600)
    assert _run(["draft", str(sloppy), "-o", str(tmp_path / "s.toml")])[0] == 0
