"""The live stage, in a process of its own: lines appended to the live queue_log, then the runs
the sensors ask for, until the published copy shows the lines.

    python -m bench.live LIVE_QUEUE_LOG APPENDED_LINES_FILE

Run with the bench's SLA_* variables and DAGSTER_HOME. The definitions are loaded before the
append, as Dagster's code server holds them; every sensor of files ticks right after it (the
daemon ticks within each sensor's minimum interval: reported as sensor_interval_s, the wait a
user may add), and each run they ask for starts in a fresh process, one at a time, as
Dagster's run launcher and queue do (bench.launch_run). The clock runs from the append until
the serving copy shows every queue entry, answer and end of the appended lines
(bench.visibility)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from dagster import (
    AssetSensorDefinition,
    DagsterInstance,
    MultiAssetSensorDefinition,
    RunStatusSensorDefinition,
    build_sensor_context,
)

from bench.process import REPORT_PREFIX
from bench.visibility import expectations, missing
from dashboards.freshness import PAGE_REFRESH_SECONDS
from ingestion import settings

POLL_EVERY_S = 0.5
# once the last run has ended, how long the copy may still take to show the lines (a publish
# that happens apart from the run) before the stage fails
GRACE_S = 30.0


def _tick(sensor, instance, defs, cursor):
    return sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=cursor, definitions=defs))


def _payload(sensor, request) -> dict:
    return {
        "job_name": request.job_name or sensor.job_name,
        "tags": dict(request.tags),
        "run_config": dict(request.run_config or {}),
        "partition_key": request.partition_key,
        "asset_selection": [list(key.path) for key in request.asset_selection] if request.asset_selection else None,
    }


def main(argv: list[str]) -> int:
    live_file, appended_file = Path(argv[0]), Path(argv[1])
    appended = appended_file.read_bytes()
    expected = expectations(appended.decode("utf-8").splitlines())
    serving = settings.serving_db()
    if not expected or missing(serving, expected) == 0:
        raise SystemExit("the appended lines carry no call the serving copy lacks: visibility would prove nothing")

    from assets.definitions import defs  # loaded before the clock starts, as the code server has it

    instance = DagsterInstance.get()
    # sensors of files and the outside world; those of runs and assets react to runs, not to files
    sensors = [s for s in defs.get_repository_def().sensor_defs
               if not isinstance(s, RunStatusSensorDefinition | AssetSensorDefinition | MultiAssetSensorDefinition)]
    cursors = {s.name: _tick(s, instance, defs, None).cursor for s in sensors}

    with live_file.open("ab") as handle:
        handle.write(appended)
        handle.flush()
        os.fsync(handle.fileno())
    start = time.perf_counter()

    pending = []
    for sensor in sensors:
        pending += [(sensor, request) for request in _tick(sensor, instance, defs, cursors[sensor.name]).run_requests or ()]
    if not pending:
        raise SystemExit(f"no sensor asked for a run after {len(appended.splitlines())} lines were appended to {live_file}")
    requested = [_payload(sensor, request) for sensor, request in pending]
    asking = {sensor.name: sensor for sensor, _ in pending}.values()

    runs, proc, run_start, last_end, visible = [], None, 0.0, start, None
    while visible is None:
        if proc is None and pending:
            payload = _payload(*pending.pop(0))
            run_start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "bench.launch_run", json.dumps(payload)])
        if proc is not None and proc.poll() is not None:
            last_end = time.perf_counter()
            runs.append(round(last_end - run_start, 2))
            if proc.returncode != 0:
                raise SystemExit(f"the run the sensor asked for failed (exit {proc.returncode}): {payload}")
            proc = None
        if missing(serving, expected) == 0:
            visible = time.perf_counter() - start
        elif proc is None and not pending and time.perf_counter() - last_end > GRACE_S:
            raise SystemExit(f"{len(expected)} expected facts, {missing(serving, expected)} still not in "
                             f"{serving} {GRACE_S:.0f} s after the last run ended")
        else:
            time.sleep(POLL_EVERY_S)
    # the lines are out; the run that published them finishes its own way
    if proc is not None:
        proc.wait()
        runs.append(round(time.perf_counter() - run_start, 2))

    print(REPORT_PREFIX + json.dumps({
        "seconds": round(visible, 2),
        "lines_appended": len(appended.splitlines()),
        "facts_checked": len(expected),
        "runs_seconds": runs,
        "requests": requested,
        "sensor_interval_s": max(sensor.minimum_interval_seconds or 0 for sensor in asking),
        "page_refresh_s": PAGE_REFRESH_SECONDS,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
