"""Build the shipped Parquet files from the raw source files in ``data/raw``.

``detente data build`` (or ``python tools/build_data.py``) re-runs every converter and
rewrites ``src/detente/data/datasets/``.  The next NATO, WDI or UNHCR release is a
new raw file and a re-run, never a hand edit: the converters find tables by content
and stop on anything they do not recognise.

SIPRI files are never in the repository.  The small SIPRI extract
(``sipri_extract.parquet``) is rebuilt only when SIPRI downloads are passed in
(``--sipri-milex``/``--sipri-arms``); otherwise the shipped extract is kept.

``manifest.json`` records the sha256 of every raw input, the editions the converters
detected and the row count of every output, so a test can check that the shipped
files equal a fresh build.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from detente._atomic import atomic_write_json
from detente.data.convert import cow, nato, sipri, unga, unhcr, wdi
from detente.data.convert._tidy import INDICATOR_SCHEMA, BuildError, sha256, write_parquet
from detente.data.groups import members
from detente.data.identity import EXTRA_CODES, canonical_codes, country_name

__all__ = [
    "EXTRACT_COUNTRIES",
    "EXTRACT_INDICATORS",
    "EXTRACT_YEARS",
    "BuildResult",
    "build_all",
    "build_sipri_extract",
    "sha256",
]

#: Countries in the shipped SIPRI extract: the actors of ``examples/europe_turkey.toml``
#: (the 27 EU members as of 2024, the United Kingdom, Türkiye, Russia, the United
#: States and Ukraine).
EXTRACT_COUNTRIES: tuple[str, ...] = (
    *sorted(members("EU", 2024)),
    "GBR",
    "TUR",
    "RUS",
    "USA",
    "UKR",
)
#: Years of the shipped SIPRI extract.
EXTRACT_YEARS: tuple[int, int] = (2014, 2024)
#: Indicators of the shipped SIPRI extract (annual totals and shares).
EXTRACT_INDICATORS: tuple[str, ...] = (
    "sipri.milex_usd_constant",
    "sipri.milex_share_gdp",
    "sipri.arms_exports_tiv",
    "sipri.arms_imports_tiv",
    "sipri.arms_exports_share",
    "sipri.arms_imports_share",
)

ATOP_SCHEMA = pa.schema(
    [
        ("iso3_a", pa.string()),
        ("iso3_b", pa.string()),
        ("year", pa.int32()),
        ("defense", pa.int8()),
        ("offense", pa.int8()),
        ("neutral", pa.int8()),
        ("nonagg", pa.int8()),
        ("consul", pa.int8()),
    ]
)
FLOWS_SCHEMA = pa.schema(
    [
        ("year", pa.int32()),
        ("origin", pa.string()),
        ("origin_label", pa.string()),
        ("host", pa.string()),
        ("host_label", pa.string()),
        ("refugees", pa.float64()),
        ("asylum_seekers", pa.float64()),
        ("oip", pa.float64()),
    ]
)
VOTES_SCHEMA = pa.schema([("rcid", pa.int32()), ("iso3", pa.string()), ("vote", pa.int8())])
ROLLCALLS_SCHEMA = pa.schema(
    [
        ("rcid", pa.int32()),
        ("session", pa.int32()),
        ("year", pa.int32()),
        ("date", pa.date32()),
        ("important", pa.int8()),
        ("amend", pa.int8()),
        ("para", pa.int8()),
        ("unres", pa.string()),
        ("short", pa.string()),
        ("descr", pa.string()),
    ]
)
ISSUES_SCHEMA = pa.schema([("rcid", pa.int32()), ("issue", pa.string())])
COUNTRIES_SCHEMA = pa.schema([("iso3", pa.string()), ("name", pa.string()), ("kind", pa.string())])


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote.

    Attributes
    ----------
    out_dir
        The folder written.
    rows
        Row count per output file.
    manifest
        The manifest written to ``manifest.json``.
    """

    out_dir: Path
    rows: dict[str, int]
    manifest: dict[str, object]


