"""The warehouse's one partitioning: local days of the contract's default zone. The loaders
pick the landing files of a run's days by it and dbt rebuilds those days (the window vars):
one definition, passed once."""

from datetime import date

from dagster import AssetExecutionContext, DailyPartitionsDefinition

from contract import DEFAULT_TIME_ZONE

# partition keys are fixed when the definitions load, before any contract file is read
daily_partitions = DailyPartitionsDefinition(
    start_date="2012-01-01", timezone=DEFAULT_TIME_ZONE, end_offset=1
)


def run_days(context: AssetExecutionContext) -> tuple[date, date] | None:
    """First and last local day of the run's partitions (a range run's tags, or a single
    partition's key), for assets that are not partitioned themselves; None without any."""
    tags = context.run.tags
    start = tags.get("dagster/asset_partition_range_start") or tags.get("dagster/partition")
    end = tags.get("dagster/asset_partition_range_end") or tags.get("dagster/partition")
    if not (start and end):
        return None
    return date.fromisoformat(start), date.fromisoformat(end)
