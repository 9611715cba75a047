"""The Hoy page's queries over the serving copy: the end of the queue_log data and the calls
waiting then (kpi_line_now), the data's today, and the hours in which calls usually arrive.

The day's KPIs, its intervals, the lines and the publication time are the Resumen page's
queries (resumen_queries), read for the data's today: one definition of each figure.
Every read goes through the serving connection's cache, keyed on the published file's
identity, so the page's periodic refresh costs a stat() until a new copy is published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dashboards.app_pages import resumen_queries
from dashboards.serving import ServingConnection
from presentation.marts import typed

NOW_TABLE = "kpi_line_now"
NOW_COLUMNS = typed(NOW_TABLE, (
    "data_end_local",
    "data_end_utc",
    "data_end_date",
    "waiting_calls",
    "longest_wait_seconds",
))
# The recent days whose busy hours say when calls are expected (a week: every weekday once).
USUAL_HOURS_DAYS = 7


def has_now(conn: ServingConnection) -> bool:
    """Whether the copy publishes kpi_line_now (one published before it existed does not)."""
    return NOW_TABLE in conn.schema()


def now_by_line(conn: ServingConnection) -> dict[str, dict[str, Any]]:
    """kpi_line_now's row of each queue line; empty when the copy lacks the table."""
    if not has_now(conn):
        return {}
    sql = f"SELECT line_code, {conn.columns(NOW_TABLE, NOW_COLUMNS)} FROM {NOW_TABLE}"
    return {row["line_code"]: row for row in conn.records(sql)}


def data_end(now: dict[str, dict[str, Any]]) -> dict[str, dt.datetime] | None:
    """The instant the queue_log data ends, {'local', 'utc'} as naive timestamps (one value
    for every line of kpi_line_now); None when it is unknown."""
    ends = {(row["data_end_local"], row["data_end_utc"]) for row in now.values()}
    ends.discard((None, None))
    if len(ends) != 1:
        return None
    local, utc = ends.pop()
    if local is None or utc is None:
        return None
    return {"local": pd.Timestamp(local).to_pydatetime(), "utc": pd.Timestamp(utc).to_pydatetime()}


def data_today(conn: ServingConnection, end: dict[str, dt.datetime] | None) -> dt.date | None:
    """The data's today: the local day of the queue_log's last event; without it (a copy
    before kpi_line_now), the last day with any activity, else the last day of the KPIs."""
    if end is not None:
        return end["local"].date()
    bounds = resumen_queries.date_bounds(conn)
    return bounds["last_date_with_activity"] or bounds["last_date"]


def usual_hours(conn: ServingConnection, day: dt.date) -> set[int]:
    """Local hours (0-23) in which some line was offered calls on the USUAL_HOURS_DAYS days
    up to `day`: when a silent queue_log means a stalled load rather than a quiet line."""
    sql = """
        SELECT DISTINCT hour(interval_start) AS hour
        FROM kpi_line_interval
        WHERE report_date BETWEEN $first AND $day AND offered > 0
    """
    first = day - dt.timedelta(days=USUAL_HOURS_DAYS - 1)
    return {int(row["hour"]) for row in conn.records(sql, {"first": first, "day": day})}
