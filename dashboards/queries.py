"""Read-only data access to the serving DuckDB file.

Every query opens its own read-only connection: the pipeline publishes a new
serving copy by atomically replacing the file, and a long-lived connection would
keep reading the old (unlinked) copy. Cached results are keyed on the file's
identity (inode, mtime, size) besides the TTL, so a new publication shows up at
once instead of after the TTL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards.formatting import is_missing
from ingestion.settings import serving_db

CACHE_TTL_SECONDS = 300
# Calls of queues no contract line claims (config/contract.yml `unmapped_line`).
UNMAPPED_LINE = "sin_mapear"
REQUIRED_TABLES = ("kpi_line_daily", "kpi_line_interval", "dim_lines")


class ServingUnavailable(Exception):
    """The serving copy is missing or does not hold the tables the app reads."""


def _db_key() -> tuple[str, tuple[int, int, int]]:
    path = serving_db()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ServingUnavailable(f"no existe {path}") from None
    # An atomic replace gives a new inode even when the mtime looks unchanged.
    return str(path), (info.st_ino, info.st_mtime_ns, info.st_size)


def _fetch(
    db_path: str, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> pd.DataFrame:
    try:
        with duckdb.connect(db_path, read_only=True) as con:
            return con.execute(sql, params).df()
    except duckdb.CatalogException as exc:
        raise ServingUnavailable(str(exc)) from exc
    except duckdb.IOException as exc:
        # Also raised when the file vanished between stat() and connect().
        raise ServingUnavailable(str(exc)) from exc


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    # NaN -> None so callers test one kind of "missing".
    return [
        {k: (None if is_missing(v) else v) for k, v in row.items()}
        for row in df.to_dict(orient="records")
    ]


def check_available() -> None:
    """Raise ServingUnavailable unless the file exists and has the KPI tables."""
    db_path, version = _db_key()
    missing = _missing_tables(db_path, version)
    if missing:
        raise ServingUnavailable("faltan tablas: " + ", ".join(missing))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _missing_tables(db_path: str, version: tuple[int, int, int]) -> list[str]:
    found = _fetch(
        db_path,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name IN (SELECT unnest($names))",
        {"names": list(REQUIRED_TABLES)},
    )["table_name"].tolist()
    return [t for t in REQUIRED_TABLES if t not in found]


# ---------------------------------------------------------------- date range


def date_bounds() -> dict[str, dt.date | None]:
    """First and last report_date, and the last one on which any call was offered."""
    return _date_bounds(*_db_key())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _date_bounds(
    db_path: str, version: tuple[int, int, int]
) -> dict[str, dt.date | None]:
    row = _records(
        _fetch(
            db_path,
            "SELECT min(report_date) AS first_date, max(report_date) AS last_date, "
            "max(report_date) FILTER (WHERE offered > 0) AS last_date_with_calls "
            "FROM kpi_line_daily",
        )
    )[0]
    return {k: _as_date(v) for k, v in row.items()}


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    return pd.Timestamp(value).date()


# ---------------------------------------------------------------- lines


def lines() -> list[dict[str, Any]]:
    """Lines to show, contract lines first, then lines only seen in the KPIs; the
    unmapped-queues line only when some call actually fell into it."""
    return _lines(*_db_key())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _lines(db_path: str, version: tuple[int, int, int]) -> list[dict[str, Any]]:
    sql = """
        WITH seen AS (
            SELECT line_code, arg_max(line_name, report_date) AS line_name,
                   sum(offered) AS offered
            FROM kpi_line_daily GROUP BY line_code
        )
        SELECT
            coalesce(d.line_code, s.line_code) AS line_code,
            coalesce(d.line_name, s.line_name, coalesce(d.line_code, s.line_code)) AS line_name,
            d.line_code IS NOT NULL AS in_contract,
            d.service_level_seconds,
            d.service_level_target,
            d.asa_target_seconds,
            d.abandon_rate_target
        FROM dim_lines AS d
        FULL OUTER JOIN seen AS s ON s.line_code = d.line_code
        WHERE coalesce(d.line_code, s.line_code) <> $unmapped OR coalesce(s.offered, 0) > 0
        ORDER BY
            coalesce(d.line_code, s.line_code) = $unmapped,
            d.line_code IS NULL,
            coalesce(d.line_code, s.line_code)
    """
    return _records(_fetch(db_path, sql, {"unmapped": UNMAPPED_LINE}))


# ---------------------------------------------------------------- KPIs


def period_kpis(start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    """KPIs per line_code over report_date in [start, end], both inclusive.

    Ratios are ratios of sums over the days, never averages of daily ratios, so a
    one-day period gives the daily figures and a longer one the contract's
    month-to-date figures.
    """
    rows = _period_kpis(*_db_key(), start, end)
    return {row["line_code"]: row for row in rows}


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _period_kpis(
    db_path: str, version: tuple[int, int, int], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    sql = """
        SELECT
            line_code,
            sum(offered) AS offered,
            sum(answered) AS answered,
            sum(abandoned) AS abandoned,
            sum(short_abandoned) AS short_abandoned,
            sum(abandoned_not_short) AS abandoned_not_short,
            sum(answered_within_threshold) AS answered_within_threshold,
            sum(service_level_denominator_calls) AS service_level_denominator_calls,
            sum(answered_within_threshold)::DOUBLE
                / nullif(sum(service_level_denominator_calls), 0) AS service_level,
            sum(total_answer_wait_seconds)::DOUBLE / nullif(sum(answered), 0) AS asa_seconds,
            -- offered minus short abandons, whatever the line's SL denominator variant
            sum(abandoned_not_short)::DOUBLE
                / nullif(sum(offered) - sum(short_abandoned), 0) AS abandon_rate,
            -- targets in force on the last day of the period
            arg_max(service_level_seconds, report_date) AS service_level_seconds,
            arg_max(service_level_target, report_date) AS service_level_target,
            arg_max(asa_target_seconds, report_date) AS asa_target_seconds,
            arg_max(abandon_rate_target, report_date) AS abandon_rate_target,
            count(*) AS days
        FROM kpi_line_daily
        WHERE report_date BETWEEN $start AND $end
        GROUP BY line_code
    """
    return _records(_fetch(db_path, sql, {"start": start, "end": end}))


def interval_kpis(day: dt.date) -> pd.DataFrame:
    """The day's 30-minute intervals, all lines, ordered by line and time."""
    return _interval_kpis(*_db_key(), day)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _interval_kpis(
    db_path: str, version: tuple[int, int, int], day: dt.date
) -> pd.DataFrame:
    sql = """
        SELECT line_code, interval_start, offered, answered, service_level,
               service_level_target
        FROM kpi_line_interval
        WHERE report_date = $day
        ORDER BY line_code, interval_start
    """
    return _fetch(db_path, sql, {"day": day})


# ---------------------------------------------------------------- freshness


def published_at() -> str | None:
    """When the serving copy was published, 'dd/mm/yyyy hh:mm' in Buenos Aires
    time, or None when the pipeline keeps no publish_log."""
    return _published_at(*_db_key())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _published_at(db_path: str, version: tuple[int, int, int]) -> str | None:
    col = _fetch(
        db_path,
        "SELECT data_type FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = 'publish_log' AND column_name = 'published_at'",
    )
    if col.empty:
        return None
    data_type = str(col["data_type"].iloc[0]).upper()
    if "TIME ZONE" in data_type:
        value = "timezone('America/Argentina/Buenos_Aires', max(published_at))"
    elif data_type.startswith("TIMESTAMP") or data_type == "DATE":
        value = "max(published_at)"
    else:
        value = "try_cast(max(published_at) AS TIMESTAMP)"
    sql = f"SELECT strftime({value}, '%d/%m/%Y %H:%M') AS at FROM publish_log"
    try:
        row = _records(_fetch(db_path, sql))
    except (duckdb.Error, ServingUnavailable):
        # Freshness is a nicety: an odd publish_log must not break the page.
        return None
    return row[0]["at"] if row else None
