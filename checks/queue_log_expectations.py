"""Great Expectations suite for raw queue_log events, validated per local day.

GE 1.x's SQL datasource fails on DuckDB (MetricResolutionError), so each day's rows are
fetched from DuckDB as a pandas batch and validated in memory, one partition at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import duckdb

from ingestion.queue_log import KNOWN_EVENTS

logging.getLogger("great_expectations").setLevel(logging.WARNING)

SUITE_NAME = "raw_asterisk_queue_log"


def build_suite():
    # imported here: Great Expectations takes ~10 s to import, which every process that
    # merely loads the Dagster definitions would otherwise pay
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    suite = gx.ExpectationSuite(name=SUITE_NAME)
    for column in ("file_path", "line_no", "event_time_utc", "event"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=["file_path", "line_no"]))
    suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="line_no", min_value=1))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="event", regex=r"^[A-Za-z0-9_]+$"))
    # vendor events are kept, but a day made mostly of unknown events means a wrong format
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column="event", value_set=list(KNOWN_EVENTS), mostly=0.5)
    )
    # a call event always names its call (the parser quarantines the rest)
    suite.add_expectation(
        gxe.ExpectColumnValuesToNotBeNull(column="callid", row_condition=Column("event") == "ENTERQUEUE")
    )
    return suite


@dataclass(frozen=True)
class DayResult:
    day: date
    rows: int
    success: bool
    failed_expectations: list[str]


class QueueLogValidator:
    def __init__(self) -> None:
        import great_expectations as gx

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False}
        source = self.context.data_sources.add_pandas("duckdb_batches")
        asset = source.add_dataframe_asset(SUITE_NAME)
        self.batch_definition = asset.add_batch_definition_whole_dataframe("day")
        self.suite = self.context.suites.add(build_suite())

    def validate_frame(self, day: date, frame) -> DayResult:
        result = self.batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(self.suite)
        failed = [r.expectation_config.type for r in result.results if not r.success]
        return DayResult(day, len(frame), bool(result.success), failed)


# days fetched per query: a year of lines in one pandas frame took gigabytes (the peak of a full
# build); a month at a time keeps memory to a month's lines and costs a scan per month
DAYS_PER_FETCH = 31


def validate_days(con: duckdb.DuckDBPyConnection, days: list[date], time_zone: str,
                  progress=None) -> list[DayResult]:
    """One pandas batch per local day (partition); the rows come from DuckDB a month of days
    per scan and are split in memory."""
    validator = QueueLogValidator()
    results = []
    for first in range(0, len(days), DAYS_PER_FETCH):
        chunk = days[first:first + DAYS_PER_FETCH]
        frame = con.execute(
            """
            select strftime(timezone(?, timezone('UTC', event_time_utc)), '%Y-%m-%d') as local_day,
                   file_path, line_no, event_time_utc, callid, queuename, agent, event
            from raw.asterisk_queue_log
            where cast(timezone(?, timezone('UTC', event_time_utc)) as date) in (select unnest(?::date[]))
            """,
            [time_zone, time_zone, chunk],
        ).df()
        by_day = {day: part.drop(columns="local_day") for day, part in frame.groupby("local_day")}
        for day in chunk:
            part = by_day.get(day.isoformat(), frame.iloc[0:0].drop(columns="local_day"))
            results.append(validator.validate_frame(day, part))
            i = len(results)
            if progress and (i % 10 == 0 or i == len(days)):
                failed = sum(not r.success for r in results)
                progress(f"expectations: {i}/{len(days)} days validated, {failed} failing")
        del frame, by_day
    return results
