"""`make build`: materialize the whole asset graph for the days the landing files cover,
in this process, recorded in the project's Dagster instance (so the UI shows the run).

    python -m assets.build            # days taken from the landing files
    python -m assets.build 2026-11-01 2026-11-24
"""

import sys
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dagster import DagsterInstance

from contract import DEFAULT_TIME_ZONE, ConfigError, load_config
from ingestion import settings
from ingestion.landing import discover_queue_log_files, peek_time_range

# the zone of the job's daily partitions (assets/raw.py)
LOCAL = ZoneInfo(DEFAULT_TIME_ZONE)


def landing_days() -> tuple[str, str]:
    days = []
    for path in discover_queue_log_files(settings.landing_dir()):
        span = peek_time_range(path) if path.suffix != ".csv" else None
        for ts in span or ():
            days.append(ts.replace(tzinfo=UTC).astimezone(LOCAL).date())
    if not days:
        today = datetime.now(LOCAL).date()
        return today.isoformat(), today.isoformat()
    return min(days).isoformat(), max(days).isoformat()


def main(argv: list[str]) -> int:
    if len(argv) == 2:
        start, end = (date.fromisoformat(a).isoformat() for a in argv)
    else:
        start, end = landing_days()
    # a malformed contract stops the build before any step, with just the file, key and fix
    try:
        load_config(settings.config_path())
    except ConfigError as exc:
        print(f"Build FAILED: the contract file is not valid.\n  {exc}", file=sys.stderr)
        return 2
    print(f"Building the warehouse {settings.warehouse_db()} from {settings.landing_dir()}")
    print(f"  partitions {start} .. {end}; contract {settings.config_path()}", flush=True)

    from assets.definitions import defs  # after the banner: loading dbt takes a moment

    job = defs.resolve_job_def("warehouse_job")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": start,
                "dagster/asset_partition_range_end": end,
            },
            raise_on_error=False,
        )
    if not result.success:
        print("Build FAILED: see the step errors above (or the run in the Dagster UI).", file=sys.stderr)
        return 1
    print(f"Build done: serving copy published at {settings.serving_db()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
