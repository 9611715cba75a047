"""The warehouse's single Dagster Definitions: loader assets, dbt models, checks, the
serving copy, one job for the whole graph, a landing-folder sensor and a daily schedule;
the monthly SLA audit report and its job."""

from __future__ import annotations

import warnings

# backfill_policy is beta in this Dagster release; it is what lets one run load a range of days
warnings.filterwarnings("ignore", message=".*backfill_policy.*")

from dagster import (  # noqa: E402
    AssetSelection,
    Definitions,
    RunRequest,
    ScheduleEvaluationContext,
    build_schedule_from_partitioned_job,
    define_asset_job,
    in_process_executor,
    schedule,
)

from assets.dbt import dbt_resource, warehouse_dbt_models  # noqa: E402
from assets.raw import (  # noqa: E402
    SOURCE_ASSETS,
    contract_config,
    queue_log_expectations,
    raw_asterisk_queue_log,
)
from assets.reports import previous_month_partition, sla_audit_report  # noqa: E402
from assets.resources import WarehouseResource  # noqa: E402
from assets.sensors import landing_sensor  # noqa: E402
from assets.serving import serving_database  # noqa: E402
from contract import DEFAULT_TIME_ZONE  # noqa: E402

# DuckDB takes one writer: the whole graph runs in one process, step after step.
warehouse_job = define_asset_job(
    "warehouse_job",
    # the monthly audit report has its own (monthly) partitions and job
    selection=AssetSelection.all() - AssetSelection.assets(sla_audit_report),
    executor_def=in_process_executor,
    description="Load landing files for the selected days, rebuild the dbt models, publish.",
)

sla_audit_report_job = define_asset_job(
    "sla_audit_report_job",
    selection=AssetSelection.assets(sla_audit_report),
    executor_def=in_process_executor,
    description="Write the monthly SLA audit report (HTML, PDF, CSV, Excel) of the selected months.",
)

# Yesterday's partition every morning, after the PBX has rotated its logs.
nightly_schedule = build_schedule_from_partitioned_job(
    warehouse_job, hour_of_day=6, minute_of_hour=30, name="nightly_warehouse"
)



@schedule(job=sla_audit_report_job, cron_schedule="0 8 2 * *", execution_timezone=DEFAULT_TIME_ZONE)
def monthly_audit_report(context: ScheduleEvaluationContext) -> RunRequest:
    """On the 2nd at 08:00, after the nightly build has loaded the month's last day: the
    previous month's audit report."""
    key = previous_month_partition(context.scheduled_execution_time.date())
    return RunRequest(run_key=key, partition_key=key)


defs = Definitions(
    assets=[contract_config, raw_asterisk_queue_log, *SOURCE_ASSETS, warehouse_dbt_models, serving_database,
            sla_audit_report],
    asset_checks=[queue_log_expectations],
    jobs=[warehouse_job, sla_audit_report_job],
    schedules=[nightly_schedule, monthly_audit_report],
    sensors=[landing_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": dbt_resource(),
    },
)
