"""The tidy indicator table shared by every converter, and deterministic Parquet I/O."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from detente._atomic import atomic_path
from detente.data.catalog import INDICATORS
from detente.data.identity import country_name, is_canonical
from detente.data.provenance import provenance
from detente.errors import DetenteError

__all__ = [
    "INDICATOR_COLUMNS",
    "INDICATOR_SCHEMA",
    "BuildError",
    "read_parquet",
    "sha256",
    "tidy_indicators",
    "write_parquet",
]


class BuildError(DetenteError):
    """A raw file cannot be converted (unknown layout, unmapped country, bad value)."""


#: Columns of every indicator file (and of the ``indicators`` view, plus ``label``).
INDICATOR_COLUMNS = ["iso3", "country", "year", "indicator", "value", "unit", "source", "flag"]

INDICATOR_SCHEMA = pa.schema(
    [
        ("iso3", pa.string()),
        ("country", pa.string()),
        ("year", pa.int32()),
        ("indicator", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("source", pa.string()),
        ("flag", pa.string()),
        ("label", pa.string()),
    ]
)


def tidy_indicators(
    df: pd.DataFrame, *, source: str | None = None, units: dict[str, str] | None = None
) -> pd.DataFrame:
    """Complete and check a long frame of indicator values.

    Parameters
    ----------
    df
        Columns ``iso3, year, indicator, value`` and optionally ``flag`` (e.g.
        ``"estimate"``) and ``label`` (the source's own country label).
    source
        The ``source`` text; default: the short title of the indicator's dataset.
    units
        Unit overrides by indicator (default: the catalogue's unit).

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`INDICATOR_SCHEMA`, sorted by indicator, iso3 and year.

    Raises
    ------
    BuildError
        On an unknown indicator or country code, a non-finite value or a duplicate
        (iso3, year, indicator).
    """
    out = df.copy()
    unknown = sorted(set(out["indicator"]) - set(INDICATORS))
    if unknown:
        raise BuildError(f"indicators missing from the catalogue: {unknown}")
    bad = sorted({c for c in out["iso3"].unique() if not is_canonical(c)})
    if bad:
        raise BuildError(f"non-canonical country codes: {bad}")
    values = out["value"].astype("float64")
    if not values.map(math.isfinite).all():
        raise BuildError("non-finite values in the converted data")
    dup = out.duplicated(["iso3", "year", "indicator"], keep=False)
    if dup.any():
        sample = out.loc[dup, ["iso3", "year", "indicator"]].head(5).to_dict("records")
        raise BuildError(f"duplicate (iso3, year, indicator) rows, e.g. {sample}")
    units = units or {}
    names = {c: country_name(c) for c in out["iso3"].unique()}
    out["country"] = out["iso3"].map(names)
    out["value"] = values
    out["year"] = out["year"].astype("int32")
    out["unit"] = out["indicator"].map(lambda i: units.get(i, INDICATORS[i].unit))
    if source is None:
        out["source"] = out["indicator"].map(lambda i: provenance(INDICATORS[i].dataset).short)
    else:
        out["source"] = source
    if "flag" not in out:
        out["flag"] = None
    if "label" not in out:
        out["label"] = None
    out = out[[f.name for f in INDICATOR_SCHEMA]]
    return out.sort_values(["indicator", "iso3", "year"], kind="stable").reset_index(drop=True)


def write_parquet(df: pd.DataFrame, path: Path, schema: pa.Schema | None = None) -> None:
    """Write a frame to Parquet deterministically and atomically.

    No pandas index or metadata is stored, compression is zstd, and the file is
    written to a temporary name in the same folder, then moved into place.
    """
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    table = table.replace_schema_metadata(None)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        pq.write_table(
            table,
            tmp,
            compression="zstd",
            compression_level=9,
            row_group_size=256_000,
            write_statistics=True,
        )


def read_parquet(path: Path) -> pa.Table:
    """Read a Parquet file written by :func:`write_parquet`."""
    return pq.read_table(path)


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
