"""The app's connection to the serving copy (dashboards/serving.py): an `st.connection` of a
BaseConnection, read-only, whose one cached query is keyed on the file's identity."""

import os
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.connections import BaseConnection

from dashboards import serving as serving_module
from dashboards.serving import ServingConnection, ServingUnavailable, serving
from tests.dashboards import dashboard_fixtures as fx

COUNT_SQL = "SELECT count(*) AS n FROM kpi_line_daily"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = fx.build_serving_db(tmp_path / "serving.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    return path


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Paths DuckDB is opened on read-only (the app's reads, not the tests' writes), in order."""
    calls: list[str] = []
    real = duckdb.connect

    def counting(database, *args, **kwargs):
        if kwargs.get("read_only"):
            calls.append(str(database))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(serving_module.duckdb, "connect", counting)
    return calls


def test_serving_is_one_st_connection_per_published_path(db, tmp_path, monkeypatch):
    conn = serving()
    assert isinstance(conn, ServingConnection) and isinstance(conn, BaseConnection)
    assert conn.database == db
    assert serving() is conn  # st.connection caches it
    other = fx.build_serving_db(tmp_path / "other.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(other))
    assert serving() is not conn
    assert serving().database == other


def test_a_query_is_cached_until_the_file_changes(db, opened):
    st.cache_data.clear()
    conn = serving()
    first = conn.query(COUNT_SQL)
    assert conn.query(COUNT_SQL).equals(first)
    assert opened == [str(db)]  # the second read came from the cache
    # parameters are part of the key
    sql = "SELECT count(*) AS n FROM kpi_line_daily WHERE report_date = $day"
    assert conn.query(sql, {"day": fx.LATEST_DAY})["n"].iloc[0] < first["n"].iloc[0]
    assert opened == [str(db)] * 2
    # a write changes the file's identity: the next read opens the file again
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM kpi_line_daily WHERE report_date = ?", [fx.LATEST_DAY])
        con.execute("CHECKPOINT")
    assert conn.query(COUNT_SQL)["n"].iloc[0] < first["n"].iloc[0]
    assert opened == [str(db)] * 3


def test_a_republished_file_with_the_old_mtime_is_a_new_cache_entry(db, tmp_path):
    conn = serving()
    before = conn.identity()
    new = fx.build_serving_db(tmp_path / "new.duckdb")
    old = db.stat()
    os.utime(new, ns=(old.st_atime_ns, old.st_mtime_ns))
    os.replace(new, db)
    assert conn.identity() != before  # the inode tells them apart


def test_queries_cannot_write(db):
    conn = serving()
    with pytest.raises(duckdb.Error, match="read-only"):
        conn.query("CREATE TABLE intruder (a INTEGER)")
    with conn.read_only() as con, pytest.raises(duckdb.Error, match="read-only"):
        con.execute("DELETE FROM kpi_line_daily")
    assert "intruder" not in conn.schema()


def test_a_missing_file_is_unavailable_and_never_created(tmp_path, monkeypatch):
    missing = tmp_path / "nope.duckdb"
    monkeypatch.setenv("SLA_SERVING_DB", str(missing))
    conn = serving()
    with pytest.raises(ServingUnavailable, match="no existe"):
        conn.query(COUNT_SQL)
    with pytest.raises(ServingUnavailable, match="no existe"), conn.read_only():
        pass
    assert not missing.exists()


def test_a_missing_table_is_unavailable_and_absent_columns_read_as_null(db):
    conn = serving()
    with pytest.raises(ServingUnavailable):
        conn.query("SELECT * FROM no_such_table")
    with pytest.raises(ServingUnavailable, match="faltan tablas: no_such_table"):
        conn.require(("kpi_line_daily", "no_such_table"))
    select = conn.columns("kpi_line_daily", {"offered": "BIGINT", "not_yet_published": "DOUBLE"})
    assert select == "offered, CAST(NULL AS DOUBLE) AS not_yet_published"
    assert conn.columns("no_such_table", {"a": "INTEGER"}) == "CAST(NULL AS INTEGER) AS a"
