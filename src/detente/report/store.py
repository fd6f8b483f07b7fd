"""The run store: one DuckDB file per report folder (``results.duckdb``).

Tables
------
``run``
    One row: run id, scenario id/name, the scenario's input text and its SHA-256
    hash, the input file's name, the options (draws, strategy-lab futures, seed), the
    package version, the data versions (JSON), start and end times.
``timings``
    Seconds spent in each stage.
``inputs_actors``, ``inputs_issues``, ``inputs_stances``
    The scenario's inputs, one row per actor, issue and stance (what
    ``detente runs compare`` diffs).
``catalogue``
    One row per figure: its table name, section, panel, title, kind, caption, source
    and size.  Every chart and table of the report has its table ``fig_<id>``.
``findings``
    The generated findings and the figure each one rests on.
``panels``
    Every panel with its status (live, or why it is unavailable).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from detente.errors import InputError
from detente.report.figures import Finding, Section

__all__ = ["RunRecord", "open_store", "read_run", "read_table", "write_store"]

STORE_NAME = "results.duckdb"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RunRecord:
    """The ``run`` row of a store, as read back."""

    run_id: str
    scenario_id: str
    scenario_name: str
    scenario_hash: str
    scenario_text: str
    input_file: str
    started: str
    finished: str
    seed: int
    draws: int
    scenarios: int
    version: str
    data_versions: dict[str, Any]
    options: dict[str, Any]
    path: Path


def _cell_text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, dict | list | tuple):
        return json.dumps(v, default=str)
    return str(v)


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    """A copy DuckDB can store: object columns of mixed content become text."""
    out = df.reset_index(drop=True).copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if s.dtype == object or str(s.dtype).startswith(("string", "str")):
            out[col] = pd.Series([_cell_text(v) for v in s.tolist()], dtype=object)
    return out


def _put(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    clean = _clean(df)
    if clean.shape[1] == 0:
        clean = pd.DataFrame({"empty": pd.Series([], dtype=object)})
    con.register("_frame", clean)
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
    finally:
        con.unregister("_frame")


def write_store(
    path: Path,
    *,
    run: dict[str, Any],
    timings: dict[str, float],
    inputs: dict[str, pd.DataFrame],
    sections: Sequence[Section],
    findings: Sequence[Finding],
) -> None:
    """Write a complete store to ``path`` (a new file).

    Parameters
    ----------
    path
        The DuckDB file to create (it must not exist).
    run
        The ``run`` row (see the module docstring); dicts are stored as JSON.
    timings
        Seconds per stage.
    inputs
        ``{"actors": ..., "issues": ..., "stances": ...}`` frames.
    sections
        The report's sections; every figure's table is stored as ``fig_<id>``.
    findings
        The generated findings.
    """
    con = duckdb.connect(str(path))
    try:
        row = {
            k: (json.dumps(v, default=str) if isinstance(v, dict) else v) for k, v in run.items()
        }
        row["schema_version"] = SCHEMA_VERSION
        _put(con, "run", pd.DataFrame([row]))
        _put(
            con,
            "timings",
            pd.DataFrame({"stage": list(timings), "seconds": [float(v) for v in timings.values()]}),
        )
        for key, frame in inputs.items():
            _put(con, f"inputs_{key}", frame)
        cat_rows = []
        panel_rows = []
        seen: set[str] = set()
        for s in sections:
            for p in s.panels:
                panel_rows.append(
                    {
                        "section": s.id,
                        "panel": p.id,
                        "title": p.title,
                        "status": "live" if p.live else "unavailable",
                        "reason": p.unavailable or "",
                        "figures": len(p.figures),
                    }
                )
                for f in p.figures:
                    if f.table_name in seen:
                        raise ValueError(f"two figures share the id {f.id!r}")
                    seen.add(f.table_name)
                    _put(con, f.table_name, f.table)
                    cat_rows.append(
                        {
                            "table_name": f.table_name,
                            "figure_id": f.id,
                            "anchor": f.anchor,
                            "section": s.id,
                            "panel": p.id,
                            "title": f.title,
                            "kind": f.kind,
                            "caption": f.caption,
                            "source": f.source,
                            "n_rows": len(f.table),
                            "columns": ", ".join(str(c) for c in f.table.columns),
                        }
                    )
        catalogue = pd.DataFrame(
            cat_rows,
            columns=[
                "table_name",
                "figure_id",
                "anchor",
                "section",
                "panel",
                "title",
                "kind",
                "caption",
                "source",
                "n_rows",
                "columns",
            ],
        )
        _put(con, "catalogue", catalogue)
        _put(con, "panels", pd.DataFrame(panel_rows))
        _put(
            con,
            "findings",
            pd.DataFrame(
                {
                    "rank": list(range(1, len(findings) + 1)),
                    "topic": [f.topic for f in findings],
                    "text": [f.text for f in findings],
                    "figure_id": [f.figure_id for f in findings],
                },
            ),
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


@contextlib.contextmanager
def _reading(file: Path) -> Iterator[None]:
    """Report a store that breaks while it is read (truncated, corrupt) as bad input."""
    try:
        yield
    except InputError:
        raise
    except (duckdb.Error, ValueError, TypeError, KeyError, OverflowError) as err:
        raise InputError(
            f"the run store is damaged (truncated or corrupt) and cannot be read: "
            f"{type(err).__name__}: {err}",
            file=file,
            fix="run `detente analyze` again into this folder with --force, or give "
            "another report folder.",
        ) from None


def open_store(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a run store read-only.

    ``path`` may be the store file or the report folder holding it.

    Raises
    ------
    InputError
        If there is no store there, or the file is not a detente run store, or it is
        damaged.
    """
    p = Path(path)
    if p.is_dir():
        p = p / STORE_NAME
    if not p.is_file():
        raise InputError(
            "no run store here",
            file=p,
            fix=f"give a report folder written by `detente analyze` (it holds {STORE_NAME}).",
        )
    try:
        con = duckdb.connect(str(p), read_only=True)
    except duckdb.Error as err:
        raise InputError(
            f"not a readable DuckDB file: {err}", file=p, fix="give a detente run store."
        ) from None
    try:
        with _reading(p):
            tables = {
                r[0]
                for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            }
    except InputError:
        con.close()
        raise
    if not {"run", "catalogue"} <= tables:
        con.close()
        raise InputError(
            "this DuckDB file is not a detente run store (no run/catalogue tables)",
            file=p,
            fix="give a report folder written by `detente analyze`.",
        )
    return con


