"""Speed of the workbench in a real browser (targets from issue 15).

Run from the repository root (needs Debian's chromium, as the browser tests)::

    .venv/bin/python benchmarks/bench_app.py [--edits 30] [--cold]

Starts ``detente app examples/europe_turkey.toml`` on a free port and measures:

* the first usable page: from starting the command to the stance grid in the browser
  (target < 5 s), with ``--cold`` on an empty numba cache (``NUMBA_CACHE_DIR`` set to
  a new folder), and how long the models then take to warm up;
* edit → every flagship point forecast (mean, median, NBS, EUM, SMP) redrawn with the
  new values: from pressing Enter in a grid cell to the last model's new value in the
  forecast table (targets: median < 300 ms, worst < 1 s);
* the same while another browser session runs a strategy-lab job of 5,000,000
  futures (target: worst < 1 s).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MODELS = ("mean", "median", "nbs", "eum", "smp")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _edits(page: Any, n: int) -> list[float]:
    """Commit ``n`` edits of TUR's troops position; seconds to all five new values."""
    from shiny.playwright import controller

    sys.path.insert(0, str(REPO / "src"))
    from detente.app import state
    from detente.bargaining import forecast
    from detente.scenario import load_scenario

    base = load_scenario(REPO / "examples" / "europe_turkey.toml")
    grid = controller.OutputDataFrame(page, "stances")
    times = []
    for k in range(n):
        pos = 100.0 if k % 2 == 0 else 0.0 + (k % 7)
        s = state.resolve(state.set_stance(base, "TUR", "troops", "position", str(pos)))
        want = {m: float(forecast(s, m, seed=0).outcome[0]) for m in MODELS}
        grid._edit_cell_no_save(f"{pos:g}", row=7, col=3)
        t0 = time.perf_counter()
        grid.cell_locator(row=7, col=3).locator("> textarea").press("Enter")
        page.wait_for_function(
            """(want) => Object.entries(want).every(([m, v]) => {
                 const td = document.querySelector(
                   `#forecasts td[data-issue="troops"][data-model="${m}"][data-value]`);
                 return td
                   && Math.abs(parseFloat(td.dataset.value) - v) <= 1e-9 * Math.max(1, Math.abs(v));
               })""",
            arg=want,
            timeout=20_000,
            polling="raf",
        )
        times.append(time.perf_counter() - t0)
        time.sleep(0.2)
    return times


def _summary(name: str, xs: list[float], median_target: float | None, worst_target: float) -> None:
    med = statistics.median(xs)
    print(
        f"{name}: n={len(xs)}  min {min(xs) * 1000:.0f} ms  median {med * 1000:.0f} ms  "
        f"max {max(xs) * 1000:.0f} ms   targets: "
        + (f"median < {median_target * 1000:.0f} ms, " if median_target else "")
        + f"worst < {worst_target * 1000:.0f} ms  -> "
        + (
            "met"
            if max(xs) < worst_target and (median_target is None or med < median_target)
            else "NOT met"
        )
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--cold", action="store_true", help="start with an empty numba cache")
    opts = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-app-"))
    (work / "europe_turkey.toml").write_bytes(
        (REPO / "examples" / "europe_turkey.toml").read_bytes()
    )
    env = dict(os.environ)
    if opts.cold:
        env["NUMBA_CACHE_DIR"] = str(work / "numba-cache")
    port = _port()
    url = f"http://127.0.0.1:{port}/"
    exe = Path(sys.executable).with_name("detente")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(exe), "app", str(work / "europe_turkey.toml"), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    urllib.request.urlopen(url, timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.02)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector("#stances table", timeout=60_000)
            first = time.perf_counter() - t0
            print(
                f"first usable page (stance grid) {first:.2f} s after start"
                + (" (empty numba cache)" if opts.cold else "")
                + f"   target < 5 s -> {'met' if first < 5 else 'NOT met'}"
            )
            page.wait_for_function(
                """(models) => models.every(m => document.querySelector(
                     `#forecasts td[data-model="${m}"][data-value]`))""",
                arg=list(MODELS),
                timeout=600_000,
            )
            print(f"every model warm {time.perf_counter() - t0:.1f} s after start")
            time.sleep(5)  # let the job runner's forkserver finish its own warm-up
            _summary("edit -> 5 forecasts redrawn", _edits(page, opts.edits), 0.3, 1.0)
            other = browser.new_page()
            other.goto(url, wait_until="domcontentloaded")
            other.wait_for_selector("#stances table", timeout=60_000)
            other.click("a[data-value=lab]")
            other.fill("#lab_n", "5000000")
            other.click("#run_lab")
            other.wait_for_selector("#lab_status .job[data-state=running]", timeout=120_000)
            loaded = _edits(page, max(10, opts.edits // 3))
            running = other.locator("#lab_status .job[data-state=running]").count() > 0
            _summary(
                "  ... while another session's lab run uses the CPU"
                + ("" if running else " (the run ended before the last edit)"),
                loaded,
                None,
                1.0,
            )
            other.click("#cancel_lab")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
