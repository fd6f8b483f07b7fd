"""The DuckDB-backed store: one embedded, in-process database over all the data.

On first use :func:`get_store` opens an in-memory DuckDB connection (no server, no
file to manage) and loads the shipped Parquet files plus whatever the user imported
into tables, then creates these views:

``indicators(iso3, country, year, indicator, value, unit, source, flag)``
    Every country-year value of every dataset.  ``flag`` marks estimates
    (``estimate``), SIPRI's highly uncertain figures (``uncertain``), UNHCR's
    preliminary year and UNGA's incomplete session; it is null otherwise.  SIPRI rows
    come from the user's import when there is one, else from the shipped extract.
``catalog(indicator, dataset, unit, description)``
    The indicator catalogue.
``countries(iso3, name, kind)``
    Every canonical country code.
``alliances(iso3_a, iso3_b, year, defense, offense, neutral, nonagg, consul)``
    ATOP v5.1 directed dyad-years.
``refugee_flows(year, origin, origin_label, host, host_label, refugees, asylum_seekers, oip)``
    UNHCR stocks by origin and host.
``unga_votes(rcid, iso3, vote)``, ``unga_rollcalls(...)``, ``unga_issues(rcid, issue)``
    UN roll-call votes (1 yes, 2 abstain, 3 no).
``arms_transfers(...)``, ``arms_deals(...)``
    SIPRI annual transfers by supplier and recipient, and the deals -- only after
    ``detente data import sipri-arms``.

The connection is cached; it is rebuilt when the user's data directory changes or
after an import (it notices the import's record; :func:`reset_store` forces it).
Loading takes a fraction of a second once; queries then run in milliseconds.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from detente.data.catalog import INDICATORS
from detente.data.identity import resolve_countries
from detente.data.importers import imported_files
from detente.data.paths import SHIPPED_DIR, user_data_dir
from detente.errors import InputError

__all__ = [
    "DataWarning",
    "Store",
    "check_indicator",
    "coverage",
    "get_store",
    "indicator",
    "list_indicators",
    "query",
    "reset_store",
]

#: Shipped indicator files (tidy ``INDICATOR_SCHEMA``).
_INDICATOR_FILES = (
    "nato.parquet",
    "nato_later.parquet",
    "cow.parquet",
    "atop.parquet",
    "wdi.parquet",
    "unhcr.parquet",
    "unga.parquet",
)
#: Shipped side tables: view name -> file.
_TABLE_FILES = {
    "countries": "countries.parquet",
    "alliances": "atop_dyads.parquet",
    "refugee_flows": "unhcr_flows.parquet",
    "unga_votes": "unga_votes.parquet",
    "unga_rollcalls": "unga_rollcalls.parquet",
    "unga_issues": "unga_issues.parquet",
}
_COLUMNS = "iso3, country, year, indicator, value, unit, source, flag"
_RESULT_COLUMNS = ["iso3", "country", "year", "value", "unit", "source", "flag"]


class DataWarning(UserWarning):
    """A query asked for something the data do not cover (the result is empty)."""


@dataclass
class Store:
    """An open DuckDB connection with every view loaded.

    Attributes
    ----------
    con
        The DuckDB connection.
    data_dir
        The user data directory it was loaded from.
    imported
        Datasets loaded from the user's imports (``sipri_milex``, ``sipri_arms``).
    stamp
        The import records it was loaded with (see :func:`get_store`).
    """

    con: duckdb.DuckDBPyConnection
    data_dir: Path
    imported: tuple[str, ...]
    stamp: tuple[tuple[str, int], ...] = ()
    _coverage: dict[str, tuple[int, int]] | None = field(default=None, repr=False)
    _sources: dict[str, str] | None = field(default=None, repr=False)
    _listing: pd.DataFrame | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sql(self, text: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL and return a DataFrame (DuckDB errors propagate)."""
        with self._lock:
            cur = self.con.cursor()
            try:
                rel = cur.execute(text, params) if params is not None else cur.execute(text)
                return rel.df()
            finally:
                cur.close()

    def coverage(self) -> dict[str, tuple[int, int]]:
        """First and last year of every indicator with data (computed once)."""
        if self._coverage is None:
            df = self.sql(
                "SELECT indicator, min(year) AS a, max(year) AS b FROM indicators "
                "GROUP BY indicator ORDER BY indicator"
            )
            self._coverage = {
                str(i): (int(a), int(b))
                for i, a, b in zip(df["indicator"], df["a"], df["b"], strict=True)
            }
        return self._coverage

    def source_of(self, indicator: str) -> str:
        """The distinct ``source`` texts of an indicator, joined by "; " (cached)."""
        if self._sources is None:
            df = self.sql(
                "SELECT indicator, string_agg(DISTINCT source, '; ' ORDER BY source) AS s "
                "FROM indicators GROUP BY indicator"
            )
            self._sources = dict(zip(df["indicator"], df["s"], strict=True))
        return self._sources.get(indicator, "")

    def indicator_names(self) -> list[str]:
        """Names of the indicators with data."""
        return list(self.coverage())


