"""Read-only data access to the serving DuckDB file.

Every query opens its own read-only connection: the pipeline publishes a new
serving copy by atomically replacing the file, and a long-lived connection would
keep reading the old (unlinked) copy. Cached results are keyed on the file's
identity (inode, mtime, size) besides the TTL, so a new publication shows up at
once instead of after the TTL.

The serving copy may predate a column family (outbound, back office, social): the
columns a table lacks are read as NULL (`_columns`), so an older copy still shows
its inbound lines instead of failing. Column names in the SQL come only from the
constants of this module; values are always bound parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards.cards import DEFAULT_DIRECTION
from dashboards.formatting import is_missing
from ingestion.settings import serving_db

CACHE_TTL_SECONDS = 300
# Calls of queues no contract line claims (config/contract.yml `unmapped_line`).
UNMAPPED_LINE = "sin_mapear"
REQUIRED_TABLES = ("kpi_line_daily", "kpi_line_interval", "dim_lines")
TIER_TABLE = "kpi_social_tier_daily"
# Display order of the line families (dim_lines.direction); unknown ones go last.
DIRECTIONS = ("inbound", "outbound", "backoffice", "social")
INFLUENCE_TIERS = ("alto", "medio", "bajo")

# Flows: summed over the days of a period.
SUM_COLUMNS = {
    # inbound
    "offered": "BIGINT",
    "answered": "BIGINT",
    "abandoned": "BIGINT",
    "short_abandoned": "BIGINT",
    "abandoned_not_short": "BIGINT",
    "answered_within_threshold": "BIGINT",
    "service_level_denominator_calls": "BIGINT",
    "total_answer_wait_seconds": "DOUBLE",
    "answered_identified": "BIGINT",
    "repeat_contacts": "BIGINT",
    # outbound
    "attempts": "BIGINT",
    "contacts": "BIGINT",
    "retention_closed": "BIGINT",
    "retained": "BIGINT",
    "cancelled": "BIGINT",
    # back office (also social lines' CRM cases)
    "cases_in": "BIGINT",
    "cases_resolved": "BIGINT",
    "resolved_with_target": "BIGINT",
    "resolved_within_target": "BIGINT",
    "first_responses": "BIGINT",
    "first_response_business_seconds_total": "DOUBLE",
    "reopened": "BIGINT",
    # social
    "interactions": "BIGINT",
    "responded": "BIGINT",
    "responded_within_target": "BIGINT",
    "social_first_response_business_seconds_total": "DOUBLE",
    "hidden": "BIGINT",
    "escalated": "BIGINT",
}
# Stocks: the value at the end of the period (its last day), never a sum.
STOCK_COLUMNS = {
    "backlog_end": "BIGINT",
    "backlog_age_0_8h": "BIGINT",
    "backlog_age_8_24h": "BIGINT",
    "backlog_age_24_72h": "BIGINT",
    "backlog_age_over_72h": "BIGINT",
}
# Targets: those in force on the last day of the period.
TARGET_COLUMNS = {
    "service_level_seconds": "INTEGER",
    "service_level_target": "DOUBLE",
    "asa_target_seconds": "DOUBLE",
    "abandon_rate_target": "DOUBLE",
    "contact_rate_target": "DOUBLE",
    "retention_rate_target": "DOUBLE",
    "resolution_target_share": "DOUBLE",
    "first_response_target_share": "DOUBLE",
}
# Ratios of the period: sum of numerators / sum of denominators, never the mean
# of daily ratios.
RATIOS = {
    "service_level": ("sum(answered_within_threshold)", "sum(service_level_denominator_calls)"),
    "asa_seconds": ("sum(total_answer_wait_seconds)", "sum(answered)"),
    # offered minus short abandons, whatever the line's SL denominator variant
    "abandon_rate": ("sum(abandoned_not_short)", "sum(offered) - sum(short_abandoned)"),
    "repeat_contact_rate": ("sum(repeat_contacts)", "sum(answered_identified)"),
    "contact_rate": ("sum(contacts)", "sum(attempts)"),
    "retention_rate": ("sum(retained)", "sum(retention_closed)"),
    # measured on the cases that have a target (a serving copy without the column: all resolved)
    "resolution_within_target_share": (
        "sum(resolved_within_target)", "coalesce(sum(resolved_with_target), sum(cases_resolved))"
    ),
    "reopen_rate": ("sum(reopened)", "sum(cases_resolved)"),
    # Each family's seconds over its own count: a social line also has CRM cases, whose
    # seconds stay out of the posts' average (a copy without the posts' total shows none).
    "case_first_response_avg_seconds": (
        "sum(first_response_business_seconds_total)",
        "sum(first_responses)",
    ),
    "social_first_response_avg_seconds": (
        "sum(social_first_response_business_seconds_total)",
        "sum(responded)",
    ),
    "first_response_within_target_share": ("sum(responded_within_target)", "sum(interactions)"),
    "hidden_share": ("sum(hidden)", "sum(interactions)"),
}
# What makes a day "active" for any family (the default day is the last active one).
ACTIVITY_COLUMNS = ("offered", "attempts", "cases_in", "interactions")
LINE_TARGET_COLUMNS = {
    **TARGET_COLUMNS,
    "repeat_contact_days": "INTEGER",
    "first_response_target_business_hours": "DOUBLE",
    "resolution_target_business_hours": "DOUBLE",
}


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
    schema = _schema(*_db_key())
    missing = [t for t in REQUIRED_TABLES if t not in schema]
    if missing:
        raise ServingUnavailable("faltan tablas: " + ", ".join(missing))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _schema(db_path: str, version: tuple[int, int, int]) -> dict[str, list[str]]:
    """Columns of each table of the serving copy."""
    df = _fetch(
        db_path,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position",
    )
    return {t: g["column_name"].tolist() for t, g in df.groupby("table_name", sort=False)}


def _columns(
    schema: dict[str, list[str]], table: str, wanted: dict[str, str]
) -> str:
    """Select list: each wanted column, or a typed NULL when the table lacks it."""
    have = set(schema.get(table, ()))
    return ", ".join(
        name if name in have else f"CAST(NULL AS {sql_type}) AS {name}"
        for name, sql_type in wanted.items()
    )


def _activity() -> str:
    return " + ".join(f"coalesce({c}, 0)" for c in ACTIVITY_COLUMNS)


def _activity_columns() -> dict[str, str]:
    return {c: SUM_COLUMNS[c] for c in ACTIVITY_COLUMNS}


# ---------------------------------------------------------------- date range


def date_bounds() -> dict[str, dt.date | None]:
    """First and last report_date, and the last one with any activity (calls
    offered, outbound attempts, cases in or social interactions)."""
    return _date_bounds(*_db_key())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _date_bounds(
    db_path: str, version: tuple[int, int, int]
) -> dict[str, dt.date | None]:
    schema = _schema(db_path, version)
    sql = f"""
        WITH days AS (
            SELECT report_date, {_columns(schema, "kpi_line_daily", _activity_columns())}
            FROM kpi_line_daily
        )
        SELECT min(report_date) AS first_date, max(report_date) AS last_date,
               max(report_date) FILTER (WHERE {_activity()} > 0) AS last_date_with_activity
        FROM days
    """
    row = _records(_fetch(db_path, sql))[0]
    return {k: _as_date(v) for k, v in row.items()}


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    return pd.Timestamp(value).date()


# ---------------------------------------------------------------- lines


def lines() -> list[dict[str, Any]]:
    """Lines to show, contract lines first (by family: inbound, outbound, back
    office, social), then lines only seen in the KPIs; the unmapped-queues line
    only when some activity actually fell into it.

    `direction` comes from dim_lines, else from the KPI rows, else inbound.
    """
    return _lines(*_db_key())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _lines(db_path: str, version: tuple[int, int, int]) -> list[dict[str, Any]]:
    schema = _schema(db_path, version)
    kpi_cols = _columns(
        schema, "kpi_line_daily", {"direction": "VARCHAR", **_activity_columns()}
    )
    dim_cols = _columns(
        schema, "dim_lines", {"direction": "VARCHAR", **LINE_TARGET_COLUMNS}
    )
    targets = ",\n".join(f"d.{c}" for c in LINE_TARGET_COLUMNS)
    sql = f"""
        WITH kpis AS (
            SELECT line_code, line_name, report_date, {kpi_cols} FROM kpi_line_daily
        ),
        seen AS (
            SELECT line_code, arg_max(line_name, report_date) AS line_name,
                   arg_max(direction, report_date) AS direction,
                   sum({_activity()}) AS activity
            FROM kpis GROUP BY line_code
        ),
        d AS (SELECT line_code, line_name, {dim_cols} FROM dim_lines),
        merged AS (
            SELECT
                coalesce(d.line_code, s.line_code) AS line_code,
                coalesce(d.line_name, s.line_name, coalesce(d.line_code, s.line_code))
                    AS line_name,
                coalesce(d.direction, s.direction, $default_direction) AS direction,
                d.line_code IS NOT NULL AS in_contract,
                coalesce(s.activity, 0) AS activity,
                {targets}
            FROM d
            FULL OUTER JOIN seen AS s ON s.line_code = d.line_code
        )
        SELECT * EXCLUDE (activity)
        FROM merged
        WHERE line_code <> $unmapped OR activity > 0
        ORDER BY
            line_code = $unmapped,
            NOT in_contract,
            coalesce(list_position($directions, direction), len($directions) + 1),
            line_code
    """
    params = {
        "unmapped": UNMAPPED_LINE,
        "directions": list(DIRECTIONS),
        "default_direction": DEFAULT_DIRECTION,
    }
    return _records(_fetch(db_path, sql, params))


# ---------------------------------------------------------------- KPIs


def period_kpis(start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    """KPIs per line_code over report_date in [start, end], both inclusive.

    Flows are summed; ratios are ratios of those sums, never averages of daily
    ratios, so a one-day period gives the daily figures and a longer one the
    contract's month-to-date figures. Stocks (backlog) are the value of the last
    day of the period with a row (`last_report_date`), never a sum.
    """
    rows = _period_kpis(*_db_key(), start, end)
    return {row["line_code"]: row for row in rows}


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _period_kpis(
    db_path: str, version: tuple[int, int, int], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    schema = _schema(db_path, version)
    cols = _columns(
        schema, "kpi_line_daily", {**SUM_COLUMNS, **STOCK_COLUMNS, **TARGET_COLUMNS}
    )
    aggregates = [f"sum({c}) AS {c}" for c in SUM_COLUMNS]
    # arg_max_null: a stock missing on the last day is missing, not an older value.
    aggregates += [f"arg_max_null({c}, report_date) AS {c}" for c in STOCK_COLUMNS]
    aggregates += [f"arg_max({c}, report_date) AS {c}" for c in TARGET_COLUMNS]
    aggregates += [
        f"({num})::DOUBLE / nullif({den}, 0) AS {name}"
        for name, (num, den) in RATIOS.items()
    ]
    select = ",\n            ".join(aggregates)
    sql = f"""
        WITH days AS (
            SELECT line_code, report_date, {cols}
            FROM kpi_line_daily
            WHERE report_date BETWEEN $start AND $end
        )
        SELECT
            line_code,
            count(*) AS days,
            max(report_date) AS last_report_date,
            {select}
        FROM days
        GROUP BY line_code
    """
    rows = _records(_fetch(db_path, sql, {"start": start, "end": end}))
    for row in rows:
        row["last_report_date"] = _as_date(row["last_report_date"])
    return rows


INTERVAL_COLUMNS = {
    "offered": "BIGINT",
    "answered": "BIGINT",
    "service_level": "DOUBLE",
    "service_level_target": "DOUBLE",
    "attempts": "BIGINT",
    "contacts": "BIGINT",
    "cases_in": "BIGINT",
    "cases_resolved": "BIGINT",
    "backlog_end": "BIGINT",
    "interactions": "BIGINT",
    "responded": "BIGINT",
    "responded_within_target": "BIGINT",
}


def interval_kpis(day: dt.date) -> pd.DataFrame:
    """The day's 30-minute intervals, all lines, ordered by line and time: the
    columns of every family (null where the serving copy lacks them), with the
    interval's contact_rate and first_response_within_target_share."""
    return _interval_kpis(*_db_key(), day)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _interval_kpis(
    db_path: str, version: tuple[int, int, int], day: dt.date
) -> pd.DataFrame:
    schema = _schema(db_path, version)
    sql = f"""
        SELECT *,
               contacts::DOUBLE / nullif(attempts, 0) AS contact_rate,
               responded_within_target::DOUBLE / nullif(interactions, 0)
                   AS first_response_within_target_share
        FROM (
            SELECT line_code, interval_start,
                   {_columns(schema, "kpi_line_interval", INTERVAL_COLUMNS)}
            FROM kpi_line_interval
            WHERE report_date = $day
        )
        ORDER BY line_code, interval_start
    """
    return _fetch(db_path, sql, {"day": day})


