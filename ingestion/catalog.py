"""Every landing-file source of the warehouse, in load order, and their raw tables."""

from __future__ import annotations

from pathlib import Path

import duckdb

from contract.tables import ensure_contract_tables
from ingestion import (
    asterisk_cdr,
    call_detail,
    crm_cases,
    otrs,
    outages,
    queue_log,
    social_facebook,
    social_twitter,
)
from ingestion.raw_schema import ensure_raw_schema
from ingestion.sources import Source

ALL_SOURCES: tuple[Source, ...] = (
    queue_log.SOURCE_SPEC,
    asterisk_cdr.SOURCE_SPEC,
    call_detail.SOURCE_SPEC,
    crm_cases.SOURCE_SPEC,
    otrs.SOURCE_SPEC,
    outages.SOURCE_SPEC,
    social_twitter.SOURCE_SPEC,
    social_facebook.SOURCE_SPEC,
)


def ensure_all_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw table, so that dbt's sources exist even for a source with no file
    in the landing folder yet (its models are then simply empty), and the contract's tables,
    which dbt reads beside them."""
    ensure_raw_schema(con)
    ensure_contract_tables(con)
    for source in ALL_SOURCES:
        con.execute(source.ddl)


def load_landing(con: duckdb.DuckDBPyConnection, landing: Path, config) -> list:
    """Load every source of a landing folder with the contract file's options (the pipeline's
    load step without Dagster: benchmarks, tests). Returns the FileLoads of every source."""
    from ingestion.sources import load_source

    ensure_all_raw_tables(con)
    options = {
        "realtime_time_zone": config.realtime_time_zone, "cdr_time_zone": config.cdr_time_zone,
        "crm_queue_to_line": config.crm_queue_to_line(), "otrs_queue_to_line": config.otrs_queue_to_line(),
    }
    loads = []
    for source in ALL_SOURCES:
        loads += load_source(con, landing, source, options=options)
    return loads