def read_run(path: Path) -> RunRecord:
    """Read the ``run`` row of a store (``path``: the folder or the file).

    Raises
    ------
    InputError
        If there is no readable run store there (missing, not a store, damaged).
    """
    p = Path(path)
    file = p / STORE_NAME if p.is_dir() else p
    con = open_store(file)
    try:
        with _reading(file):
            df = con.execute("SELECT * FROM run").df()
    finally:
        con.close()
    if len(df) != 1:
        raise InputError(
            "the run table does not hold exactly one run",
            file=file,
            fix="run `detente analyze` again into this folder with --force.",
        )
    r = df.iloc[0].to_dict()

    def _js(v: Any) -> dict[str, Any]:
        try:
            out = json.loads(v) if isinstance(v, str) else {}
        except json.JSONDecodeError:
            out = {}
        return out if isinstance(out, dict) else {}

    with _reading(file):
        return RunRecord(
            run_id=str(r.get("run_id", "")),
            scenario_id=str(r.get("scenario_id", "")),
            scenario_name=str(r.get("scenario_name", "")),
            scenario_hash=str(r.get("scenario_hash", "")),
            scenario_text=str(r.get("scenario_text", "")),
            input_file=str(r.get("input_file", "")),
            started=str(r.get("started", "")),
            finished=str(r.get("finished", "")),
            seed=int(r.get("seed", 0)),
            draws=int(r.get("draws", 0)),
            scenarios=int(r.get("scenarios", 0)),
            version=str(r.get("version", "")),
            data_versions=_js(r.get("data_versions")),
            options=_js(r.get("options")),
            path=file,
        )


def read_table(path: Path, name: str) -> pd.DataFrame | None:
    """A table of a store, or ``None`` if the store has no such table.

    Raises
    ------
    InputError
        If the store cannot be read (missing, not a store, damaged).
    """
    con = open_store(path)
    try:
        with _reading(Path(path)):
            names = {
                r[0]
                for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            }
            if name not in names:
                return None
            return con.execute(f'SELECT * FROM "{name}"').df()
    finally:
        con.close()
