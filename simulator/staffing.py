"""Workforce plan: positions needed per half hour, 4- to 6-hour shifts covering them,
which agent works which shift, and the breaks each shift takes.

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
MIN_SHIFT_SLOTS = 8  # 4-hour part-time shift
MERGE_GAP_SLOTS = 6  # a dip shorter than 3 hours is bridged rather than split
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


def plan_shifts(model: LineModel, req: np.ndarray) -> list[tuple[int, int]]:
    """Shifts (start slot, length in slots) whose head count follows `req`.

    The requirement is cut into horizontal layers (layer k = the slots needing at least
    k positions); each layer's stretches are tiled with consecutive shifts of 4 to 6
    hours. Layers never overlap, so the head count equals the requirement and never
    exceeds the contracted positions, except where a stretch too short for a 4-hour
    shift is padded. A round-the-clock line is planned as a circle, starting from its
    quietest slot, so late shifts run past midnight and the night keeps a thin crew.
    A start slot may exceed the day's slots' end only through the length (past midnight).
    """
    tr = model.traits
    circular = tr.close_hour >= 24 and tr.open_hour <= 0
    req = np.asarray(req, dtype=int).copy()
    if not circular:
        close = int(tr.close_hour * 2)
        drain = math.ceil(tr.drain_minutes / 30)
        req[close : close + drain] = np.maximum(
            req[close : close + drain], min(tr.min_staff, int(req.max()))
        )
    rot = int(np.argmin(req)) if circular else 0
    r = np.roll(req, -rot)
    lo_bound = 0 if circular else int(np.flatnonzero(r)[0]) if r.any() else 0
    hi_bound = SLOTS if circular else (int(np.flatnonzero(r)[-1]) + 1 if r.any() else 0)
    shifts: list[tuple[int, int]] = []
    full = int(r.min()) if circular else 0
    for k in range(1, full + 1):
        # full-day layers: 6-hour shifts, each layer's handovers 2 hours after the previous one
        phase = (rot + 4 * (k - 1)) % SHIFT_SLOTS
        shifts += [
            ((phase + SHIFT_SLOTS * i) % SLOTS, SHIFT_SLOTS)
            for i in range(SLOTS // SHIFT_SLOTS)
        ]
    for k in range(full + 1, int(r.max()) + 1):
        for a, b in _stretches(r >= k, MERGE_GAP_SLOTS):
            for st, n in _tile(a, b, lo_bound, hi_bound):
                shifts.append(((st + rot) % SLOTS, n))
    return sorted(shifts)


def _stretches(mask: np.ndarray, merge_gap: int) -> list[tuple[int, int]]:
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    out = []
    a = prev = int(idx[0])
    for i in idx[1:].tolist():
        if i - prev > merge_gap:
            out.append((a, prev + 1))
            a = i
        prev = i
    out.append((a, prev + 1))
    return out


def _tile(a: int, b: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """Consecutive shifts of MIN_SHIFT_SLOTS..SHIFT_SLOTS covering [a, b) inside [lo, hi).
    A stretch that no such sum fits (under 4 h, or 6.5-7.5 h) is padded, forward first."""
    n = -(-(b - a) // SHIFT_SLOTS)
    length = max(b - a, n * MIN_SHIFT_SLOTS)
    a = max(lo, min(a, hi - length))
    base, extra = divmod(length, n)
    out, st = [], a
    for i in range(n):
        size = base + (1 if i < extra else 0)
        out.append((st, size))
        st += size
    return out


@dataclass
class Shift:
    agent: str
    start: float
    end: float
    login_paused_s: float  # 0 = logs in ready
    pauses: list[tuple[float, float, str]]  # (planned start epoch, seconds, reason)


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
        return math.ceil(max_shifts * 7 / (7 - DAYS_OFF) * 1.1) + 2

    def assign(
        self, day: date, day_start: int, shifts: list[tuple[int, int]]
    ) -> list[tuple[str, float, float]]:
        used = np.zeros(len(self.names), dtype=bool)
        off_today = self.off[:, day.weekday()]
        out = []
        for st, n in sorted(shifts):
            start = day_start + st * SLOT_S
            end = start + n * SLOT_S
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
    """(login_paused_s, pauses) for one shift: a short break; on shifts of 5 hours or more
    lunch (if the shift spans midday) or a second break; sometimes a bathroom break or a
    training session. A third of the agents log in paused and get ready a minute later."""
    m, span = 60.0, end - start
    pauses = [
        (start + rng.uniform(0.30, 0.45) * span, rng.uniform(10, 15) * m, "Break")
    ]
    if span >= 5 * 3600:
        lo = max(start + 0.45 * span, day_start + 11.5 * 3600)
        hi = min(end - 60 * m, day_start + 15.5 * 3600)
        if hi > lo:
            pauses.append((rng.uniform(lo, hi), rng.uniform(30, 40) * m, "Almuerzo"))
        else:
            pauses.append(
                (
                    start + rng.uniform(0.65, 0.78) * span,
                    rng.uniform(10, 15) * m,
                    "Break",
                )
            )
    if rng.random() < 0.45:
        pauses.append(
            (start + rng.uniform(0.1, 0.9) * span, rng.uniform(4, 9) * m, "Baño")
        )
    if rng.random() < 0.04:
        pauses.append(
            (
                start + rng.uniform(0.2, 0.5) * span,
                rng.uniform(45, 60) * m,
                "Capacitacion",
            )
        )
    pauses.sort()
    login_paused = rng.uniform(20, 180) if rng.random() < 0.3 else 0.0
    return login_paused, pauses