_STORE: Store | None = None
_STORE_LOCK = threading.Lock()


def _path_sql(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _open() -> Store:
    data_dir = user_data_dir()
    # a query that needs more memory than this fails with a message (it cannot take the
    # machine down); the shipped tables need a few hundred MB at most
    con = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "2GB"})
    parts: list[str] = []
    for name in _INDICATOR_FILES:
        path = SHIPPED_DIR / name
        if not path.is_file():
            raise FileNotFoundError(f"shipped data file missing: {path}; run `detente data build`")
        parts.append(f"SELECT {_COLUMNS} FROM read_parquet({_path_sql(path)})")
    imported: list[str] = []
    extract_filter: list[str] = []
    for dataset, prefix in (("sipri_milex", "sipri.milex_"), ("sipri_arms", "sipri.arms_")):
        files = imported_files(dataset)
        if files is not None:
            imported.append(dataset)
            parts.append(f"SELECT {_COLUMNS} FROM read_parquet({_path_sql(files[0])})")
            extract_filter.append(f"indicator NOT LIKE '{prefix}%'")
    extract = SHIPPED_DIR / "sipri_extract.parquet"
    if extract.is_file():
        where = f" WHERE {' AND '.join(extract_filter)}" if extract_filter else ""
        parts.append(f"SELECT {_COLUMNS} FROM read_parquet({_path_sql(extract)}){where}")
    con.execute(
        "CREATE TABLE indicators_t AS "
        + " UNION ALL ".join(parts)
        + " ORDER BY indicator, iso3, year"
    )
    con.execute(f"CREATE VIEW indicators AS SELECT {_COLUMNS} FROM indicators_t")
    for view, name in _TABLE_FILES.items():
        con.execute(
            f"CREATE TABLE {view}_t AS SELECT * FROM read_parquet({_path_sql(SHIPPED_DIR / name)})"
        )
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM {view}_t")
    if "sipri_arms" in imported:
        files = imported_files("sipri_arms")
        assert files is not None
        for view, path in (("arms_transfers", files[1]), ("arms_deals", files[2])):
            con.execute(f"CREATE TABLE {view}_t AS SELECT * FROM read_parquet({_path_sql(path)})")
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM {view}_t")
    catalog = pd.DataFrame(
        [(s.name, s.dataset, s.unit, s.description) for s in INDICATORS.values()],
        columns=["indicator", "dataset", "unit", "description"],
    )
    con.register("_catalog_df", catalog)
    con.execute("CREATE TABLE catalog_t AS SELECT * FROM _catalog_df")
    con.unregister("_catalog_df")
    con.execute("CREATE VIEW catalog AS SELECT * FROM catalog_t")
    # everything is loaded: from now on SQL cannot read or write files
    con.execute("SET enable_external_access = false")
    return Store(con=con, data_dir=data_dir, imported=tuple(imported))


def _import_stamp(data_dir: Path) -> tuple[tuple[str, int], ...]:
    """The user's import records (name, modification time): an import changes it."""
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in data_dir.glob("*.json")))
    except OSError:
        return ()


def get_store() -> Store:
    """The cached store, opened on first use, and opened again if the data dir changed
    or the user imported data since (``detente data import``)."""
    global _STORE
    with _STORE_LOCK:
        data_dir = user_data_dir()
        stamp = _import_stamp(data_dir)
        if _STORE is None or _STORE.data_dir != data_dir or _STORE.stamp != stamp:
            if _STORE is not None:
                _STORE.con.close()
            _STORE = _open()
            _STORE.stamp = stamp
        return _STORE


