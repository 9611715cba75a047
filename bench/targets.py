"""The targets issue 11 sets, each with the sizes it speaks of. They are measured and reported,
never asserted: a miss is a finding of the run, not a failure of the bench."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.process import StageResult
from bench.sizes import Size

A_YEAR = 365
FOUR_GB_MB = 4096
# the stages whose memory is the pipeline's (not the simulator's or the floor's)
PIPELINE_STAGES = ("full_build", "add_day", "empty_day", "live_setup", "live_append")
PEAK_STAGE = "peak_memory"

Results = dict[str, StageResult]


def _seconds(stage: str) -> Callable[[Results], float | None]:
    return lambda results: results[stage].seconds if stage in results else None


def _add_day_over_empty(results: Results) -> float | None:
    if "add_day" not in results or "empty_day" not in results or not results["empty_day"].seconds:
        return None
    return results["add_day"].seconds / results["empty_day"].seconds


def live_worst_case(results: Results) -> float | None:
    """Append-to-published seconds plus the sensor's interval (lines appended just after a
    tick wait for the next) plus the Hoy page's refresh period (a page that looked just before
    the publication looks again one period later): the worst wait to see them on the page."""
    live = results.get("live_append")
    if live is None:
        return None
    return live.seconds + live.extra.get("sensor_interval_s", 0) + live.extra.get("page_refresh_s", 0)


def pipeline_peak_mb(results: Results) -> float | None:
    peaks = [results[stage].peak_mb for stage in PIPELINE_STAGES if stage in results]
    return max(peaks) if peaks else None


@dataclass(frozen=True)
class Target:
    stage: str
    text: str
    limit: float
    unit: str
    value: Callable[[Results], float | None]
    applies: Callable[[Size], bool]


TARGETS = (
    Target("full_build", "a year at 1x from scratch <= 90 s", 90, "s", _seconds("full_build"),
           lambda size: size.days >= A_YEAR and size.scale == 1),
    Target("add_day", "a day onto a year at 1x <= 20 s", 20, "s", _seconds("add_day"),
           lambda size: size.days >= A_YEAR and size.scale <= 1),
    Target("add_day", "a day onto a year at 10x <= 60 s", 60, "s", _seconds("add_day"),
           lambda size: size.days >= A_YEAR and 1 < size.scale <= 10),
    Target("add_day", "<= 3x the same day on an empty warehouse", 3, "x", _add_day_over_empty,
           lambda size: True),
    Target("live_append", "lines on the Hoy page <= 60 s, sensor tick and page refresh incl.", 60, "s", live_worst_case,
           lambda size: True),
    Target(PEAK_STAGE, "peak memory at 10x <= 4 GB", FOUR_GB_MB, "MB", pipeline_peak_mb,
           lambda size: size.scale >= 10),
)


def evaluate(size: Size, results: Results) -> list[dict]:
    """Every target with a measured value: its limit, the value, whether it speaks of this size
    (`applies`) and whether the value is within it (`met`, given even when it does not apply)."""
    found = []
    for target in TARGETS:
        value = target.value(results)
        if value is None:
            continue
        found.append({"stage": target.stage, "target": target.text, "limit": target.limit, "unit": target.unit,
                      "value": round(value, 2), "applies": target.applies(size), "met": value <= target.limit})
    return found