def _countries() -> pd.DataFrame:
    codes = sorted(canonical_codes())
    kinds = ["historical state" if c in EXTRA_CODES and c != "XKX" else "country" for c in codes]
    return pd.DataFrame({"iso3": codes, "name": [country_name(c) for c in codes], "kind": kinds})


def build_all(
    raw_dir: Path,
    out_dir: Path,
    *,
    sipri_milex: Path | None = None,
    sipri_arms: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Convert every raw source in ``raw_dir`` into Parquet files in ``out_dir``.

    Parameters
    ----------
    raw_dir
        ``data/raw`` of the repository (one folder per source).
    out_dir
        Where to write (normally ``src/detente/data/datasets``).
    sipri_milex, sipri_arms
        SIPRI downloads to rebuild the SIPRI extract from; when both are ``None`` an
        existing ``sipri_extract.parquet`` in ``out_dir`` is kept as it is.
    progress
        Called with a short message before each step.

    Returns
    -------
    BuildResult

    Raises
    ------
    BuildError
        If a raw file is missing or cannot be converted.
    """
    say = progress or (lambda _msg: None)

    def raw(pattern: str) -> Path:
        found = sorted(raw_dir.glob(pattern))
        if len(found) != 1:
            what = "no file" if not found else f"{len(found)} files"
            raise BuildError(
                f"{what} in {raw_dir} matching {pattern!r}; keep exactly one release of "
                "each source in data/raw"
            )
        return found[0]

    outputs: dict[str, tuple[pd.DataFrame, pa.Schema]] = {}
    editions: dict[str, str] = {}
    inputs: list[Path] = []

    say("NATO defence expenditure")
    p = raw("nato_defence_expenditure/*.xlsx")
    inputs.append(p)
    nato_rows = nato.read_workbook(p)
    outputs["nato.parquet"] = (nato_rows, INDICATOR_SCHEMA)
    editions["nato"] = str(nato_rows["source"].iloc[0])
    p = raw("nato_pct_gdp_later_vintage/defence_per.csv")
    inputs.append(p)
    outputs["nato_later.parquet"] = (nato.read_later_vintage(p), INDICATOR_SCHEMA)

    say("Correlates of War and ATOP")
    states = raw("cow_atop_peacesciencer/cow_states.csv")
    names = cow.cow_names(states)
    nmc_p = raw("cow_atop_peacesciencer/cow_nmc.csv")
    majors_p = raw("cow_atop_peacesciencer/cow_majors.csv")
    atop_p = raw("cow_atop_peacesciencer/atop_alliance.csv.gz")
    inputs += [states, nmc_p, majors_p, atop_p]
    cow_rows = pd.concat(
        [cow.read_nmc(nmc_p, names), cow.read_majors(majors_p, names)], ignore_index=True
    )
    outputs["cow.parquet"] = (_sorted(cow_rows), INDICATOR_SCHEMA)
    dyads, counts = cow.read_atop(atop_p, names)
    outputs["atop.parquet"] = (counts, INDICATOR_SCHEMA)
    outputs["atop_dyads.parquet"] = (dyads, ATOP_SCHEMA)

    say("World Bank WDI")
    wdi_parts = []
    for series in wdi.WDI_SERIES:
        p = raw(f"wdi/API_{series}*.csv")
        inputs.append(p)
        rows, updated = wdi.read_wdi(p)
        wdi_parts.append(rows)
        editions[f"wdi {series}"] = f"last updated {updated}"
    outputs["wdi.parquet"] = (_sorted(pd.concat(wdi_parts, ignore_index=True)), INDICATOR_SCHEMA)

    say("UNHCR refugee statistics")
    p = raw("unhcr_refugees/population.csv*")
    inputs.append(p)
    hosted, flows = unhcr.read_population(p)
    outputs["unhcr.parquet"] = (hosted, INDICATOR_SCHEMA)
    outputs["unhcr_flows.parquet"] = (flows, FLOWS_SCHEMA)

    say("UN General Assembly ideal points and votes")
    p = raw("unga_ideal_points/Idealpointestimates*.csv")
    inputs.append(p)
    outputs["unga.parquet"] = (unga.read_ideal_points(p, names), INDICATOR_SCHEMA)
    vp = raw("unga_ideal_points/unvotes_dgrtwo/un_votes.csv.gz")
    rp = raw("unga_ideal_points/unvotes_dgrtwo/un_roll_calls.csv.gz")
    ip = raw("unga_ideal_points/unvotes_dgrtwo/un_roll_call_issues.csv")
    inputs += [vp, rp, ip]
    votes, calls, issues = unga.read_votes(vp, rp, ip)
    outputs["unga_votes.parquet"] = (votes, VOTES_SCHEMA)
    outputs["unga_rollcalls.parquet"] = (calls, ROLLCALLS_SCHEMA)
    outputs["unga_issues.parquet"] = (issues, ISSUES_SCHEMA)

    outputs["countries.parquet"] = (_countries(), COUNTRIES_SCHEMA)

    out_dir.mkdir(parents=True, exist_ok=True)
    rows_written: dict[str, int] = {}
    for name, (frame, schema) in outputs.items():
        say(f"writing {name}")
        write_parquet(frame, out_dir / name, schema)
        rows_written[name] = len(frame)

    manifest_path = out_dir / "manifest.json"
    old: dict[str, object] = {}
    if manifest_path.is_file():
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    sipri_part: object = old.get("sipri_extract")
    if sipri_milex is not None or sipri_arms is not None:
        if sipri_milex is None or sipri_arms is None:
            raise BuildError(
                "rebuilding the SIPRI extract needs both --sipri-milex and --sipri-arms"
            )
        say("SIPRI extract")
        sipri_part = build_sipri_extract(sipri_milex, sipri_arms, out_dir)
    if (out_dir / "sipri_extract.parquet").is_file():
        rows_written["sipri_extract.parquet"] = pa.parquet.read_metadata(
            out_dir / "sipri_extract.parquet"
        ).num_rows

    manifest: dict[str, object] = {
        "inputs": {
            str(p.relative_to(raw_dir)): {"sha256": sha256(p), "bytes": p.stat().st_size}
            for p in sorted(inputs)
        },
        "editions": dict(sorted(editions.items())),
        "rows": dict(sorted(rows_written.items())),
        "sipri_extract": sipri_part,
    }
    _write_json(manifest_path, manifest)
    return BuildResult(out_dir, rows_written, manifest)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["indicator", "iso3", "year"], kind="stable").reset_index(drop=True)


def build_sipri_extract(milex: Path, arms: Path, out_dir: Path) -> dict[str, object]:
    """Write ``sipri_extract.parquet``: the small SIPRI extract shipped in the package.

    Only :data:`EXTRACT_INDICATORS` for :data:`EXTRACT_COUNTRIES` in
    :data:`EXTRACT_YEARS` are kept, well under SIPRI's 10% fair-use limit.

    Returns
    -------
    dict
        The extract's manifest entry (inputs' sha256, editions, share of the data).
    """
    m = sipri.read_milex(milex)
    a = sipri.read_arms(arms)
    full = pd.concat([m.rows, a.rows], ignore_index=True)
    first, last = EXTRACT_YEARS
    keep = (
        full["iso3"].isin(EXTRACT_COUNTRIES)
        & full["year"].between(first, last)
        & full["indicator"].isin(EXTRACT_INDICATORS)
    )
    extract = _sorted(full.loc[keep])
    extract["source"] = extract["source"] + ", shipped extract"
    write_parquet(extract, out_dir / "sipri_extract.parquet", INDICATOR_SCHEMA)
    milex_total = len(m.rows)
    arms_total = len(a.deals)
    return {
        "inputs": {
            milex.name: {"sha256": sha256(milex), "edition": m.edition},
            arms.name: {"sha256": sha256(arms), "edition": a.edition},
        },
        "countries": list(EXTRACT_COUNTRIES),
        "years": [first, last],
        "indicators": list(EXTRACT_INDICATORS),
        "rows": len(extract),
        "milex_values_shipped": int(extract["indicator"].str.startswith("sipri.milex").sum()),
        "milex_values_in_database": milex_total,
        "arms_deals_in_database": arms_total,
    }


def _write_json(path: Path, data: object) -> None:
    atomic_write_json(path, data)
