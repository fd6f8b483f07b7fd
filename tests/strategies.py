"""Hypothesis strategies that generate valid scenarios."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from detente.scenario import Scenario

ID = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_\-]{0,11}\Z")
# free text, including quotes, backslashes, newlines, accents and emoji
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f")
    | st.sampled_from(["\n", "\t", '"', "\\", "'", "é", "ü", "→"]),
    max_size=40,
)
NUM = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)
CAP = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    ktab: bool = False,
    min_actors: int = 2,
    max_actors: int = 6,
    max_issues: int = 4,
) -> Scenario:
    """A valid scenario; with ``ktab=True`` one that KTAB's formats can hold exactly."""
    actor_ids = draw(st.lists(ID, min_size=min_actors, max_size=max_actors, unique=True))
    issue_ids = draw(st.lists(ID, min_size=1, max_size=max_issues, unique=True))
    actors: list[dict[str, Any]] = []
    for a in actor_ids:
        actor: dict[str, Any] = {
            "id": a,
            "name": a if ktab else draw(TEXT.filter(lambda t: t == "" or t.strip() == t)),
            "capability": draw(CAP),
            "kind": "group" if ktab else draw(st.sampled_from(["state", "bloc", "group"])),
        }
        if not ktab:
            actor["description"] = draw(TEXT)
            if draw(st.booleans()):
                actor["capability"] = {
                    "indicator": draw(st.sampled_from(["cow.cinc", "sipri.milex_usd_constant"])),
                    "year": draw(st.integers(1990, 2024)),
                }
                actor["members"] = ["DEU", "FRA"]
        actors.append(actor)
    issues = []
    for i in issue_ids:
        lo, hi = (0.0, 100.0) if ktab else sorted(draw(st.tuples(NUM, NUM)).__iter__())
        if hi - lo < 1:
            lo, hi = 0.0, 100.0
        issue: dict[str, Any] = {"id": i, "label": i, "scale": {"min": lo, "max": hi}}
        if not ktab:
            issue["label"] = draw(TEXT.filter(lambda t: not t or t.strip())) or i
            issue["anchors"] = {lo: draw(TEXT), hi: draw(TEXT)}
            if draw(st.booleans()):
                issue["status_quo"] = draw(st.floats(lo, hi))
        issues.append(issue)
    stances = []
    budget = 100.0 / max(len(issue_ids), 1)
    for a in actor_ids:
        for n, i in enumerate(issue_ids):
            if not ktab and draw(st.integers(0, 4)) == 0:
                continue
            lo, hi = issues[n]["scale"]["min"], issues[n]["scale"]["max"]
            stance: dict[str, Any] = {
                "actor": a,
                "issue": i,
                "position": draw(st.floats(lo, hi)),
                # zero, or at least detente.scenario.SALIENCE_FLOOR of the scale's top
                "salience": draw(st.just(0.0) | st.floats(1e-6, budget)),
            }
            if not ktab and draw(st.booleans()):
                stance["uncertainty"] = {"sd": draw(st.floats(0, 50))}
                stance["note"] = draw(TEXT)
            stances.append(stance)
    data: dict[str, Any] = {
        "id": draw(ID),
        "name": draw(TEXT.filter(lambda t: "\n" not in t and (not t or t.strip())))
        if not ktab
        else draw(ID),
        "description": draw(TEXT.filter(lambda t: "\n" not in t and t.strip() == t)),
        "actors": actors,
        "issues": issues,
        "stances": stances,
        "salience_budget": 100.0 if ktab else None,
    }
    if ktab:
        data["seed"] = draw(st.integers(0, 2**64 - 1))
    return Scenario.model_validate(data)
