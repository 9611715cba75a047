"""Workforce plan: positions needed per half hour, 6-hour shifts covering them, which
agent works which shift, and the breaks each shift takes.

The plan is made from the noise-free forecast (what a planner knows), capped at the
contracted positions; service level then emerges from real arrivals against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from .demand import BINS_PER_HOUR
from .erlang import agents_needed
from .profiles import SHIFT_HOURS, SHRINKAGE, LineModel

SLOT_S = 1800
SLOTS = 48
SHIFT_SLOTS = SHIFT_HOURS * 2
MIN_REST_S = 10 * 3600
DAYS_OFF = 2


def required_positions(model: LineModel, forecast_bins: np.ndarray) -> np.ndarray:
    """Logged-in positions wanted per half hour (breaks included), capped at the contract."""
    per_slot = forecast_bins.reshape(SLOTS, BINS_PER_HOUR // 2).sum(axis=1)
    tr = model.traits
    req = np.zeros(SLOTS, dtype=int)
    for s in range(SLOTS):
        hour = s / 2
        if not (tr.open_hour <= hour < tr.close_hour):
            continue
        load = per_slot[s] / SLOT_S * model.aht_s
        n = agents_needed(load, model.aht_s, model.sl_seconds, model.sl_target)
        n = math.ceil(n / (1.0 - SHRINKAGE))
        req[s] = min(model.positions, max(tr.min_staff, n))
    return req


def plan_shifts(model: LineModel, req: np.ndarray) -> list[int]:
    """Start slots of 6-hour shifts covering `req`, never above the contracted positions.

    A round-the-clock line is planned as a circle (a late shift runs past midnight and
    covers the small hours), starting from its quietest slot, so the night is not
    staffed by morning-sized shifts. Slots >= SLOTS mean a start on the next day's clock
    only through wrap-around; starts returned are always in 0..SLOTS-1.
    """
    tr = model.traits
    circular = tr.close_hour >= 24 and tr.open_hour <= 0
    if circular:
        first = int(np.argmin(req))
        scan = [(first + i) % SLOTS for i in range(SLOTS)]
        candidates = lambda h: [(h - k) % SLOTS for k in range(SHIFT_SLOTS)]  # noqa: E731
    else:
        earliest = int(tr.open_hour * 2)
        last_end = min(SLOTS, int(math.ceil((tr.close_hour * 60 + tr.drain_minutes) / 30)))
        latest = max(earliest, last_end - SHIFT_SLOTS)
        scan = list(range(SLOTS))
        candidates = lambda h: list(range(min(h, latest), max(earliest, h - SHIFT_SLOTS + 1) - 1, -1))  # noqa: E731
    cover = np.zeros(SLOTS, dtype=int)

    def span(st: int) -> np.ndarray:
        return (st + np.arange(SHIFT_SLOTS)) % SLOTS if circular else np.arange(st, min(SLOTS, st + SHIFT_SLOTS))

    starts: list[int] = []
    for h in scan:
        while cover[h] < req[h]:
            # among the starts covering h, the one overflowing the cap least, latest first
            # (latest keeps the already-covered slots lean)
            cands = candidates(h)
            if not cands:
                break
            best = min(cands, key=lambda st: cover[span(st)].max())
            if cover[span(best)].max() >= model.positions:
                break
            starts.append(best)
            cover[span(best)] += 1
    return sorted(starts)


@dataclass
class Shift:
    agent: str
    start: float
    end: float
    login_paused_s: float                       # 0 = logs in ready
    pauses: list[tuple[float, float, str]]      # (planned start epoch, seconds, reason)


class Roster:
    """Agents of one line: each has a usual shift start and two days off a week."""

    def __init__(self, names: list[str], preferred_slots: list[int]):
        self.names = names
        self.pref = np.asarray(preferred_slots, dtype=float)
        n = len(names)
        first_off = np.arange(n) % 7
        self.off = np.zeros((n, 7), dtype=bool)
        for k in range(DAYS_OFF):
            self.off[np.arange(n), (first_off + k) % 7] = True
        self.last_end = np.full(n, -1e18)

    @staticmethod
    def size_for(max_shifts: int) -> int:
        return int(math.ceil(max_shifts * 7 / (7 - DAYS_OFF) * 1.1)) + 2

    def assign(self, day: date, day_start: int, starts: list[int]) -> list[tuple[str, float, float]]:
        used = np.zeros(len(self.names), dtype=bool)
        off_today = self.off[:, day.weekday()]
        out = []
        for st in sorted(starts):
            start = day_start + st * SLOT_S
            end = start + SHIFT_SLOTS * SLOT_S
            cost = np.abs(self.pref - st) + np.where(off_today, 1000.0, 0.0)
            cost[used | (self.last_end + MIN_REST_S > start)] = np.inf
            i = int(np.argmin(cost))
            if not np.isfinite(cost[i]):
                raise RuntimeError(f"roster too small for {day}")
            used[i] = True
            self.last_end[i] = end
            out.append((self.names[i], float(start), float(end)))
        return out


def pause_plan(start: float, end: float, day_start: int, rng: np.random.Generator):
    """(login_paused_s, pauses) for one shift: a short break, lunch or a second break,
    sometimes a bathroom break or a training session."""
    m = 60.0
    pauses = [(start + rng.uniform(80, 150) * m, rng.uniform(10, 15) * m, "Break")]
    lunch_lo, lunch_hi = day_start + 12 * 3600, day_start + 15 * 3600
    lo, hi = max(start + 150 * m, lunch_lo), min(end - 75 * m, lunch_hi)
    if hi > lo:
        pauses.append((rng.uniform(lo, hi), rng.uniform(30, 45) * m, "Almuerzo"))
    else:
        pauses.append((start + rng.uniform(220, 270) * m, rng.uniform(10, 15) * m, "Break"))
    if rng.random() < 0.45:
        pauses.append((start + rng.uniform(30, 320) * m, rng.uniform(4, 9) * m, "Baño"))
    if rng.random() < 0.04:
        pauses.append((start + rng.uniform(60, 180) * m, rng.uniform(45, 60) * m, "Capacitacion"))
    pauses.sort()
    login_paused = rng.uniform(20, 180) if rng.random() < 0.3 else 0.0
    return login_paused, pauses
