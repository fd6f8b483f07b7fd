"""An article's text: markup stripped, machine-translation slips mended, split into sentences.

Articles arrive as plain text, Markdown or HTML.  HTML is reduced to its text with
BeautifulSoup (scripts, styles, navigation and figures dropped; block elements become
paragraphs); Markdown is rendered by markdown-it (rich's own parser) and then treated
as HTML.  The text is then mended where machine translation or copying broke it:

* words glued together at a lost space ("summitTurkey") are split where the second
  part is a name the gazetteer knows (:func:`split_glued`);
* typographic quotes and dashes become plain ones, non-breaking spaces spaces.

Sentences are split at ``.``, ``!`` and ``?`` followed by a space and a capital, a
digit or a quote -- but not after abbreviations (``Dr.``, ``e.g.``, ``U.S.``), initials
or inside numbers (``2.5``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import InputError

__all__ = [
    "Sentence",
    "detect_input_format",
    "html_to_text",
    "markdown_to_text",
    "mend",
    "read_article",
    "sentences",
    "split_glued",
]

INPUT_FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article.

    Attributes
    ----------
    text
        The sentence.
    paragraph
        The index of its paragraph (0-based).
    index
        Its index in the article (0-based).
    """

    text: str
    paragraph: int
    index: int


def detect_input_format(text: str, name: str = "") -> str:
    """``html``, ``markdown`` or ``text``, from the file name and then the content."""
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(
        r"<(p|div|article|body|h[1-6])[\s>]", head
    ):
        return "html"
    if re.search(r"(?m)^(#{1,6} |\* |- |> )", text[:5000]) or re.search(
        r"\[[^\]]+\]\([^)]+\)", text
    ):
        return "markdown"
    return "text"


_BLOCK = (
    "p",
    "div",
    "section",
    "article",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "br",
    "tr",
    "figcaption",
    "header",
    "footer",
)
_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "form",
    "button",
    "iframe",
    "footer",
    "aside",
)


#: Deepest element nesting read from an HTML article.  Pages nest a few dozen deep, but
#: html.parser nests every unclosed <p> in the previous one, so old pages go deeper;
#: marking the blocks takes time in proportion to depth x blocks (5,000 deep: 4 s).
MAX_HTML_DEPTH = 2_000