TIER_COLUMNS = {
    "interactions": "BIGINT",
    "responded": "BIGINT",
    "responded_within_target": "BIGINT",
    "first_response_target_minutes": "DOUBLE",
}


def social_tiers(day: dt.date) -> pd.DataFrame:
    """The day's social KPIs per line and influence tier (alto, medio, bajo first);
    empty when the serving copy has no kpi_social_tier_daily."""
    return _social_tiers(*_db_key(), day)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _social_tiers(
    db_path: str, version: tuple[int, int, int], day: dt.date
) -> pd.DataFrame:
    schema = _schema(db_path, version)
    if TIER_TABLE not in schema:
        return pd.DataFrame(columns=["line_code", "influence_tier", *TIER_COLUMNS])
    sql = f"""
        SELECT line_code, influence_tier, {_columns(schema, TIER_TABLE, TIER_COLUMNS)}
        FROM {TIER_TABLE}
        WHERE report_date = $day
        ORDER BY line_code,
                 coalesce(list_position($tiers, influence_tier), len($tiers) + 1),
                 influence_tier
    """
    return _fetch(db_path, sql, {"day": day, "tiers": list(INFLUENCE_TIERS)})


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


# ---------------------------------------------------------------- SLA compliance
#
# The compliance marts (sla_compliance_monthly / _daily / _interval, fct_sla_units)
# may not be in an older serving copy: `sla_tables` says which are, and the
# "Cumplimiento SLA" page tells the user instead of failing.

