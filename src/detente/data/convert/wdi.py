"""World Bank WDI bulk-download CSVs (``API_<code>_DS2_en_csv_v2_*.csv``) -> tidy rows.

The file starts with a preamble (``"Data Source"``, ``"Last Updated Date"``), then the
header ``Country Name, Country Code, Indicator Name, Indicator Code, 1960, ...``.
WDI aggregates are excluded through :data:`detente.data._identity_tables.EXCLUDED_CODES`;
a code that is neither a country nor a listed aggregate stops the build.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from detente.data.convert._tidy import BuildError, tidy_indicators
from detente.data.identity import UnknownCountryError, classify_code

__all__ = ["WDI_SERIES", "read_wdi"]

#: WDI series code -> detente indicator.
WDI_SERIES = {"NY.GDP.MKTP.CD": "wdi.gdp_usd", "SP.POP.TOTL": "wdi.population"}


def read_wdi(path: Path) -> tuple[pd.DataFrame, str]:
    """Convert one WDI bulk CSV.

    Returns
    -------
    rows : pandas.DataFrame
        Tidy rows of the file's series.
    last_updated : str
        The file's "Last Updated Date" (its vintage).
    """
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.startswith('"Country Name"')), None)
    if header_at is None:
        raise BuildError(f"{path.name}: no 'Country Name' header; not a WDI bulk CSV")
    last_updated = ""
    for line in lines[:header_at]:
        cells = next(csv.reader([line]), [])
        if cells and cells[0] == "Last Updated Date" and len(cells) > 1:
            last_updated = cells[1]
    wide = pd.read_csv(io.StringIO("\n".join(lines[header_at:])), dtype=str, keep_default_na=False)
    year_cols = [c for c in wide.columns if c.strip().isdigit()]
    rows = []
    for rec in wide.to_dict("records"):
        series = rec["Indicator Code"]
        if series not in WDI_SERIES:
            raise BuildError(f"{path.name}: unexpected WDI series {series!r}")
        try:
            ident = classify_code(rec["Country Code"])
        except UnknownCountryError as err:
            raise BuildError(f"{path.name}: {err} ({rec['Country Name']})") from None
        if ident.iso3 is None:
            continue
        for col in year_cols:
            cell = rec[col].strip()
            if cell:
                rows.append(
                    {
                        "iso3": ident.iso3,
                        "year": int(col),
                        "indicator": WDI_SERIES[series],
                        "value": float(cell),
                        "label": rec["Country Name"],
                    }
                )
    source = "World Bank WDI" + (f" (updated {last_updated})" if last_updated else "")
    return tidy_indicators(pd.DataFrame(rows), source=source), last_updated
