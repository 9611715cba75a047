"""`make bench`: what users feel, on simulated data of chosen sizes, beside a one-query floor.

    python -m bench [--days 365] [--scale 1 --scale 10 | --sizes 365x1,365x10] [--seed 1]
                    [--keep DIR] [--quick] [--append-lines 1000]

Every size (days of a year ending 30 June 2026, the contract's positions x scale) runs in a
scratch folder of its own (its landing folder, warehouse, serving copy and Dagster instance),
each stage in a child process, timed, with the peak memory of its process tree:

  simulate     the days, the next day and the live day, every source (python -m simulator)
  floor_query  one hand-written DuckDB query of the daily inbound KPIs over the year's queue_log files
  full_build   the year from scratch through Dagster, as `make build` (python -m assets.build)
  add_day      the next day's files arrive (queue_log, CDR rows, CRM, OTRS, social): that day's build
  empty_day    the same day's files alone, built on an empty warehouse
  live_setup   the live day's queue_log as read at 10:30, built (sets up live_append)
  live_append  lines appended to that live queue_log, the sensors tick, their runs run: seconds
               until the published copy shows every call event of the lines

Printed as one table per size, every stage as a ratio to the floor and beside the targets of
issue 11; kept as JSON lines (one per stage per size, with the commit and the machine) in
bench/results/results.jsonl (git-ignored). A failing stage stops the run with its log's path.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import landing as bench_landing
from bench.process import StageFailed, StageResult, run_stage
from bench.report import append_jsonl, git_commit, machine, records, run_history, table
from bench.sizes import Size, estimate_seconds, landing_mb, parse_sizes
from bench.targets import evaluate
from contract import load_config
from ingestion import settings
from simulator.__main__ import DEFAULT_LIVE_UNTIL

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "results.jsonl"
DEFAULT_DAYS = 365
DEFAULT_SCALES = (1.0, 10.0)
QUICK_DAYS = 7
APPENDED_LINES = 1000


class Workspace:
    """One warehouse's files in the scratch folder: landing, warehouse, serving copy, Dagster
    instance (the project's dagster.yaml, its relative storage paths taken from here)."""

    def __init__(self, folder: Path, landing: Path):
        self.folder, self.landing = folder, landing
        self.dagster_home = folder / "dagster_home"
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "dagster.yaml", self.dagster_home / "dagster.yaml")

    def env(self) -> dict:
        venv_bin = str(Path(sys.executable).parent)
        return {
            **os.environ,
            # the children import this checkout's code, and find the venv's dbt as make does
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
            "PATH": os.pathsep.join((venv_bin, os.environ.get("PATH", ""))),
            "SLA_LANDING_DIR": str(self.landing),
            "SLA_WAREHOUSE_DB": str(self.folder / "warehouse.duckdb"),
            "SLA_SERVING_DB": str(self.folder / "serving.duckdb"),
            "DAGSTER_HOME": str(self.dagster_home),
        }

    def run(self, stage: str, command: list[str], logs: Path) -> StageResult:
        serving = self.folder / "serving.duckdb"
        started = time.time()
        # dagster.yaml's storage paths are relative: run where they land in this workspace
        result = run_stage(stage, command, self.env(), self.dagster_home, logs / f"{stage}.log")
        # what the dashboards wait for: the serving copy swapped in (its file is written then
        # renamed); the Great Expectations check runs after it, within the stage's seconds
        if serving.is_file() and serving.stat().st_mtime >= started:
            result.extra["published_s"] = round(serving.stat().st_mtime - started, 2)
        return result


