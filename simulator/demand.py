"""Offered calls: the forecast a planner staffs for, and the Poisson arrivals drawn from it.

Rates are per 5-minute bin of the local day. The planner's forecast has no noise and
no outages; the arrivals add day-level and hour-level noise (real volume is
over-dispersed) and the outage multipliers nobody planned for.
"""

from __future__ import annotations

import numpy as np

from .erlang import max_load
from .profiles import SHRINKAGE, LineModel

BIN_S = 300
BINS = 86400 // BIN_S
BINS_PER_HOUR = 3600 // BIN_S


def intraday_weights(model: LineModel) -> np.ndarray:
    """Per-bin weight (peak hour = 1), interpolated between hour centres, 0 while closed."""
    tr = model.traits
    hours = (np.arange(BINS) + 0.5) / BINS_PER_HOUR
    hourly = np.asarray(tr.hourly, dtype=float)
    centres = np.arange(24) + 0.5
    # circular interpolation so 23:xx blends into 00:xx for round-the-clock lines
    xp = np.concatenate(([centres[-1] - 24], centres, [centres[0] + 24]))
    fp = np.concatenate(([hourly[-1]], hourly, [hourly[0]]))
    w = np.interp(hours, xp, fp)
    open_mask = (hours >= tr.open_hour) & (hours < tr.close_hour)
    return np.where(open_mask, w, 0.0)


def peak_calls_per_hour(model: LineModel) -> float:
    """Calls per hour in the peak hour of an average weekday, sized to the contracted positions
    (scaled linearly with positions_scale, so a bigger operation carries the same load per
    position and enjoys the economies of scale a real one would)."""
    effective = model.base_positions * (1.0 - SHRINKAGE)
    load = max_load(effective, model.aht_s, model.sl_seconds, model.sl_target)
    return (
        model.traits.peak_load_ratio * load * 3600.0 / model.aht_s * model.demand_scale
    )


def day_factor(model: LineModel, day, holiday: bool) -> float:
    f = model.traits.weekday[day.weekday()]
    if holiday:
        f = min(f, model.traits.holiday_factor)
    return f


def forecast_rates(model: LineModel, day, holiday: bool) -> np.ndarray:
    """Expected calls per bin for the whole line (shape BINS)."""
    per_bin = peak_calls_per_hour(model) / BINS_PER_HOUR
    return intraday_weights(model) * per_bin * day_factor(model, day, holiday)


def draw_arrivals(
    model: LineModel,
    forecast: np.ndarray,
    day_start: int,
    outage_mult: np.ndarray | None,
    load_factor: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Arrival epochs (float, sorted) and queue indexes of one local day."""
    day_noise = rng.lognormal(0.0, 0.06)
    hour_noise = np.repeat(rng.lognormal(0.0, 0.08, size=24), BINS_PER_HOUR)
    line_rate = forecast * day_noise * hour_noise * load_factor
    rates = np.outer(np.asarray(model.shares), line_rate)  # (queues, bins)
    if outage_mult is not None:
        rates = rates * outage_mult
    counts = rng.poisson(rates)
    q_idx = np.repeat(np.repeat(np.arange(len(model.queues)), BINS), counts.ravel())
    bin_idx = np.repeat(np.tile(np.arange(BINS), len(model.queues)), counts.ravel())
    t = day_start + (bin_idx + rng.random(bin_idx.size)) * BIN_S
    order = np.argsort(t, kind="stable")
    return t[order], q_idx[order]


class CallerPopulation:
    """Finite set of subscriber numbers; a small 'hot' set calls far more often, so the
    same numbers come back within days as repeat contacts do."""

    HOT_SHARE_OF_POPULATION = 0.01  # subscribers with a chronic problem...
    HOT_SHARE_OF_CALLS = (
        0.15  # ...place this share of the calls (about one a week each)
    )
    ANONYMOUS_SHARE = 0.003
    # what the PBX shows for a withheld number: the SIP trunk's `anonymous`, Asterisk's empty
    # caller id, a carrier's `Restricted` (one per withheld subscriber, by index, so the
    # random draws and every other number stay as they were)
    WITHHELD = ("anonymous", "", "Restricted")

    def __init__(self, size: int, rng: np.random.Generator):
        self.size = size
        kind = rng.random(size)
        mobile_lead = rng.choice(np.array([2, 3, 5, 6]), size=size)
        lead = np.where(kind < 0.55, mobile_lead, 4)  # 11-4xxx-xxxx are landlines
        rest = rng.integers(0, 10_000_000, size=size)
        numbers = [f"11{a}{b:07d}" for a, b in zip(lead.tolist(), rest.tolist())]
        for i in np.flatnonzero(rng.random(size) < self.ANONYMOUS_SHARE).tolist():
            numbers[i] = self.WITHHELD[i % len(self.WITHHELD)]
        self.numbers = numbers
        self.hot = max(1, int(size * self.HOT_SHARE_OF_POPULATION))

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        hot = rng.random(n) < self.HOT_SHARE_OF_CALLS
        return np.where(
            hot, rng.integers(0, self.hot, size=n), rng.integers(0, self.size, size=n)
        )
