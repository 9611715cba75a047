"""The published, read-only serving copy of the marts."""


import subprocess

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from assets.resources import WarehouseResource
from ingestion import settings
from ingestion.publish import publish

MARTS = ["dim_lines", "fct_calls", "fct_agent_sessions", "fct_agent_intervals", "fct_cases",
         "fct_social_interactions", "kpi_line_interval", "kpi_line_daily", "kpi_line_monthly",
         "kpi_social_tier_daily", "staffing_interval", "fct_sla_units", "sla_compliance_interval",
         "sla_compliance_daily", "sla_compliance_monthly", "dim_contract_terms", "dim_contract_versions",
         "dim_outages", "data_quality_files", "data_quality_daily", "sla_input_files"]


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
    """Copy the marts (schema main, no raw personal data) into a new DuckDB file and swap it
    in for SLA_SERVING_DB atomically; dashboards and analysts read only this copy."""
    result = publish(warehouse.db_path(), settings.serving_db(), code_version())
    return MaterializeResult(
        metadata={
            "path": result["path"],
            "published_at": result["published_at"],
            "rows": MetadataValue.json(result["tables"]),
        }
    )
