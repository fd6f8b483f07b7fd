"""Import a user's own SIPRI downloads into the local store.

SIPRI's terms do not allow redistributing its databases, so detente ships only a small
extract (:data:`detente.data.build.EXTRACT_COUNTRIES`) and lets each user import the
files they downloaded themselves:

* ``detente data import sipri-milex FILE`` -- the workbook from
  https://www.sipri.org/databases/milex (``SIPRI-Milex-data-1949-2024.xlsx``), or its
  tidy long CSV;
* ``detente data import sipri-arms FILE`` -- the trade register exported from
  https://armstrade.sipri.org (``trade-register.csv``), or its tidy CSV.

The converted data go to the user's data directory (:func:`detente.data.paths.user_data_dir`,
never the installed package) as Parquet, with a small JSON record of the file, its
sha256 and its edition.  From then on the imported data replace the extract in every
query, and ``detente data sources`` reports the dataset as *imported*.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa

from detente._atomic import atomic_write_json
from detente.data.convert import sipri
from detente.data.convert._tidy import INDICATOR_SCHEMA, BuildError, sha256, write_parquet
from detente.data.paths import SHIPPED_DIR, user_data_dir
from detente.data.provenance import DATASETS, Provenance
from detente.errors import InputError

__all__ = [
    "ARMS_DEALS_SCHEMA",
    "ARMS_FLOWS_SCHEMA",
    "ImportResult",
    "extract_summary",
    "import_info",
    "import_sipri_arms",
    "import_sipri_milex",
    "imported_files",
    "sources",
]

ARMS_FLOWS_SCHEMA = pa.schema(
    [
        ("supplier", pa.string()),
        ("supplier_label", pa.string()),
        ("recipient", pa.string()),
        ("recipient_label", pa.string()),
        ("year", pa.int32()),
        ("tiv", pa.float64()),
    ]
)
ARMS_DEALS_SCHEMA = pa.schema(
    [
        ("deal", pa.int32()),
        ("supplier", pa.string()),
        ("supplier_label", pa.string()),
        ("recipient", pa.string()),
        ("recipient_label", pa.string()),
        ("order_year", pa.int32()),
        ("order_year_uncertain", pa.int8()),
        ("number_ordered", pa.float64()),
        ("number_ordered_uncertain", pa.int8()),
        ("weapon_designation", pa.string()),
        ("weapon_description", pa.string()),
        ("number_delivered", pa.float64()),
        ("number_delivered_uncertain", pa.int8()),
        ("delivery_years", pa.string()),
        ("status", pa.string()),
        ("comments", pa.string()),
        ("tiv_per_unit_m", pa.float64()),
        ("tiv_total_order_m", pa.float64()),
        ("tiv_delivered_m", pa.float64()),
    ]
)

#: Files of each imported dataset in the user's store.
_FILES = {
    "sipri_milex": ("sipri_milex.parquet",),
    "sipri_arms": ("sipri_arms.parquet", "sipri_arms_flows.parquet", "sipri_arms_deals.parquet"),
}


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote.

    Attributes
    ----------
    dataset
        ``sipri_milex`` or ``sipri_arms``.
    rows
        Indicator rows stored.
    edition
        The edition read from the file.
    files
        Files written in the user's store.
    countries
        Number of countries with data.
    years
        First and last year with data.
    """

    dataset: str
    rows: int
    edition: str
    files: tuple[Path, ...]
    countries: int
    years: tuple[int, int]


def imported_files(dataset: str) -> tuple[Path, ...] | None:
    """The store files of an imported dataset, or ``None`` if it is not imported."""
    info = import_info(dataset)
    if info is None:
        return None
    paths = tuple(user_data_dir() / name for name in _FILES[dataset])
    return paths if all(p.is_file() for p in paths) else None


def import_info(dataset: str) -> dict[str, object] | None:
    """The record of a user's import (file, sha256, edition, date), or ``None``."""
    path = user_data_dir() / f"{dataset}.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    if not all((user_data_dir() / name).is_file() for name in _FILES[dataset]):
        return None
    return data


def extract_summary(dataset: str) -> str:
    """One line describing the shipped SIPRI extract for ``dataset``."""
    manifest = SHIPPED_DIR / "manifest.json"
    try:
        info = json.loads(manifest.read_text(encoding="utf-8")).get("sipri_extract") or {}
    except (OSError, json.JSONDecodeError):
        info = {}
    if not info:
        return "no SIPRI extract shipped; import your own download"
    kind = "milex" if dataset == "sipri_milex" else "arms"
    indicators = [i for i in info.get("indicators", []) if i.startswith(f"sipri.{kind}")]
    first, last = info.get("years", ["?", "?"])
    return (
        f"shipped extract only: {', '.join(indicators)} for {len(info.get('countries', []))} "
        f"countries, {first}-{last}; run `detente data import sipri-{kind} FILE` with your "
        "own SIPRI download for the full database"
    )


