"""Checks on the raw queue_log, run by the loader asset right after each load and reported
as Dagster asset checks: the read = loaded + rejected balance per file, and the Great
Expectations suite on each local day the load touched (one pandas batch per partition)."""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from checks.queue_log_expectations import validate_days

RAW_QUEUE_LOG = AssetKey(["raw", "asterisk_queue_log"])

QUEUE_LOG_CHECK_SPECS = [
    AssetCheckSpec("queue_log_files_balance", asset=RAW_QUEUE_LOG,
                   description="Every landing file: lines read = loaded + rejected, and the "
                               "raw and quarantine tables hold exactly those counts."),
    AssetCheckSpec("queue_log_expectations", asset=RAW_QUEUE_LOG,
                   description="Great Expectations suite raw_asterisk_queue_log on each local "
                               "day touched by the load, validated as a pandas batch."),
]


def files_balance(con) -> AssetCheckResult:
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
    files, rejected = con.execute(
        "select count(*), sum(rows_rejected) from raw.landing_files where source = 'asterisk_queue_log'"
    ).fetchone()
    return AssetCheckResult(
        check_name="queue_log_files_balance",
        asset_key=RAW_QUEUE_LOG,
        passed=not bad,
        metadata={
            "files": files,
            "rows_rejected": int(rejected or 0),
            "unbalanced_files": MetadataValue.json([list(map(str, row)) for row in bad]),
        },
    )


def days_touched(con, file_paths: list[str], time_zone: str) -> list:
    if not file_paths:
        return []
    return [
        row[0]
        for row in con.execute(
            "select distinct cast(timezone(?, timezone('UTC', event_time_utc)) as date) as d "
            "from raw.asterisk_queue_log where list_contains(?, file_path) order by d",
            [time_zone, file_paths],
        ).fetchall()
    ]


def expectations(con, days: list, time_zone: str, progress=None) -> AssetCheckResult:
    results = validate_days(con, days, time_zone, progress) if days else []
    failed = [r for r in results if not r.success]
    return AssetCheckResult(
        check_name="queue_log_expectations",
        asset_key=RAW_QUEUE_LOG,
        passed=not failed,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "days_validated": len(results),
            "rows_validated": sum(r.rows for r in results),
            "days_failed": len(failed),
            "failures": MetadataValue.json({str(r.day): r.failed_expectations for r in failed[:50]}),
        },
    )


def source_files_balance(con, source: str, asset_key: AssetKey) -> AssetCheckResult:
    """Any source: per file, read = loaded + rejected and the quarantine rows = rejected."""
    bad = con.execute(
        """
        select f.file_path, f.rows_read, f.rows_loaded, f.rows_rejected, coalesce(q.n, 0)
        from raw.landing_files f
        left join (select file_path, count(*) n from raw.quarantine where source = ? group by 1) q
            using (file_path)
        where f.source = ?
          and (f.rows_read <> f.rows_loaded + f.rows_rejected or f.rows_rejected <> coalesce(q.n, 0))
        """,
        [source, source],
    ).fetchall()
    files, rejected = con.execute(
        "select count(*), sum(rows_rejected) from raw.landing_files where source = ?", [source]
    ).fetchone()
    return AssetCheckResult(
        check_name=f"{source}_files_balance",
        asset_key=asset_key,
        passed=not bad,
        metadata={"files": files, "rows_rejected": int(rejected or 0),
                  "unbalanced_files": MetadataValue.json([list(map(str, row)) for row in bad])},
    )
