"""Dagster asset checks on the raw queue_log: the read = loaded + rejected invariant per
file, and the Great Expectations suite per local day."""


from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue, asset_check

from assets.resources import WarehouseResource
from checks.queue_log_expectations import validate_days
from ingestion import settings
from ingestion.contract_config import load_config

RAW_QUEUE_LOG = AssetKey(["raw", "asterisk_queue_log"])


@asset_check(asset=RAW_QUEUE_LOG, description="Every landing file: lines read = loaded + rejected, "
             "and the table holds exactly the loaded count.")
def queue_log_files_balance(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect() as con:
        bad = con.execute(
            """
            select f.file_path, f.rows_read, f.rows_loaded, f.rows_rejected,
                   coalesce(t.n, 0) as rows_in_table, coalesce(q.n, 0) as rows_in_quarantine
            from raw.landing_files f
            left join (select file_path, count(*) n from raw.asterisk_queue_log group by 1) t using (file_path)
            left join (select file_path, count(*) n from raw.quarantine
                       where source = 'asterisk_queue_log' group by 1) q using (file_path)
            where f.source = 'asterisk_queue_log'
              and (f.rows_read <> f.rows_loaded + f.rows_rejected
                   or f.rows_loaded <> coalesce(t.n, 0) or f.rows_rejected <> coalesce(q.n, 0))
            """
        ).fetchall()
        files = con.execute(
            "select count(*), sum(rows_rejected) from raw.landing_files where source = 'asterisk_queue_log'"
        ).fetchone()
    return AssetCheckResult(
        passed=not bad,
        metadata={
            "files": files[0],
            "rows_rejected": int(files[1] or 0),
            "unbalanced_files": MetadataValue.json([list(map(str, row)) for row in bad]),
        },
    )


@asset_check(asset=RAW_QUEUE_LOG, description="Great Expectations suite raw_asterisk_queue_log, "
             "validated on each local day's events as a pandas batch.")
def queue_log_expectations(warehouse: WarehouseResource) -> AssetCheckResult:
    time_zone = load_config(settings.config_path()).timezone
    with warehouse.connect() as con:
        days = [
            row[0]
            for row in con.execute(
                "select distinct cast(timezone(?, timezone('UTC', event_time_utc)) as date) as d "
                "from raw.asterisk_queue_log order by d",
                [time_zone],
            ).fetchall()
        ]
        results = validate_days(con, days, time_zone)
    failed = [r for r in results if not r.success]
    return AssetCheckResult(
        passed=not failed,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "days_validated": len(results),
            "days_failed": len(failed),
            "failures": MetadataValue.json(
                {str(r.day): r.failed_expectations for r in failed[:50]}
            ),
        },
    )


queue_log_checks = [queue_log_files_balance, queue_log_expectations]
