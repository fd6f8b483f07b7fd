"""User text is rendered as text: escaped in HTML, inert inside <script> JSON."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from detente.report import AnalyzeResult
from detente.report.html import esc, script_json
from report_helpers import HOSTILE_LABEL, HOSTILE_NAME


def _strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


@given(st.text())
def test_script_json_round_trips_and_cannot_close_its_element(text: str) -> None:
    out = script_json({"name": text, "list": [text]})
    assert json.loads(out) == {"name": text, "list": [text]}
    assert "<" not in out and ">" not in out and "&" not in out


@given(st.text())
def test_esc_leaves_no_markup(text: str) -> None:
    out = esc(text)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out


def test_hostile_names_are_escaped_everywhere(hostile_run: AnalyzeResult) -> None:
    html = hostile_run.report.read_text(encoding="utf-8")
    # the raw strings never appear: neither in markup nor inside a script element
    assert HOSTILE_NAME not in html
    assert HOSTILE_LABEL not in html
    assert "<script>alert" not in html
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.S)  # our own code removed
    assert "<img" not in markup
    # the page has exactly our scripts: the JSON chart specs, the bundle and the loader
    scripts = re.findall(r"<script([^>]*)>", html)
    code = [s for s in scripts if "application/json" not in s]
    assert len(code) == 2
    # the escaped text is shown literally in the page
    assert esc(HOSTILE_NAME) in html
    assert esc(HOSTILE_LABEL) in html
    # and the chart data carry the exact strings (decoded by JSON.parse)
    specs = re.findall(r'<script type="application/json" id="spec-\d+">(.*?)</script>', html, re.S)
    strings = [v for s in specs for v in _strings(json.loads(s))]
    assert HOSTILE_LABEL in strings


def test_summary_escapes_markdown(hostile_run: AnalyzeResult) -> None:
    text = (hostile_run.out_dir / "summary.md").read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "<img" not in text


def test_csp_blocks_network_and_foreign_scripts(hostile_run: AnalyzeResult) -> None:
    html = hostile_run.report.read_text(encoding="utf-8")
    m = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert m is not None
    csp = m.group(1).replace("&#x27;", "'")
    assert "default-src 'none'" in csp
    assert "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
