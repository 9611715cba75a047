"""Landing-folder sensor: new or changed files of any source trigger a run for the days they
cover (queue logs) or for today (sources loaded whole)."""


import hashlib
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from contract import DEFAULT_TIME_ZONE
from ingestion import settings
from ingestion.catalog import ALL_SOURCES
from ingestion.landing import peek_time_range
from ingestion.queue_log import is_queue_log_file
from ingestion.sources import discover

# the zone of the job's daily partitions (assets/raw.py)
LOCAL = ZoneInfo(DEFAULT_TIME_ZONE)


def _local_day(ts) -> str:
    return ts.replace(tzinfo=UTC).astimezone(LOCAL).date().isoformat()


# Every 5 s: the intraday page ("Hoy") should show lines written to the live queue_log within
# a minute, and a run takes most of it (about 45 s at a year of data, make bench); a tick only
# stats the landing files. Runs queue one at a time (dagster.yaml). Running by default, so
# the daemon `make serve` starts keeps the published copy current without anyone switching it on.
@sensor(job_name="warehouse_job", minimum_interval_seconds=5, default_status=DefaultSensorStatus.RUNNING)
def landing_sensor(context: SensorEvaluationContext):
    """Watches SLA_LANDING_DIR by file size and modification time (no warehouse access, so it
    never competes with a running load for the DuckDB lock)."""
    seen = json.loads(context.cursor) if context.cursor else {}
    current, changed = {}, []
    landing = settings.landing_dir()
    paths = sorted({path for source in ALL_SOURCES for path in discover(landing, source)})
    for path in paths:
        stat = path.stat()
        key = str(path)
        current[key] = [stat.st_size, stat.st_mtime_ns]
        if seen.get(key) != current[key]:
            changed.append(path)
    if not changed:
        return SkipReason(f"no new or changed files in {landing}")
    # A live queue_log grows every second and a run takes most of a minute: one run waiting in
    # the queue is enough, it reads the files as they are when it starts. Without this the queue
    # would grow by a run per tick for as long as the PBX writes. The cursor stays, so whatever
    # that run does not cover is asked for on a later tick.
    waiting = context.instance.get_runs_count(RunsFilter(
        job_name="warehouse_job", statuses=[DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED]))
    if waiting:
        return SkipReason(f"{len(changed)} new or changed files; a warehouse_job run already waits to load them")
    days = []
    for path in changed:
        # queue logs say which days they hold; other sources load whole files whatever the
        # partition, so today's partition is enough to pick them up
        span = peek_time_range(path) if is_queue_log_file(path) and path.suffix != ".csv" else None
        if span:
            days += [_local_day(span[0]), _local_day(span[1])]
        else:
            days.append(datetime.now(LOCAL).date().isoformat())
    context.update_cursor(json.dumps(current))
    start, end = min(days), max(days)
    return RunRequest(
        # stable across processes (str hash() is salted per process)
        run_key=f"landing:{start}:{end}:{hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]}",
        tags={
            "dagster/asset_partition_range_start": start,
            "dagster/asset_partition_range_end": end,
        },
    )
