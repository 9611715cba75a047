"""Measure the pipeline on simulated data of a chosen size, in a scratch folder.

    python -m bench [--days 90] [--seed 1] [--keep DIR]    (the days end on 30 June 2026)

Each stage runs in its own child process so that its peak memory (max RSS) is its own:
simulate (every source) -> load (every source: parse + manifest + quarantine, DuckDB) -> dbt build -> monthly audit report,
then the cost of adding one day (the next day's queue_log file: load it, dbt build), beside the
floor: one hand-written DuckDB query computing the daily inbound KPIs straight from the
queue_log files. Every stage is printed with its ratio to the floor, and the run is appended as
JSON lines to bench/results/results.jsonl (git-ignored) to compare runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STAGES = {
    "simulate": (
        "from simulator import generate; import sys; "
        "generate(sys.argv[1] + '/landing/queue_log', days=int(sys.argv[2]), end='2026-06-30', seed=int(sys.argv[3]))"
    ),
    "load": (
        "import duckdb, sys; from pathlib import Path; "
        "from ingestion.catalog import load_landing; "
        "from contract import load_config, write_config_tables; "
        "from ingestion import settings; "
        "config = load_config(settings.config_path()); "
        "con = duckdb.connect(sys.argv[1] + '/wh.duckdb'); "
        "write_config_tables(con, config); "
        "r = load_landing(con, Path(sys.argv[1]) / 'landing', config); "
        "print('LINES', sum(x.rows_read for x in r if x.status != 'unchanged'))"
    ),
    "reload_unchanged": (
        "import duckdb, sys; from pathlib import Path; "
        "from ingestion.catalog import load_landing; "
        "from contract import load_config; "
        "from ingestion import settings; "
        "con = duckdb.connect(sys.argv[1] + '/wh.duckdb'); "
        "r = load_landing(con, Path(sys.argv[1]) / 'landing', load_config(settings.config_path())); "
        "assert all(x.status == 'unchanged' for x in r)"
    ),
    # the next day's queue_log file, simulated apart and dropped into the landing folder
    "simulate_next_day": (
        "from simulator import generate; import shutil, sys; from pathlib import Path; "
        "out = Path(sys.argv[1]) / 'next_day'; "
        "generate(out / 'queue_log', days=1, end='2026-07-01', seed=int(sys.argv[3]), sources=False, "
        "outage_days=0); "
        "shutil.copy2(out / 'queue_log' / 'queue_log-20260701', Path(sys.argv[1]) / 'landing' / 'queue_log')"
    ),
    # the floor: daily inbound offered, answered, abandoned and answered within 20 s per queue,
    # in one query over the raw files (no pseudonyms, no quarantine, no contract: what any
    # extra work of the pipeline is measured against)
    "floor_query": (
        "import duckdb, sys; from contract import DEFAULT_TIME_ZONE; "
        "con = duckdb.connect(); "
        "n = con.execute(\"\"\"with f as (select string_split(line, '|') as p from read_csv(?, "
        "columns={'line': 'VARCHAR'}, delim=chr(31), quote='', escape='', header=false)) "
        "select count(*) from (select timezone(?, "
        "to_timestamp(try_cast(p[1] as double)))::date as day, p[3] as queue, "
        "count(*) filter (where p[5] = 'ENTERQUEUE') as offered, "
        "count(*) filter (where p[5] = 'CONNECT') as answered, "
        "count(*) filter (where p[5] = 'ABANDON') as abandoned, "
        "count(*) filter (where p[5] = 'CONNECT' and try_cast(p[6] as integer) <= 20) as within_20 "
        "from f group by all)\"\"\", [sys.argv[1] + '/landing/queue_log/queue_log-*', DEFAULT_TIME_ZONE]).fetchone()[0]; "
        "print('ROWS', n)"
    ),
    # the monthly audit report of the last full simulated month (June, the last, when the
    # days cover no whole month before it), all lines, every format
    "audit_report": (
        "import duckdb, sys, datetime; from pathlib import Path; "
        "from reports.audit import build_audit_report, write_report_files; "
        "con = duckdb.connect(sys.argv[1] + '/wh.duckdb', read_only=True); "
        "r = build_audit_report(con, datetime.date.fromisoformat(sys.argv[4])); "
        "write_report_files(r, Path(sys.argv[1]) / 'reports')"
    ),
}


def run_stage(name: str, args: list[str], env: dict) -> dict:
    name_run = {"load_next_day": "load", "dbt_build_next_day": "dbt_build"}.get(name, name)
    if name_run == "dbt_build":
        dbt_dir = ROOT / "dbt_project"
        command = [str(Path(sys.executable).parent / "dbt"), "build", "--profiles-dir", str(dbt_dir),
                   "--project-dir", str(dbt_dir), "--target-path", args[0] + "/dbt_target",
                   "--log-path", args[0] + "/dbt_logs"]
    else:
        command = [sys.executable, "-c", STAGES[name_run], *args]
    # /usr/bin/time is not on every machine: measure the child's rusage from here
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    output = proc.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"stage {name} failed:\n{output[-4000:]}")
    result = {"stage": name, "seconds": round(seconds, 2), "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
              "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2)}
    for line in output.splitlines():
        if line.startswith("LINES "):
            result["lines"] = int(line.split()[1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    options = parser.parse_args()

    scratch = options.keep or Path(tempfile.mkdtemp(prefix="sla-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SLA_WAREHOUSE_DB": str(scratch / "wh.duckdb"), "PYTHONPATH": str(ROOT)}
    print(f"bench: {options.days} simulated days in {scratch} ({platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores)")
    results = []
    report_month = "2026-05-01" if options.days >= 61 else "2026-06-01"
    # the floor first, so that every stage can be printed with its ratio to it
    stages = ("simulate", "floor_query", "load", "reload_unchanged", "dbt_build", "audit_report",
              "simulate_next_day", "load_next_day", "dbt_build_next_day")
    floor = None
    for name in stages:
        args = [str(scratch), str(options.days), str(options.seed), report_month]
        result = run_stage(name, args, env)
        results.append(result)
        if name == "floor_query":
            floor = result["seconds"]
        extra = ""
        if "lines" in result:
            extra = f"  {result['lines']:,} lines, {result['lines'] / result['seconds']:,.0f} lines/s"
        ratio = f"  {result['seconds'] / floor:>6.1f}x floor" if floor and name != "simulate" else ""
        print(f"  {name:<19} {result['seconds']:>8.2f} s  max RSS {result['max_rss_mb']:>7.1f} MB{ratio}{extra}",
              flush=True)

    size_mb = sum(p.stat().st_size for p in (scratch / "landing").rglob("*") if p.is_file()) / 2**20
    db_mb = (scratch / "wh.duckdb").stat().st_size / 2**20
    print(f"  landing {size_mb:,.1f} MB -> warehouse {db_mb:,.1f} MB")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    with (out / "results.jsonl").open("a") as handle:
        handle.write(json.dumps({"at": datetime.now(UTC).isoformat(), "days": options.days,
                                 "landing_mb": round(size_mb, 1), "warehouse_mb": round(db_mb, 1),
                                 "stages": results}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
