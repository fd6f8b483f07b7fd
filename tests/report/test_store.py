"""The run store holds the run's inputs, settings, versions and every chart's table."""

from __future__ import annotations

import json
import re

import duckdb

from detente.report import AnalyzeResult, read_run
from detente.report.store import STORE_NAME


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def test_every_figure_has_its_table(hostile_run: AnalyzeResult) -> None:
    html = hostile_run.report.read_text(encoding="utf-8")
    figures = set(re.findall(r'data-figure="([a-z0-9_]+)"', html))
    assert len(figures) >= 6
    con = duckdb.connect(str(hostile_run.out_dir / STORE_NAME), read_only=True)
    try:
        tables = _tables(con)
        catalogue = con.execute("SELECT figure_id, table_name, n_rows, kind FROM catalogue").df()
        assert set(catalogue["figure_id"]) == figures
        for row in catalogue.itertuples():
            assert row.table_name == f"fig_{row.figure_id}"
            assert row.table_name in tables
            n = con.execute(f'SELECT count(*) FROM "{row.table_name}"').fetchone()
            assert n is not None and n[0] == row.n_rows
        # the charts' data are the stored tables: each chart spec's values match the table
        assert {"run", "timings", "inputs_actors", "inputs_issues", "inputs_stances"} <= tables
        assert {"findings", "panels"} <= tables
        stances = con.execute("SELECT * FROM inputs_stances").df()
        assert len(stances) == 5
        assert set(stances.columns) >= {"actor", "issue", "position", "salience", "uncertainty"}
        stage_rows = con.execute("SELECT stage FROM timings").df()["stage"].tolist()
        assert stage_rows == ["load", "data", "strategy", "forecasts", "deals", "report"]
    finally:
        con.close()


def test_run_row_records_input_hash_seed_and_versions(hostile_run: AnalyzeResult) -> None:
    rec = read_run(hostile_run.out_dir)
    assert rec.scenario_id == "small"
    assert rec.seed == 3
    assert rec.draws == 0
    assert rec.scenarios == 300
    assert rec.version
    assert len(rec.scenario_hash) == 64
    assert "[[stances]]" in rec.scenario_text
    assert rec.options["seed"] == 3
    import hashlib
    from pathlib import Path

    assert hashlib.sha256(Path(rec.input_file).read_bytes()).hexdigest() == rec.scenario_hash


def test_chart_specs_draw_the_stored_tables(hostile_run: AnalyzeResult) -> None:
    """Each chart's inline data has as many rows as its stored table."""
    html = hostile_run.report.read_text(encoding="utf-8")
    specs = re.findall(r'<script type="application/json" id="spec-\d+">(.*?)</script>', html, re.S)
    ids = re.findall(r'data-figure="([a-z0-9_]+)"><h4>[^<]*</h4><div class="chart"', html)
    assert len(specs) == len(ids) > 0
    con = duckdb.connect(str(hostile_run.out_dir / STORE_NAME), read_only=True)
    try:
        for fid, text in zip(ids, specs, strict=True):
            spec = json.loads(text)
            datasets = spec.get("datasets", {})
            n = con.execute(f'SELECT count(*) FROM "fig_{fid}"').fetchone()
            assert n is not None
            assert n[0] in {len(v) for v in datasets.values()}, fid
    finally:
        con.close()
