"""Checks on the raw queue_log, reported as Dagster asset checks: the read = loaded + rejected
balance per file and per load of a file (an append is one), run by the loader right after
each load; and the Great Expectations suite on each local day of the lines loads added (one
pandas batch per partition), queued by the loader and run after the serving copy is
published: it is a warning, nothing waits for it, and importing Great Expectations alone
takes seconds that the live lines would otherwise wait for."""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from checks.queue_log_expectations import validate_days

RAW_QUEUE_LOG = AssetKey(["raw", "asterisk_queue_log"])

QUEUE_LOG_CHECK_SPECS = [
    AssetCheckSpec("queue_log_files_balance", asset=RAW_QUEUE_LOG,
                   description="Every landing file and every load of it: lines read = loaded + "
                               "rejected, and the raw and quarantine tables hold exactly those counts."),
]

# Per file, its loads (raw.landing_file_appends) summed, and how many of them do not balance:
# the manifest's counts must be these sums. Files loaded before loads were logged have none.
_LOADS_SQL = """
select file_path, sum(rows_read) as read, sum(rows_loaded) as loaded, sum(rows_rejected) as rejected,
       count(*) filter (where rows_read <> rows_loaded + rows_rejected) as unbalanced_loads
from raw.landing_file_appends where source = $source group by file_path
"""
_LOADS_DISAGREE = """
(a.file_path is not null and (a.unbalanced_loads > 0 or a.read <> f.rows_read
                              or a.loaded <> f.rows_loaded or a.rejected <> f.rows_rejected))
"""


def _waiting(con, source: str) -> dict:
    """Files whose bytes after the last line end wait for it: a line being written, or a
    delivered file that lacks its final line end (its last record then waits until one
    comes): named, so the second case is seen."""
    rows = con.execute("select file_path, bytes_waiting from raw.landing_files "
                       "where source = ? and bytes_waiting > 0 order by file_path", [source]).fetchall()
    return {"files_waiting": len(rows), "bytes_waiting": MetadataValue.json(dict(rows[:50]))}


def files_balance(con) -> AssetCheckResult:
    bad = con.execute(
        f"""
        select f.file_path, f.rows_read, f.rows_loaded, f.rows_rejected,
               coalesce(t.n, 0) as rows_in_table, coalesce(q.n, 0) as rows_in_quarantine,
               coalesce(a.unbalanced_loads, 0) as unbalanced_loads
        from raw.landing_files f
        left join (select file_path, count(*) n from raw.asterisk_queue_log group by 1) t using (file_path)
        left join (select file_path, count(*) n from raw.quarantine
                   where source = $source group by 1) q using (file_path)
        left join ({_LOADS_SQL}) a using (file_path)
        where f.source = $source
          and (f.rows_read <> f.rows_loaded + f.rows_rejected
               or f.rows_loaded <> coalesce(t.n, 0) or f.rows_rejected <> coalesce(q.n, 0)
               or {_LOADS_DISAGREE})
        """,
        {"source": "asterisk_queue_log"},
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
            **_waiting(con, "asterisk_queue_log"),
        },
    )


# The queue_log loads (raw.landing_file_appends rows, written in each load's transaction) the
# expectations check has not validated yet: what is left to validate follows from the data,
# so a run stopped anywhere after a load (before the publish, or in the check) leaves its
# lines for the next run's check. A load is named by its file, first byte and time: a file
# reloaded whole is a new load from byte 0.
_UNVALIDATED_LOADS = """
    select a.file_path, a.from_byte, a.loaded_at, a.first_line_no
    from raw.landing_file_appends a
    anti join raw.queue_log_loads_validated v using (file_path, from_byte, loaded_at)
    where a.source = 'asterisk_queue_log'
"""


def unvalidated_days(con, time_zone: str) -> list:
    """Local days of the queue_log lines of loads not yet validated: per file, its lines from
    the first line of its earliest such load on (a file's loads follow each other)."""
    return [
        row[0]
        for row in con.execute(
            f"""
            with pending as (
                select file_path, min(first_line_no) as first_line_no from ({_UNVALIDATED_LOADS}) group by all
            )
            select distinct cast(timezone($zone, timezone('UTC', q.event_time_utc)) as date) as d
            from raw.asterisk_queue_log q
            join pending p on q.file_path = p.file_path and q.line_no >= p.first_line_no
            order by d
            """,
            {"zone": time_zone},
        ).fetchall()
    ]


def expectations_on_new_loads(con, time_zone: str, progress=None) -> AssetCheckResult:
    """The expectations on every day of the loads not yet validated, then those loads marked
    validated (and the marks of loads since replaced dropped)."""
    loads = con.execute(f"select file_path, from_byte, loaded_at from ({_UNVALIDATED_LOADS})").fetchall()
    result = expectations(con, unvalidated_days(con, time_zone), time_zone, progress)
    if loads:
        con.executemany("insert or ignore into raw.queue_log_loads_validated values (?, ?, ?)", loads)
        con.execute("delete from raw.queue_log_loads_validated v where not exists (select 1 from "
                    "raw.landing_file_appends a where a.file_path = v.file_path and a.from_byte = v.from_byte "
                    "and a.loaded_at = v.loaded_at)")
    return result


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
    """Any source: per file and per load of it, read = loaded + rejected, and the quarantine
    rows = rejected."""
    bad = con.execute(
        f"""
        select f.file_path, f.rows_read, f.rows_loaded, f.rows_rejected, coalesce(q.n, 0),
               coalesce(a.unbalanced_loads, 0)
        from raw.landing_files f
        left join (select file_path, count(*) n from raw.quarantine where source = $source group by 1) q
            using (file_path)
        left join ({_LOADS_SQL}) a using (file_path)
        where f.source = $source
          and (f.rows_read <> f.rows_loaded + f.rows_rejected or f.rows_rejected <> coalesce(q.n, 0)
               or {_LOADS_DISAGREE})
        """,
        {"source": source},
    ).fetchall()
    files, rejected = con.execute(
        "select count(*), sum(rows_rejected) from raw.landing_files where source = ?", [source]
    ).fetchone()
    return AssetCheckResult(
        check_name=f"{source}_files_balance",
        asset_key=asset_key,
        passed=not bad,
        metadata={"files": files, "rows_rejected": int(rejected or 0),
                  "unbalanced_files": MetadataValue.json([list(map(str, row)) for row in bad]),
                  **_waiting(con, source)},
    )
