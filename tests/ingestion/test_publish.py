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


def _calls(path, rows):
    """A keyed mart (entered_date, caller, wait) and a small unkeyed one, as the test sets them."""
    with duckdb.connect(str(path)) as db:
        db.execute("create or replace table main.fct_calls (entered_date date, caller varchar, wait integer)")
        if rows:
            db.executemany("insert into main.fct_calls values (?, ?, ?)", rows)
        db.execute("create or replace table main.kpi_line_daily as select count(*) as offered from main.fct_calls")


def _rows(path, table):
    with duckdb.connect(str(path), read_only=True) as db:
        return sorted(db.execute(f"select * from {table}").fetchall(), key=repr)


DAY1, DAY2, DAY3 = "2026-03-01", "2026-03-02", "2026-03-03"
KEYS = {"fct_calls": "entered_date"}


def test_a_changed_day_is_the_only_one_rewritten(tmp_path):
    from datetime import date

    warehouse, serving = tmp_path / "wh.duckdb", tmp_path / "serving.duckdb"
    base = [(DAY1, "a", 10), (DAY1, "b", 20), (DAY2, "c", 30), (DAY3, "d", 40), (None, "e", 50)]
    _calls(warehouse, base)
    assert publish(warehouse, serving, day_keys=KEYS)["written"] == {"fct_calls": "copied", "kpi_line_daily": "copied"}
    # nothing changed: nothing rewritten
    assert set(publish(warehouse, serving, day_keys=KEYS)["written"].values()) == {"unchanged"}
    # day 2 gets a duplicate of its row (a multiset change: same values, one more row), day 3 a
    # changed wait; days 1 and the null day stay
    _calls(warehouse, base[:3] + [(DAY2, "c", 30), (DAY3, "d", 41), (None, "e", 50)])
    written = publish(warehouse, serving, day_keys=KEYS)["written"]
    assert written == {"fct_calls": "2 of 4 days", "kpi_line_daily": "copied"}
    d1, d2, d3 = (date.fromisoformat(d) for d in (DAY1, DAY2, DAY3))
    assert _rows(serving, "fct_calls") == sorted(
        [(d1, "a", 10), (d1, "b", 20), (d2, "c", 30), (d2, "c", 30), (d3, "d", 41), (None, "e", 50)], key=repr)
    assert _rows(serving, "kpi_line_daily") == [(6,)]
    # a row of the null day changes: that "day" is replaced too, the others kept
    _calls(warehouse, base[:3] + [(DAY2, "c", 30), (DAY3, "d", 41), (None, "e", 51)])
    assert publish(warehouse, serving, day_keys=KEYS)["written"]["fct_calls"] == "1 of 4 days"
    assert (None, "e", 51) in _rows(serving, "fct_calls") and (None, "e", 50) not in _rows(serving, "fct_calls")


def test_most_days_changed_a_new_column_or_a_dropped_mart_rewrite_the_table(tmp_path):
    warehouse, serving = tmp_path / "wh.duckdb", tmp_path / "serving.duckdb"
    _calls(warehouse, [(DAY1, "a", 1), (DAY2, "b", 2), (DAY3, "c", 3)])
    publish(warehouse, serving, day_keys=KEYS)
    # two of three days differ: past half of the days, the table is copied whole
    _calls(warehouse, [(DAY1, "a", 1), (DAY2, "b", 9), (DAY3, "c", 9)])
    assert publish(warehouse, serving, day_keys=KEYS)["written"]["fct_calls"] == "copied"
    with duckdb.connect(str(warehouse)) as db:
        db.execute("alter table main.fct_calls add column talk integer default 7")
        db.execute("drop table main.kpi_line_daily")
    result = publish(warehouse, serving, day_keys=KEYS)
    assert result["written"] == {"fct_calls": "copied"}
    with duckdb.connect(str(serving), read_only=True) as db:
        assert {r[0] for r in db.execute("select table_name from duckdb_tables()").fetchall()} == {
            "fct_calls", "publish_log"}
        assert db.execute("select sum(talk) from fct_calls").fetchone() == (21,)


def test_a_serving_copy_that_does_not_open_is_written_from_scratch(tmp_path):
    warehouse, serving = tmp_path / "wh.duckdb", tmp_path / "serving.duckdb"
    _calls(warehouse, [(DAY1, "a", 1)])
    serving.write_bytes(b"not a database")
    assert publish(warehouse, serving, day_keys=KEYS)["written"]["fct_calls"] == "copied"
    assert _rows(serving, "kpi_line_daily") == [(1,)]
    assert not list(tmp_path.glob(".serving.duckdb.*"))
