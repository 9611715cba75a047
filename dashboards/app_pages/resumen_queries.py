"""The Resumen page's queries over the serving copy: date range, lines, KPIs of a period,
the day's intervals and social tiers, and when the copy was published.

Month-to-date figures come from `kpi_line_daily`: flows are summed, ratios are ratios of
those sums (never averages of daily ratios) and stocks (`backlog_*`) are the value of the
period's last day, never a sum. Column names in the SQL come only from the constants of this
module; values are always bound parameters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from contract import DEFAULT_TIME_ZONE
from dashboards.families import DEFAULT_DIRECTION, DIRECTIONS
from dashboards.serving import ServingConnection, ServingUnavailable, as_date
from presentation.marts import typed

# Calls of queues no contract line claims (config/contract.yml `unmapped_line`).
UNMAPPED_LINE = "sin_mapear"
REQUIRED_TABLES = ("kpi_line_daily", "kpi_line_interval", "dim_lines")
TIER_TABLE = "kpi_social_tier_daily"
INFLUENCE_TIERS = ("alto", "medio", "bajo")

# Flows: summed over the days of a period.
SUM_COLUMNS = typed("kpi_line_daily", (
    # inbound
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "abandoned_not_short",
    "answered_within_threshold",
    "service_level_denominator_calls",
    "total_answer_wait_seconds",
    "answered_identified",
    "repeat_contacts",
    # outbound
    "attempts",
    "contacts",
    "retention_closed",
    "retained",
    "cancelled",
    # back office (also social lines' CRM cases)
    "cases_in",
    "cases_resolved",
    "resolved_with_target",
    "resolved_within_target",
    "first_responses",
    "first_response_business_seconds_total",
    "reopened",
    # social
    "interactions",
    "responded",
    "responded_within_target",
    "social_first_response_business_seconds_total",
    "hidden",
    "escalated",
))
# Stocks: the value at the end of the period (its last day), never a sum.
STOCK_COLUMNS = typed("kpi_line_daily", (
    "backlog_end",
    "backlog_age_0_8h",
    "backlog_age_8_24h",
    "backlog_age_24_72h",
    "backlog_age_over_72h",
))
# Targets: those in force on the last day of the period.
TARGET_COLUMNS = typed("kpi_line_daily", (
    "service_level_seconds",
    "service_level_target",
    "asa_target_seconds",
    "abandon_rate_target",
    "contact_rate_target",
    "retention_rate_target",
    "resolution_target_share",
    "first_response_target_share",
))
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
LINE_TARGET_COLUMNS = typed(
    "dim_lines",
    (*TARGET_COLUMNS, "repeat_contact_days", "first_response_target_business_hours", "resolution_target_business_hours"),
)


def _activity() -> str:
    return " + ".join(f"coalesce({c}, 0)" for c in ACTIVITY_COLUMNS)


def _activity_columns() -> dict[str, str]:
    return {c: SUM_COLUMNS[c] for c in ACTIVITY_COLUMNS}


def check_available(conn: ServingConnection) -> None:
    """Raise ServingUnavailable unless the file exists and has the KPI tables."""
    conn.require(REQUIRED_TABLES)


# ---------------------------------------------------------------- date range


def date_bounds(conn: ServingConnection) -> dict[str, dt.date | None]:
    """First and last report_date, and the last one with any activity (calls
    offered, outbound attempts, cases in or social interactions)."""
    sql = f"""
        WITH days AS (
            SELECT report_date, {conn.columns("kpi_line_daily", _activity_columns())}
            FROM kpi_line_daily
        )
        SELECT min(report_date) AS first_date, max(report_date) AS last_date,
               max(report_date) FILTER (WHERE {_activity()} > 0) AS last_date_with_activity
        FROM days
    """
    row = conn.records(sql)[0]
    return {k: as_date(v) for k, v in row.items()}


# ---------------------------------------------------------------- lines


def lines(conn: ServingConnection) -> list[dict[str, Any]]:
    """Lines to show, contract lines first (by family: inbound, outbound, back
    office, social), then lines only seen in the KPIs; the unmapped-queues line
    only when some activity actually fell into it.

    `direction` comes from dim_lines, else from the KPI rows, else inbound.
    """
    kpi_cols = conn.columns("kpi_line_daily", {"direction": "VARCHAR", **_activity_columns()})
    dim_cols = conn.columns("dim_lines", {"direction": "VARCHAR", **LINE_TARGET_COLUMNS})
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
    return conn.records(sql, params)


# ---------------------------------------------------------------- KPIs


def period_kpis(conn: ServingConnection, start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    """KPIs per line_code over report_date in [start, end], both inclusive.

    Flows are summed; ratios are ratios of those sums, never averages of daily
    ratios, so a one-day period gives the daily figures and a longer one the
    contract's month-to-date figures. Stocks (backlog) are the value of the last
    day of the period with a row (`last_report_date`), never a sum.
    """
    cols = conn.columns("kpi_line_daily", {**SUM_COLUMNS, **STOCK_COLUMNS, **TARGET_COLUMNS})
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
    rows = conn.records(sql, {"start": start, "end": end})
    for row in rows:
        row["last_report_date"] = as_date(row["last_report_date"])
    return {row["line_code"]: row for row in rows}


INTERVAL_COLUMNS = typed("kpi_line_interval", (
    "offered",
    "answered",
    "service_level",
    "service_level_target",
    "attempts",
    "contacts",
    "cases_in",
    "cases_resolved",
    "backlog_end",
    "interactions",
    "responded",
    "responded_within_target",
))


def interval_kpis(conn: ServingConnection, day: dt.date) -> pd.DataFrame:
    """The day's 30-minute intervals, all lines, ordered by line and time: the
    columns of every family (null where the serving copy lacks them), with the
    interval's contact_rate and first_response_within_target_share."""
    sql = f"""
        SELECT *,
               contacts::DOUBLE / nullif(attempts, 0) AS contact_rate,
               responded_within_target::DOUBLE / nullif(interactions, 0)
                   AS first_response_within_target_share
        FROM (
            SELECT line_code, interval_start,
                   {conn.columns("kpi_line_interval", INTERVAL_COLUMNS)}
            FROM kpi_line_interval
            WHERE report_date = $day
        )
        ORDER BY line_code, interval_start
    """
    return conn.query(sql, {"day": day})


