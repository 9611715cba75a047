"""The published, read-only serving copy of the marts."""


import json
import subprocess
from pathlib import Path

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from assets.dbt import manifest_path
from assets.resources import WarehouseResource
from ingestion import settings
from ingestion.publish import publish

# dbt_project.yml tags the marts folders with it; the serving copy holds those models only
PUBLISHED_TAG = "published"


def published_marts(manifest: Path) -> list[str]:
    """The models dbt tags as published, read from its manifest: what the serving copy holds
    and waits for."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return sorted(n["name"] for n in nodes if n["resource_type"] == "model" and PUBLISHED_TAG in n["tags"])


def day_keys(manifest: Path) -> dict[str, str]:
    """The day column of each published incremental mart (its `rebuild_key`): the serving copy
    replaces just the days of those marts that differ from the warehouse."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return {n["name"]: n["config"]["rebuild_key"] for n in nodes
            if n["resource_type"] == "model" and PUBLISHED_TAG in n["tags"] and n["config"].get("rebuild_key")}


MARTS = published_marts(manifest_path())
DAY_KEYS = day_keys(manifest_path())


def code_version() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.PROJECT_ROOT,
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@asset(
    key=AssetKey("serving_database"),
    group_name="serving",
    kinds={"duckdb"},
    deps=[AssetKey(m) for m in MARTS],
)
def serving_database(warehouse: WarehouseResource) -> MaterializeResult:
    """Bring a copy of the serving file up to the marts (schema main, no raw personal data)
    and swap it in for SLA_SERVING_DB atomically; dashboards and analysts read only this copy.
    Only what differs is rewritten: the changed days of the incremental marts, the changed
    marts of the others (ingestion/publish.py)."""
    result = publish(warehouse.db_path(), settings.serving_db(), code_version(), MARTS, DAY_KEYS)
    return MaterializeResult(
        metadata={
            "path": result["path"],
            "published_at": result["published_at"],
            "rows": MetadataValue.json(result["tables"]),
            "written": MetadataValue.json(result["written"]),
        }
    )
