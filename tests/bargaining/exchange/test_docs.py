"""The model card's worked example is the code's output (tools/exchange_worked_example.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_model_card_holds_the_worked_example_the_code_makes() -> None:
    path = REPO / "tools" / "exchange_worked_example.py"
    spec = importlib.util.spec_from_file_location("exchange_worked_example", path)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    card = (REPO / "docs" / "models" / "exchange.md").read_text()
    found = re.search(re.escape(tool.BEGIN) + "\n(.*?)\n" + re.escape(tool.END), card, re.S)
    assert found, "the card lost its worked-example markers"
    assert found.group(1) == tool.block(), "run tools/exchange_worked_example.py --write"
