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


def test_the_days_of_new_loads_are_validated_once(tmp_path):
    """What is left to validate follows from the loads themselves (written in their own
    transaction): a load whose check never ran (a crash after it) is validated by the next
    check; a file reloaded whole is validated again; an append adds only its own days."""
    from checks.asset_checks import expectations_on_new_loads, unvalidated_days
    from ingestion import queue_log
    from ingestion.sources import load_source

    T = 1709352000  # 2024-03-02 04:00 UTC, 2 March local
    day = 86400
    landing = tmp_path / "landing"
    landing.mkdir()
    con = duckdb.connect()
    log = landing / "queue_log"
    log.write_text(f"{T}|c1|q|NONE|ENTERQUEUE||1|1\n")
    load_source(con, landing, queue_log.SOURCE_SPEC)
    # a second load before any check ran (the first run stopped after its load)
    log.write_text(f"{T}|c1|q|NONE|ENTERQUEUE||1|1\n{T + day}|c2|q|NONE|ENTERQUEUE||1|1\n")
    load_source(con, landing, queue_log.SOURCE_SPEC)
    assert unvalidated_days(con, ZONE) == [date(2024, 3, 2), date(2024, 3, 3)]
    result = expectations_on_new_loads(con, ZONE)
    assert result.passed and result.metadata["days_validated"].value == 2
    assert result.metadata["rows_validated"].value == 2
    # nothing new: nothing to validate
    assert unvalidated_days(con, ZONE) == []
    assert expectations_on_new_loads(con, ZONE).metadata["days_validated"].value == 0
    # an append: its day only; 4 March holds only an event the suite does not know
    log.write_text(log.read_text() + f"{T + 2 * day}|c3|q|NONE|VENDOR_X|1|1\n")
    load_source(con, landing, queue_log.SOURCE_SPEC)
    assert unvalidated_days(con, ZONE) == [date(2024, 3, 4)]
    failed = expectations_on_new_loads(con, ZONE)
    assert not failed.passed and failed.metadata["days_failed"].value == 1
    # the file changed at its start: reloaded whole, so every day of it is new again
    log.write_text(log.read_text().replace("|c1|", "|c0|"))
    load_source(con, landing, queue_log.SOURCE_SPEC)
    assert unvalidated_days(con, ZONE) == [date(2024, 3, 2), date(2024, 3, 3), date(2024, 3, 4)]
    expectations_on_new_loads(con, ZONE)
    assert unvalidated_days(con, ZONE) == []
    # the marks of replaced loads are dropped: one per live load
    assert con.execute("select count(*) from raw.queue_log_loads_validated").fetchone() == (1,)


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
