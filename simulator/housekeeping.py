"""PBX noise unrelated to calls: config reloads and the odd Asterisk restart.

Planned restarts happen in the small hours at a moment with no call up. A few times a
quarter the PBX restarts in office hours instead (a crash): the calls up at that moment
are cut and the log never gets their closing lines (lost records for the warehouse).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from .engine import ANSWERED

RESTART_WINDOW = (3.5 * 3600, 5.0 * 3600)  # local seconds of day
CRASH_WINDOW = (10.5 * 3600, 16.5 * 3600)  # local seconds of day: the busy hours
CRASHES_PER_30_DAYS = 1


def restart_days(days: list[date], seed: int) -> set[date]:
    rng = np.random.default_rng([seed, 31, days[0].toordinal()]) if days else None
    chosen, i = set(), 0
    while rng is not None:
        i += int(rng.integers(10, 36))
        if i >= len(days):
            break
        chosen.add(days[i])
    return chosen


def crash_days(days: list[date], seed: int, n: int) -> set[date]:
    """n distinct days of the range on which the PBX crashes."""
    if n <= 0 or not days:
        return set()
    rng = np.random.default_rng([seed, 37, days[0].toordinal()])
    picked = rng.choice(len(days), size=min(n, len(days)), replace=False)
    return {days[int(i)] for i in picked}


def crash_moment(day_start: int, recs_by_line, seed: int, day: date) -> float:
    """A crash comes under load: the minute of the office-hours window (at a random
    second) with the most callers waiting in a queue."""
    rng = np.random.default_rng([seed, 38, day.toordinal()])
    lo, hi = day_start + CRASH_WINDOW[0], day_start + CRASH_WINDOW[1]
    moments = np.arange(lo + rng.uniform(0, 60), hi, 60.0)
    waiting = np.zeros(len(moments), dtype=np.int64)
    for _, recs in recs_by_line:
        for r in recs:
            left = r[8]  # connect or exit
            if left > lo and r[3] < hi:
                first, last = np.searchsorted(moments, (r[3], left), side="right")
                waiting[first:last] += 1
    return float(moments[int(np.argmax(waiting))])


def find_quiet_moment(day_start: int, recs_by_line) -> float | None:
    lo, hi = day_start + RESTART_WINDOW[0], day_start + RESTART_WINDOW[1]
    busy = []
    for _, recs in recs_by_line:
        for r in recs:
            begin = r[3] - r[4]
            end = r[11] if r[0] == ANSWERED else r[8]
            if begin < hi and end > lo:
                busy.append((begin, end))
    busy.sort()
    t = lo
    for begin, end in busy:
        if begin > t + 120:
            break
        t = max(t, end + 10)
    return t + 30 if t + 30 < hi else None


def system_events(day_start: int, restart_at: float | None, rng: np.random.Generator):
    events = []
    if restart_at is not None:
        events.append((restart_at, f"{int(restart_at)}|NONE|NONE|NONE|QUEUESTART|\n"))
        events.append(
            (
                restart_at + 1.2,
                f"{int(restart_at + 1.2)}|NONE|NONE|NONE|CONFIGRELOAD|\n",
            )
        )
    # reloads cluster in office hours, when someone edits the dialplan or queues
    n = int(rng.poisson(1.2))
    for t in np.sort(day_start + rng.uniform(9 * 3600, 19 * 3600, size=n)).tolist():
        events.append((t, f"{int(t)}|NONE|NONE|NONE|CONFIGRELOAD|\n"))
    return events