TIER_COLUMNS = typed("kpi_social_tier_daily", (
    "interactions",
    "responded",
    "responded_within_target",
    "first_response_target_minutes",
))


def social_tiers(conn: ServingConnection, day: dt.date) -> pd.DataFrame:
    """The day's social KPIs per line and influence tier (alto, medio, bajo first);
    empty when the serving copy has no kpi_social_tier_daily."""
    if TIER_TABLE not in conn.schema():
        return pd.DataFrame(columns=["line_code", "influence_tier", *TIER_COLUMNS])
    sql = f"""
        SELECT line_code, influence_tier, {conn.columns(TIER_TABLE, TIER_COLUMNS)}
        FROM {TIER_TABLE}
        WHERE report_date = $day
        ORDER BY line_code,
                 coalesce(list_position($tiers, influence_tier), len($tiers) + 1),
                 influence_tier
    """
    return conn.query(sql, {"day": day, "tiers": list(INFLUENCE_TIERS)})


# ---------------------------------------------------------------- freshness


def published_at(conn: ServingConnection) -> str | None:
    """When the serving copy was published, 'dd/mm/yyyy hh:mm' in Buenos Aires
    time, or None when the pipeline keeps no publish_log."""
    col = conn.query(
        "SELECT data_type FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = 'publish_log' AND column_name = 'published_at'",
    )
    if col.empty:
        return None
    data_type = str(col["data_type"].iloc[0]).upper()
    if "TIME ZONE" in data_type:
        value = f"timezone('{DEFAULT_TIME_ZONE}', max(published_at))"
    elif data_type.startswith("TIMESTAMP") or data_type == "DATE":
        value = "max(published_at)"
    else:
        value = "try_cast(max(published_at) AS TIMESTAMP)"
    sql = f"SELECT strftime({value}, '%d/%m/%Y %H:%M') AS at FROM publish_log"
    try:
        row = conn.records(sql)
    except (duckdb.Error, ServingUnavailable):
        # Freshness is a nicety: an odd publish_log must not break the page.
        return None
    return row[0]["at"] if row else None