def reset_store() -> None:
    """Close the cached connection; the next query reopens it (after an import)."""
    global _STORE
    with _STORE_LOCK:
        if _STORE is not None:
            _STORE.con.close()
        _STORE = None


#: Rows :func:`query` returns unless told otherwise, and seconds it may run.
QUERY_ROWS = 10_000
QUERY_SECONDS = 60.0


def query(
    sql: str, *, limit: int | None = QUERY_ROWS, timeout: float | None = QUERY_SECONDS
) -> pd.DataFrame:
    """Run read-only SQL over the store's views.

    Parameters
    ----------
    sql
        E.g. ``"SELECT * FROM indicators WHERE indicator = 'cow.cinc' AND year = 2022"``.
    limit
        At most this many rows are returned (``None``: all); when the query has more,
        the frame's ``attrs["truncated"]`` is True.  The limit is pushed into the query,
        so a huge result is never built.
    timeout
        Seconds the query may run (``None``: no limit); a longer one is stopped.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InputError
        With DuckDB's own message, for malformed SQL or an unknown table or column; for
        a query that runs longer than ``timeout`` or needs more memory than the store
        allows.
    """
    import threading

    store = get_store()
    timer: threading.Timer | None = None
    stopped = threading.Event()
    try:
        kinds = {st.type for st in store.con.extract_statements(sql)}
        if not kinds:
            raise InputError("empty SQL", field="sql", fix="give a SELECT statement.")
        allowed = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
        if not kinds <= allowed:
            names = ", ".join(sorted(k.name for k in kinds - allowed))
            raise InputError(
                f"only read-only queries are allowed, not {names}",
                field="sql",
                fix="use SELECT (or EXPLAIN); the data cannot be changed through SQL.",
            )
        if len(kinds) != 1 or len(store.con.extract_statements(sql)) != 1:
            raise InputError(
                "give one statement at a time",
                field="sql",
                fix="run each SELECT on its own.",
            )
        with store._lock:
            cur = store.con.cursor()
            if timeout is not None:

                def stop() -> None:
                    stopped.set()
                    cur.interrupt()

                timer = threading.Timer(timeout, stop)
                timer.daemon = True
                timer.start()
            try:
                rel = cur.sql(sql)
                if limit is None:
                    df = rel.df()
                    df.attrs["truncated"] = False
                    return df
                df = rel.limit(limit + 1).df()
                truncated = len(df) > limit
                df = df.iloc[:limit]
                df.attrs["truncated"] = truncated
                return df
            finally:
                cur.close()
    except duckdb.Error as err:
        if stopped.is_set():
            raise InputError(
                f"the query ran for more than {timeout:g} s and was stopped",
                field="sql",
                fix="narrow it (WHERE, LIMIT, fewer joins), or allow longer with --timeout.",
            ) from None
        message = str(err).strip()
        raise InputError(
            f"SQL error: {message}",
            field="sql",
            fix="check the SQL; tables: indicators, catalog, countries, alliances, "
            "refugee_flows, unga_votes, unga_rollcalls, unga_issues"
            + (", arms_transfers, arms_deals" if "sipri_arms" in store.imported else "")
            + ".",
        ) from None
    finally:
        if timer is not None:
            timer.cancel()


def check_indicator(name: str) -> str:
    """Return ``name`` if the store has it, else raise with the closest names.

    Raises
    ------
    InputError
        For an unknown indicator, suggesting the closest matches (rapidfuzz).
    """
    from rapidfuzz import fuzz, process, utils

    names = get_store().indicator_names()
    if name in names:
        return name
    if name in INDICATORS:
        raise InputError(
            f"indicator {name!r} has no data loaded",
            field="indicator",
            fix=f"import the source first: `detente data import "
            f"{INDICATORS[name].dataset.replace('_', '-')} FILE`.",
        )
    hits = process.extract(
        name, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=3
    )
    close = ", ".join(h[0] for h in hits)
    raise InputError(
        f"unknown indicator {name!r}",
        field="indicator",
        fix=f"closest matches: {close}. `detente data show --list` lists them all.",
    )


