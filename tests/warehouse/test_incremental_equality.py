"""Incremental runs end where a full build starts: the same landing files fed in chunks give
every table a clean full build of the final folder gives.

One simulated week with every source is fed to one warehouse in four runs, as a landing
folder really fills, and each run is the pipeline's incremental build (tests/conftest.py
build_warehouse: the loaders, then `dbt build` with the pipeline's arguments on a warehouse
already built). The chunks are drawn by a seeded random generator (the seed is in the test
id, so a failure is reproduced by its id):

1. the first days' rotated queue_logs with one day held back, Master.csv cut at a random
   record, the first days' CRM, OTRS and social files, no outage file;
2. the live `queue_log` holding a random part of the next day, cut inside a line (the
   PBX is writing it), Master.csv appended to, the held-back day delivered late, the
   outage file;
3. the live log grows by more lines; a CRM export is rewritten with one more case;
4. rotation: the live log is renamed `queue_log-YYYYMMDD` (compressed on odd seeds) and a
   new live log starts the next day; the remaining files arrive.

After the last run, every table of the marts, staging and intermediate schemas equals
those of a clean build of a copy of the final folder (the bookkeeping of what was rebuilt
excepted), value for value.
"""

from __future__ import annotations

import gzip
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import build_warehouse

END = "2026-10-07"
DAYS = 7
# what the incremental runs decided to rebuild differs by design
BOOKKEEPING = {"int_rebuild_days", "built_day_fingerprints", "built_rules"}


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> Path:
    from simulator import generate

    root = tmp_path_factory.mktemp("incremental_source")
    generate(root / "landing" / "queue_log", days=DAYS, end=END, seed=20130527)
    return root / "landing"


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))


def _copy(src: Path, landing: Path, source_root: Path) -> None:
    target = landing / src.relative_to(source_root)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, target)


def _cut_inside_a_line(data: bytes, rng: random.Random, low: float, high: float) -> bytes:
    """A prefix of `data` ending inside a line, between the fractions low..high of it."""
    at = rng.randrange(int(len(data) * low), int(len(data) * high))
    while data[at - 1:at] == b"\n":
        at += 1
    return data[:at]


def _cut_at_a_record(data: bytes, rng: random.Random, low: float, high: float) -> bytes:
    at = data.index(b"\n", rng.randrange(int(len(data) * low), int(len(data) * high))) + 1
    return data[:at]


def _table_rows(warehouse: Path) -> dict[tuple[str, str], list[str]]:
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('main', 'staging', 'intermediate') order by all").fetchall()
        for schema, table in tables:
            if table in BOOKKEEPING:
                continue
            rows = con.execute(f'select * from {schema}."{table}"').fetchall()
            out[(schema, table)] = sorted(map(repr, rows))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_chunked_incremental_runs_equal_a_full_build(simulated: Path, tmp_path: Path, seed: int):
    rng = random.Random(seed)
    landing = tmp_path / "landing"
    landing.mkdir()
    queue_logs = _files(simulated / "queue_log", "queue_log-*")
    by_day = {path.name: path.read_bytes() for path in queue_logs}
    days = sorted(by_day)
    others = {kind: _files(simulated, pattern) for kind, pattern in
              (("crm", "crm/*.csv"), ("otrs", "otrs/*"), ("twitter", "social/twitter/*"),
               ("facebook", "social/facebook/*"))}
    master = (simulated / "cdr" / "Master.csv").read_bytes()
    warehouse = tmp_path / "incremental.duckdb"
    live = landing / "queue_log" / "queue_log"
    (landing / "queue_log").mkdir()
    (landing / "cdr").mkdir()

    # 1. the first days, one held back; Master.csv cut at a record
    first = days[:4]
    late = rng.choice(first[1:])
    for name in first:
        if name != late:
            (landing / "queue_log" / name).write_bytes(by_day[name])
    (landing / "cdr" / "Master.csv").write_bytes(_cut_at_a_record(master, rng, 0.3, 0.5))
    for files in others.values():
        for path in files[:3]:
            _copy(path, landing, simulated)
    build_warehouse(warehouse, landing)

    # 2. the live log has part of the next day, cut inside a line; late day, outages
    live_day = days[4]
    live.write_bytes(_cut_inside_a_line(by_day[live_day], rng, 0.2, 0.5))
    (landing / "cdr" / "Master.csv").write_bytes(_cut_at_a_record(master, rng, 0.6, 0.8))
    (landing / "queue_log" / late).write_bytes(by_day[late])
    for path in _files(simulated, "outages/*"):
        _copy(path, landing, simulated)
    build_warehouse(warehouse, landing)

    # 3. the live log grows (still inside a line); a CRM export is rewritten
    live.write_bytes(_cut_inside_a_line(by_day[live_day], rng, 0.6, 0.9))
    for path in others["crm"][3:4]:
        _copy(path, landing, simulated)
    build_warehouse(warehouse, landing)

    # 4. rotation: the live log becomes queue_log-YYYYMMDD (compressed on odd seeds) and a
    # new live log starts; everything else arrives
    rotated = landing / "queue_log" / live_day
    if seed % 2:
        with gzip.open(rotated.with_name(live_day + ".gz"), "wb") as handle:
            handle.write(by_day[live_day])
    else:
        rotated.write_bytes(by_day[live_day])
    live.write_bytes(_cut_at_a_record(by_day[days[5]], rng, 0.3, 0.6))
    (landing / "cdr" / "Master.csv").write_bytes(master)
    for files in others.values():
        for path in files:
            _copy(path, landing, simulated)
    build_warehouse(warehouse, landing)

    full_landing = tmp_path / "full_landing"
    shutil.copytree(landing, full_landing)
    full = tmp_path / "full.duckdb"
    build_warehouse(full, full_landing)

    incremental_tables, full_tables = _table_rows(warehouse), _table_rows(full)
    assert set(incremental_tables) == set(full_tables)
    differing = [key for key in full_tables if incremental_tables[key] != full_tables[key]]
    assert differing == [], f"tables differing from a full build: {differing}"
    # the marts hold data, so the comparison compared something
    assert full_tables[("main", "fct_calls")] and full_tables[("main", "kpi_line_daily")]
