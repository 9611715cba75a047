"""The contract file as warehouse tables (raw.contract_*, raw.business_calendar), so SQL joins
the same lines, terms and rules the loaders read. Their DDL sits beside their writer: a column
and the value written into it change together.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from contract.business_calendar import calendar_rows
from contract.loader import ContractConfig

# Every table written from the contract file (schema raw), and what it holds. The Dagster asset
# that writes them declares one asset per table, so each dbt source has its producer.
CONTRACT_TABLES = {
    "contract_lines": "Contract lines with KPI thresholds and targets.",
    "contract_queues": "Queue-to-line mapping.",
    "contract_mappings": "CRM/OTRS queues, campaigns and social accounts of each line.",
    "contract_targets": "Per-line numeric targets: motives, influence tiers, rates.",
    "contract_case_states": "Resolution class of each CRM and OTRS state (measurement.case_states).",
    "contract_measurement": "Call and agent measurement settings (measurement.calls, measurement.agents).",
    "contract_withheld_callers": "Caller ids that name no caller (measurement.withheld_caller_ids).",
    "contract_versions": "Contract versions (annex and amendments) with their effective months.",
    "contract_terms": "SLA terms per line and version: metric, threshold, target, penalty.",
    "contract_staffing": "Positions owed per line, weekday and time band, per version.",
    "contract_penalties": "Penalty rules per version: percent per point and caps.",
    "business_calendar": "Business window per line and day, Argentine national holidays closed.",
}

CONTRACT_DDL = """
create schema if not exists raw;

-- The contract configuration as tables, so SQL can join it.
create table if not exists raw.contract_lines (
    line_code                 varchar primary key,
    line_name                 varchar not null,
    direction                 varchar not null,
    service_level_seconds     integer,
    service_level_target      double,
    service_level_denominator varchar,
    short_abandon_seconds     integer,
    abandon_rate_target       double,
    asa_target_seconds        integer,
    contracted_positions      integer
);

create table if not exists raw.contract_queues (
    queue_name  varchar primary key,
    line_code   varchar not null
);

-- Every other mapping of the contract file: CRM and OTRS queues, outbound campaigns,
-- social accounts, per-motive resolution targets, influence tiers and their targets.
create table if not exists raw.contract_mappings (
    kind        varchar not null,   -- crm_queue, otrs_queue, campaign, twitter_account, facebook_account
    value       varchar not null,
    line_code   varchar not null,
    primary key (kind, value)
);

create table if not exists raw.contract_targets (
    line_code   varchar not null,
    kind        varchar not null,   -- motive_resolution_hours, tier_first_response_minutes, tier_min_followers, tier_min_engagement, line
    name        varchar not null,   -- motive / tier / setting name
    value       double not null,
    primary key (line_code, kind, name)
);

-- How the contract's measurement rules read the sources (contract file, `measurement`):
-- which ticket and case states are a resolution, and the call settings. One row per
-- source and state, and one per call setting.
create table if not exists raw.contract_case_states (
    source_system     varchar not null,   -- crm, otrs
    state             varchar not null,   -- the state as the source writes it, lower case
    resolution_class  varchar not null,   -- resolved, closed_unresolved, open, not_counted
    primary key (source_system, state)
);

create table if not exists raw.contract_measurement (
    name   varchar primary key,           -- lost_record_after_minutes, lost_record_max_share, longest_shift_hours
    value  double not null
);

-- measurement.withheld_caller_ids: caller ids that name no caller, trimmed, lower case
create table if not exists raw.contract_withheld_callers (
    caller_id  varchar primary key
);

-- The versioned parts of the contract file (contract/terms.py). effective_to is
-- exclusive and null while open-ended.
create table if not exists raw.contract_versions (
    contract_version      varchar primary key,
    effective_from        date not null,
    effective_to          date,
    description           varchar,
    contract_name         varchar,
    contract_file_sha256  varchar not null
);

create table if not exists raw.contract_terms (
    line_code                  varchar not null,
    term_code                  varchar not null,
    term_name                  varchar not null,
    metric                     varchar not null,
    unit                       varchar not null,
    comparison                 varchar not null,
    threshold                  double,
    threshold_unit             varchar,
    target                     double not null,
    period                     varchar not null,
    denominator_variant        varchar,
    outage_exclusion           boolean not null,
    effective_from             date not null,
    effective_to               date,
    penalty_percent_per_point  double,
    penalty_cap_percent        double,
    assumption                 varchar,
    primary key (line_code, term_code, effective_from)
);

create table if not exists raw.contract_staffing (
    line_code       varchar not null,
    effective_from  date not null,
    effective_to    date,
    weekday         integer not null,   -- 0 = Monday
    band_from       varchar not null,   -- 'HH:MM' local
    band_to         varchar not null,
    positions       integer not null,
    holidays_owed   boolean not null,   -- positions owed on national holidays too
    primary key (line_code, effective_from, weekday, band_from)
);

create table if not exists raw.contract_penalties (
    effective_from     date primary key,
    effective_to       date,
    percent_per_point  double not null,
    term_cap_percent   double not null,
    line_cap_percent   double not null
);

