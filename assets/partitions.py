"""The warehouse's one partitioning: local days of the contract's default zone. The loaders
pick the landing files of a run's days by it and dbt rebuilds those days (the window vars):
one definition, passed once."""

from dagster import DailyPartitionsDefinition

from contract import DEFAULT_TIME_ZONE

# partition keys are fixed when the definitions load, before any contract file is read
daily_partitions = DailyPartitionsDefinition(
    start_date="2012-01-01", timezone=DEFAULT_TIME_ZONE, end_offset=1
)
