"""Shared fixtures: the reference data folder, throw-away warehouses, a dbt runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion import settings

PROJECT_ROOT = settings.PROJECT_ROOT
FIXTURES = Path(__file__).parent / "fixtures"
DBT_DIR = PROJECT_ROOT / "dbt_project"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """../shared/reference-data, or SLA_REFERENCE_DATA. Tests that need it skip, saying why,
    when it is absent; the project's own fixtures keep the suite meaningful without it."""
    path = settings.reference_data_dir()
    if not path.is_dir():
        pytest.skip(f"reference data not found at {path} (set SLA_REFERENCE_DATA)")
    return path


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def run_dbt(warehouse: Path, *args: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real dbt CLI on the project against `warehouse`; fail the test with dbt's
    output if it fails."""
    env = {**os.environ, "SLA_WAREHOUSE_DB": str(warehouse), **(extra_env or {})}
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [str(dbt), *args, "--profiles-dir", str(DBT_DIR), "--project-dir", str(DBT_DIR),
         "--target-path", str(warehouse.parent / "dbt_target"), "--log-path", str(warehouse.parent / "dbt_logs"),
         # the output above is what a failure shows; a debug file log cost a second or two a run
         "--log-level-file", "warn"],
        cwd=DBT_DIR, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
    return result


def build_warehouse(warehouse: Path, landing: Path, config: Path | None = None) -> None:
    """Load a landing folder (every source) and the contract file, then dbt build: the
    pipeline without Dagster."""
    from assets.rebuild import dbt_build_args, dbt_vars
    from contract import load_config, write_config_tables
    from ingestion.catalog import load_landing

    cfg = load_config(config or settings.config_path())
    with duckdb.connect(str(warehouse)) as db:
        write_config_tables(db, cfg)
        load_landing(db, landing, cfg)
    # the arguments the pipeline passes: incremental on a warehouse already built
    run_dbt(warehouse, *dbt_build_args(dbt_vars(cfg), warehouse, None, config or settings.config_path()))
