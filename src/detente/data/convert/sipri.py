"""SIPRI downloads -> tidy rows (used by ``detente data import`` and the shipped extract).

Military expenditure
    The workbook SIPRI distributes (``SIPRI-Milex-data-1949-YYYY.xlsx``): one sheet per
    measure, countries grouped under region headings, one column per year, ``...`` or
    ``. .`` for no data and ``xxx`` for years before independence.  Figures SIPRI
    prints in blue are estimates and in red highly uncertain; the reader keeps that as
    the flag ``estimate`` / ``uncertain``.  SIPRI's shares are fractions; detente stores
    them in percent (x 100).  The tidy long CSV of the same data (columns ``country,
    iso3, year, indicator, value, unit, sipri_flag``) is read as well.

Arms transfers
    The trade register SIPRI's web tool exports (``trade-register.csv``: latin-1, a
    preamble ending in "Data generated: ...", then one row per deal; a few records are
    broken over two lines inside *Comments*), or the tidy UTF-8 version with named
    columns.  Annual deliveries are detente's calculation: each deal's delivered TIV is
    split evenly over its delivery years.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from detente.data.convert._tidy import BuildError, tidy_indicators
from detente.data.identity import UnknownCountryError, classify

__all__ = [
    "ArmsData",
    "MilexData",
    "annual_transfers",
    "read_arms",
    "read_milex",
]

#: Workbook sheet (lower case, prefix) -> (indicator, multiplier).
_MILEX_SHEETS: tuple[tuple[str, str, float], ...] = (
    ("constant", "sipri.milex_usd_constant", 1.0),
    ("current us$", "sipri.milex_usd_current", 1.0),
    ("share of gdp", "sipri.milex_share_gdp", 100.0),
    ("share of govt", "sipri.milex_share_govt", 100.0),
    ("per capita", "sipri.milex_per_capita", 1.0),
    ("local currency calendar", "sipri.milex_lcu_calendar", 1.0),
    ("local currency financial", "sipri.milex_lcu_financial", 1.0),
)
_MILEX_SKIP = ("front page", "regional totals", "footnotes")

#: Tidy long CSV indicator -> (indicator, multiplier).
_MILEX_LONG = {
    "usd_constant_2023_m": ("sipri.milex_usd_constant", 1.0),
    "usd_current_m": ("sipri.milex_usd_current", 1.0),
    "share_gdp": ("sipri.milex_share_gdp", 100.0),
    "share_govt_spending": ("sipri.milex_share_govt", 100.0),
    "per_capita_usd_current": ("sipri.milex_per_capita", 1.0),
    "lcu_calendar_year": ("sipri.milex_lcu_calendar", 1.0),
    "lcu_financial_year": ("sipri.milex_lcu_financial", 1.0),
}

_CONSTANT_BASE = re.compile(r"constant\s*\(?(\d{4})\)?", re.IGNORECASE)


@dataclass(frozen=True)
class MilexData:
    """Converted military-expenditure data.

    Attributes
    ----------
    rows
        Tidy ``sipri.milex_*`` rows.
    edition
        What the file says about its release (years covered, base year).
    """

    rows: pd.DataFrame
    edition: str


@dataclass(frozen=True)
class ArmsData:
    """Converted arms-transfers data.

    Attributes
    ----------
    deals
        One row per deal: supplier/recipient labels and codes (null for non-states),
        order year, numbers, weapon, delivery years, status, comments and TIVs.
    flows
        ``supplier, supplier_label, recipient, recipient_label, year, tiv``: delivered
        TIV by pair and year (evenly split over each deal's delivery years).
    rows
        Tidy ``sipri.arms_*`` rows (annual exports, imports and world shares).
    edition
        "Data generated: ..." from the preamble, when present.
    """

    deals: pd.DataFrame
    flows: pd.DataFrame
    rows: pd.DataFrame
    edition: str


# -- military expenditure --------------------------------------------------------------


def _flag_of_colour(cell: object) -> str | None:
    """``estimate`` for blue print, ``uncertain`` for red, else ``None``."""
    from openpyxl.styles.colors import COLOR_INDEX

    font = getattr(cell, "font", None)
    color = getattr(font, "color", None) if font is not None else None
    if color is None:
        return None
    rgb: str | None = None
    if color.type == "rgb" and isinstance(color.rgb, str):
        rgb = color.rgb
    elif (
        color.type == "indexed"
        and isinstance(color.indexed, int)
        and 0 <= color.indexed < len(COLOR_INDEX)
    ):
        rgb = COLOR_INDEX[color.indexed]
    if not rgb or len(rgb) < 6:
        return None
    r, g, b = (int(rgb[-6:][i : i + 2], 16) for i in (0, 2, 4))
    if b >= 0x80 and r < 0x80 and g < 0x80:
        return "estimate"
    if r >= 0x80 and g < 0x80 and b < 0x80:
        return "uncertain"
    return None


def _milex_sheet(title: str) -> tuple[str, float] | None:
    low = title.strip().lower()
    if low.startswith(_MILEX_SKIP):
        return None
    for prefix, indicator, factor in _MILEX_SHEETS:
        if low.startswith(prefix):
            return indicator, factor
    raise BuildError(
        f"SIPRI workbook: unknown sheet {title!r}; teach detente.data.convert.sipri about it"
    )


def read_milex(path: Path) -> MilexData:
    """Read SIPRI's military-expenditure workbook (``.xlsx``) or its tidy long CSV.

    Raises
    ------
    BuildError
        If the file is neither, or a country name cannot be mapped.
    """
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_milex_workbook(path)
    if name.endswith((".csv", ".csv.gz")):
        return _read_milex_long(path)
    raise BuildError(
        f"{path.name}: not a SIPRI military-expenditure file; expected the .xlsx SIPRI "
        "distributes (SIPRI-Milex-data-1949-YYYY.xlsx) or its tidy .csv/.csv.gz"
    )


def _read_milex_workbook(path: Path) -> MilexData:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # zipfile/openpyxl raise many types for a bad file
        raise BuildError(f"{path.name}: cannot open as an Excel workbook ({err})") from None
    rows: list[dict[str, object]] = []
    units: dict[str, str] = {}
    years_seen: set[int] = set()
    try:
        for ws in wb.worksheets:
            target = _milex_sheet(ws.title)
            if target is None:
                continue
            indicator, factor = target
            header: dict[int, int] = {}
            for row in ws.iter_rows():
                first = row[0].value if row else None
                if not header:
                    if isinstance(first, str) and first.strip().lower() == "country":
                        header = {
                            i: int(c.value)
                            for i, c in enumerate(row)
                            if isinstance(c.value, int | float)
                            and not isinstance(c.value, bool)
                            and 1900 <= c.value <= 2100
                        }
                    elif isinstance(first, str) and indicator == "sipri.milex_usd_constant":
                        m = _CONSTANT_BASE.search(first)
                        if m:
                            units[indicator] = (
                                f"million US$, constant {m.group(1)} prices and exchange rates"
                            )
                    continue
                if not isinstance(first, str) or not first.strip():
                    continue
                cells = [(row[i], y) for i, y in header.items() if i < len(row)]
                if all(c.value is None or c.value == "" for c, _ in cells):
                    continue  # region and sub-region headings
                label = first.strip()
                try:
                    ident = classify(label)
                except UnknownCountryError as err:
                    raise BuildError(f"{path.name}, sheet {ws.title!r}: {err}") from None
                if ident.iso3 is None:
                    continue
                for cell, year in cells:
                    v = cell.value
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        years_seen.add(year)
                        rows.append(
                            {
                                "iso3": ident.iso3,
                                "year": year,
                                "indicator": indicator,
                                "value": float(v) * factor,
                                "flag": _flag_of_colour(cell),
                                "label": label,
                            }
                        )
            if not header:
                raise BuildError(f"{path.name}, sheet {ws.title!r}: no 'Country' header row")
    finally:
        wb.close()
    if not rows:
        raise BuildError(f"{path.name}: no SIPRI military-expenditure data found")
    df = tidy_indicators(pd.DataFrame(rows), units=units)
    base = units.get("sipri.milex_usd_constant", "")
    m = _CONSTANT_BASE.search(base)
    edition = f"data {min(years_seen)}-{max(years_seen)}" + (
        f", constant {m.group(1)} US$" if m else ""
    )
    df["source"] = f"SIPRI Military Expenditure Database ({edition})"
    return MilexData(df, f"{edition} (workbook {path.name})")


def _read_milex_long(path: Path) -> MilexData:
    try:
        long = pd.read_csv(path, keep_default_na=False, na_values={"value": [""]})
    except (UnicodeDecodeError, pd.errors.ParserError, OSError) as err:
        raise BuildError(f"{path.name}: cannot read as CSV ({err})") from None
    need = {"country", "year", "indicator", "value"}
    if not need <= set(long.columns):
        raise BuildError(
            f"{path.name}: not SIPRI's tidy military-expenditure CSV (needs columns {sorted(need)})"
        )
    unknown = set(long["indicator"]) - set(_MILEX_LONG)
    if unknown:
        raise BuildError(f"{path.name}: unknown indicators {sorted(unknown)}")
    long = long.dropna(subset=["value"])
    labels = long["country"].astype(str)
    mapping: dict[str, str | None] = {}
    for label in labels.unique():
        try:
            mapping[label] = classify(label).iso3
        except UnknownCountryError as err:
            raise BuildError(f"{path.name}: {err}") from None
    long["iso3"] = labels.map(mapping)
    long = long[long["iso3"].notna()]
    flag = long["sipri_flag"] if "sipri_flag" in long else pd.Series("", index=long.index)
    df = pd.DataFrame(
        {
            "iso3": long["iso3"],
            "year": long["year"].astype(int),
            "indicator": long["indicator"].map(lambda i: _MILEX_LONG[i][0]),
            "value": long["value"].astype(float)
            * long["indicator"].map(lambda i: _MILEX_LONG[i][1]),
            "flag": flag.replace("", None),
            "label": labels.loc[long.index],
        }
    )
    units = {}
    if "usd_constant_2023_m" in set(long["indicator"]):
        units["sipri.milex_usd_constant"] = "million US$, constant 2023 prices and exchange rates"
    years = df["year"]
    span = f"data {years.min()}-{years.max()}"
    out = tidy_indicators(df, units=units, source=f"SIPRI Military Expenditure Database ({span})")
    return MilexData(out, f"{span} (tidy CSV {path.name})")


# -- arms transfers --------------------------------------------------------------------

_DEAL_COLUMNS = [
    "recipient",
    "supplier",
    "order_year",
    "order_year_uncertain",
    "number_ordered",
    "number_ordered_uncertain",
    "weapon_designation",
    "weapon_description",
    "number_delivered",
    "number_delivered_uncertain",
    "delivery_years",
    "status",
    "comments",
    "tiv_per_unit_m",
    "tiv_total_order_m",
    "tiv_delivered_m",
]


def read_arms(path: Path) -> ArmsData:
    """Read SIPRI's trade register (the web tool's CSV export, or its tidy version).

    Raises
    ------
    BuildError
        If the file is not a trade register or a name cannot be mapped.
    """
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        import gzip

        try:
            raw = gzip.decompress(raw)
        except OSError as err:
            raise BuildError(f"{path.name}: not a gzip file ({err})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # SIPRI's export is latin-1
    lines = text.splitlines()
    header_at = next(
        (i for i, ln in enumerate(lines[:50]) if ln.lower().startswith("recipient,supplier")),
        None,
    )
    if header_at is None:
        raise BuildError(
            f"{path.name}: no 'Recipient,Supplier,...' header; expected the trade register "
            "exported from https://armstrade.sipri.org (CSV)"
        )
    edition = ""
    for ln in lines[:header_at]:
        m = re.search(r"data generated:\s*(.+?)\s*$", ln, re.IGNORECASE)
        if m:
            edition = "trade register, data generated " + re.sub(
                r"\s+\d{1,2}:\d\d(:\d\d)?\s*(AM|PM)?$", "", m.group(1)
            )
    header = next(csv.reader([lines[header_at]]))
    named = header[0] == "recipient"
    if not named and len(header) != len(_DEAL_COLUMNS):
        raise BuildError(f"{path.name}: trade register with {len(header)} columns, expected 16")
    records = _records(lines[header_at + 1 :], len(header), path.name)
    if named:
        deals = pd.DataFrame(records, columns=header)
        missing = set(_DEAL_COLUMNS) - set(deals.columns)
        if missing:
            raise BuildError(f"{path.name}: missing columns {sorted(missing)}")
        deals = deals[_DEAL_COLUMNS]
    else:
        deals = pd.DataFrame(records, columns=_DEAL_COLUMNS)
    deals = _clean_deals(deals, path.name)
    flows = annual_transfers(deals)
    rows = _annual_indicators(flows, deals)
    edition = edition or f"trade register ({path.name})"
    rows["source"] = f"SIPRI Arms Transfers Database ({edition}; annual split by detente)"
    return ArmsData(deals, flows, rows, edition)


def _records(lines: list[str], width: int, where: str) -> list[list[str]]:
    """Parse CSV lines, re-joining records broken by a line break inside a field."""
    out: list[list[str]] = []
    pending = ""
    for ln in lines:
        text = f"{pending} {ln}" if pending else ln
        if not text.strip():
            continue
        fields = next(csv.reader(io.StringIO(text)))
        if len(fields) < width:
            pending = text
            continue
        if len(fields) > width:
            raise BuildError(f"{where}: a record has {len(fields)} fields, expected {width}")
        out.append([f.strip() for f in fields])
        pending = ""
    if pending:
        raise BuildError(f"{where}: the last record is incomplete")
    return out


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", None), errors="raise").astype("float64")


def _flag(series: pd.Series) -> pd.Series:
    return series.isin(["?", "1"]).astype("int8")


def _code(labels: pd.Series, where: str) -> pd.Series:
    mapping: dict[str, str | None] = {}
    for label in labels.unique():
        try:
            mapping[label] = classify(str(label)).iso3
        except UnknownCountryError as err:
            raise BuildError(f"{where}: {err}") from None
    return labels.map(mapping)


def _clean_deals(d: pd.DataFrame, where: str) -> pd.DataFrame:
    try:
        out = pd.DataFrame(
            {
                "supplier_label": d["supplier"].astype(str),
                "recipient_label": d["recipient"].astype(str),
                "order_year": _num(d["order_year"]).astype("Int32"),
                "order_year_uncertain": _flag(d["order_year_uncertain"]),
                "number_ordered": _num(d["number_ordered"]),
                "number_ordered_uncertain": _flag(d["number_ordered_uncertain"]),
                "weapon_designation": d["weapon_designation"].astype(str),
                "weapon_description": d["weapon_description"].astype(str),
                "number_delivered": _num(d["number_delivered"]),
                "number_delivered_uncertain": _flag(d["number_delivered_uncertain"]),
                "delivery_years": d["delivery_years"].astype(str),
                "status": d["status"].astype(str),
                "comments": d["comments"].astype(str),
                "tiv_per_unit_m": _num(d["tiv_per_unit_m"]),
                "tiv_total_order_m": _num(d["tiv_total_order_m"]),
                "tiv_delivered_m": _num(d["tiv_delivered_m"]),
            }
        )
    except (ValueError, TypeError) as err:
        raise BuildError(f"{where}: a numeric column holds text ({err})") from None
    bad = out.loc[~out["delivery_years"].str.fullmatch(r"(\d{4}(; \d{4})*)?"), "delivery_years"]
    if len(bad):
        raise BuildError(f"{where}: cannot read delivery years {bad.iloc[0]!r}")
    out.insert(0, "supplier", _code(out["supplier_label"], where))
    out.insert(2, "recipient", _code(out["recipient_label"], where))
    out.insert(0, "deal", np.arange(1, len(out) + 1, dtype=np.int32))
    return out


def annual_transfers(deals: pd.DataFrame) -> pd.DataFrame:
    """Delivered TIV by supplier, recipient and year (each deal split evenly).

    Parameters
    ----------
    deals
        Deals as returned in :attr:`ArmsData.deals`.

    Returns
    -------
    pandas.DataFrame
        ``supplier, supplier_label, recipient, recipient_label, year, tiv``.
    """
    has = deals[(deals["delivery_years"] != "") & deals["tiv_delivered_m"].notna()]
    years = has["delivery_years"].str.split("; ")
    n = years.map(len)
    long = has.loc[has.index.repeat(n)].copy()
    long["year"] = np.concatenate(years.to_numpy()).astype(np.int32)
    long["tiv"] = long["tiv_delivered_m"] / n.loc[long.index]
    key = ["supplier_label", "recipient_label", "year"]
    flows = long.groupby(key, sort=True).agg(
        supplier=("supplier", "first"), recipient=("recipient", "first"), tiv=("tiv", "sum")
    )
    flows = flows.reset_index()[
        ["supplier", "supplier_label", "recipient", "recipient_label", "year", "tiv"]
    ]
    return flows


def _annual_indicators(flows: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    world = flows.groupby("year")["tiv"].sum()
    parts = []
    for side, name in (("supplier", "exports"), ("recipient", "imports")):
        sub = flows[flows[side].notna()].groupby([side, "year"])["tiv"].sum().reset_index()
        sub = sub.rename(columns={side: "iso3"})
        tiv = sub.assign(indicator=f"sipri.arms_{name}_tiv", value=sub["tiv"])
        share = sub.assign(
            indicator=f"sipri.arms_{name}_share",
            value=100.0 * sub["tiv"] / sub["year"].map(world),
        )
        parts += [tiv, share]
    rows = pd.concat(parts, ignore_index=True)[["iso3", "year", "indicator", "value"]]
    labels = dict(zip(deals["supplier"], deals["supplier_label"], strict=False))
    labels.update(zip(deals["recipient"], deals["recipient_label"], strict=False))
    rows["label"] = rows["iso3"].map(labels)
    return tidy_indicators(rows)
