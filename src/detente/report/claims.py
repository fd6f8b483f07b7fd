"""Section 3: the case's numeric claims, checked against the data.

The data layer (:func:`detente.data.check_claims`) checks the numeric claims of the
article behind detente's flagship case, which concern Türkiye and the European NATO
allies.  The panel is shown for scenarios whose actors include the claims' subject
(:data:`CLAIM_SUBJECT`); for any other scenario it says the claims belong to another
case.
"""

from __future__ import annotations

from types import ModuleType

import pandas as pd

from detente.report.figures import Figure, Finding, Panel, Section
from detente.scenario import Scenario

__all__ = ["CLAIM_SUBJECT", "claims_section"]

#: The country the checked claims are about (ISO3).
CLAIM_SUBJECT = "TUR"
TITLE = "3. The case's claims, checked against the data"


def _codes(scenario: Scenario) -> set[str]:
    out: set[str] = set()
    for a in scenario.actors:
        out.update(a.countries)
    return out


def claims_section(scenario: Scenario, data: ModuleType | None) -> tuple[Section, list[Finding]]:
    """Section 3 and one finding per checked claim."""
    intro = [
        "An argument is only as good as its facts. Each numeric claim of the article the "
        "case rests on is set against the shipped data: the figures, a verdict, and the "
        "source."
    ]
    if data is None or not hasattr(data, "check_claims"):
        panel = Panel.missing(
            "claims",
            "Claims check",
            "The claims check needs detente's data layer (detente.data.check_claims), "
            "which is not installed in this build.",
        )
        return Section(id="claims", title=TITLE, intro=intro, panels=[panel]), []
    if CLAIM_SUBJECT not in _codes(scenario):
        panel = Panel.missing(
            "claims",
            "Claims check",
            "The claims detente can check belong to the Europe–Türkiye case; none of them "
            "concerns this scenario's actors.",
        )
        return Section(id="claims", title=TITLE, intro=intro, panels=[panel]), []
    checks = data.check_claims()
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
