"""Loader assets: landing files and the contract file into the warehouse's raw schema."""


from datetime import UTC, datetime, timedelta

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
    multi_asset,
)

from assets.partitions import daily_partitions
from assets.resources import WarehouseResource
from checks.asset_checks import (
    QUEUE_LOG_CHECK_SPECS,
    RAW_QUEUE_LOG,
    expectations_on_new_loads,
    files_balance,
    source_files_balance,
)
from contract import CONTRACT_TABLES, load_config, write_config_tables
from ingestion import asterisk_cdr, call_detail, crm_cases, otrs, outages, settings, social_facebook, social_twitter
from ingestion.catalog import ensure_all_raw_tables
from ingestion.landing import discover_queue_log_files, load_queue_logs, peek_time_range
from ingestion.sources import Source, load_source

CONTRACT_KEYS = [AssetKey(["raw", table]) for table in CONTRACT_TABLES]


@multi_asset(
    specs=[AssetSpec(key, kinds={"python", "duckdb"}, group_name="raw", description=CONTRACT_TABLES[key.path[-1]])
           for key in CONTRACT_KEYS],
)
def contract_config(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Validate the contract file (SLA_CONFIG) and write it as the raw.contract_* tables and
    raw.business_calendar, so that SQL joins the same lines, terms and rules the documents state."""
    config = load_config(settings.config_path())
    with warehouse.connect() as con:
        # every source's raw tables exist before dbt reads them, files or not
        ensure_all_raw_tables(con)
        write_config_tables(con, config)
    for key in CONTRACT_KEYS:
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "config_file": str(config.path),
                "contract_version": config.version,
                "lines": MetadataValue.json([line.code for line in config.lines]),
            },
        )


def _window_utc(context: AssetExecutionContext) -> tuple[datetime, datetime]:
    window = context.partition_time_window
    return (
        window.start.astimezone(UTC).replace(tzinfo=None),
        window.end.astimezone(UTC).replace(tzinfo=None),
    )


@asset(
    key=AssetKey(["raw", "asterisk_queue_log"]),
    group_name="raw",
    kinds={"python", "duckdb"},
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    check_specs=QUEUE_LOG_CHECK_SPECS,
)
def raw_asterisk_queue_log(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Asterisk queue_log lines (flat files and realtime-table CSVs) from the landing folder
    (SLA_LANDING_DIR) into raw.asterisk_queue_log, bad lines into raw.quarantine.

    A run for a range of days loads the files whose events touch those days; the file
    manifest skips files already loaded with the same content, reads only the new lines of a
    grown file and replaces the rows of any other changed file, so re-running any partition
    is harmless. The local days of the lines the run added are queued for the expectations
    check (queue_log_expectations), which runs after publishing."""
    start, end = _window_utc(context)
    # a call can end a little after its file's last line: widen by a day on each side
    lo, hi = start - timedelta(days=1), end + timedelta(days=1)
    landing = settings.landing_dir()
    files = []
    for path in discover_queue_log_files(landing):
        span = peek_time_range(path) if not path.suffix == ".csv" else None
        if span is None or (span[0] < hi and span[1] >= lo):
            files.append(path)
    config = load_config(settings.config_path())
    with warehouse.connect() as con:
        results = load_queue_logs(
            con, landing, files=files, realtime_time_zone=config.realtime_time_zone,
            progress=context.log.info,
        )
        in_window = con.execute(
            "select count(*) from raw.asterisk_queue_log "
            "where event_time_utc >= ? and event_time_utc < ?",
            [start, end],
        ).fetchone()[0]
        # the new lines are validated by the queue_log_expectations check, after the publish
        checks = [files_balance(con)]
    return MaterializeResult(
        check_results=checks,
        metadata={
            "landing_dir": str(landing),
            "files_considered": len(files),
            "files_loaded": sum(r.status != "unchanged" for r in results),
            "files_appended": sum(r.status == "appended" for r in results),
            "rows_read": sum(r.rows_read for r in results),
            "rows_loaded": sum(r.rows_loaded for r in results),
            "rows_rejected": sum(r.rows_rejected for r in results),
            **_new_rows(results),
            "events_in_window": in_window,
        }
    )


@asset_check(
    asset=RAW_QUEUE_LOG,
    name="queue_log_expectations",
    description="Great Expectations suite raw_asterisk_queue_log on each local day of the lines of "
                "the loads it has not validated yet (raw.queue_log_loads_validated), in pandas "
                "batches of up to a month; a failing batch is validated again day by day.",
    # after the publish: a warning nobody waits for, and GE's import alone takes seconds that
    # the intraday page's new lines would otherwise wait for
    additional_deps=[AssetKey("serving_database")],
)
def queue_log_expectations(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
    config = load_config(settings.config_path())
    with warehouse.connect() as con:
        return expectations_on_new_loads(con, config.timezone, context.log.info)


def _new_rows(results) -> dict:
    """What this run itself read: an appended file's new lines, a (re)loaded file's all
    (the rows_* entries are the considered files' totals)."""
    return {
        "new_rows_read": sum(r.new_rows_read for r in results),
        "new_rows_loaded": sum(r.new_rows_loaded for r in results),
        "new_rows_rejected": sum(r.new_rows_rejected for r in results),
    }


def _source_options(config) -> dict:
    """What each source's parse hook needs from the contract file."""
    return {
        "realtime_time_zone": config.realtime_time_zone,
        "cdr_time_zone": config.cdr_time_zone,
        "crm_queue_to_line": config.crm_queue_to_line(),
        "otrs_queue_to_line": config.otrs_queue_to_line(),
    }


def source_asset(source: Source, description: str):
    """A loader asset for one landing-file source, materializing all its raw tables at once,
    files loaded through the shared manifest. These sources are not partitioned by day: their
    files (a CRM export, an OTRS response, a page of tweets) do not say which days they hold
    before they are parsed, and the file is the unit of loading, so every run loads the new or
    changed files and skips the rest by hash. Re-running is harmless."""
    keys = [AssetKey(["raw", table.split(".", 1)[1]]) for table in source.tables]

    @multi_asset(
        name=f"load_{source.name}",
        specs=[AssetSpec(key, group_name="raw", kinds={"python", "duckdb"}, description=description)
               for key in keys],
        check_specs=[AssetCheckSpec(f"{source.name}_files_balance", asset=keys[0],
                                    description="Every file: read = loaded + rejected, and the "
                                                "quarantine holds exactly the rejected records.")],
    )
    def _load(context: AssetExecutionContext, warehouse: WarehouseResource):
        config = load_config(settings.config_path())
        with warehouse.connect() as con:
            results = load_source(con, settings.landing_dir(), source,
                                  options=_source_options(config), progress=context.log.info)
            check = source_files_balance(con, source.name, keys[0])
        metadata = {
            "files": len(results),
            "files_loaded": sum(r.status != "unchanged" for r in results),
            "files_appended": sum(r.status == "appended" for r in results),
            "records_read": sum(r.rows_read for r in results),
            "records_loaded": sum(r.rows_loaded for r in results),
            "records_rejected": sum(r.rows_rejected for r in results),
            **_new_rows(results),
        }
        for key in keys:
            yield MaterializeResult(asset_key=key, metadata=metadata)
        yield check

    return _load


SOURCE_ASSETS = [
    source_asset(asterisk_cdr.SOURCE_SPEC,
                 "Asterisk CDR (Master.csv 16/17/18/19/21 columns, realtime-table CSV): outbound "
                 "campaign attempts and the CDR side of queued calls."),
    source_asset(call_detail.SOURCE_SPEC,
                 "Call-detail CSVs of other ACDs through a column mapping (config/call_detail_mappings)."),
    source_asset(crm_cases.SOURCE_SPEC,
                 "CRM case exports (documented CSV or mapped, e.g. Salesforce) from landing crm/."),
    source_asset(otrs.SOURCE_SPEC, "OTRS TicketGet responses from landing otrs/: tickets and articles."),
    source_asset(outages.SOURCE_SPEC, "Declared massive-outage windows (NOC) from landing outages/."),
    source_asset(social_twitter.SOURCE_SPEC,
                 "Twitter API v2 pages (twarc JSONL) from landing social/twitter/: pages, tweets and "
                 "users, malformed pages quarantined."),
    source_asset(social_facebook.SOURCE_SPEC,
                 "Facebook Graph API pages from landing social/facebook/: posts, comments, messages."),
]