def _years(years: int | Iterable[int] | range | tuple[int, int] | None) -> list[int] | None:
    if years is None:
        return None
    if isinstance(years, bool):
        raise InputError("years must be a year or a list of years", field="years")
    if isinstance(years, int):
        return [years]
    if isinstance(years, range):
        return list(years)
    values = list(years)
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in values):
        raise InputError("years must be whole numbers", field="years", fix="e.g. years=2024")
    return values


def _expand(items: Sequence[str], year: int | None) -> list[str]:
    """Countries, with group names (NATO, EU, NATO-Europe) expanded to their members."""
    import datetime as dt

    from detente.data.groups import GROUPS, members

    groups = {g.lower() for g in GROUPS}
    out: list[str] = []
    for item in items:
        if item.strip().lower() in groups:
            found = members(item, year if year is not None else dt.date.today())
        else:
            found = resolve_countries([item])
        out += [c for c in found if c not in out]
    return out


def indicator(
    name: str,
    countries: Sequence[str] | str | None = None,
    years: int | Iterable[int] | range | None = None,
) -> pd.DataFrame:
    """Values of one indicator, one row per country and year.

    Parameters
    ----------
    name
        Indicator name, e.g. ``"nato.defence_share_gdp"`` (see :func:`list_indicators`).
    countries
        ISO3 codes or country names (``"TUR"``, ``"Turkey"``, ``"Czech Republic"``), or
        group names (``"NATO-Europe"``, members in the last year asked for, else
        today); default all.
    years
        A year, a list or a ``range`` of years; default all.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3, country, year, value, unit, source, flag``, sorted by country
        and year.  Empty (with a :class:`DataWarning`) when the years or countries
        asked for have no data.

    Raises
    ------
    InputError
        For an unknown indicator or country (with the closest matches).
    """
    check_indicator(name)
    wanted = _years(years)
    codes = None
    if countries is not None:
        items = [countries] if isinstance(countries, str) else list(countries)
        codes = _expand(items, max(wanted) if wanted else None)
    sql = f"SELECT {', '.join(_RESULT_COLUMNS)} FROM indicators WHERE indicator = ?"
    params: list[Any] = [name]
    if codes is not None:
        sql += f" AND iso3 IN ({', '.join('?' * len(codes))})"
        params += codes
    if wanted is not None:
        if not wanted:
            return pd.DataFrame(columns=_RESULT_COLUMNS)
        sql += f" AND year IN ({', '.join('?' * len(wanted))})"
        params += wanted
    sql += " ORDER BY iso3, year"
    df = get_store().sql(sql, params)
    if df.empty:
        cover = coverage(name)
        what = f"{name} has data for {cover[0]}-{cover[1]}"
        warnings.warn(f"no data for this selection; {what}", DataWarning, stacklevel=2)
    elif wanted is not None:
        first, last = coverage(name)
        outside = sorted(y for y in set(wanted) if not first <= y <= last)
        if outside:
            warnings.warn(
                f"years outside the coverage of {name} ({first}-{last}): {outside}",
                DataWarning,
                stacklevel=2,
            )
    df["year"] = df["year"].astype("int64")
    return df


def coverage(name: str) -> tuple[int, int]:
    """First and last year with data for an indicator.

    Raises
    ------
    InputError
        For an unknown indicator.
    """
    check_indicator(name)
    return get_store().coverage()[name]


def list_indicators() -> pd.DataFrame:
    """Every indicator with data: dataset, unit, description, coverage and status.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, dataset, unit, description, first_year, last_year,
        countries, status`` (``shipped``, ``extracted`` or ``imported``).
    """
    store = get_store()
    if store._listing is not None:
        return store._listing.copy()
    df = store.sql(
        """
        SELECT i.indicator, c.dataset, any_value(i.unit) AS unit, c.description,
               min(i.year) AS first_year, max(i.year) AS last_year,
               count(DISTINCT i.iso3) AS countries
        FROM indicators i JOIN catalog c USING (indicator)
        GROUP BY i.indicator, c.dataset, c.description
        ORDER BY i.indicator
        """
    )

    def status(dataset: str) -> str:
        if dataset in store.imported:
            return "imported"
        return "extracted" if dataset.startswith("sipri") else "shipped"

    df["status"] = df["dataset"].map(status)
    store._listing = df
    return df.copy()
