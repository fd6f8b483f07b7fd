"""Reading articles (HTML, Markdown, machine-translated text) and finding their actors."""

from __future__ import annotations

import pytest

from detente.draft import draft_from_text
from detente.draft.gazetteer import (
    BLOCS,
    CAPITALS,
    DEMONYMS,
    SHORT_FORMS,
    find_mentions,
    is_known_word,
    state_codes,
)
from detente.draft.text import article_text, detect_input_format, mend, sentences


def _targets(sentence: str) -> list[str]:
    return [m.target for m in find_mentions(mend(sentence, is_known_word))]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ankara's ties with Moscow worry Brussels.", ["TUR", "RUS", "EU"]),
        ("Ankaras' close ties with the turkeys of Europe", ["TUR", "TUR"]),
        ("the failure of the EUS to keep her promises", ["EU"]),
        ("the deployment near the borders of the Ukraines", ["UKR"]),
        ("the recent London summitTurkey should be part", ["TUR"]),
        ("The relations between Athenes and Ankara", ["GRC", "TUR"]),
        ("the German Chancellor Olaf Scholz", ["DEU", "DEU"]),
        ("when the Biden administration reached out", ["USA"]),
        ("American priorities and the Kremlin's answer", ["USA", "RUS"]),
        ("Latin American states and the Indian Ocean", []),
        ("a degree from George Washington University", []),
        ("the Paris Agreement and the Minsk agreements", []),
        ("fine china and a roast turkey", ["TUR"]),  # lower-case turkey: Türkiye in MT text
        ("us and them", []),
        ("the US and the UK", ["USA", "GBR"]),
        ("Franco-German cooperation", ["DEU"]),
        ("NATO and the European Union", ["NATO", "EU"]),
    ],
)
def test_mentions(sentence: str, expected: list[str]) -> None:
    assert _targets(sentence) == expected


def test_tables_name_states_or_blocs() -> None:
    states = state_codes()
    for table in (SHORT_FORMS, DEMONYMS, CAPITALS):
        for name, target in table.items():
            assert target in states or target in BLOCS, (name, target)
            assert name == name.lower()
    assert "JEY" not in states and "TUR" in states  # Jersey is a territory


def test_html_is_reduced_to_its_article() -> None:
    html = (
        "<html><head><title>T</title><script>var France = 1;</script></head><body>"
        "<nav>Italy | Spain</nav><article><h1>Head</h1><p>Greece and <b>Türkiye</b> "
        "talk.</p><p>Second para.</p></article><footer>London</footer></body></html>"
    )
    text, title, fmt = article_text(html, name="x.html")
    assert fmt == "html" and title == "T"
    assert "Italy" not in text and "France" not in text and "London" not in text
    assert "Greece and Türkiye talk." in text and "\n\nSecond para." in text


def test_markdown_is_rendered_then_stripped() -> None:
    md = "# Title\n\nPoland spends **4.1%** of GDP. See [NATO](https://nato.int).\n"
    assert detect_input_format(md) == "markdown"
    text, title, _ = article_text(md)
    assert title == "Title" and "**" not in text and "https" not in text
    assert "Poland spends 4.1% of GDP. See NATO." in text


def test_sentences_respect_abbreviations_and_numbers() -> None:
    text = "Dr. Smith met U.S. officials. Spending rose 2.5 percent. It was e.g. large.\n\nNew."
    got = [s.text for s in sentences(text)]
    assert got == [
        "Dr. Smith met U.S. officials.",
        "Spending rose 2.5 percent.",
        "It was e.g. large.",
        "New.",
    ]
    assert [s.paragraph for s in sentences(text)] == [0, 0, 0, 1]


def test_glued_words_are_split_only_at_known_names() -> None:
    assert mend("summitTurkey and iPhone and McDonald", is_known_word) == (
        "summit Turkey and iPhone and McDonald"
    )


def test_an_article_without_numbers_gives_actors_and_no_claims() -> None:
    d = draft_from_text("Berlin and Paris disagree with Warsaw about Kyiv.")
    assert {a.id for a in d.actors} == {"DEU", "FRA", "POL", "UKR"}
    assert d.claims == []
    assert "# no numeric claims found" in d.to_toml()


def test_control_characters_and_odd_line_ends_do_not_break_the_draft() -> None:
    text = "Poland spends 4.1% of GDP\x0c on defence.\r\nGreece\x01 spends 3.1% of GDP on defence."
    d = draft_from_text(text)
    assert [c.verdict for c in d.claims] == ["holds", "holds"]
    assert "\x0c" not in d.to_toml() and "\x01" not in d.to_toml()
