"""Locations of the project's files, each overridable by an environment variable.

| variable            | default                    | what it names                                  |
|---------------------|----------------------------|------------------------------------------------|
| SLA_LANDING_DIR     | data/landing               | folder of source files (e.g. a PBX's log dir)  |
| SLA_CONFIG          | config/contract.yml        | contract / line configuration                  |
| SLA_WAREHOUSE_DB    | data/warehouse.duckdb      | DuckDB file the pipeline writes (dbt too)      |
| SLA_SERVING_DB      | data/serving.duckdb        | read-only copy for dashboards and analysts     |
| SLA_REFERENCE_DATA  | ../shared/reference-data   | real sample files used by the tests            |
| SLA_DUCKDB_MEMORY_LIMIT | 2GB                    | memory cap of each DuckDB the pipeline opens   |

SLA_DUCKDB_MEMORY_LIMIT bounds each process that writes (the loaders and the publish in
Dagster's, dbt in its own): beyond it DuckDB spills joins, sorts and aggregations to a
temporary folder beside the database. Its default keeps a build at 10x the contract's
positions under 4 GB in all (DuckDB's own default, 80 % of the machine, let a 90-day build
at 10x reach 8.7 GB); dbt_project/profiles.yml repeats it for dbt run by hand.

Relative defaults are resolved against the project root, so commands work from any
working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(var: str, default: str) -> Path:
    value = os.environ.get(var) or default
    path = Path(value)
    return path if path.is_absolute() else (PROJECT_ROOT / path)


def landing_dir() -> Path:
    return _path("SLA_LANDING_DIR", "data/landing")


def config_path() -> Path:
    return _path("SLA_CONFIG", "config/contract.yml")


def warehouse_db() -> Path:
    return _path("SLA_WAREHOUSE_DB", "data/warehouse.duckdb")


def serving_db() -> Path:
    return _path("SLA_SERVING_DB", "data/serving.duckdb")


def reference_data_dir() -> Path:
    return _path("SLA_REFERENCE_DATA", "../shared/reference-data")


DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"


def duckdb_memory_limit() -> str:
    return os.environ.get("SLA_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


def duckdb_config() -> dict:
    """Settings of every DuckDB connection the pipeline writes through."""
    return {"memory_limit": duckdb_memory_limit()}
