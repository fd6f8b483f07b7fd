"""The report in a real browser: Debian's chromium driven by Playwright.

The set-up installs chromium with apt where ``/usr/bin/chromium`` is absent
(``playwright install`` does not work here).  The test opens ``report.html`` from a
file:// URL and checks that every chart drew marks, that there is no console error
and no network request, and saves a full-page screenshot under ``test-artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.report import AnalyzeResult, analyze
from support import ARTIFACTS, REPO, chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]

    yield from chromium()


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> AnalyzeResult:
    out = tmp_path_factory.mktemp("browser") / "out"
    return analyze(REPO / "examples" / "europe_turkey.toml", out, draws=50, scenarios=500, seed=0)


def _open(browser, path: Path):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    log: dict[str, list[str]] = {"errors": [], "requests": [], "dialogs": []}
    page.on(
        "console",
        lambda m: log["errors"].append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("html[data-rendered=yes]", state="attached", timeout=90_000)
    return page, log


def _check_charts(page) -> int:  # type: ignore[no-untyped-def]
    counts = page.evaluate(
        """() => Array.from(document.querySelectorAll('div.chart')).map(d => {
             const svg = d.querySelector('svg');
             if (!svg) { return -1; }
             return svg.querySelectorAll('.role-mark path, .role-mark line, .role-mark rect, '
                                         + '.role-mark text').length;
           })"""
    )
    assert counts, "the report has no chart"
    bad = [i for i, n in enumerate(counts) if n <= 0]
    assert not bad, f"charts without marks: {bad} of {len(counts)}"
    return len(counts)


def test_example_report_renders_offline(browser, example_run: AnalyzeResult) -> None:  # type: ignore[no-untyped-def]
    page, log = _open(browser, example_run.report)
    n = _check_charts(page)
    assert n >= 5
    assert log["errors"] == []
    uri = example_run.report.resolve().as_uri()
    foreign = [u for u in log["requests"] if u != uri and not u.startswith("data:")]
    assert foreign == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    page.close()


def test_hostile_names_display_literally(browser, hostile_run: AnalyzeResult) -> None:  # type: ignore[no-untyped-def]
    from report_helpers import HOSTILE_LABEL, HOSTILE_NAME

    page, log = _open(browser, hostile_run.report)
    _check_charts(page)
    text = page.inner_text("main")
    assert HOSTILE_NAME in text
    assert HOSTILE_LABEL in text
    assert log["dialogs"] == []
    assert log["errors"] == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
    page.close()
