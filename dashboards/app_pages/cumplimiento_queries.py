"""The Cumplimiento SLA page's queries over the compliance marts (sla_compliance_monthly /
_daily / _interval, fct_sla_units and the facts behind the units).

The marts may not be in an older serving copy: `sla_tables` says which are, and the page
tells the user instead of failing. Column names in the SQL come only from the constants of
this module; values are always bound parameters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dashboards.families import DIRECTIONS
from dashboards.serving import ServingConnection, as_date
from presentation.marts import typed

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
SLA_MONTHLY_COLUMNS = typed("sla_compliance_monthly", (
    "compliance_key",
    "line_name",
    "direction",
    "term_code",
    "term_name",
    "metric",
    "unit",
    "comparison",
    "threshold",
    "threshold_unit",
    "target",
    "outage_exclusion",
    "contract_version",
    "raw_numerator",
    "raw_denominator",
    "raw_value",
    "excluded_units",
    "adjusted_numerator",
    "adjusted_denominator",
    "adjusted_value",
    "volume",
    "met_units",
    "missed_units",
    # not due yet at the data's end: in no figure, shown beside it
    "pending_units",
    "line_pending_units",
    "lost_records",
    "queued_calls",
    "lost_record_max_share",
    "is_met",
    "margin",
    "shortfall_points",
    "penalty_percent",
    "penalty_cap_percent",
    "line_penalty_cap_percent",
    "line_penalty_percent",
    "is_certifiable",
    "days_without_data",
    "days_with_rejects",
    "completeness_note",
))
# Shared by sla_compliance_daily and sla_compliance_interval.
SLA_PERIOD_COLUMNS = typed("sla_compliance_daily", (
    "term_name",
    "unit",
    "comparison",
    "target",
    "raw_numerator",
    "raw_denominator",
    "raw_value",
    "excluded_units",
    "pending_units",
    "adjusted_numerator",
    "adjusted_denominator",
    "adjusted_value",
    "is_met",
    "margin",
))
SLA_UNIT_COLUMNS = typed("fct_sla_units", (
    "unit_kind",
    "unit_key",
    "interval_start",
    "numerator",
    "denominator",
    "unit_state",
    "is_excluded",
    "outage_id",
))
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


def sla_tables(conn: ServingConnection) -> set[str]:
    """Which of the SLA compliance marts the serving copy holds."""
    schema = conn.schema()
    return {t for t in SLA_TABLES if t in schema}


def sla_months(conn: ServingConnection) -> list[dict[str, Any]]:
    """Months of sla_compliance_monthly, latest first: report_month (a date, the
    first of the month) and is_certifiable (every row of the month is)."""
    cols = conn.columns(SLA_MONTHLY, {"is_certifiable": "BOOLEAN"})
    sql = f"""
        SELECT report_month, bool_and(coalesce(is_certifiable, false)) AS is_certifiable
        FROM (SELECT report_month, {cols} FROM {SLA_MONTHLY})
        GROUP BY report_month
        ORDER BY report_month DESC
    """
    rows = conn.records(sql)
    for row in rows:
        row["report_month"] = as_date(row["report_month"])
    return rows


def default_sla_month(months: list[dict[str, Any]]) -> dt.date | None:
    """The latest complete month (all its rows certifiable), else the latest
    month; None without months. `months` as returned by `sla_months`."""
    if not months:
        return None
    ordered = sorted(months, key=lambda m: m["report_month"], reverse=True)
    complete = [m for m in ordered if m["is_certifiable"]]
    return (complete or ordered)[0]["report_month"]


def sla_lines(conn: ServingConnection) -> list[dict[str, Any]]:
    """Lines of sla_compliance_monthly (any month): line_code, line_name (the
    latest) and direction, in the Resumen order (by family, then code)."""
    cols = conn.columns(SLA_MONTHLY, {"line_name": "VARCHAR", "direction": "VARCHAR"})
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
    return conn.records(sql, {"directions": list(DIRECTIONS)})


def sla_terms(conn: ServingConnection, month: dt.date) -> pd.DataFrame:
    """The month's rows of sla_compliance_monthly (columns SLA_MONTHLY_COLUMNS plus
    line_code and report_month), lines in the Resumen order, each line's terms
    in SLA_METRICS order."""
    sql = f"""
        SELECT line_code, report_month, {conn.columns(SLA_MONTHLY, SLA_MONTHLY_COLUMNS)}
        FROM {SLA_MONTHLY}
        WHERE report_month = $month
        ORDER BY coalesce(list_position($directions, direction), len($directions) + 1),
                 line_code,
                 coalesce(list_position($metrics, metric), len($metrics) + 1),
                 term_code
    """
    params = {"month": month, "directions": list(DIRECTIONS), "metrics": list(SLA_METRICS)}
    return conn.query(sql, params)


def sla_daily(conn: ServingConnection, month: dt.date, line_code: str, term_code: str) -> pd.DataFrame:
    """One term's days of the month (sla_compliance_daily: days with volume),
    by report_date; empty when the serving copy lacks the mart."""
    if SLA_DAILY not in conn.schema():
        return pd.DataFrame(columns=["report_date", *SLA_PERIOD_COLUMNS])
    sql = f"""
        SELECT report_date, {conn.columns(SLA_DAILY, SLA_PERIOD_COLUMNS)}
        FROM {SLA_DAILY}
        WHERE report_month = $month AND line_code = $line AND term_code = $term
        ORDER BY report_date
    """
    return conn.query(sql, {"month": month, "line": line_code, "term": term_code})


def sla_intervals(conn: ServingConnection, day: dt.date, line_code: str, term_code: str) -> pd.DataFrame:
    """One term's 30-minute intervals of a day (sla_compliance_interval:
    intervals with volume), by interval_start; empty without the mart."""
    if SLA_INTERVAL not in conn.schema():
        return pd.DataFrame(columns=["interval_start", *SLA_PERIOD_COLUMNS])
    sql = f"""
        SELECT interval_start, {conn.columns(SLA_INTERVAL, SLA_PERIOD_COLUMNS)}
        FROM {SLA_INTERVAL}
        WHERE report_date = $day AND line_code = $line AND term_code = $term
        ORDER BY interval_start
    """
    return conn.query(sql, {"day": day, "line": line_code, "term": term_code})


def sla_units(
    conn: ServingConnection,
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
    schema = conn.schema()
    aliases = [alias for _, _, cols in SLA_UNIT_DETAILS.values() for alias, _ in cols.values()]
    if SLA_UNITS not in schema:
        return pd.DataFrame(columns=["report_date", *SLA_UNIT_COLUMNS, *aliases]), 0
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
            f"LEFT JOIN (SELECT {select} FROM (SELECT {conn.columns(table, wanted)} {source}))"
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
            SELECT report_date, {conn.columns(SLA_UNITS, SLA_UNIT_COLUMNS)}
            FROM {SLA_UNITS}
            WHERE {where}
        )
        SELECT u.*, {detail}, count(*) OVER () AS total_units
        FROM u
        {" ".join(joins)}
        ORDER BY coalesce({", ".join(times)}, u.interval_start), u.unit_key
        LIMIT $limit
    """
    df = conn.query(sql, params)
    total = int(df["total_units"].iloc[0]) if len(df) else 0
    return df.drop(columns="total_units"), total
