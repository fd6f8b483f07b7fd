"""Property: a mutated scenario file never makes the CLI crash.

Valid files of every format are mutated as a careless editor, a spreadsheet export or
a broken download would (truncation, lost or doubled lines, odd numbers, another
delimiter, line ends, encodings, stray bytes).  Whatever comes out, ``validate``,
``forecast`` and ``convert`` exit with 0 or 2, never print a traceback, and an exit 2
says how to fix the input.  Seeded and bounded, so it runs in seconds.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from detente.cli import main

TOML = """\
[scenario]
id = "m"
salience_budget = 100

[[actors]]
id = "TUR"
capability = 10
capability_uncertainty = { sd = 2 }

[[actors]]
id = "DEU"
capability = { indicator = "sipri.milex_usd_constant", year = 2023 }

[[actors]]
id = "EU"
kind = "bloc"
members = ["FRA", "ITA"]
capability = 7

[[issues]]
id = "x"
scale = { min = 0, max = 10 }
status_quo = 2

[[stances]]
actor = "TUR"
issue = "x"
position = 2
salience = 50
uncertainty = [1, 4]

[[stances]]
actor = "DEU"
issue = "x"
position = 8
salience = 40

[[stances]]
actor = "EU"
issue = "x"
position = 6
salience = 30

[models.smp]
VotingRule = "Cubic"

[partnership]
horizon = 5
"""

KTAB_CSV = """\
Test,"a test",3,2,
Actor,Description,Power,P1,S1,P2,S2,
A, first, 10, 20, 50, 30, 40,
B, second, 5, 80, 40, 70, 60,
C, third, 1, 50, 10, 0, 90,
"""

KTAB_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>m</name><desc>d</desc><prngSeed>7</prngSeed>
  <ModelParameters>
    <VictoryProbModel>Linear</VictoryProbModel><PCEModel>Conditional</PCEModel>
    <StateTransitions>Deterministic</StateTransitions><VotingRule>Prop</VotingRule>
    <BigRAdjust>OneThird</BigRAdjust><BigRRange>Mid</BigRRange>
    <ThirdPartyCommit>SemiCommit</ThirdPartyCommit><InterVecBrgn>S2P2</InterVecBrgn>
    <BargnModel>InitOnlyInterp</BargnModel>
  </ModelParameters>
  <Dimensions><dName>d1</dName></Dimensions>
  <Actors>
    <Actor><name>A</name><description>a</description><capability>10</capability>
      <Position><dCoord>20</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>
    <Actor><name>B</name><description>b</description><capability>5</capability>
      <Position><dCoord>80</dCoord></Position><Salience><dSal>40</dSal></Salience></Actor>
  </Actors>
  <IdealAdjustment>
    <iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>A</referencePos>
      <adjust>0.5</adjust></iaPair>
    <iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B</referencePos>
      <adjust>0.5</adjust></iaPair>
  </IdealAdjustment>
</Scenario>
"""

DEU = (
    "prnr\tprname\tisnr\tpcom\tpde\tpfr\tscom\tsde\tsfr\trp\tout\n"
    "\t\t\t1.5\t2\t2.5\t\t\t\t\t\n"
    '"p1"\t"one"\t"p1i1"\t100\t0\t50\t80\t50\t60\t0\t40\n'
    '"p1"\t"one"\t"p1i2"\t0\t100\t\t50\t90\t\t100\t70\n'
    '"p2"\t"two"\t"p2i1"\t30\t60\t90\t40\t40\t40\t\t60\n'
)

SEEDS = [("s.toml", TOML), ("k.csv", KTAB_CSV), ("k.xml", KTAB_XML), ("d.csv", DEU)]

ODD = ["nan", "inf", "-inf", "-0", "-1", "0", "1e309", "1e-320", "1e31", '"5"', "", "x",
       "101", "9" * 60, "1,5", "[1]", "{}", "true"]  # fmt: skip

ODD_NAMES = ["Türkiye", "🇪🇺", "a\\tb", "x" * 120, " ", "A,B", "[/x]"]

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name, text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.integers(0, 8))
        lines = text.split("\n")
        if op == 0:  # truncated
            text = text[: draw(st.integers(0, len(text)))]
        elif op == 1:  # a line lost
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "\n".join(lines)
        elif op == 2:  # a line doubled
            i = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
        elif op == 3:  # an odd number
            spots = list(_NUMBER.finditer(text))
            if spots:
                m = draw(st.sampled_from(spots))
                text = text[: m.start()] + draw(st.sampled_from(ODD)) + text[m.end() :]
        elif op == 4:  # another delimiter
            old = "\t" if name == "d.csv" else ","
            text = text.replace(old, draw(st.sampled_from([";", "\t", ",", "|"])))
        elif op == 5:  # line ends
            text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
        elif op == 6:  # a stray character
            i = draw(st.integers(0, len(text)))
            text = (
                text[:i] + draw(st.sampled_from(['"', "'", "[", "<", "=", "\x00", "é"])) + text[i:]
            )
        elif op == 7:  # an odd name
            spots = list(re.finditer(r'"([A-Za-z]\w*)"|>([A-Za-z]\w*)<', text))
            if spots:
                m = draw(st.sampled_from(spots))
                g = 1 if m.group(1) is not None else 2
                odd = draw(st.sampled_from(ODD_NAMES))
                text = text[: m.start(g)] + odd + text[m.end(g) :]
        else:  # the whole file emptied down to a header
            text = "\n".join(lines[: draw(st.integers(0, 2))])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return name, text.encode(encoding, errors="replace")


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue() + err.getvalue()


@seed(20240611)
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=mutated())
def test_mutated_files_exit_0_or_2_without_traceback(case: tuple[str, bytes]) -> None:
    name, content = case
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / name
        f.write_bytes(content)
        pick = ["--scenario", "p1i1"] if name == "d.csv" else []
        runs = [
            ["validate", str(f)],
            ["show", str(f)],
            ["forecast", "--model", "all", str(f), *pick],
            ["convert", str(f), "--to", "toml", "-o", str(Path(tmp) / "o.toml"), *pick],
            ["convert", str(f), "--to", "ktab-xml", "-o", str(Path(tmp) / "o.xml"), *pick],
        ]
        for argv in runs:
            code, text = _run(argv)
            assert "Traceback" not in text, (argv, text)
            assert code in (0, 2), (argv, code, text)
            if code == 2:
                flat = " ".join(text.split())
                assert "Fix:" in flat or "Usage:" in flat, (argv, flat)