-- Business window per line and day: contract hours, closed on Argentine national holidays.
create table if not exists raw.business_calendar (
    line_code        varchar not null,
    day              date not null,
    is_business_day  boolean not null,
    holiday_name     varchar,
    open_time        varchar,            -- 'HH:MM' local
    close_time       varchar,            -- 'HH:MM' local, '24:00' = midnight
    primary key (line_code, day)
);
"""


def ensure_contract_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(CONTRACT_DDL)


def write_config_tables(con: duckdb.DuckDBPyConnection, config: ContractConfig) -> None:
    """Replace every table of CONTRACT_TABLES with the file's content, in one transaction."""
    # the versioned tables are wholly derived from the file: recreate them, so a warehouse
    # built by an earlier release gets their current columns
    for table in ("contract_versions", "contract_terms", "contract_staffing", "contract_penalties"):
        con.execute(f"drop table if exists raw.{table}")
    ensure_contract_tables(con)
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.contract_lines")
        con.execute("delete from raw.contract_queues")
        con.executemany(
            "insert into raw.contract_lines values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [line.code, line.name, line.direction, line.service_level_seconds,
                 line.service_level_target, line.service_level_denominator,
                 line.short_abandon_seconds, line.abandon_rate_target,
                 line.asa_target_seconds, line.contracted_positions]
                for line in config.lines
            ],
        )
        rows = [[queue, line] for queue, line in config.queue_to_line().items()]
        if rows:
            con.executemany("insert into raw.contract_queues values (?, ?)", rows)
        con.execute("delete from raw.contract_mappings")
        mappings = [["crm_queue", q, code] for q, code in config.crm_queue_to_line().items()]
        mappings += [["otrs_queue", q, code] for q, code in config.otrs_queue_to_line().items()]
        mappings += [["campaign", c, code] for c, code in config.campaign_to_line().items()]
        for line in config.lines:
            for platform, accounts in (line.social_accounts or {}).items():
                mappings += [[f"{platform}_account", a, line.code] for a in accounts]
        if mappings:
            con.executemany("insert into raw.contract_mappings values (?, ?, ?)", mappings)
        con.execute("delete from raw.contract_targets")
        targets = []
        for line in config.lines:
            targets += [[line.code, "motive_resolution_hours", m, h] for m, h in (line.motives or {}).items()]
            targets += [[line.code, "tier_first_response_minutes", t, m]
                        for t, m in (line.first_response_target_minutes or {}).items()]
            for tier, limits in (line.influence_tiers or {}).items():
                targets += [[line.code, f"tier_{k}", tier, float(v)] for k, v in limits.items()]
            for name in ("repeat_contact_days", "contact_rate_target", "retention_rate_target", "first_response_target_business_hours",
                         "resolution_target_business_hours", "resolution_target_share",
                         "first_response_target_share"):
                if getattr(line, name) is not None:
                    targets.append([line.code, "line", name, float(getattr(line, name))])
        if targets:
            con.executemany("insert into raw.contract_targets values (?, ?, ?, ?)", targets)
        _write_terms(con, config)
        _write_measurement(con, config)
        con.execute("delete from raw.business_calendar")
        columns = list(zip(*calendar_rows(config, date.today().year + 1)))
        calendar = pa.table({name: pa.array(values) for name, values in zip(
            ["line_code", "day", "is_business_day", "holiday_name", "open_time", "close_time"], columns)})
        con.register("_calendar", calendar)
        con.execute("insert into raw.business_calendar select * from _calendar")
        con.unregister("_calendar")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _write_measurement(con: duckdb.DuckDBPyConnection, config: ContractConfig) -> None:
    con.execute("delete from raw.contract_case_states")
    states = [[source, state, cls] for source, mapping in (config.case_states or {}).items()
              for state, cls in mapping.items()]
    if states:
        con.executemany("insert into raw.contract_case_states values (?, ?, ?)", states)
    con.execute("delete from raw.contract_measurement")
    con.executemany("insert into raw.contract_measurement values (?, ?)", [
        ["lost_record_after_minutes", float(config.lost_record_after_minutes)],
        ["lost_record_max_share", float(config.lost_record_max_share)],
        ["longest_shift_hours", float(config.longest_shift_hours)]])
    con.execute("delete from raw.contract_withheld_callers")
    if config.withheld_caller_ids:
        con.executemany("insert into raw.contract_withheld_callers values (?)",
                        [[value] for value in config.withheld_caller_ids])


def _write_terms(con: duckdb.DuckDBPyConnection, config: ContractConfig) -> None:
    terms = config.terms
    for table in ("contract_versions", "contract_terms", "contract_staffing", "contract_penalties"):
        con.execute(f"delete from raw.{table}")
    con.executemany("insert into raw.contract_versions values (?, ?, ?, ?, ?, ?)", [
        [v.version, v.effective_from, v.effective_to, v.description, config.name, config.sha256]
        for v in terms.versions])
    if terms.terms:
        con.executemany("insert into raw.contract_terms values (" + ", ".join("?" * 17) + ")", [
            [t.line_code, t.term_code, t.term_name, t.metric, t.unit, t.comparison, t.threshold, t.threshold_unit,
             t.target, t.period, t.denominator, t.outage_exclusion, t.effective_from, t.effective_to,
             t.penalty_percent_per_point, t.penalty_cap_percent, t.assumption] for t in terms.terms])
    if terms.staffing:
        con.executemany("insert into raw.contract_staffing values (?, ?, ?, ?, ?, ?, ?, ?)", [
            [b.line_code, b.effective_from, b.effective_to, b.weekday, b.band_from, b.band_to, b.positions,
             b.holidays_owed]
            for b in terms.staffing])
    if terms.penalties:
        con.executemany("insert into raw.contract_penalties values (?, ?, ?, ?, ?)", [
            [p.effective_from, p.effective_to, p.percent_per_point, p.term_cap_percent, p.line_cap_percent]
            for p in terms.penalties])
