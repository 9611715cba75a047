"""A missing day's queue_log changes nothing outside the days it touches.

One simulated operation, 22 September to 3 October 2026 (queue_log only, no outage, no PBX
crash), is built twice: whole, and without `queue_log-20261001`. Agents work shifts across
midnight, so logins of 30 September end in the missing file and logouts of 2 October begin
in it. Agent time is built from evidence near in time (int_agent_state_segments): the
sessions are cut at the midnights around the gap, so:

- every agent-interval outside 1 October has the same logged-in and paused seconds, and
  every staffed interval outside it the same positions staffed (talk time at the gap's edges
  may differ: a call answered on 30 September that ended on 1 October has no known end);
- September's staffing term (numerator and denominator) is the same;
- no session is longer than the longest shift (12 h): before this, an agent whose
  REMOVEMEMBER was lost counted as logged in until his next one, days later;
- 1 October is not covered, and 30 September and 2 October, whose sessions were cut or
  taken up at the gap, are named as not complete (data_quality_daily.agent_sessions_inferred);
  so are 24 to 30 September, whose answered calls' 7-day repeat windows reach the missing day
  (data_quality_daily.calls_repeat_unknown: whether the caller called again is unknown);
- on every day the holed build names complete, the daily KPIs, service level and agent
  intervals are those of the whole build.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import build_warehouse

END = dt.date(2026, 10, 3)
GAP = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    from simulator import generate

    root = tmp_path_factory.mktemp("file_gaps")
    whole = root / "whole"
    generate(whole / "queue_log", days=12, end=END, seed=20130527, outage_days=0, crashes=0, sources=False)
    holed = root / "holed"
    shutil.copytree(whole, holed)
    (holed / "queue_log" / f"queue_log-{GAP:%Y%m%d}").unlink()
    warehouses = []
    for landing in (whole, holed):
        warehouse = root / f"{landing.name}.duckdb"
        build_warehouse(warehouse, landing)
        warehouses.append(warehouse)
    return warehouses[0], warehouses[1]


def _both(builds, sql: str) -> tuple[list, list]:
    results = []
    for warehouse in builds:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            results.append(sorted(con.execute(sql).fetchall()))
    return results[0], results[1]


def test_agent_time_outside_the_missing_day_is_unchanged(builds):
    whole, holed = _both(builds, f"""
        select line_code, agent, interval_start, logged_in_seconds, paused_seconds
        from fct_agent_intervals where report_date <> date '{GAP}'""")
    assert len(whole) > 1000
    assert whole == holed


def test_agents_cross_the_gap_so_the_test_means_something(builds):
    whole, _ = _both(builds, """
        select count(*) from fct_agent_sessions
        where login_date = date '2026-09-30' and logout_at_local > timestamp '2026-10-01 00:00:00'""")
    assert whole[0][0] > 0
    whole, _ = _both(builds, """
        select count(*) from fct_agent_sessions
        where login_at_local < timestamp '2026-10-02 00:00:00' and logout_at_local > timestamp '2026-10-02 00:00:00'""")
    assert whole[0][0] > 0


def test_positions_staffed_outside_the_missing_day_are_unchanged(builds):
    whole, holed = _both(builds, f"""
        select line_code, interval_start, positions_staffed, staffed_position_seconds, contracted_positions
        from staffing_interval where report_date <> date '{GAP}'""")
    assert whole == holed


def test_september_staffing_term_is_unchanged(builds):
    whole, holed = _both(builds, """
        select line_code, term_code, raw_numerator, raw_denominator, adjusted_numerator, adjusted_denominator
        from sla_compliance_monthly
        where report_month = date '2026-09-01' and term_code = 'staffed_positions'""")
    assert whole and whole == holed


def test_no_session_outlasts_the_longest_shift(builds):
    _, holed = _both(builds, "select max(logged_in_seconds) from fct_agent_sessions")
    assert holed[0][0] <= 12 * 3600


def test_the_days_the_gap_touches_are_named_incomplete(builds):
    _, holed = _both(builds, """
        select cast(report_date as varchar), is_covered, is_complete, agent_sessions_inferred > 0,
            calls_repeat_unknown > 0
        from data_quality_daily
        where source = 'asterisk_queue_log' and report_date between date '2026-09-22' and date '2026-10-03'""")
    assert holed == [
        ("2026-09-22", True, True, False, False),
        ("2026-09-23", True, True, False, False),
        ("2026-09-24", True, False, False, True),
        ("2026-09-25", True, False, False, True),
        ("2026-09-26", True, False, False, True),
        ("2026-09-27", True, False, False, True),
        ("2026-09-28", True, False, False, True),
        ("2026-09-29", True, False, False, True),
        ("2026-09-30", True, False, True, True),
        ("2026-10-01", False, False, False, False),
        ("2026-10-02", True, False, True, False),
        ("2026-10-03", True, True, False, False),
    ]
    whole, _ = _both(builds, """
        select count(*) from fct_agent_sessions
        where login_evidence not in ('ADDMEMBER', 'data_start') or logout_evidence not in ('REMOVEMEMBER', 'data_end')""")
    assert whole[0][0] == 0
    whole, _ = _both(builds, "select count(*) from data_quality_daily where not is_complete")
    assert whole[0][0] == 0


@pytest.mark.parametrize("mart, day_column, columns", [
    ("kpi_line_daily", "report_date", "*"),
    ("sla_compliance_daily", "report_date", "*"),
    ("fct_agent_intervals", "report_date", "*"),
    # the usual handling time is a mean over the 28 days before the day, the gap among them
    ("staffing_interval", "report_date", "* exclude (usual_aht_seconds, positions_required_usual_aht, miss_cause)"),
])
def test_days_named_complete_keep_every_figure(builds, mart, day_column, columns):
    _, days = _both(builds, """
        select cast(report_date as varchar) from data_quality_daily
        where source = 'asterisk_queue_log' and is_complete""")
    # 22 and 23 September, 3 October and the calls and shifts running past its midnight
    assert [day for (day,) in days] == ["2026-09-22", "2026-09-23", "2026-10-03", "2026-10-04"]
    in_days = ", ".join(f"date '{day}'" for (day,) in days)
    whole, holed = _both(builds, f"select {columns} from {mart} where {day_column} in ({in_days})")
    assert whole and whole == holed
