"""The sizes of simulated data a bench run measures, and how long and how much disk they take.

A size is days (of a year ending bench.landing.YEAR_END) and a scale of the contract's positions
(the simulator's --positions-scale: demand grows with the positions, so the load per agent
stays the contract's)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# landing megabytes per simulated day at 1x, every source (simulator/README.md: 203 MB for 90 days)
LANDING_MB_PER_DAY = 2.3
# a rough model of a whole size's run (all stages) until this machine has recorded two sizes of
# its own: the stages' fixed costs (process starts, loading Dagster and dbt, five builds) plus a
# cost per simulated day at 1x, from runs of 3 days at 1x and 7 days at 2x on 2 shared cores
FIXED_SECONDS = 360.0
SECONDS_PER_DAY = 18.0


@dataclass(frozen=True)
class Size:
    days: int
    scale: float

    @property
    def label(self) -> str:
        return f"{self.days} d x {self.scale:g}"

    @property
    def slug(self) -> str:
        return f"{self.days}d-x{self.scale:g}"

    @property
    def units(self) -> float:
        """Days at 1x: what the data's volume grows with."""
        return self.days * self.scale


SIZE = re.compile(r"^\s*(\d+)\s*x\s*(\d+(?:\.\d+)?)\s*$")


def parse_sizes(text: str) -> list[Size]:
    """'365x1,365x10' -> sizes; a ValueError names the part that is not DAYSxSCALE."""
    sizes = []
    for part in text.split(","):
        found = SIZE.match(part)
        if not found or int(found.group(1)) < 1 or float(found.group(2)) <= 0:
            raise ValueError(f"{part.strip()!r} is not DAYSxSCALE (e.g. 365x1,365x10)")
        sizes.append(Size(int(found.group(1)), float(found.group(2))))
    return sizes


def fit_run_seconds(history: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(fixed seconds, seconds per unit) fitted to (units, total seconds) of past runs; None
    until two different sizes were run (one cannot tell fixed from proportional cost)."""
    if len({units for units, _ in history}) < 2:
        return None
    n = len(history)
    mean_u = sum(u for u, _ in history) / n
    mean_s = sum(s for _, s in history) / n
    slope = sum((u - mean_u) * (s - mean_s) for u, s in history) / sum((u - mean_u) ** 2 for u, _ in history)
    return max(0.0, mean_s - slope * mean_u), max(0.0, slope)


def estimate_seconds(size: Size, history: list[tuple[float, float]]) -> tuple[float, str]:
    """Seconds a size's run should take here, and where the figure comes from."""
    fitted = fit_run_seconds(history)
    if fitted is None:
        return FIXED_SECONDS + SECONDS_PER_DAY * size.units, "rough default model"
    fixed, per_unit = fitted
    return fixed + per_unit * size.units, f"fitted to {len(history)} recorded runs on this machine"


def landing_mb(size: Size) -> float:
    return LANDING_MB_PER_DAY * (size.days + 2) * size.scale
