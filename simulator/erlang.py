"""Erlang C, as a workforce planner would use it to staff a forecast."""

from __future__ import annotations

import math
from functools import cache


def erlang_c(agents: int, load: float) -> float:
    """Probability that a call waits (M/M/n, load in Erlangs)."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return agents * b / (agents - load * (1 - b))


def service_level(agents: int, load: float, aht: float, threshold_s: float) -> float:
    if agents <= load:
        return 0.0
    return 1.0 - erlang_c(agents, load) * math.exp(-(agents - load) * threshold_s / aht)


@cache
def _agents_needed(
    load_tenths: int, aht: int, threshold_s: int, target_pct: int
) -> int:
    load = load_tenths / 10.0
    if load <= 0:
        return 0
    n = max(1, int(load) + 1)
    while service_level(n, load, aht, threshold_s) < target_pct / 100.0:
        n += 1
    return n


def agents_needed(load: float, aht: float, threshold_s: float, target: float) -> int:
    """Fewest agents meeting `target` service level at `threshold_s` (load rounded up to 0.1 E)."""
    return _agents_needed(
        math.ceil(load * 10 - 1e-9), round(aht), int(threshold_s), round(target * 100)
    )


def max_load(agents: float, aht: float, threshold_s: float, target: float) -> float:
    """Largest load (Erlangs) that `agents` (may be fractional: floor is used) carry at the target."""
    n = int(agents)
    lo, hi = 0.0, float(n)
    for _ in range(50):
        mid = (lo + hi) / 2
        if service_level(n, mid, aht, threshold_s) >= target:
            lo = mid
        else:
            hi = mid
    return lo
