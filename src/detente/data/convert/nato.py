"""NATO's defence-expenditure workbook (``def-exp-YYYY-TABLES-en.xlsx``) -> tidy rows.

The workbook has one sheet per table (TABLE1 ... TABLE8b).  Each sheet has a title
("Table 3 : Defence expenditure as a share of GDP and annual real change"), a unit
line, a header row of years (``2023e`` marks an estimate), then blocks: a block
heading ("Current prices", "Share of real GDP (%)") followed by one row per Ally and
the aggregates.  The reader finds these parts by content, not by cell address, so a
new edition with more years or shifted rows converts by re-running the build.  A
table or block it does not recognise stops the build with its name (see
:func:`indicator_for`), rather than being skipped silently.

The later-vintage copy of the %-of-GDP table (``defence_per.csv``) is read by
:func:`read_later_vintage`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from detente.data.convert._tidy import BuildError, tidy_indicators
from detente.data.identity import UnknownCountryError, classify

__all__ = ["edition_label", "indicator_for", "read_later_vintage", "read_workbook"]

_TITLE = re.compile(r"^\s*table\s*(\w+)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*((?:19|20)\d\d)(e?)\s*$")
_CURRENCY = re.compile(r"\s*\(([^)]*)\)\s*$")


@dataclass(frozen=True)
class _Cell:
    year: int
    estimate: bool


def _year_of(value: object) -> _Cell | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 1900 <= value <= 2100:
        return _Cell(value, False)
    if isinstance(value, float) and value.is_integer() and 1900 <= value <= 2100:
        return _Cell(int(value), False)
    if isinstance(value, str):
        m = _YEAR.match(value)
        if m:
            return _Cell(int(m.group(1)), m.group(2) == "e")
    return None


def indicator_for(title: str, unit_line: str, block: str) -> str | None:
    """The detente indicator of a block of NATO's workbook.

    Parameters
    ----------
    title
        The table title without its number, e.g. ``"Defence expenditure"``.
    unit_line
        The line under the title, e.g. ``"Million national currency units"``.
    block
        The block heading, e.g. ``"Constant 2015 prices"`` (empty for one-block tables).

    Returns
    -------
    str or None
        The indicator name, or ``None`` for a table detente deliberately does not
        convert (Table 4 repeats Tables 2 and 3).

    Raises
    ------
    BuildError
        For a table or block not seen before: the converter must be taught it.
    """
    t, u, b = title.lower(), unit_line.lower(), block.lower()
    constant = "constant" in b or ("constant" not in b and "current" not in b and "2015" in u)
    if re.search(r"real change \d{4}", t):
        return None
    if t.startswith("defence expenditure as a share of gdp"):
        if "share of real gdp" in b:
            return "nato.defence_share_gdp"
        if "annual real change" in b:
            return "nato.defence_real_change"
    elif t.startswith("distribution of defence expenditure"):
        for key in ("equipment", "personnel", "infrastructure", "other"):
            if b.startswith(key):
                return f"nato.share_{key}"
    elif t.startswith("gdp per capita"):
        if b.startswith("gdp per capita"):
            return "nato.gdp_per_capita"
        if b.startswith("defence expenditure per capita"):
            return "nato.defence_per_capita"
    elif t == "gdp":
        return "nato.gdp_usd_constant" if constant else "nato.gdp_usd_current"
    elif t == "military personnel":
        return "nato.military_personnel"
    elif t == "defence expenditure":
        if "national currency" in u:
            return "nato.defence_lcu_constant" if constant else "nato.defence_lcu_current"
        if "us dollars" in u:
            return "nato.defence_usd_constant" if constant else "nato.defence_usd_current"
    raise BuildError(
        f"NATO workbook: unknown table/block ({title!r}, {unit_line!r}, {block!r}); "
        "teach detente.data.convert.nato.indicator_for about it"
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_workbook(path: Path) -> pd.DataFrame:
    """Convert NATO's workbook to tidy indicator rows (Allies only, no aggregates).

    Parameters
    ----------
    path
        ``def-exp-YYYY-TABLES-en.xlsx`` as published by NATO.

    Returns
    -------
    pandas.DataFrame
        Tidy rows (see :func:`detente.data.convert._tidy.tidy_indicators`); values
        in NATO's years marked ``e`` carry the flag ``estimate``.
    """
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows: list[dict[str, object]] = []
    try:
        for ws in wb.worksheets:
            rows.extend(_read_sheet(ws.title, list(ws.iter_rows(values_only=True))))
    finally:
        wb.close()
    if not rows:
        raise BuildError(f"{path}: no NATO tables found")
    df = pd.DataFrame(rows)
    return tidy_indicators(df, source=edition_label(path, df))


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def edition_label(path: Path, rows: pd.DataFrame) -> str:
    """The ``source`` text of a NATO release, from its file name and its years.

    NATO names its workbooks ``YYMMDD-def-exp-YYYY-TABLES-en.xlsx``; the date is the
    release date.  E.g. ``"NATO, Defence Expenditure of NATO Countries (2014-2024),
    17 June 2024"``.
    """
    first, last = int(rows["year"].min()), int(rows["year"].max())
    text = f"NATO, Defence Expenditure of NATO Countries ({first}-{last})"
    m = re.match(r"^(\d\d)(\d\d)(\d\d)-def-exp", path.name)
    if m and 1 <= int(m.group(2)) <= 12:
        yy, mm, dd = (int(g) for g in m.groups())
        text += f", {dd} {_MONTHS[mm - 1]} {2000 + yy}"
    return text


def _read_sheet(sheet: str, grid: list[tuple[object, ...]]) -> list[dict[str, object]]:
    title = unit_line = ""
    header_at: int | None = None
    years: dict[int, _Cell] = {}
    for r, row in enumerate(grid):
        texts = [_text(v) for v in row if _text(v)]
        if not title:
            for t in texts:
                m = _TITLE.match(t)
                if m:
                    title = m.group(2)
                    break
            continue
        cells = {c: y for c, v in enumerate(row) if (y := _year_of(v)) is not None}
        if len(cells) >= 3:
            header_at, years = r, cells
            break
        if texts and not unit_line:
            unit_line = texts[0]
    if not title:
        return []  # a sheet without a NATO table title (cover page, notes)
    if header_at is None:
        if indicator_for(title, unit_line, "") is None:
            return []
        raise BuildError(f"NATO workbook sheet {sheet!r}: no row of years found")
    first_year_col = min(years)
    block = ""
    out: list[dict[str, object]] = []
    for row in grid[header_at + 1 :]:
        label = next((_text(v) for v in row[:first_year_col] if _text(v)), "")
        values = {c: row[c] for c in years if c < len(row) and _is_number(row[c])}
        if not label:
            continue  # spacer rows and '#REF!' residue rows have no label
        if not values:
            low = label.lower()
            if low.startswith(("notes", "note:", "*", "(", "-")) or _is_page_number(label):
                continue
            block = label
            continue
        indicator = indicator_for(title, unit_line, block)
        if indicator is None:
            continue
        name = _CURRENCY.sub("", label).rstrip("* ").strip()
        try:
            ident = classify(name)
        except UnknownCountryError as err:
            raise BuildError(f"NATO workbook sheet {sheet!r}: {err}") from None
        if ident.iso3 is None:
            continue  # NATO aggregates
        for c, value in values.items():
            cell = years[c]
            out.append(
                {
                    "iso3": ident.iso3,
                    "year": cell.year,
                    "indicator": indicator,
                    "value": float(value),  # type: ignore[arg-type]
                    "flag": "estimate" if cell.estimate else None,
                    "label": name,
                }
            )
    return out


def _is_page_number(label: str) -> bool:
    return bool(re.fullmatch(r"-?\s*\d+\s*-?", label))


def read_later_vintage(path: Path) -> pd.DataFrame:
    """Convert the later-vintage %-of-GDP copy (``defence_per.csv``) to tidy rows.

    The file is wide: ``Country, 2014, ..., 2023, 2024e`` with percent values.
    """
    wide = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows: list[dict[str, object]] = []
    for _, rec in wide.iterrows():
        name = str(rec["Country"]).strip()
        try:
            ident = classify(name)
        except UnknownCountryError as err:
            raise BuildError(f"{path.name}: {err}") from None
        if ident.iso3 is None:
            continue
        for col in wide.columns[1:]:
            cell = _year_of(col)
            text = str(rec[col]).strip()
            if cell is None or not text:
                continue
            rows.append(
                {
                    "iso3": ident.iso3,
                    "year": cell.year,
                    "indicator": "nato_later.defence_share_gdp",
                    "value": float(text),
                    "flag": "estimate" if cell.estimate else None,
                    "label": name,
                }
            )
    return tidy_indicators(pd.DataFrame(rows))