SLA_MONTHLY = "sla_compliance_monthly"
SLA_DAILY = "sla_compliance_daily"
SLA_INTERVAL = "sla_compliance_interval"
SLA_UNITS = "fct_sla_units"
SLA_TABLES = (SLA_MONTHLY, SLA_DAILY, SLA_INTERVAL, SLA_UNITS)
# Units shown at most in the drill-down to calls, cases or interactions.
SLA_UNIT_LIMIT = 500
# Display order of the terms of a line (sla_compliance_monthly.metric).
SLA_METRICS = (
    "service_level",
    "abandon_rate",
    "average_speed_of_answer",
    "staffed_positions",
    "contact_rate",
    "retention_rate",
    "resolution_within_target",
    "first_response_within_target",
)
SLA_MONTHLY_COLUMNS = {
    "compliance_key": "VARCHAR",
    "line_name": "VARCHAR",
    "direction": "VARCHAR",
    "term_code": "VARCHAR",
    "term_name": "VARCHAR",
    "metric": "VARCHAR",
    "unit": "VARCHAR",
    "comparison": "VARCHAR",
    "threshold": "DOUBLE",
    "threshold_unit": "VARCHAR",
    "target": "DOUBLE",
    "outage_exclusion": "BOOLEAN",
    "contract_version": "VARCHAR",
    "raw_numerator": "DOUBLE",
    "raw_denominator": "DOUBLE",
    "raw_value": "DOUBLE",
    "excluded_units": "BIGINT",
    "adjusted_numerator": "DOUBLE",
    "adjusted_denominator": "DOUBLE",
    "adjusted_value": "DOUBLE",
    "volume": "BIGINT",
    "met_units": "BIGINT",
    "missed_units": "BIGINT",
    # not due yet at the data's end: in no figure, shown beside it
    "pending_units": "BIGINT",
    "line_pending_units": "BIGINT",
    "lost_records": "BIGINT",
    "queued_calls": "BIGINT",
    "lost_record_max_share": "DOUBLE",
    "is_met": "BOOLEAN",
    "margin": "DOUBLE",
    "shortfall_points": "DOUBLE",
    "penalty_percent": "DOUBLE",
    "penalty_cap_percent": "DOUBLE",
    "line_penalty_cap_percent": "DOUBLE",
    "line_penalty_percent": "DOUBLE",
    "is_certifiable": "BOOLEAN",
    "days_without_data": "VARCHAR",
    "days_with_rejects": "VARCHAR",
    "completeness_note": "VARCHAR",
}
# Shared by sla_compliance_daily and sla_compliance_interval.
SLA_PERIOD_COLUMNS = {
    "term_name": "VARCHAR",
    "unit": "VARCHAR",
    "comparison": "VARCHAR",
    "target": "DOUBLE",
    "raw_numerator": "DOUBLE",
    "raw_denominator": "DOUBLE",
    "raw_value": "DOUBLE",
    "excluded_units": "BIGINT",
    "pending_units": "BIGINT",
    "adjusted_numerator": "DOUBLE",
    "adjusted_denominator": "DOUBLE",
    "adjusted_value": "DOUBLE",
    "is_met": "BOOLEAN",
    "margin": "DOUBLE",
}
SLA_UNIT_COLUMNS = {
    "unit_kind": "VARCHAR",
    "unit_key": "VARCHAR",
    "interval_start": "TIMESTAMP",
    "numerator": "DOUBLE",
    "denominator": "DOUBLE",
    "unit_state": "VARCHAR",
    "is_excluded": "BOOLEAN",
    "outage_id": "VARCHAR",
}
# The detail behind each unit_kind: table, key column, {column: (alias, type)}.
# Aliases keep apart the columns two tables share (created_at_local, outcome...).
SLA_UNIT_DETAILS = {
    "call": (
        "fct_calls",
        "call_key",
        {
            "entered_at_local": ("call_entered_at_local", "TIMESTAMP"),
            "queue_name": ("call_queue_name", "VARCHAR"),
            # the line contact's wait and outcome: what the unit is judged on (an overflow to
            # a sister queue waits in both; the first entry's own timeout is not the verdict)
            "line_wait_seconds": ("call_wait_seconds", "DOUBLE"),
            "line_outcome": ("call_outcome", "VARCHAR"),
            "agent": ("call_agent", "VARCHAR"),
        },
    ),
    "case": (
        "fct_cases",
        "case_key",
        {
            "created_at_local": ("case_created_at_local", "TIMESTAMP"),
            "motive": ("case_motive", "VARCHAR"),
            "first_response_business_seconds": (
                "case_first_response_business_seconds",
                "DOUBLE",
            ),
            "resolution_business_seconds": ("case_resolution_business_seconds", "DOUBLE"),
            "status": ("case_status", "VARCHAR"),
        },
    ),
    "interaction": (
        "fct_social_interactions",
        "interaction_key",
        {
            "platform": ("interaction_platform", "VARCHAR"),
            "created_at_local": ("interaction_created_at_local", "TIMESTAMP"),
            "influence_tier": ("interaction_influence_tier", "VARCHAR"),
            "first_response_business_seconds": (
                "interaction_first_response_business_seconds",
                "DOUBLE",
            ),
        },
    ),
}


