"""The serving copy: marts only, swapped in atomically while readers keep reading."""

from __future__ import annotations

import duckdb

from ingestion.publish import publish


def _warehouse(path, value):
    with duckdb.connect(str(path)) as db:
        db.execute("create schema if not exists raw")
        db.execute("create or replace table raw.asterisk_queue_log as select '1145678901' as data2")
        db.execute(f"create or replace table main.kpi_line_daily as select {value} as offered")


def test_publish_copies_marts_only(tmp_path):
    warehouse, serving = tmp_path / "wh.duckdb", tmp_path / "serving.duckdb"
    _warehouse(warehouse, 1)
    result = publish(warehouse, serving, "abc123")
    assert result["tables"] == {"kpi_line_daily": 1}
    with duckdb.connect(str(serving), read_only=True) as db:
        schemas = {r[0] for r in db.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        assert schemas == {"main"}
        assert db.execute("select code_version, tables_published from publish_log").fetchone() == ("abc123", 1)
        # an instant with its zone, so readers in Buenos Aires do not show UTC as local time
        kind, age = db.execute(
            "select typeof(published_at), epoch(now()) - epoch(published_at) from publish_log").fetchone()
        assert kind == "TIMESTAMP WITH TIME ZONE" and 0 <= age < 60


def test_a_reader_keeps_its_copy_while_a_new_one_is_published(tmp_path):
    warehouse, serving = tmp_path / "wh.duckdb", tmp_path / "serving.duckdb"
    _warehouse(warehouse, 1)
    publish(warehouse, serving)
    reader = duckdb.connect(str(serving), read_only=True)
    _warehouse(warehouse, 2)
    publish(warehouse, serving)  # the writer never waits for, nor breaks, the reader
    assert reader.execute("select offered from kpi_line_daily").fetchone() == (1,)
    reader.close()
    with duckdb.connect(str(serving), read_only=True) as fresh:
        assert fresh.execute("select offered from kpi_line_daily").fetchone() == (2,)
    assert not list(tmp_path.glob(".serving.duckdb.*"))
