"""PBX noise unrelated to calls: config reloads and the odd Asterisk restart.

Restarts happen in the small hours at a moment with no call up, since a real
restart would cut live calls and leave them without a closing line.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from .engine import ANSWERED

RESTART_WINDOW = (3.5 * 3600, 5.0 * 3600)  # local seconds of day


def restart_days(days: list[date], seed: int) -> set[date]:
    rng = np.random.default_rng([seed, 31, days[0].toordinal()]) if days else None
    chosen, i = set(), 0
    while rng is not None:
        i += int(rng.integers(10, 36))
        if i >= len(days):
            break
        chosen.add(days[i])
    return chosen


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