def _mb(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def live_cut_epoch() -> int:
    """10:30 (the simulator's live read) on the live day, in the contract's time zone."""
    hours, minutes = (int(x) for x in DEFAULT_LIVE_UNTIL.split(":"))
    zone = ZoneInfo(load_config(settings.config_path()).timezone)
    moment = datetime(*bench_landing.live_day().timetuple()[:3], hours, minutes, tzinfo=zone)
    return int(moment.timestamp())


def bench_size(size: Size, folder: Path, seed: int, append_lines: int, show) -> tuple[list[StageResult], dict]:
    """Every stage of one size, in order; the results and the size's facts (volumes)."""
    python = sys.executable
    landing, later, logs = folder / "landing", folder / "later", folder / "logs"
    warehouse = Workspace(folder / "main", landing)
    day, live = bench_landing.next_day(), bench_landing.live_day()
    results: list[StageResult] = []

    def stage(result: StageResult) -> None:
        results.append(result)
        show(result)

    stage(warehouse.run("simulate", bench_landing.simulate_command(python, landing, size.days, size.scale, seed), logs))
    started = time.perf_counter()
    bench_landing.set_aside(landing, later, day)
    facts = {"landing_mb": _mb(landing), "prepare_seconds": round(time.perf_counter() - started, 2)}

    stage(warehouse.run("floor_query", [python, "-m", "bench.floor", str(landing)], logs))
    stage(warehouse.run("full_build", [python, "-m", "assets.build"], logs))

    facts["next_day_files"] = bench_landing.add_day(landing, later, day)
    stage(warehouse.run("add_day", [python, "-m", "assets.build", day.isoformat(), day.isoformat()], logs))

    empty = Workspace(folder / "empty", folder / "empty_landing")
    bench_landing.day_only_landing(landing, later, day, empty.landing)
    stage(empty.run("empty_day", [python, "-m", "assets.build", day.isoformat(), day.isoformat()], logs))

    prefix, appended = bench_landing.live_parts(later, live, live_cut_epoch(), append_lines)
    live_file = landing / bench_landing.queue_log_name(live)
    live_file.write_bytes(prefix)
    stage(warehouse.run("live_setup", [python, "-m", "assets.build", live.isoformat(), live.isoformat()], logs))
    appended_file = folder / "appended.queue_log"
    appended_file.write_bytes(appended)
    stage(warehouse.run("live_append", [python, "-m", "bench.live", str(live_file), str(appended_file)], logs))

    facts.update(warehouse_mb=_mb(folder / "main" / "warehouse.duckdb"), serving_mb=_mb(folder / "main" / "serving.duckdb"))
    return results, facts


def _show(result: StageResult) -> None:
    print(f"    {result.stage:<13} {result.seconds:>9.2f} s  peak {result.peak_mb:>8.1f} MB", flush=True)


def _sizes(text: str) -> list[Size]:
    try:
        return parse_sizes(text)
    except ValueError as exc:  # argparse would print only "invalid value"
        raise argparse.ArgumentTypeError(str(exc)) from exc


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"days of data (default {DEFAULT_DAYS})")
    parser.add_argument("--scale", type=float, action="append",
                        help="contract positions x this; repeat for several sizes (default 1 and 10)")
    parser.add_argument("--sizes", type=_sizes, help="DAYSxSCALE,... instead of --days and --scale")
    parser.add_argument("--quick", action="store_true", help=f"a smoke run: {QUICK_DAYS} days at 1x")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--append-lines", type=int, default=APPENDED_LINES,
                        help=f"lines appended to the live queue_log (default {APPENDED_LINES})")
    parser.add_argument("--keep", type=Path, help="work in DIR/<size> (new folders) and keep them")
    options = parser.parse_args(argv)
    if options.append_lines < 1:
        parser.error("--append-lines must be at least 1")
    if options.quick:
        options.sizes = [Size(QUICK_DAYS, 1.0)]
    elif options.sizes is None:
        if options.days < 1 or any(scale <= 0 for scale in options.scale or ()):
            parser.error("--days must be at least 1 and every --scale above 0")
        options.sizes = [Size(options.days, scale) for scale in options.scale or DEFAULT_SCALES]
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    meta = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "run_id": uuid.uuid4().hex[:12],
            **git_commit(ROOT), "machine": machine(), "seed": options.seed,
            "sizes": [size.slug for size in options.sizes]}
    history = run_history(RESULTS, meta["machine"]["cores"])
    work = options.keep or Path(tempfile.mkdtemp(prefix="sla-bench-"))
    free_mb = shutil.disk_usage(work if work.exists() else work.parent).free / 2**20
    print(f"bench {meta['commit'][:10]}{' (uncommitted changes)' if meta['dirty'] else ''} on "
          f"{meta['machine']['cores']} cores, {meta['machine'].get('ram_gb', '?')} GB; work in {work}")
    for size in options.sizes:
        seconds, source = estimate_seconds(size, history)
        took = f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min"
        print(f"  {size.label}: about {took} ({source}), landing about {landing_mb(size):,.0f} MB")
    need_mb = sum(3 * landing_mb(size) for size in options.sizes) if options.keep else 3 * max(
        landing_mb(size) for size in options.sizes)
    if need_mb > free_mb:
        print(f"  warning: about {need_mb:,.0f} MB of disk needed, {free_mb:,.0f} MB free in {work}")

    for size in options.sizes:
        folder = work / size.slug
        if folder.exists() and any(folder.iterdir()):
            print(f"bench: {folder} is not empty: give --keep a new folder", file=sys.stderr)
            return 2
        print(f"\n{size.label} in {folder}", flush=True)
        try:
            results, facts = bench_size(size, folder, options.seed, options.append_lines, _show)
        except StageFailed as failure:
            tail = failure.log.read_text(errors="replace").splitlines()[-25:]
            print(f"\nbench FAILED at stage {failure.stage} ({size.label}): {failure.detail}\n"
                  f"  log: {failure.log}\n  (scratch kept in {folder})\n" + "\n".join(tail), file=sys.stderr)
            return 1
        targets = evaluate(size, {r.stage: r for r in results})
        live = next(r for r in results if r.stage == "live_append")
        notes = [f"landing {facts['landing_mb']:,.0f} MB -> warehouse {facts['warehouse_mb']:,.0f} MB, "
                 f"serving {facts['serving_mb']:,.0f} MB",
                 f"live_append: {live.extra.get('lines_appended')} lines, {live.extra.get('facts_checked')} call "
                 f"events checked in the serving copy, sensor tick every {live.extra.get('sensor_interval_s')} s, "
                 f"page refresh every {live.extra.get('page_refresh_s')} s"]
        published = [f"{r.stage} {r.extra['published_s']:.1f} s" for r in results if "published_s" in r.extra]
        if published:
            notes.append("serving copy published after (the expectations check follows): " + ", ".join(published))
        print("\n" + table(size, results, targets, notes), flush=True)
        append_jsonl(RESULTS, records(meta, size, results, targets, facts))
        if not options.keep:
            shutil.rmtree(folder)
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nresults appended to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
