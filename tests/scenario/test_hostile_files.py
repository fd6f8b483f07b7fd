"""Hostile and unusual scenario files: each is read correctly or refused with a located
message (issue 13, section 3), never a RecursionError, a hang or a traceback."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.scenario import load_scenario
from detente.scenario.toml_format import MAX_NESTING

ACTORS = (("A", 10.0), ("B", 90.0))


def _xml_body(desc: str = "d", name: str = "日本の例") -> str:
    actors = "".join(
        f"<Actor><name>{a}</name><capability>1</capability><Position><dCoord>{p:g}</dCoord>"
        "</Position><Salience><dSal>50</dSal></Salience></Actor>\n"
        for a, p in ACTORS
    )
    return (
        f"<Scenario><name>{name}</name><desc>{desc}</desc><prngSeed>1</prngSeed>\n"
        f"<Dimensions><dName>d</dName></Dimensions>\n<Actors>\n{actors}</Actors></Scenario>\n"
    )


def _refused(f: Path, *parts: str) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(f)
    text = str(info.value)
    assert str(f) in text
    for part in parts:
        assert part in text, (part, text)
    return info.value


# -- TOML nesting -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("arrays.toml", "x = " + "[" * 500 + "]" * 500 + "\n", 1),
        (
            "inline.toml",
            '[scenario]\nid = "a"\n\n[meta]\nx = ' + "{a = " * 500 + "1" + "}" * 500,
            5,
        ),
        ("mixed.toml", "\n\nx = " + "[{a = " * 300 + "1" + "}]" * 300, 3),
        ("arrays_over_lines.toml", "x = [\n" * 400 + "]\n" * 400, MAX_NESTING + 1),
    ],
)
def test_deep_toml_nesting_is_refused_with_its_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    err = _refused(f, "nesting too deep", f"at most {MAX_NESTING} levels")
    assert err.problems[0].line == line


def test_deep_dotted_keys_are_refused_naming_the_field(tmp_path: Path) -> None:
    f = tmp_path / "dotted.toml"
    f.write_text('[scenario]\nid = "a"\n[meta]\n' + ".".join(["k"] * 600) + " = 1\n")
    err = _refused(f, "nesting too deep")
    assert (err.problems[0].field or "").startswith("meta.k.k.k")


def test_brackets_inside_strings_and_comments_are_not_nesting(tmp_path: Path) -> None:
    f = tmp_path / "strings.toml"
    deep = "[" * 200
    f.write_text(
        f'[scenario]\nid = "s"\nname = "{deep}"\ndescription = """\n{deep}\n"""\n'
        f"question = '{deep}'  # {deep}\n"
        '[[actors]]\nid = "A"\ncapability = 1\n[[actors]]\nid = "B"\ncapability = 2\n'
        '[[issues]]\nid = "x"\n'
        '[[stances]]\nactor = "A"\nissue = "x"\nposition = 10\nsalience = 50\n'
        '[[stances]]\nactor = "B"\nissue = "x"\nposition = 90\nsalience = 50\n',
        encoding="utf-8",
    )
    s = load_scenario(f)
    assert s.name == deep and s.question == deep


# -- XML: entities, DTDs, depth, size ------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Scenario><name>&lol9;</name></Scenario>
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("laughs.xml", BILLION_LAUGHS, "document type declaration"),
        (
            "external.xml",
            '<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            "<Scenario><name>&x;</name></Scenario>",
            "document type declaration",
        ),
        ("undeclared.xml", '<?xml version="1.0"?>\n<Scenario>&x;</Scenario>', "undefined entity"),
    ],
)
def test_xml_entities_and_dtds_are_refused_quickly(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    err = _refused(f, expected, "Fix:")
    assert time.perf_counter() - t0 < 5
    assert err.problems[0].line == 2


def test_deeply_nested_xml_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "deep.xml"
    f.write_text("<Scenario>" + "<a>" * 100_000 + "</a>" * 100_000 + "</Scenario>")
    _refused(f, "nested too deep")


def test_megabytes_of_xml_text_read_in_linear_time(tmp_path: Path) -> None:
    # the description used to be built with += (33 s for 1.2 MB); chunks are joined once
    f = tmp_path / "big.xml"
    desc = "a line of the description &amp; more\n" * 120_000  # 4.4 MB
    f.write_text('<?xml version="1.0"?>\n' + _xml_body(desc=desc), encoding="utf-8")
    t0 = time.perf_counter()
    s = load_scenario(f)
    assert time.perf_counter() - t0 < 10  # about 0.1 s; generous for a loaded machine
    assert s.description == desc.replace("&amp;", "&").strip()


# -- XML encodings (XML 1.0 appendix F) --------------------------------------------


LATIN1_DECL = "<?xml version='1.0' encoding='ISO-8859-1'?>\n"
BOM32BE = codecs.BOM_UTF32_BE


def _decl(enc: str) -> str:
    return f'<?xml version="1.0" encoding = "{enc}" ?>\n'


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("euc_jp_spaced.xml", (_decl("EUC-JP") + _xml_body()).encode("euc-jp")),
        ("shift_jis.xml", (_decl("Shift_JIS") + _xml_body()).encode("shift_jis")),
        ("latin1.xml", (LATIN1_DECL + _xml_body(name="é")).encode("latin-1")),
        ("utf32_bom.xml", (_decl("UTF-32") + _xml_body()).encode("utf-32")),
        ("utf32be_bom.xml", BOM32BE + (_decl("UTF-32") + _xml_body()).encode("utf-32-be")),
        ("utf32le_no_bom.xml", (_decl("UTF-32") + _xml_body()).encode("utf-32-le")),
        ("utf16_bom.xml", (_decl("UTF-16") + _xml_body()).encode("utf-16")),
        ("utf16be_no_bom.xml", (_decl("UTF-16") + _xml_body()).encode("utf-16-be")),
        ("utf16le_no_decl.xml", _xml_body().encode("utf-16-le")),
        ("utf8_bom.xml", codecs.BOM_UTF8 + (_decl("utf-8") + _xml_body()).encode()),
    ],
)  # fmt: skip
def test_xml_in_every_encoding_the_spec_allows_reads_the_same(
    tmp_path: Path, name: str, raw: bytes
) -> None:
    f = tmp_path / name
    f.write_bytes(raw)
    s = load_scenario(f)
    assert [a.name for a in s.actors] == [a for a, _ in ACTORS]
    assert [st.position for st in s.stances] == [p for _, p in ACTORS]
    assert s.name in ("日本の例", "é")
    assert not any("encoding" in w for w in s.meta.get("warnings", []))


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("UTF-8", "utf-16"), ("EUC-JP", "utf-32"), ("no-such-codec", "utf-16"), ("UTF-16", "utf-8")],
)
def test_a_declaration_that_contradicts_the_bytes_is_read_by_the_bytes_with_a_warning(
    tmp_path: Path, declared: str, encoding: str
) -> None:
    f = tmp_path / "contradiction.xml"
    f.write_bytes((_decl(declared) + _xml_body()).encode(encoding))
    s = load_scenario(f)
    assert [a.name for a in s.actors] == [a for a, _ in ACTORS]
    warnings = " ".join(s.meta["warnings"])
    assert f"encoding={declared!r}" in warnings


@pytest.mark.parametrize(
    ("declared", "raw_suffix", "expected"),
    [
        ("klingon", b"", "names the encoding 'klingon', which detente does not know"),
        ("base64", b"", "names the encoding 'base64'"),
        ("EUC-JP", b"<desc>\xff\xff</desc>", "not valid EUC-JP"),
    ],
)
def test_unknown_or_violated_declared_encodings_are_refused(
    tmp_path: Path, declared: str, raw_suffix: bytes, expected: str
) -> None:
    f = tmp_path / "enc.xml"
    f.write_bytes(_decl(declared).encode() + raw_suffix + _xml_body().encode("euc-jp"))
    err = _refused(f, expected, "UTF-8")
    assert err.problems[0].line is not None


def test_truncated_utf16_and_utf32_files_are_refused(tmp_path: Path) -> None:
    for enc in ("utf-16", "utf-32"):
        f = tmp_path / f"cut_{enc}.xml"
        f.write_bytes((_decl(enc) + _xml_body()).encode(enc)[:-1])
        _refused(f, f"not valid {enc.upper()}")
