"""DDL of the raw schema's shared tables: the file manifest, the queue_log and the quarantine.
Each other source's tables are in its own module (Source.ddl), the contract's in contract.tables.

Raw tables keep the source's values as logged (personal data included); only the
`raw` schema may hold them. Every table carries the file and line it came from.
"""

from __future__ import annotations

import duckdb

RAW_DDL = """
create schema if not exists raw;

-- One row per landing file ever loaded: makes loads idempotent (same hash, no work;
-- a file that grew with its loaded part intact is appended to, any other change replaces
-- the file's rows) and proves read = loaded + rejected. The row counts are the sums of the
-- file's loads in raw.landing_file_appends.
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
    loaded_at        timestamp not null,
    -- what the loads consumed of the (gunzipped) content: up to and including the line end
    -- of the last complete record, so an append starts at a record boundary
    loaded_bytes     bigint,
    loaded_sha256    varchar,              -- of exactly those bytes: the append check
    lines_loaded     bigint,               -- physical lines in them: an append numbers on
    bytes_waiting    bigint                -- after them, a line still being written
);
-- warehouses from before appends were read as appends
alter table raw.landing_files add column if not exists loaded_bytes bigint;
alter table raw.landing_files add column if not exists loaded_sha256 varchar;
alter table raw.landing_files add column if not exists lines_loaded bigint;
alter table raw.landing_files add column if not exists bytes_waiting bigint;

-- One row per load of a file (its first load too): the bytes and lines it parsed, so that
-- read = loaded + rejected holds for every append and not only for the file's sums.
create table if not exists raw.landing_file_appends (
    file_path        varchar not null,
    source           varchar not null,
    from_byte        bigint not null,      -- of the gunzipped content; 0 for a (re)load
    to_byte          bigint not null,
    first_line_no    bigint not null,      -- the first physical line parsed
    rows_read        bigint not null,
    rows_loaded      bigint not null,
    rows_rejected    bigint not null,
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

-- The days of the running build's partitions (assets/rebuild.py): dbt rebuilds them.
create table if not exists raw.build_window (
    window_start  date not null,
    window_end    date not null
);

-- The queue_log loads (raw.landing_file_appends rows) the Great Expectations check
-- (checks/asset_checks.py) has validated: it runs after publishing and validates the days of
-- every load not listed here, so a run that stops in between leaves them for the next run.
create table if not exists raw.queue_log_loads_validated (
    file_path  varchar not null,
    from_byte  bigint not null,
    loaded_at  timestamp not null,
    primary key (file_path, from_byte, loaded_at)
);
-- the queue of days it replaced was written after the load's transaction (a crash in between
-- lost the days); its loads are all unvalidated in the new table, so validated once more
drop table if exists raw.queue_log_days_to_validate;

-- Every rejected line, with enough to act on it.
create table if not exists raw.quarantine (
    source          varchar not null,
    file_path       varchar not null,
    line_no         integer not null,
    raw_text        varchar,
    reason          varchar not null,
    quarantined_at  timestamp not null
);
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)
