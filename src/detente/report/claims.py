"""Section 3: the case's numeric claims, checked against the data.

The scenario's ``[[claims]]`` (the numeric claims of the argument it models) are
checked by the data layer (:func:`detente.data.check_claims`); the section shows one
row per claim -- the claim, the verdict, the figures, the explanation and the source
-- and one finding per claim.  A scenario without claims gets a panel that says how
to add them.
"""

from __future__ import annotations

from types import ModuleType

import pandas as pd

from detente.errors import InputError
from detente.report.figures import Figure, Finding, Panel, Section
from detente.scenario import Scenario

__all__ = ["claims_section"]

TITLE = "3. The case's claims, checked against the data"


def claims_section(scenario: Scenario, data: ModuleType | None) -> tuple[Section, list[Finding]]:
    """Section 3 and one finding per checked claim."""
    intro = [
        "An argument is only as good as its facts. Each numeric claim of the article the "
        "case rests on is set against the shipped data: the figures, a verdict, and the "
        "source."
    ]

    def missing(text: str) -> tuple[Section, list[Finding]]:
        panel = Panel.missing("claims", "Claims check", text)
        return Section(id="claims", title=TITLE, intro=intro, panels=[panel]), []

    if data is None or not hasattr(data, "check_claims"):
        return missing(
            "The claims check needs detente's data layer (detente.data.check_claims), "
            "which is not installed in this build."
        )
    if not scenario.claims:
        return missing(
            "This scenario states no numeric claims. Add them as [[claims]] "
            "(docs/formats.md), or draft them from an article with `detente draft`."
        )
    try:
        checks = data.check_claims(scenario)
    except InputError as err:
        return missing(f"The claims cannot be checked: {err}")
    df = pd.DataFrame(
        [
            {
                "claim": c.claim,
                "verdict": c.verdict,
                "figures": c.figures,
                "explanation": c.explanation,
                "source": c.source,
                "id": c.id,
            }
            for c in checks
        ]
    )
    fig = Figure(
        id="claims_check",
        title="The article's numeric claims against the data",
        caption="Verdicts: holds, partly holds, does not hold, or not checkable from data "
        "(then the figures quoted are cited reports, not data).",
        table=df,
        kind="table",
        source="detente.data.check_claims",
    )
    findings = [
        Finding(f"Claim: “{c.claim}” Verdict: {c.verdict}. {c.explanation}", fig.id, "claims", 2.2)
        for c in checks
    ]
    return (
        Section(
            id="claims",
            title=TITLE,
            intro=intro,
            panels=[Panel(id="claims", title="Claims check", figures=[fig])],
        ),
        findings,
    )