def _check_file(path: Path, what: str, fix: str) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(f"{what} file not found", file=path, fix=fix)
    if path.is_dir():
        raise InputError(f"{what} path is a folder, not a file", file=path, fix=fix)
    return path


def _record(dataset: str, path: Path, edition: str, rows: int) -> None:
    info = {
        "dataset": dataset,
        "file": str(path.resolve()),
        "sha256": sha256(path),
        "edition": edition,
        "rows": rows,
        "imported_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    target = user_data_dir() / f"{dataset}.json"
    atomic_write_json(target, info)


def _finish(dataset: str, path: Path, edition: str, frames: dict[str, tuple]) -> ImportResult:
    store = user_data_dir()
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(
            f"cannot create the data directory {store} ({err.strerror})",
            fix="set DETENTE_DATA_DIR to a writable folder.",
        ) from None
    # the JSON record goes last: an interrupted import leaves the old record, and
    # import_info() ignores a record whose files are incomplete
    (store / f"{dataset}.json").unlink(missing_ok=True)
    written = []
    for name, (frame, schema) in frames.items():
        write_parquet(frame, store / name, schema)
        written.append(store / name)
    rows = frames[_FILES[dataset][0]][0]
    # the store notices the new record and reopens (detente.data.store.get_store)
    _record(dataset, path, edition, len(rows))
    return ImportResult(
        dataset=dataset,
        rows=len(rows),
        edition=edition,
        files=tuple(written),
        countries=int(rows["iso3"].nunique()),
        years=(int(rows["year"].min()), int(rows["year"].max())),
    )


def import_sipri_milex(path: Path) -> ImportResult:
    """Import SIPRI's military-expenditure workbook (or its tidy CSV) into the store.

    Parameters
    ----------
    path
        ``SIPRI-Milex-data-1949-YYYY.xlsx`` as downloaded from SIPRI, or the tidy long
        CSV (``.csv``/``.csv.gz``) with columns ``country, year, indicator, value``.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        If the file is missing or not a SIPRI military-expenditure file.
    """
    fix = (
        "download the Excel file from https://www.sipri.org/databases/milex and pass its "
        "path (e.g. SIPRI-Milex-data-1949-2024.xlsx)."
    )
    path = _check_file(path, "SIPRI military-expenditure", fix)
    try:
        data = sipri.read_milex(path)
    except BuildError as err:
        raise InputError(str(err), file=path, fix=fix) from None
    return _finish(
        "sipri_milex", path, data.edition, {"sipri_milex.parquet": (data.rows, INDICATOR_SCHEMA)}
    )


def import_sipri_arms(path: Path) -> ImportResult:
    """Import SIPRI's arms-transfers trade register into the store.

    Parameters
    ----------
    path
        ``trade-register.csv`` as exported from https://armstrade.sipri.org (latin-1,
        with SIPRI's preamble), or its tidy UTF-8 CSV (``.csv``/``.csv.gz``).

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        If the file is missing or not a trade register.
    """
    fix = (
        "export the trade register as CSV from https://armstrade.sipri.org (all suppliers "
        "and recipients) and pass its path (e.g. trade-register.csv)."
    )
    path = _check_file(path, "SIPRI trade register", fix)
    try:
        data = sipri.read_arms(path)
    except BuildError as err:
        raise InputError(str(err), file=path, fix=fix) from None
    return _finish(
        "sipri_arms",
        path,
        data.edition,
        {
            "sipri_arms.parquet": (data.rows, INDICATOR_SCHEMA),
            "sipri_arms_flows.parquet": (data.flows, ARMS_FLOWS_SCHEMA),
            "sipri_arms_deals.parquet": (data.deals, ARMS_DEALS_SCHEMA),
        },
    )


def sources() -> list[Provenance]:
    """Every dataset's record, with its current status (shipped/extracted/imported).

    SIPRI datasets show ``imported`` when the user has imported their own download
    (the imported edition and file are in ``note``), else ``extracted``.
    """
    out: list[Provenance] = []
    for p in DATASETS:
        if p.id in ("sipri_milex", "sipri_arms"):
            info = import_info(p.id)
            if info is not None:
                p = replace(
                    p,
                    status="imported",
                    edition=str(info.get("edition", p.edition)),
                    note=(
                        f"imported by you from {info.get('file', '?')} on "
                        f"{info.get('imported_at', '?')}; {info.get('rows', '?')} rows"
                    ),
                )
            else:
                extract = extract_summary(p.id)
                p = replace(p, note=extract)
        out.append(p)
    return out
