"""Erlang C (M/M/N queue) in a numerically stable form.

The textbook formula has A^N / N! in it, which overflows a float long before 500 agents.
Erlang B has a recursion that stays in [0, 1] at every step,

    B(0) = 1,   B(n) = A·B(n-1) / (n + A·B(n-1)),

and Erlang C follows from it: C = N·B / (N − A·(1 − B)). Service level within T seconds is
then SL = 1 − C·exp(−(N − A)·T / AHT). Everything here is plain float arithmetic on numbers
between 0 and 1, accurate to ~1e-12 at any N.
"""

from __future__ import annotations

import math


def _erlang_b(agents: int, traffic: float) -> float:
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def probability_of_waiting(agents: int, traffic_erlangs: float) -> float:
    """Erlang C: the probability that a call waits, for `agents` servers and an offered
    load of `traffic_erlangs` (calls × AHT / interval). 1.0 when the queue is unstable."""
    if traffic_erlangs <= 0:
        return 0.0
    if agents <= traffic_erlangs:
        return 1.0
    b = _erlang_b(agents, traffic_erlangs)
    return agents * b / (agents - traffic_erlangs * (1.0 - b))


def service_level(agents: int, traffic_erlangs: float, aht_seconds: float, answer_seconds: float) -> float:
    """Share of calls answered within `answer_seconds` (0: share that does not wait at all)."""
    if traffic_erlangs <= 0:
        return 1.0
    if agents <= traffic_erlangs:
        return 0.0
    waiting = probability_of_waiting(agents, traffic_erlangs)
    return 1.0 - waiting * math.exp(-(agents - traffic_erlangs) * answer_seconds / aht_seconds)


def required_agents(
    calls: float,
    aht_seconds: float,
    interval_seconds: float,
    target_service_level: float,
    target_answer_seconds: float,
    max_occupancy: float | None = None,
) -> int:
    """The fewest agents that answer `target_service_level` of `calls` (arriving in an
    interval of `interval_seconds`, handled in `aht_seconds` on average) within
    `target_answer_seconds`; with `target_answer_seconds = 0` the target is on the share that
    does not wait at all. `max_occupancy` (e.g. 0.85) adds agents until traffic / agents is
    no higher. No calls need no agents."""
    if calls < 0 or aht_seconds <= 0 or interval_seconds <= 0:
        raise ValueError("calls must be >= 0 and aht_seconds, interval_seconds > 0")
    if not 0 < target_service_level < 1:
        raise ValueError("target_service_level is a share strictly between 0 and 1, e.g. 0.80")
    if target_answer_seconds < 0:
        raise ValueError("target_answer_seconds must be >= 0")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy is a share in (0, 1], e.g. 0.85")
    if calls == 0:
        return 0
    traffic = calls * aht_seconds / interval_seconds
    agents = max(1, math.floor(traffic) + 1)
    # B(n) is built incrementally: one pass over n, not a fresh recursion per candidate
    b = _erlang_b(agents, traffic)
    while True:
        waiting = agents * b / (agents - traffic * (1.0 - b))
        level = 1.0 - waiting * math.exp(-(agents - traffic) * target_answer_seconds / aht_seconds)
        occupancy_ok = max_occupancy is None or traffic / agents <= max_occupancy
        if level >= target_service_level and occupancy_ok:
            return agents
        agents += 1
        b = traffic * b / (agents + traffic * b)
