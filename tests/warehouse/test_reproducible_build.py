"""Same landing files, same bytes.

One simulated landing folder (every source, a few days across a month's end, with a
declared outage) is copied into two folders and each copy is built into its own
warehouse. Every table of the marts schema (`main`) must then be equal byte for byte
(exported sorted, floats at full precision), and so must every file of the audit report of
a month written from each warehouse at a different moment (HTML, PDF, CSV, XLSX, JSON).

A table is a set: nothing may depend on the order its rows are stored or read in. The
builds make that order differ everywhere, so that every sum meets its terms in another
order: DuckDB runs on several threads (another count in each build, free to emit rows in
any order), and the second build stores every raw table and every model's table with its
rows reversed (as a warehouse loaded file by file over weeks holds them in another order
than a fresh load). Floating-point addition depends on the order of its terms, so this
holds only because sums run over exact quantities (whole millionths, position-seconds,
counts) and divide last; and because no mart or report file records the clock.

The copies keep the files' modification times (shutil.copytree), which the manifest records
and late files are judged by (data_quality_daily).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from ingestion import settings
from tests.conftest import DBT_DIR

DUCKDB_THREADS = {"one": 3, "two": 7}  # more than this machine may have cores
END = dt.date(2026, 10, 2)  # three days: 30 September to 2 October
MONTH = dt.date(2026, 10, 1)

# After each model is built, its rows are stored again in the reverse order.
REVERSE_STORED_ROWS = [
    "create temp table stored_rows as select *, row_number() over () as stored_row from {{ this }}",
    "delete from {{ this }}",
    "insert into {{ this }} select * exclude (stored_row) from stored_rows order by stored_row desc",
    "drop table stored_rows",
]


def _profiles(folder: Path, threads: int) -> Path:
    """The project's dbt profile with DuckDB's thread count set (the shipped profile
    leaves it to DuckDB, which takes one per core) and free to emit rows in any order."""
    profiles = yaml.safe_load((DBT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    for output in profiles["telecentro_sla"]["outputs"].values():
        output.setdefault("settings", {}).update(threads=threads, preserve_insertion_order=False)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(yaml.safe_dump(profiles, sort_keys=False), encoding="utf-8")
    return folder


def _project_storing_rows_reversed(folder: Path) -> Path:
    """A copy of the dbt project whose every model stores its rows reversed once built."""
    project = folder / "dbt_project"
    shutil.copytree(DBT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    config = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8"))
    config["models"]["telecentro_sla"]["+post-hook"] = REVERSE_STORED_ROWS
    (project / "dbt_project.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return project


def _reverse_raw_tables(db: duckdb.DuckDBPyConnection) -> None:
    tables = [r[0] for r in db.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw' order by table_name").fetchall()]
    for table in tables:
        for statement in REVERSE_STORED_ROWS:
            db.execute(statement.replace("{{ this }}", f'raw."{table}"'))


def _build(folder: Path, landing: Path, threads: int, reverse: bool) -> Path:
    """Load the landing folder and the contract file into folder/warehouse.duckdb and run
    dbt build on it (tests/conftest.py build_warehouse with the thread count given; with
    `reverse`, every raw and model table stored with its rows reversed)."""
    from contract import load_config, write_config_tables
    from ingestion.catalog import load_landing

    cfg = load_config(settings.config_path())
    warehouse = folder / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as db:
        write_config_tables(db, cfg)
        load_landing(db, landing, cfg)
        if reverse:
            _reverse_raw_tables(db)
    project = _project_storing_rows_reversed(folder) if reverse else DBT_DIR
    dbt_vars = (f'{{"timezone": "{cfg.timezone}", "interval_minutes": {cfg.interval_minutes}, '
                f'"unmapped_line": "{cfg.unmapped_line}"}}')
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--vars", dbt_vars,
         "--profiles-dir", str(_profiles(folder / "profiles", threads)), "--project-dir", str(project),
         "--target-path", str(folder / "dbt_target"), "--log-path", str(folder / "dbt_logs"),
         "--log-level-file", "warn"],
        cwd=project, env={**os.environ, "SLA_WAREHOUSE_DB": str(warehouse)},
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
    return warehouse


def _cell(value) -> str:
    # repr: a float's shortest round-trip form, so two cells are equal only with equal bits
    return "" if value is None else repr(value)


def _mart_exports(warehouse: Path) -> dict[str, bytes]:
    """Every table of schema main as CSV bytes: a header of names and types, then the rows
    ordered by all columns."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' order by table_name").fetchall()]
        for table in tables:
            cursor = con.execute(f'select * from main."{table}" order by all')
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([f"{d[0]}:{d[1]}" for d in cursor.description])
            writer.writerows([_cell(v) for v in row] for row in cursor.fetchall())
            out[table] = buffer.getvalue().encode("utf-8")
    return out


def _report_files(warehouse: Path, out_dir: Path) -> dict[str, bytes]:
    from reports.audit import build_audit_report, write_report_files

    with duckdb.connect(str(warehouse), read_only=True) as con:
        report = build_audit_report(con, MONTH)
    paths = write_report_files(report, out_dir)
    return {path.name: path.read_bytes() for path in paths.values()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    from simulator import generate

    root = tmp_path_factory.mktemp("reproducible")
    source = root / "landing"
    generate(source / "queue_log", days=3, end=END, seed=20130527, outage_days=1)
    builds = []
    for name in ("one", "two"):
        folder = root / name
        shutil.copytree(source, folder / "landing")  # keeps each file's modification time
        started = time.monotonic()
        warehouse = _build(folder, folder / "landing", DUCKDB_THREADS[name], reverse=name == "two")
        # the reports are written at least two seconds apart (the resolution of a zip
        # entry's time), so a clock in any file shows up as a difference
        time.sleep(max(0.0, 2.1 - (time.monotonic() - started)))
        builds.append((_mart_exports(warehouse), _report_files(warehouse, folder / "reports")))
    return builds


def _first_difference(one: bytes, two: bytes) -> str:
    for number, (a, b) in enumerate(zip(one.splitlines(), two.splitlines()), start=1):
        if a != b:
            return f"line {number}:\n  {a[:400]!r}\n  {b[:400]!r}"
    return f"lengths {len(one)} and {len(two)}"


def test_every_mart_is_byte_for_byte_the_same(two_builds):
    (marts_one, _), (marts_two, _) = two_builds
    assert sorted(marts_one) == sorted(marts_two)
    assert {"fct_sla_units", "sla_compliance_monthly", "staffing_interval", "data_quality_daily"} <= set(marts_one)
    # the simulation reaches the settlement: staffed positions, outage exclusions, several months
    with_rows = [t for t, data in marts_one.items() if data.count(b"\n") > 1]
    assert {"sla_compliance_monthly", "dim_outages", "fct_social_interactions", "fct_cases"} <= set(with_rows)
    assert b"staffed_positions" in marts_one["sla_compliance_monthly"]
    different = {t: _first_difference(marts_one[t], marts_two[t])
                 for t in marts_one if marts_one[t] != marts_two[t]}
    assert not different, "\n".join(f"{t}: {d}" for t, d in different.items())


def test_every_report_file_is_byte_for_byte_the_same(two_builds):
    (_, files_one), (_, files_two) = two_builds
    assert sorted(files_one) == sorted(files_two)
    assert {name.rsplit(".", 1)[1] for name in files_one} == {"html", "pdf", "csv", "xlsx", "json"}
    different = sorted(name for name in files_one if files_one[name] != files_two[name])
    assert not different, different
