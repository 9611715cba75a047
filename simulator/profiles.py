"""Demand and behaviour assumptions of the simulated Telecentro call center.

Line traits are keyed by the contract's line code and queue traits by a keyword of
the queue name (`internet` in `hd_internet`), so the queue names themselves come
only from the contract file; a line or queue the table does not know gets the
default traits instead of failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Hour-of-day weights (local time, hour h covers h:00-h:59), peak hour = 1.0.
# Argentine office pattern: 9-13 and 16-20 peaks, a dip at lunch, quiet at night.
_BUSINESS_HOURS = (
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0.55,
    0.90,
    1.00,
    1.00,
    0.95,
    0.85,
    0.78,
    0.85,
    0.95,
    1.00,
    0.97,
    0.88,
    0.68,
    0.45,
    0,
    0,
)
_ROUND_THE_CLOCK = (
    0.14,
    0.09,
    0.06,
    0.05,
    0.05,
    0.06,
    0.12,
    0.28,
    0.55,
    0.88,
    1.00,
    1.00,
    0.92,
    0.80,
    0.74,
    0.80,
    0.92,
    1.00,
    1.00,
    0.95,
    0.82,
    0.62,
    0.42,
    0.25,
)
# Monday is the heaviest day (weekend backlog), Sunday the lightest.
_WEEKDAY = (1.15, 1.05, 1.00, 0.98, 0.94, 0.66, 0.50)


@dataclass(frozen=True)
class LineTraits:
    open_hour: float  # local hour the queues start taking calls
    close_hour: float  # local hour the IVR stops sending calls (24 = never closes)
    hourly: tuple[float, ...]
    weekday: tuple[float, ...] = _WEEKDAY
    holiday_factor: float = 0.55
    # Peak-hour offered load as a share of what the contracted positions can carry
    # at the contract's service level (Erlang C, after breaks). Above 1 on heavy
    # days, so peaks are missed while the average lands near the target.
    peak_load_ratio: float = 1.0
    min_staff: int = 2  # agents logged in whenever the line is open
    drain_minutes: int = 30  # last shift ends this long after closing
    patience_mean_s: float = 150.0  # Erlang-A patience, lognormal
    patience_sigma: float = 0.9
    instant_hangup_share: float = 0.03  # callers who hang up within seconds of any wait
    retry_prob: float = 0.35  # an abandoned caller dials again...
    retry_median_s: float = 300.0  # ...after about this long
    did: str = "08108889999"
    did_share: float = 0.85  # calls that arrive through the DID inbound route
    exit_key_share: float = 0.06  # callers who press the exit key instead of hanging up
    transfer_share: float = 0.035
    transfer_extens: tuple[str, ...] = ("4100", "4200", "4300")
    caller_hangs_up_share: float = 0.55  # COMPLETECALLER vs COMPLETEAGENT
    # answered calls the agent hands to another line's queue (a billing call that turns out
    # to be a technical fault): keyword of that queue, its dialplan extension, and how many
    # of those transfers are attended (ATTENDEDTRANSFER) rather than blind
    queue_transfer_share: float = 0.0
    queue_transfer_to: str = ""
    queue_transfer_exten: str = "7100"
    attended_transfer_share: float = 0.5


@dataclass(frozen=True)
class QueueTraits:
    share: float  # share of the line's volume (renormalised over the line's queues)
    aht_mean_s: float  # handling time, lognormal
    aht_sigma: float
    timeout_s: int = 0  # Queue() timeout -> EXITWITHTIMEOUT; 0 = none
    service: str = ""  # network service an outage hits (empty = not a technical queue)
    outage_spill: float = (
        1.0  # volume multiplier during any outage for non-technical queues
    )
    # the dialplan after a Queue() timeout: this share of the timed-out callers goes on to
    # the same line's queue named by the keyword (an overflow), the others hang up
    overflow_to: str = ""
    overflow_share: float = 0.0


LINE_TRAITS: dict[str, LineTraits] = {
    "atc": LineTraits(
        open_hour=8,
        close_hour=22,
        hourly=_BUSINESS_HOURS,
        peak_load_ratio=1.18,
        patience_mean_s=300.0,
        patience_sigma=1.0,
        retry_prob=0.30,
        did="08108889999",
        transfer_extens=("4100", "4150", "4300"),
        queue_transfer_share=0.015,
        queue_transfer_to="internet",
    ),
    "helpdesk": LineTraits(
        open_hour=0,
        close_hour=24,
        hourly=_ROUND_THE_CLOCK,
        peak_load_ratio=1.18,
        patience_mean_s=360.0,
        patience_sigma=1.0,
        retry_prob=0.40,
        did="08108883333",
        transfer_extens=("4500", "4510", "4100"),
    ),
}
DEFAULT_LINE = LineTraits(
    open_hour=8, close_hour=22, hourly=_BUSINESS_HOURS, did="08108880000"
)

# keyword in the queue name -> traits
QUEUE_TRAITS: dict[str, QueueTraits] = {
    "facturacion": QueueTraits(share=0.35, aht_mean_s=240, aht_sigma=0.55),
    "ventas": QueueTraits(share=0.20, aht_mean_s=300, aht_sigma=0.65),
    "instalaciones": QueueTraits(share=0.20, aht_mean_s=250, aht_sigma=0.60),
    "reclamos": QueueTraits(
        share=0.25,
        aht_mean_s=280,
        aht_sigma=0.65,
        timeout_s=240,
        outage_spill=1.4,
        overflow_to="facturacion",
        overflow_share=0.6,
    ),
    "catv": QueueTraits(
        share=0.30,
        aht_mean_s=300,
        aht_sigma=0.60,
        timeout_s=120,
        service="catv",
        overflow_to="internet",
        overflow_share=0.8,
    ),
    "internet": QueueTraits(
        share=0.50, aht_mean_s=380, aht_sigma=0.65, timeout_s=300, service="internet"
    ),
    "telefonia": QueueTraits(
        share=0.20,
        aht_mean_s=280,
        aht_sigma=0.60,
        timeout_s=120,
        service="telefonia",
        overflow_to="internet",
        overflow_share=0.8,
    ),
}
DEFAULT_QUEUE = QueueTraits(share=1.0, aht_mean_s=300, aht_sigma=0.6)

# Share of scheduled time lost to breaks, lunch and training; staffing plans add it on top.
SHRINKAGE = 0.15
SHIFT_HOURS = 6
RING_MEDIAN_S = 4.0  # time a member's phone rings before pick-up
RING_TIMEOUT_S = 15  # queues.conf timeout: ring this long, then RINGNOANSWER
RING_RETRY_S = 5  # queues.conf retry
RING_NO_ANSWER_PROB = 0.025
MAX_HANDLE_S = 5400


def line_traits(code: str) -> LineTraits:
    return LINE_TRAITS.get(code, DEFAULT_LINE)


def queue_traits(queue: str) -> QueueTraits:
    name = queue.lower()
    for keyword, traits in QUEUE_TRAITS.items():
        if keyword in name:
            return traits
    return DEFAULT_QUEUE


@dataclass(frozen=True)
class LineModel:
    """A contract line with the traits the simulation needs, queue order as in the contract."""

    code: str
    queues: tuple[str, ...]
    traits: LineTraits
    queue_traits: tuple[QueueTraits, ...]
    shares: tuple[float, ...]
    sl_seconds: int
    sl_target: float
    short_abandon_s: int
    positions: int  # contracted positions x positions_scale
    base_positions: int  # contracted positions as in the contract file
    demand_scale: float  # positions_scale: demand grows in proportion
    # per queue: index of the queue its timed-out callers overflow to, or -1
    overflow_to: tuple[int, ...] = ()
    aht_s: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "aht_s",
            sum(s * q.aht_mean_s for s, q in zip(self.shares, self.queue_traits)),
        )


def keyword_queue(queues, keyword: str) -> int:
    """Index of the first queue whose name holds the keyword, -1 if none (or no keyword)."""
    if keyword:
        for i, name in enumerate(queues):
            if keyword in name.lower():
                return i
    return -1


def build_line_model(spec, positions_scale: float = 1.0) -> LineModel:
    qts = tuple(queue_traits(q) for q in spec.queues)
    total = sum(q.share for q in qts)
    overflow = []
    for i, qt in enumerate(qts):
        target = keyword_queue(spec.queues, qt.overflow_to)
        overflow.append(target if target != i else -1)
    return LineModel(
        code=spec.code,
        queues=tuple(spec.queues),
        traits=line_traits(spec.code),
        queue_traits=qts,
        shares=tuple(q.share / total for q in qts),
        sl_seconds=spec.service_level_seconds,
        sl_target=spec.service_level_target,
        short_abandon_s=spec.short_abandon_seconds,
        positions=max(1, round(spec.contracted_positions * positions_scale)),
        base_positions=spec.contracted_positions,
        demand_scale=positions_scale,
        overflow_to=tuple(overflow),
    )


def lognormal_params(mean: float, sigma: float) -> tuple[float, float]:
    """(mu, sigma) of a lognormal with the given mean and log-sd."""
    return math.log(mean) - sigma * sigma / 2.0, sigma
