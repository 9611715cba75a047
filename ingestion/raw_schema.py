"""DDL of the raw schema: what the loaders write and dbt reads as sources.

Raw tables keep the source's values as logged (personal data included); only the
`raw` schema may hold them. Every table carries the file and line it came from.
"""

from __future__ import annotations

import duckdb

RAW_DDL = """
create schema if not exists raw;

-- One row per landing file ever loaded: makes loads idempotent (same hash, no work;
-- changed hash, the file's rows are replaced) and proves read = loaded + rejected.
create table if not exists raw.landing_files (
    file_path        varchar primary key,  -- relative to the landing folder
    source           varchar not null,     -- e.g. 'asterisk_queue_log'
    layout           varchar not null,     -- 'flat' or 'realtime'
    size_bytes       bigint not null,
    sha256           varchar not null,
    modified_at      timestamp,
    rows_read        bigint not null,
    rows_loaded      bigint not null,
    rows_rejected    bigint not null,
    first_event_utc  timestamp,
    last_event_utc   timestamp,
    loaded_at        timestamp not null
);

-- One row per accepted queue_log line (flat file or realtime table row).
create table if not exists raw.asterisk_queue_log (
    file_path       varchar not null,
    line_no         integer not null,      -- 1-based line (flat) or data row number (realtime)
    event_time_utc  timestamp not null,    -- naive UTC
    callid          varchar,
    queuename       varchar,
    agent           varchar,
    event           varchar not null,
    data            varchar,               -- the whole data part, '|'-separated, as logged
    data1           varchar,
    data2           varchar,
    data3           varchar,
    data4           varchar,
    data5           varchar,
    data6           varchar,
    is_known_event  boolean not null,      -- false for vendor/custom events (e.g. FreePBX DID)
    primary key (file_path, line_no)
);

-- Every rejected line, with enough to act on it.
create table if not exists raw.quarantine (
    source          varchar not null,
    file_path       varchar not null,
    line_no         integer not null,
    raw_text        varchar,
    reason          varchar not null,
    quarantined_at  timestamp not null
);

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

-- The versioned parts of the contract file (ingestion/contract_terms.py). effective_to is
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


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)
