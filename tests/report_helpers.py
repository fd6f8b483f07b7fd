"""Small scenarios and shared helpers for the report tests."""

from __future__ import annotations

import json
from pathlib import Path

HOSTILE_NAME = "</script><script>alert('x')</script> \"quoted\" & 'single'"
HOSTILE_LABEL = '<img src=x onerror="alert(1)"> & </script>'


def small_scenario(
    path: Path,
    *,
    scenario_id: str = "small",
    name: str = "A small test case",
    actor_name: str = "Alpha",
    issue_label: str = "The first issue",
    position_b: float = 60.0,
    partnership: bool = True,
) -> Path:
    """Write a three-actor, two-issue scenario (numeric capabilities) to ``path``."""
    part = "\n[partnership]\nhorizon = 8\n" if partnership else ""
    text = f'''
[scenario]
id = "{scenario_id}"
name = {json.dumps(name)}
question = "Will the parties agree?"

[[sources]]
id = "expert"
citation = "The test's own judgement."
kind = "expert judgement"

[[actors]]
id = "A"
name = {json.dumps(actor_name)}
capability = 40
capability_source = "expert"
group = "One"

[[actors]]
id = "B"
name = "Beta"
capability = 30
group = "One"

[[actors]]
id = "C"
name = "Gamma"
capability = 20
group = "Two"
note = {json.dumps(actor_name)}

[[issues]]
id = "first"
label = {json.dumps(issue_label)}
status_quo = 10
status_quo_source = "expert"
[issues.anchors]
"0" = "nothing"
"100" = {json.dumps(issue_label)}

[[issues]]
id = "second"
label = "The second issue"

[[stances]]
actor = "A"
issue = "first"
position = 20
salience = 50
uncertainty = {{ sd = 10 }}
source = "expert"
note = {json.dumps(actor_name)}

[[stances]]
actor = "B"
issue = "first"
position = {position_b}
salience = 70
uncertainty = [40, 80]

[[stances]]
actor = "C"
issue = "first"
position = 90
salience = 30

[[stances]]
actor = "A"
issue = "second"
position = 50
salience = 40

[[stances]]
actor = "C"
issue = "second"
position = 10
salience = 60
uncertainty = {{ sd = 5 }}
{part}'''
    path.write_text(text, encoding="utf-8")
    return path
