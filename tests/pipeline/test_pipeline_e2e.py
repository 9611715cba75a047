"""`make build`'s command end to end through Dagster: landing files -> raw -> dbt -> checks ->
serving copy; run twice, the second run changes no table."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from ingestion import settings

NIGHT = 1709348390  # 2024-03-01 23:59:50 in Buenos Aires


def _digest(db_path, schemas=("raw", "main")) -> dict:
    out = {}
    with duckdb.connect(str(db_path), read_only=True) as db:
        for schema, table in db.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            f"{tuple(schemas)} and table_name not in ('publish_log') order by all"
        ).fetchall():
            drop = {"landing_files": " exclude (loaded_at)", "quarantine": " exclude (quarantined_at)"}.get(table, "")
            rows = db.execute(f'select *{drop} from "{schema}"."{table}" order by all').fetchall()
            out[f"{schema}.{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def _build(env) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "assets.build"], cwd=settings.PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        pytest.fail(f"build failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
    return result


def test_build_twice_through_dagster(tmp_path):
    landing = tmp_path / "landing"
    (landing / "pbx").mkdir(parents=True)
    (landing / "pbx" / "queue_log-20240302").write_text("\n".join([
        f"{NIGHT}|c1|hd_internet|NONE|ENTERQUEUE||1145678901|1",
        f"{NIGHT + 12}|c1|hd_internet|Ana|CONNECT|12|c1b|1",
        f"{NIGHT + 100}|c1|hd_internet|Ana|COMPLETECALLER|12|88|1",
        f"{NIGHT + 200}|c2|atc_ventas|NONE|ENTERQUEUE||1145678902|1",
        f"{NIGHT + 260}|c2|atc_ventas|NONE|ABANDON|1|1|60",
        "garbage line",
    ]) + "\n")
    reference = settings.reference_data_dir() / "asterisk_queue_log"
    if reference.is_dir():
        shutil.copytree(reference, landing / "reference")
    env = {
        **os.environ,
        "SLA_LANDING_DIR": str(landing),
        "SLA_WAREHOUSE_DB": str(tmp_path / "wh.duckdb"),
        "SLA_SERVING_DB": str(tmp_path / "serving.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    (tmp_path / "dagster_home").mkdir()
    first = _build(env)
    assert "RUN_SUCCESS" in first.stdout + first.stderr
    warehouse_before = _digest(tmp_path / "wh.duckdb")
    serving_before = _digest(tmp_path / "serving.duckdb", ("main",))

    with duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True) as db:
        assert {r[0] for r in db.execute("select distinct schema_name from duckdb_tables()").fetchall()} == {"main"}
        daily = dict(db.execute(
            "select line_code, sum(offered) from kpi_line_daily group by 1").fetchall())
        assert daily["helpdesk"] == 1 and daily["atc"] == 1
        if reference.is_dir():
            assert daily["sin_mapear"] == 41
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as db:
        assert db.execute("select reason from raw.quarantine where file_path = 'pbx/queue_log-20240302'"
                          ).fetchall() == [("wrong field count: expected at least 5 fields "
                                            "(epoch|callid|queue|agent|event), found 1",)]

    _build(env)
    assert _digest(tmp_path / "wh.duckdb") == warehouse_before
    assert _digest(tmp_path / "serving.duckdb", ("main",)) == serving_before
