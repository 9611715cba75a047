"""One memory cap for every DuckDB the pipeline writes through (ingestion/settings.py):
the loaders' and the publish's connections and dbt's profile take the same value."""

from __future__ import annotations

import re
from pathlib import Path

from assets.resources import WarehouseResource
from ingestion import settings

PROFILES = Path(__file__).resolve().parents[2] / "dbt_project" / "profiles.yml"


def test_the_dbt_profile_defaults_to_the_same_cap():
    [default] = re.findall(r"env_var\('SLA_DUCKDB_MEMORY_LIMIT', '([^']+)'\)", PROFILES.read_text())
    assert default == settings.DEFAULT_DUCKDB_MEMORY_LIMIT


def test_the_warehouse_connection_takes_the_cap_and_its_override(tmp_path, monkeypatch):
    resource = WarehouseResource(path=str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("SLA_DUCKDB_MEMORY_LIMIT", raising=False)
    with resource.connect() as con:
        # DuckDB shows the cap in its own units: 2GB is 1.8 GiB
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "1.8 GiB"
    monkeypatch.setenv("SLA_DUCKDB_MEMORY_LIMIT", "512MB")
    with resource.connect() as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "488.2 MiB"
