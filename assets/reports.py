"""The monthly SLA audit report as a month-partitioned asset."""

import datetime as dt
import os
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    MonthlyPartitionsDefinition,
    asset,
)

from assets.resources import WarehouseResource
from contract import DEFAULT_TIME_ZONE
from ingestion import settings

# The contract's first month (annex of 27 May 2013, first stage from June); the current month
# is a partition too (end_offset=1), so a report of the month so far can be drafted.
monthly_partitions = MonthlyPartitionsDefinition(start_date="2013-06-01", timezone=DEFAULT_TIME_ZONE, end_offset=1)


def previous_month_partition(day: dt.date) -> str:
    """The partition key of the month before `day`'s month."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1).isoformat()


def reports_dir() -> Path:
    """SLA_REPORTS_DIR, default data/reports; relative paths against the project root."""
    path = Path(os.environ.get("SLA_REPORTS_DIR") or "data/reports")
    return path if path.is_absolute() else settings.PROJECT_ROOT / path


@asset(
    key=AssetKey("sla_audit_report"),
    group_name="reports",
    kinds={"python", "pdf"},
    partitions_def=monthly_partitions,
    deps=[AssetKey("sla_compliance_monthly")],
)
def sla_audit_report(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """The month's SLA audit report for all lines (HTML, PDF, CSV, Excel and a JSON manifest
    with the fingerprints) in SLA_REPORTS_DIR/<YYYY-MM>/ (default data/reports): terms against
    targets, penalties, outage exclusions, worst days and intervals, data completeness, and the
    inputs, contract and code fingerprints that reproduce it. Reads the warehouse read-only; a
    month without compliance rows materializes with "no data"."""
    month = dt.date.fromisoformat(context.partition_key)
    # imported here: the report brings pandas and the PDF and Excel writers (a second), which
    # every run of the warehouse job would otherwise pay when it loads the definitions
    from reports.audit import report_summary, write_month_report

    written = write_month_report(warehouse.db_path(), month, reports_dir() / month.strftime("%Y-%m"))
    if written is None:
        context.log.info(f"no SLA compliance rows for {month:%Y-%m}: no report written")
        return MaterializeResult(metadata={"status": "no data", "month": month.strftime("%Y-%m")})
    summary = report_summary(*written)
    return MaterializeResult(
        metadata={
            "status": "written",
            "month": summary["month"],
            "fingerprint": summary["fingerprint"],
            "inputs_fingerprint": summary["inputs_fingerprint"],
            "contract_sha256": summary["contract_sha256"],
            "contract_versions": ", ".join(summary["contract_versions"]),
            "code_version": summary["code_version"],
            "code_fingerprint": summary["code_fingerprint"],
            "pdf": MetadataValue.path(summary["paths"]["pdf"]),
            "paths": MetadataValue.json(summary["paths"]),
            "line_penalty_percent": MetadataValue.json(summary["line_penalty_percent"]),
            "certifiable": MetadataValue.json(summary["certifiable"]),
        }
    )
