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


@pytest.mark.parametrize(("days_per_fetch", "rows_per_fetch"), [(31, 500_000), (2, 500_000), (1, 500_000), (31, 1)])
def test_each_local_day_is_its_own_batch(monkeypatch, days_per_fetch, rows_per_fetch):
    # the days come from DuckDB a few at a time: a batch boundary between the days changes nothing
    monkeypatch.setattr("checks.queue_log_expectations.DAYS_PER_FETCH", days_per_fetch)
    monkeypatch.setattr("checks.queue_log_expectations.ROWS_PER_FETCH", rows_per_fetch)
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


@pytest.mark.parametrize("days_per_fetch", [31, 1])
def test_a_day_of_mostly_unknown_events_fails_though_its_month_is_mostly_known(monkeypatch, days_per_fetch):
    """The days are validated a month per batch: the share of known events must still be
    each day's (3 March: 1 known event of 4), not the month's (21 of 24); 2 March's share is
    exactly the half, which holds."""
    monkeypatch.setattr("checks.queue_log_expectations.DAYS_PER_FETCH", days_per_fetch)
    con = duckdb.connect()
    ensure_raw_schema(con)
    rows, line = [], 0
    for day, events in ((1, ["ENTERQUEUE"] * 10), (2, ["ENTERQUEUE"] * 5 + ["VENDOR_X"] * 5),
                        (3, ["ENTERQUEUE"] + ["VENDOR_X"] * 3)):
        for minute, event in enumerate(events):
            line += 1
            rows.append(("f", line, datetime(2024, 3, day, 15, minute), f"c{line}", "q", "NONE", event))
    _insert(con, rows)
    results = validate_days(con, [date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)], ZONE)
    assert [(r.day.day, r.rows, r.success, r.failed_expectations) for r in results] == [
        (1, 10, True, []), (2, 10, True, []), (3, 4, False, ["expect_column_values_to_be_in_set"])]
    # 16 known events of 24: the month alone would pass
    assert 16 / 24 >= 0.5


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


def test_batches_hold_at_most_the_row_budget_and_a_big_day_alone(monkeypatch):
    from checks.queue_log_expectations import _batches, _day_counts

    monkeypatch.setattr("checks.queue_log_expectations.ROWS_PER_FETCH", 5)
    con = duckdb.connect()
    ensure_raw_schema(con)
    rows, line = [], 0
    for day, n in ((1, 3), (2, 2), (3, 1), (5, 7), (6, 1)):  # 4 March: no line
        for minute in range(n):
            line += 1
            rows.append(("f", line, datetime(2024, 3, day, 15, minute), f"c{line}", "q", "NONE", "ENTERQUEUE"))
    _insert(con, rows)
    days = [date(2024, 3, d) for d in range(1, 7)]
    counts = _day_counts(con, days, ZONE)
    assert counts[date(2024, 3, 5)] == (7, 7) and date(2024, 3, 4) not in counts
    assert [[d.day for d in batch] for batch in _batches(days, counts)] == [[1, 2], [3, 4], [5], [6]]