def _depth(root: Any, limit: int) -> int:
    """How deep elements nest under ``root`` (stops counting past ``limit``)."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > limit:
            break
        stack.extend((c, d + 1) for c in getattr(node, "contents", ()) if hasattr(c, "contents"))
    return deepest


def html_to_text(html: str) -> tuple[str, str]:
    """The text of an HTML page, one paragraph per block element, and its title.

    Returns
    -------
    (text, title)
        Paragraphs separated by blank lines; the ``<title>`` or first heading.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    deepest = _depth(soup, MAX_HTML_DEPTH)
    if deepest > MAX_HTML_DEPTH:
        # marking the blocks costs time in proportion to the depth, for every block
        raise InputError(
            f"the HTML nests elements more than {MAX_HTML_DEPTH} deep (nesting too deep)",
            field="html",
            fix="save the article as plain text, or give the page's own HTML (articles nest "
            "a few dozen elements deep).",
        )
    for tag in soup.find_all(_DROP):
        tag.decompose()
    title = ""
    if soup.title is not None and soup.title.get_text(strip=True):
        title = soup.title.get_text(" ", strip=True)
    else:
        h = soup.find(["h1", "h2"])
        if h is not None:
            title = h.get_text(" ", strip=True)
    if soup.title is not None:
        soup.title.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for tag in root.find_all(_BLOCK):
        if tag.name == "br":
            tag.replace_with("\n")
        else:
            tag.insert_before("\n\n")
            tag.insert_after("\n\n")
    text = root.get_text("")
    paragraphs = [re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    paragraphs = [" ".join(p.split()) for p in paragraphs]
    return "\n\n".join(p for p in paragraphs if p), title


def markdown_to_text(md: str) -> tuple[str, str]:
    """The text of a Markdown document (rendered, then as HTML), and its first heading."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(md)
    return html_to_text(html)


_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": " - ",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u00ad": "",
}


def split_glued(text: str, known: Callable[[str], bool]) -> str:
    """Split words glued at a lost space where the second part is a known name.

    ``"staffTurkey has"`` becomes ``"staff Turkey has"`` when ``known("Turkey")``;
    ``"McDonald"`` or ``"iPhone"`` stay whole (their tails are not names).

    Parameters
    ----------
    text
        The text.
    known
        True for a word the gazetteer knows (a country, capital, demonym or bloc).
    """

    def fix(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        return f"{head} {tail}" if known(tail) else m.group(0)

    return re.sub(r"\b([a-z]{2,})([A-Z][a-zà-ÿ]+|[A-Z]{2,5}\b)", fix, text)


def mend(text: str, known: Callable[[str], bool] | None = None) -> str:
    """Normalise quotes, dashes and spaces; split glued words (see :func:`split_glued`)."""
    for bad, good in _QUOTES.items():
        text = text.replace(bad, good)
    # control characters (form feeds from PDF-to-text, stray escapes) cannot be stored
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", " ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t]+", " ", text)
    # "long -term" (a space lost on the wrong side of a hyphen)
    text = re.sub(r"\b(\w+) -(\w)", r"\1-\2", text)
    if known is not None:
        text = split_glued(text, known)
    return text


_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "col",
    "lt",
    "sgt",
    "st",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "cf",
    "no",
    "nos",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "est",
    "inc",
    "ltd",
    "co",
    "corp",
    "gov",
    "rep",
    "sen",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "pres",
    "min",
}

# a sentence may start with a capital, a digit, a quote -- or, in machine-translated
# text, a lower-case word ("... of the NATO. turkey, on it's side, ...")
_BOUNDARY = re.compile(r"([.!?])([\"')\]]*)\s+(?=[\"'(\[]?[A-ZÀ-ÝÇĞİÖŞÜ0-9]|[a-z]{3,}\b)")


def _split_paragraph(par: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(par):
        end = m.end(2)
        before = par[start : m.start(1)]
        word = re.search(r"([\w.]+)$", before)
        last = word.group(1).lower() if word else ""
        if m.group(1) == "." and (last in _ABBREV or re.fullmatch(r"[a-z]", last)):
            continue
        if m.group(1) == "." and re.fullmatch(r"(?:[a-z]\.)+[a-z]", last):
            continue  # initials such as U.S. in mid-sentence
        piece = par[start:end].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = par[start:].strip()
    if tail:
        out.append(tail)
    return out


def sentences(text: str) -> list[Sentence]:
    """Split a text into sentences, numbered, each with its paragraph.

    Paragraphs are separated by blank lines (or single line breaks when the text has
    no blank lines, as some pasted articles do).
    """
    blocks = re.split(r"\n\s*\n", text.strip())
    if len(blocks) == 1:
        blocks = text.strip().splitlines()
    out: list[Sentence] = []
    for p, block in enumerate(b for b in blocks if b.strip()):
        par = " ".join(block.split())
        for s in _split_paragraph(par):
            out.append(Sentence(s, p, len(out)))
    return out


def read_article(path: str | Path, *, input_format: str | None = None) -> tuple[str, str, str]:
    """Read an article file: its text (markup stripped), its title and its format.

    Parameters
    ----------
    path
        A ``.txt``, ``.md`` or ``.html`` file (UTF-8, UTF-16 or Windows-1252).
    input_format
        ``text``, ``markdown`` or ``html``; default from the name and content.

    Returns
    -------
    (text, title, format)

    Raises
    ------
    InputError
        A missing, empty, binary or unreadable file, or an unknown format.
    """
    from detente.scenario._text import read_text

    p = Path(path)
    decoded = read_text(p, legacy_encodings=True)
    return article_text(decoded.text, name=p.name, input_format=input_format, file=p)


def article_text(
    raw: str,
    *,
    name: str = "",
    input_format: str | None = None,
    file: str | Path | None = None,
) -> tuple[str, str, str]:
    """The plain text, title and format of an article given as a string.

    Raises
    ------
    InputError
        For an unknown ``input_format`` or an article with no text.
    """
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InputError(
            f"unknown input format {input_format!r}",
            field="--input-format",
            fix=f"use one of {', '.join(INPUT_FORMATS)}.",
        )
    fmt = input_format or detect_input_format(raw, name)
    if fmt == "html":
        text, title = html_to_text(raw)
    elif fmt == "markdown":
        text, title = markdown_to_text(raw)
    else:
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        title = first if len(first) < 160 and not first.endswith(".") else ""
    if not re.search(r"[A-Za-zÀ-ÿ]{2,}", text):
        raise InputError(
            "the article has no text",
            file=file,
            fix="give a plain-text, Markdown or HTML file holding the article.",
        )
    return text, title, fmt


def paragraphs_of(items: Iterable[Sentence]) -> dict[int, list[Sentence]]:
    """Sentences grouped by paragraph."""
    out: dict[int, list[Sentence]] = {}
    for s in items:
        out.setdefault(s.paragraph, []).append(s)
    return out