def serving_version() -> tuple[str, tuple[int, int, int]]:
    """The serving file's path and identity (inode, mtime, size): a key for
    anything derived from one publication (the audit report in session state)."""
    return _db_key()


@contextmanager
def serving_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the serving copy, closed on exit (for the
    audit report builder, which runs its own queries)."""
    path, _ = _db_key()
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.IOException as exc:
        raise ServingUnavailable(str(exc)) from exc
    try:
        yield con
    finally:
        con.close()


def sla_tables() -> set[str]:
    """Which of the SLA compliance marts the serving copy holds."""
    schema = _schema(*_db_key())
    return {t for t in SLA_TABLES if t in schema}


def sla_months() -> list[dict[str, Any]]:
    """Months of sla_compliance_monthly, latest first: report_month (a date, the
    first of the month) and is_certifiable (every row of the month is)."""
    return _sla_months(*_db_key())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _sla_months(db_path: str, version: tuple[int, int, int]) -> list[dict[str, Any]]:
    schema = _schema(db_path, version)
    cols = _columns(schema, SLA_MONTHLY, {"is_certifiable": "BOOLEAN"})
    sql = f"""
        SELECT report_month, bool_and(coalesce(is_certifiable, false)) AS is_certifiable
        FROM (SELECT report_month, {cols} FROM {SLA_MONTHLY})
        GROUP BY report_month
        ORDER BY report_month DESC
    """
    rows = _records(_fetch(db_path, sql))
    for row in rows:
        row["report_month"] = _as_date(row["report_month"])
    return rows


def default_sla_month(months: list[dict[str, Any]]) -> dt.date | None:
    """The latest complete month (all its rows certifiable), else the latest
    month; None without months. `months` as returned by `sla_months`."""
    if not months:
        return None
    ordered = sorted(months, key=lambda m: m["report_month"], reverse=True)
    complete = [m for m in ordered if m["is_certifiable"]]
    return (complete or ordered)[0]["report_month"]


def sla_lines() -> list[dict[str, Any]]:
    """Lines of sla_compliance_monthly (any month): line_code, line_name (the
    latest) and direction, in the Resumen order (by family, then code)."""
    return _sla_lines(*_db_key())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _sla_lines(db_path: str, version: tuple[int, int, int]) -> list[dict[str, Any]]:
    schema = _schema(db_path, version)
    cols = _columns(schema, SLA_MONTHLY, {"line_name": "VARCHAR", "direction": "VARCHAR"})
    sql = f"""
        SELECT * FROM (
            SELECT line_code,
                   coalesce(arg_max(line_name, report_month), line_code) AS line_name,
                   arg_max(direction, report_month) AS direction
            FROM (SELECT line_code, report_month, {cols} FROM {SLA_MONTHLY})
            GROUP BY line_code
        )
        ORDER BY coalesce(list_position($directions, direction), len($directions) + 1),
                 line_code
    """
    return _records(_fetch(db_path, sql, {"directions": list(DIRECTIONS)}))


def sla_terms(month: dt.date) -> pd.DataFrame:
    """The month's rows of sla_compliance_monthly (columns SLA_MONTHLY_COLUMNS plus
    line_code and report_month), lines in the Resumen order, each line's terms
    in SLA_METRICS order."""
    return _sla_terms(*_db_key(), month)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _sla_terms(
    db_path: str, version: tuple[int, int, int], month: dt.date
) -> pd.DataFrame:
    schema = _schema(db_path, version)
    sql = f"""
        SELECT line_code, report_month, {_columns(schema, SLA_MONTHLY, SLA_MONTHLY_COLUMNS)}
        FROM {SLA_MONTHLY}
        WHERE report_month = $month
        ORDER BY coalesce(list_position($directions, direction), len($directions) + 1),
                 line_code,
                 coalesce(list_position($metrics, metric), len($metrics) + 1),
                 term_code
    """
    params = {"month": month, "directions": list(DIRECTIONS), "metrics": list(SLA_METRICS)}
    return _fetch(db_path, sql, params)


def sla_daily(month: dt.date, line_code: str, term_code: str) -> pd.DataFrame:
    """One term's days of the month (sla_compliance_daily: days with volume),
    by report_date; empty when the serving copy lacks the mart."""
    return _sla_daily(*_db_key(), month, line_code, term_code)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _sla_daily(
    db_path: str,
    version: tuple[int, int, int],
    month: dt.date,
    line_code: str,
    term_code: str,
) -> pd.DataFrame:
    schema = _schema(db_path, version)
    if SLA_DAILY not in schema:
        return pd.DataFrame(columns=["report_date", *SLA_PERIOD_COLUMNS])
    sql = f"""
        SELECT report_date, {_columns(schema, SLA_DAILY, SLA_PERIOD_COLUMNS)}
        FROM {SLA_DAILY}
        WHERE report_month = $month AND line_code = $line AND term_code = $term
        ORDER BY report_date
    """
    params = {"month": month, "line": line_code, "term": term_code}
    return _fetch(db_path, sql, params)


def sla_intervals(day: dt.date, line_code: str, term_code: str) -> pd.DataFrame:
    """One term's 30-minute intervals of a day (sla_compliance_interval:
    intervals with volume), by interval_start; empty without the mart."""
    return _sla_intervals(*_db_key(), day, line_code, term_code)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _sla_intervals(
    db_path: str,
    version: tuple[int, int, int],
    day: dt.date,
    line_code: str,
    term_code: str,
) -> pd.DataFrame:
    schema = _schema(db_path, version)
    if SLA_INTERVAL not in schema:
        return pd.DataFrame(columns=["interval_start", *SLA_PERIOD_COLUMNS])
    sql = f"""
        SELECT interval_start, {_columns(schema, SLA_INTERVAL, SLA_PERIOD_COLUMNS)}
        FROM {SLA_INTERVAL}
        WHERE report_date = $day AND line_code = $line AND term_code = $term
        ORDER BY interval_start
    """
    return _fetch(db_path, sql, {"day": day, "line": line_code, "term": term_code})


def sla_units(
    line_code: str,
    term_code: str,
    day: dt.date,
    interval_start: dt.datetime | None = None,
    limit: int = SLA_UNIT_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """The units (fct_sla_units) of one term behind a day, or one of its
    intervals, with the detail of each unit_kind from fct_calls, fct_cases or
    fct_social_interactions (columns aliased as in SLA_UNIT_DETAILS, null for
    other kinds), in time order; at most `limit` rows. Returns the rows and how
    many units there are in all."""
    df = _sla_units(*_db_key(), line_code, term_code, day, interval_start, limit)
    total = int(df["total_units"].iloc[0]) if len(df) else 0
    return df.drop(columns="total_units"), total


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _sla_units(
    db_path: str,
    version: tuple[int, int, int],
    line_code: str,
    term_code: str,
    day: dt.date,
    interval_start: dt.datetime | None,
    limit: int,
) -> pd.DataFrame:
    schema = _schema(db_path, version)
    aliases = [alias for _, _, cols in SLA_UNIT_DETAILS.values() for alias, _ in cols.values()]
    if SLA_UNITS not in schema:
        return pd.DataFrame(columns=["report_date", *SLA_UNIT_COLUMNS, *aliases, "total_units"])
    params: dict[str, Any] = {"line": line_code, "term": term_code, "day": day, "limit": limit}
    joins, times = [], []
    for i, (kind, (table, key, cols)) in enumerate(SLA_UNIT_DETAILS.items()):
        wanted = {key: "VARCHAR", **{c: sql_type for c, (_, sql_type) in cols.items()}}
        select = ", ".join(
            f"{name} AS {alias}"
            for name, alias in [(key, "detail_key")]
            + [(c, alias) for c, (alias, _) in cols.items()]
        )
        # A table the copy lacks is one row of NULLs that matches nothing.
        source = f"FROM {table}" if table in schema else ""
        joins.append(
            f"LEFT JOIN (SELECT {select} FROM (SELECT {_columns(schema, table, wanted)} {source}))"
            f" AS d{i} ON u.unit_kind = $kind{i} AND d{i}.detail_key = u.unit_key"
        )
        params[f"kind{i}"] = kind
        times.append(next(f"d{i}.{alias}" for alias, sql_type in cols.values() if sql_type == "TIMESTAMP"))
    detail = ", ".join(
        f"d{i}.{alias}"
        for i, (_, _, cols) in enumerate(SLA_UNIT_DETAILS.values())
        for alias, _ in cols.values()
    )
    where = "line_code = $line AND term_code = $term AND report_date = $day"
    if interval_start is not None:
        where += " AND interval_start = $interval"
        params["interval"] = pd.Timestamp(interval_start).to_pydatetime()
    sql = f"""
        WITH u AS (
            SELECT report_date, {_columns(schema, SLA_UNITS, SLA_UNIT_COLUMNS)}
            FROM {SLA_UNITS}
            WHERE {where}
        )
        SELECT u.*, {detail}, count(*) OVER () AS total_units
        FROM u
        {" ".join(joins)}
        ORDER BY coalesce({", ".join(times)}, u.interval_start), u.unit_key
        LIMIT $limit
    """
    return _fetch(db_path, sql, params)
