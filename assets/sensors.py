"""Landing-folder sensor: new or changed queue_log files trigger a run for the days they cover."""


import json
from datetime import UTC
from zoneinfo import ZoneInfo

from dagster import RunRequest, SensorEvaluationContext, SkipReason, sensor

from ingestion import settings
from ingestion.landing import discover_queue_log_files, peek_time_range

LOCAL = ZoneInfo("America/Argentina/Buenos_Aires")


def _local_day(ts) -> str:
    return ts.replace(tzinfo=UTC).astimezone(LOCAL).date().isoformat()


@sensor(job_name="warehouse_job", minimum_interval_seconds=60)
def landing_sensor(context: SensorEvaluationContext):
    """Watches SLA_LANDING_DIR by file size and modification time (no warehouse access, so it
    never competes with a running load for the DuckDB lock)."""
    seen = json.loads(context.cursor) if context.cursor else {}
    current, changed = {}, []
    landing = settings.landing_dir()
    for path in discover_queue_log_files(landing):
        stat = path.stat()
        key = str(path)
        current[key] = [stat.st_size, stat.st_mtime_ns]
        if seen.get(key) != current[key]:
            changed.append(path)
    if not changed:
        return SkipReason(f"no new or changed files in {landing}")
    days = []
    for path in changed:
        span = peek_time_range(path) if path.suffix != ".csv" else None
        if span:
            days += [_local_day(span[0]), _local_day(span[1])]
    context.update_cursor(json.dumps(current))
    if not days:
        return SkipReason("changed files have no readable time range; run warehouse_job by hand")
    start, end = min(days), max(days)
    return RunRequest(
        run_key=f"landing:{start}:{end}:{len(current)}:{hash(json.dumps(current, sort_keys=True))}",
        tags={
            "dagster/asset_partition_range_start": start,
            "dagster/asset_partition_range_end": end,
        },
    )
