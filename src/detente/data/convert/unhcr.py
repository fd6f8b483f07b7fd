"""UNHCR population statistics (R package ``refugees``, table ``population``) -> tidy rows.

The source has one row per year, country of origin (``coo_iso``) and country of
asylum (``coa_iso``).  Host totals sum over origins (the "Unknown" and "Stateless"
origins included); origin totals sum over hosts.  Empty cells are "not reported": a
total over only empty cells is left out rather than shown as zero.  The last year of
the file is UNHCR's preliminary figure (flag ``preliminary``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from detente.data.convert._tidy import BuildError, tidy_indicators
from detente.data.identity import UnknownCountryError, classify_code

__all__ = ["FLOW_COLUMNS", "read_population"]

_HOSTED = {
    "refugees": "unhcr.refugees_hosted",
    "asylum_seekers": "unhcr.asylum_seekers_hosted",
    "oip": "unhcr.oip_hosted",
    "idps": "unhcr.idps",
    "stateless": "unhcr.stateless",
}
_BY_ORIGIN = {
    "refugees": "unhcr.refugees_by_origin",
    "asylum_seekers": "unhcr.asylum_seekers_by_origin",
}
#: Count columns kept in the origin x host flow table.
FLOW_COLUMNS = ("refugees", "asylum_seekers", "oip")


def _codes(series: pd.Series, where: str) -> pd.Series:
    mapping: dict[str, str | None] = {}
    for code in series.unique():
        try:
            mapping[code] = classify_code(str(code)).iso3
        except UnknownCountryError as err:
            raise BuildError(f"{where}: {err}") from None
    return series.map(mapping)


def read_population(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert ``population.csv(.gz)``.

    Returns
    -------
    indicators : pandas.DataFrame
        Tidy ``unhcr.*`` rows by host or origin country.
    flows : pandas.DataFrame
        ``year, origin, origin_label, host, host_label, refugees, asylum_seekers, oip``
        (``origin`` is null for "Unknown", "Stateless" and other non-country origins).
    """
    # Namibia's ISO2 is "NA": never let pandas read country fields as missing.
    pop = pd.read_csv(path, keep_default_na=False, na_values={c: [""] for c in _HOSTED})
    need = {"year", "coo_iso", "coa_iso", "coo_name", "coa_name", *_HOSTED}
    missing = need - set(pop.columns)
    if missing:
        raise BuildError(f"{path.name}: missing columns {sorted(missing)}")
    pop["origin"] = _codes(pop["coo_iso"], path.name)
    pop["host"] = _codes(pop["coa_iso"], path.name)
    last_year = int(pop["year"].max())
    parts = []
    for side, table in (("host", _HOSTED), ("origin", _BY_ORIGIN)):
        sub = pop[pop[side].notna()]
        totals = sub.groupby([side, "year"])[list(table)].sum(min_count=1).reset_index()
        long = totals.melt(id_vars=[side, "year"], var_name="column", value_name="value")
        long = long.dropna(subset=["value"]).rename(columns={side: "iso3"})
        long["indicator"] = long["column"].map(table)
        parts.append(long.drop(columns="column"))
    rows = pd.concat(parts, ignore_index=True)
    rows["flag"] = rows["year"].map(lambda y: "preliminary" if y == last_year else None)
    indicators = tidy_indicators(rows)

    flows = pop[pop["host"].notna()]
    flows = flows[flows[list(FLOW_COLUMNS)].fillna(0).sum(axis=1) > 0]
    flows = pd.DataFrame(
        {
            "year": flows["year"].astype("int32"),
            "origin": flows["origin"].astype(object).where(flows["origin"].notna(), None),
            "origin_label": flows["coo_name"].astype(str),
            "host": flows["host"].astype(str),
            "host_label": flows["coa_name"].astype(str),
            **{c: flows[c].astype("float64") for c in FLOW_COLUMNS},
        }
    )
    flows = flows.sort_values(["year", "host", "origin_label"], kind="stable")
    return indicators, flows.reset_index(drop=True)
