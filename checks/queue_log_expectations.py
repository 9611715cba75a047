"""Great Expectations suite for raw queue_log events, validated per local day.

GE 1.x's SQL datasource fails on DuckDB (MetricResolutionError), so the days' rows are
fetched from DuckDB as pandas batches and validated in memory.

The row-wise expectations (not null, between, regex, conditional not null) and uniqueness hold
for a set of days exactly when they hold for each day of it, so the days are validated a
month at a time (at most ROWS_PER_FETCH rows) in one batch. The share of known events is
expected of each day, which a batch of days cannot say: DuckDB counts each day's share as the
batch is fetched. A batch that fails, or holds a day under the share, is validated again day
by day, each day its own GE batch, which names the failing days and what each broke. A GE
validation costs about 0.14 s however small its batch: a year of days one batch each was 51 s
of a full build.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import duckdb

from ingestion.queue_log import KNOWN_EVENTS

logging.getLogger("great_expectations").setLevel(logging.WARNING)

SUITE_NAME = "raw_asterisk_queue_log"
# vendor events are kept, but a day made mostly of unknown events means a wrong format
KNOWN_SHARE = 0.5


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
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column="event", value_set=list(KNOWN_EVENTS), mostly=KNOWN_SHARE)
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

    def _validate(self, frame, suite):
        return self.batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite)

    def validate_frame(self, day: date, frame) -> DayResult:
        result = self._validate(frame, self.suite)
        failed = [r.expectation_config.type for r in result.results if not r.success]
        return DayResult(day, len(frame), bool(result.success), failed)

    def batch_passes(self, frame) -> bool:
        return bool(self._validate(frame, self.suite).success)


# days validated per batch: at most a month, and at most this many rows (a pandas frame of a
# month of lines at 10x the contract's positions took 3.8 GB, the peak of a whole build)
DAYS_PER_FETCH = 31
ROWS_PER_FETCH = 500_000

_LOCAL_DAY = "cast(timezone($zone, timezone('UTC', event_time_utc)) as date)"
# the days' lines lie within a day of their local dates in UTC (offsets are under 15 h): a
# range on the stored column lets DuckDB skip the row groups of other days
_DAYS_FILTER = f"""
    event_time_utc >= $first::timestamp - interval 1 day and event_time_utc < $last::timestamp + interval 2 day
    and {_LOCAL_DAY} in (select unnest($days::date[]))"""


def _day_counts(con: duckdb.DuckDBPyConnection, days: list[date], time_zone: str) -> dict[date, tuple[int, int]]:
    """Per day: its lines with an event, and those of a known event."""
    rows = con.execute(
        f"select {_LOCAL_DAY}, count(event), count(event) filter (where list_contains($known, event)) "
        f"from raw.asterisk_queue_log where {_DAYS_FILTER} group by all",
        {"zone": time_zone, "first": min(days), "last": max(days), "days": days, "known": list(KNOWN_EVENTS)},
    ).fetchall()
    return {day: (events, known) for day, events, known in rows}


def _batches(days: list[date], counts: dict[date, tuple[int, int]]) -> list[list[date]]:
    """`days` in order, cut into batches of at most DAYS_PER_FETCH days and ROWS_PER_FETCH
    rows (a day with more rows than that is a batch of its own)."""
    batches, rows = [], 0
    for day in days:
        n = counts.get(day, (0, 0))[0]
        if not batches or len(batches[-1]) >= DAYS_PER_FETCH or rows + n > ROWS_PER_FETCH:
            batches.append([])
            rows = 0
        batches[-1].append(day)
        rows += n
    return batches


def validate_days(con: duckdb.DuckDBPyConnection, days: list[date], time_zone: str,
                  progress=None) -> list[DayResult]:
    """Each local day's result: a batch of days at a time, a failing batch's days (or one
    holding a day under the share of known events) one batch each; see the module's
    docstring."""
    if not days:
        return []
    validator = QueueLogValidator()
    counts = _day_counts(con, days, time_zone)
    results = []
    for chunk in _batches(days, counts):
        frame = con.execute(
            f"""
            select strftime(timezone($zone, timezone('UTC', event_time_utc)), '%Y-%m-%d') as local_day,
                   file_path, line_no, event_time_utc, callid, queuename, agent, event
            from raw.asterisk_queue_log
            where {_DAYS_FILTER}
            """,
            {"zone": time_zone, "first": min(chunk), "last": max(chunk), "days": chunk},
        ).df()
        by_day = {day: part.drop(columns="local_day") for day, part in frame.groupby("local_day")}
        shares_hold = all(known >= KNOWN_SHARE * events for events, known in (counts.get(d, (0, 0)) for d in chunk))
        all_pass = shares_hold and validator.batch_passes(frame.drop(columns="local_day"))
        for day in chunk:
            part = by_day.get(day.isoformat(), frame.iloc[0:0].drop(columns="local_day"))
            results.append(DayResult(day, len(part), True, []) if all_pass else validator.validate_frame(day, part))
            i = len(results)
            if progress and (i % 10 == 0 or i == len(days)):
                failed = sum(not r.success for r in results)
                progress(f"expectations: {i}/{len(days)} days validated, {failed} failing")
        del frame, by_day
    return results
