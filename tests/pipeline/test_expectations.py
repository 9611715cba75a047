"""The Great Expectations suite on raw queue_log batches: one batch per local day, and a
batch that breaks the rules fails the expectation it breaks."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from checks.queue_log_expectations import validate_days
from ingestion.raw_schema import ensure_raw_schema

ZONE = "America/Argentina/Buenos_Aires"


def _insert(con, rows):
    con.executemany(
        "insert into raw.asterisk_queue_log (file_path, line_no, event_time_utc, callid, queuename, "
        "agent, event, is_known_event) values (?, ?, ?, ?, ?, ?, ?, true)", rows)


@pytest.mark.parametrize("days_per_fetch", [31, 2, 1])
def test_each_local_day_is_its_own_batch(monkeypatch, days_per_fetch):
    # the days come from DuckDB a few at a time: a fetch boundary between the days changes nothing
    monkeypatch.setattr("checks.queue_log_expectations.DAYS_PER_FETCH", days_per_fetch)
    con = duckdb.connect()
    ensure_raw_schema(con)
    _insert(con, [
        ("f", 1, datetime(2024, 3, 2, 2, 0), "c1", "q", "NONE", "ENTERQUEUE"),   # 1 March local
        ("f", 2, datetime(2024, 3, 2, 4, 0), "c2", "q", "NONE", "ENTERQUEUE"),   # 2 March local
        ("f", 3, datetime(2024, 3, 2, 5, 0), "c2", "q", "NONE", "ABANDON"),
    ])
    results = validate_days(con, [date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)], ZONE)
    assert [(r.day, r.rows, r.success) for r in results] == [
        (date(2024, 3, 1), 1, True), (date(2024, 3, 2), 2, True), (date(2024, 3, 3), 0, True)]


def test_a_bad_day_fails_the_expectations_it_breaks():
    con = duckdb.connect()
    ensure_raw_schema(con)
    # the table's key forbids duplicates; copy to a keyless table to simulate a broken load
    con.execute("create table raw.tmp as select * from raw.asterisk_queue_log")
    con.execute("drop table raw.asterisk_queue_log")
    con.execute("alter table raw.tmp rename to asterisk_queue_log")
    _insert(con, [
        ("f", 1, datetime(2024, 3, 2, 14, 0), "c1", "q", "NONE", "ENTERQUEUE"),
        ("f", 1, datetime(2024, 3, 2, 14, 0), None, "q", "NONE", "ENTERQUEUE"),
        ("f", 2, datetime(2024, 3, 2, 14, 1), "c1", "q", "NONE", "NOT AN EVENT!"),
    ])
    [result] = validate_days(con, [date(2024, 3, 2)], ZONE)
    assert not result.success
    assert set(result.failed_expectations) == {
        "expect_compound_columns_to_be_unique", "expect_column_values_to_match_regex",
        "expect_column_values_to_not_be_null"}


def test_queued_days_are_validated_once_then_leave_the_queue():
    from checks.asset_checks import expectations_on_queued_days, queue_days_to_validate

    con = duckdb.connect()
    ensure_raw_schema(con)
    _insert(con, [
        ("f", 1, datetime(2024, 3, 2, 4, 0), "c1", "q", "NONE", "ENTERQUEUE"),   # 2 March local
        ("f", 2, datetime(2024, 3, 3, 4, 0), None, "q", "NONE", "ENTERQUEUE"),   # 3 March: no callid
    ])
    # two loads queue their days (one twice); nothing validated yet
    queue_days_to_validate(con, [date(2024, 3, 2), date(2024, 3, 3)])
    queue_days_to_validate(con, [date(2024, 3, 3)])
    queue_days_to_validate(con, [])
    result = expectations_on_queued_days(con, ZONE)
    assert result.metadata["days_validated"].value == 2 and result.metadata["rows_validated"].value == 2
    assert not result.passed and result.metadata["days_failed"].value == 1
    assert con.execute("select count(*) from raw.queue_log_days_to_validate").fetchone() == (0,)
    # the next run, with no new lines, validates nothing (and passes)
    again = expectations_on_queued_days(con, ZONE)
    assert again.passed and again.metadata["days_validated"].value == 0


def test_the_expectations_check_runs_after_the_publish():
    from assets.definitions import defs

    job = defs.resolve_job_def("warehouse_job")
    upstream = job.graph.dependency_structure.all_upstream_outputs_from_node(
        "raw__asterisk_queue_log_queue_log_expectations")
    assert "serving_database" in {output.node_name for output in upstream}
