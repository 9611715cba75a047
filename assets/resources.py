"""The DuckDB warehouse as a Dagster resource: one file, named by SLA_WAREHOUSE_DB for
Dagster and dbt alike."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from ingestion import settings


class WarehouseResource(ConfigurableResource):
    """Opens the warehouse file for writing; one writer at a time (in-process executor)."""

    path: str = ""

    def db_path(self):
        return settings.warehouse_db() if not self.path else Path(self.path)

    @contextmanager
    def connect(self):
        path = self.db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), config=settings.duckdb_config())
        try:
            yield con
        finally:
            con.close()
