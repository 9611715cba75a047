"""Discrete-event core: one contract line, FIFO across its queues, agents with shifts and pauses.

Calls are processed in arrival order. Because every agent of a line serves all its
queues with the same skill, first-come-first-served means each call, in turn, takes
the agent that becomes available first; a caller whose patience (or the queue
timeout) runs out before that moment leaves and the agent stays for the next one.
This is the exact FCFS recursion of a many-server queue with abandonment (Erlang-A
with time-varying staff), so waits, service level and abandons are consequences of
arrivals against staffing, never drawn as outcomes.

Agent states are settled lazily: when an agent is considered for a call at time s,
the pauses and the shift end due before s are committed first (a pause due while
on a call starts when the call ends, as a real agent's pause request does).
Committing them is always safe, because every later call arrives no earlier.

A call can enter more than one queue: a caller whose queue times out may be sent on to
another queue of the same line (the dialplan's overflow), and an agent may hand an
answered call to another line's queue (LineEngine.handoffs, delivered by run.py to that
line's engine through accept()). The later entry keeps the caller's channel, so the
writer gives it the call id of the entry it came from (the `link` and `token` fields of
the records).
"""

from __future__ import annotations

import math
from heapq import heapify, heappop, heappush, heapreplace
from itertools import count

import numpy as np

from .profiles import (
    MAX_HANDLE_S,
    RING_MEDIAN_S,
    RING_NO_ANSWER_PROB,
    RING_RETRY_S,
    RING_TIMEOUT_S,
    LineModel,
    lognormal_params,
)

INF = math.inf
ANSWERED, ABANDON, TIMEOUT, EXITKEY = 0, 1, 2, 3
END_CALLER, END_AGENT, END_TRANSFER = 0, 1, 2
# an answered call handed to another line's queue, blind or attended
END_QUEUE_BLIND, END_QUEUE_ATTENDED = 3, 4
KEY_ANNOUNCE_S = 30  # the exit-key option is announced after this much waiting
DRAWS_PER_CALL = 10


class Agent:
    __slots__ = ("end", "free", "name", "pauses", "pi")

    def __init__(self, name: str, free: float, end: float, pauses):
        self.name = name
        self.free = free  # when the agent can next take a call
        self.end = end  # planned shift end
        self.pauses = pauses  # [(planned start, seconds, reason)], sorted
        self.pi = 0  # next pause not yet taken


class LineEngine:
    def __init__(self, model: LineModel, order: count):
        self.m = model
        self.order = order  # tie-break of heap entries
        self.heap: list = []
        self.retries: list = []
        self.waiting: list[list[float]] = [[] for _ in model.queues]
        self.events: list[
            tuple[float, str]
        ] = []  # (epoch, complete line); same-instant order = emission order
        tr = model.traits
        self.pat_mu, self.pat_sigma = lognormal_params(
            tr.patience_mean_s, tr.patience_sigma
        )
        self.hand = [
            lognormal_params(q.aht_mean_s, q.aht_sigma) for q in model.queue_traits
        ]
        self.timeouts = [q.timeout_s or INF for q in model.queue_traits]
        self.overflow = [
            (target, model.queue_traits[q].overflow_share)
            for q, target in enumerate(model.overflow_to or [-1] * len(model.queues))
        ]
        # (time, token, caller) of answered calls handed to another line's queue
        self.handoffs: list[tuple[float, int, int]] = []

    def accept(self, t: float, q: int, caller: int, token: int) -> None:
        """A call another line handed over at t enters queue q (its entry links to token)."""
        heappush(self.retries, (t, next(self.order), q, caller, token))

    # --- agent bookkeeping ---------------------------------------------------------
    def _emit_all(
        self, t: float, agent: str, event: str, per_queue: str, reason: str
    ) -> None:
        ev, e = self.events, int(t)
        ev.append((t, f"{e}|NONE|NONE|{agent}|{event}|{reason}\n"))
        for q in self.m.queues:
            ev.append((t, f"{e}|NONE|{q}|{agent}|{per_queue}|{reason}\n"))

    def add_shift(self, shift) -> None:
        ev, e = self.events, int(shift.start)
        flag = "PAUSED" if shift.login_paused_s else ""
        for q in self.m.queues:
            ev.append(
                (shift.start, f"{e}|MANAGER|{q}|{shift.agent}|ADDMEMBER|{flag}\n")
            )
        free = shift.start
        if shift.login_paused_s:
            free = shift.start + shift.login_paused_s
            self._emit_all(free, shift.agent, "UNPAUSEALL", "UNPAUSE", "")
        heappush(
            self.heap,
            (free, next(self.order), Agent(shift.agent, free, shift.end, shift.pauses)),
        )

    def _settle(self, ag: Agent, t0: float):
        """Commits the agent's pauses and logout due before he could take a call at t0.
        Returns the earliest time >= t0 he can take one, or None once logged out."""
        pauses = ag.pauses
        while True:
            s = max(t0, ag.free)
            if (
                ag.pi < len(pauses)
                and pauses[ag.pi][0] <= s
                and pauses[ag.pi][0] < ag.end
            ):
                planned, dur, reason = pauses[ag.pi]
                ag.pi += 1
                # busy at the planned time: the pause starts a moment after the call ends
                start = planned if planned >= ag.free else ag.free + 1.0 + planned % 7
                if start + dur > ag.end - 60:
                    continue  # no shift left for it
                self._emit_all(start, ag.name, "PAUSEALL", "PAUSE", reason)
                self._emit_all(start + dur, ag.name, "UNPAUSEALL", "UNPAUSE", reason)
                ag.free = start + dur
                continue
            if ag.end <= s:
                t = ag.end if ag.end >= ag.free else ag.free + 2.0 + ag.end % 11
                ev, e = self.events, int(t)
                for q in self.m.queues:
                    ev.append((t, f"{e}|MANAGER|{q}|{ag.name}|REMOVEMEMBER|\n"))
                return None
            return s

    def _pick(self, t0: float):
        heap = self.heap
        while heap:
            f, _, ag = heap[0]
            s = self._settle(ag, t0)
            if s is None:
                heappop(heap)
            elif ag.free != f:
                heapreplace(heap, (ag.free, next(self.order), ag))
            else:
                heappop(heap)
                return ag, s
        return None, INF

    def _release(self, ag: Agent) -> None:
        heappush(self.heap, (ag.free, next(self.order), ag))

    def flush(self, until: float) -> None:
        """Commits everything due before `until` (day end), so each day's file is complete."""
        keep = []
        for _, _, ag in self.heap:
            if self._settle(ag, until) is not None:
                keep.append((ag.free, next(self.order), ag))
        heapify(keep)
        self.heap = keep

    def drain_events(self) -> list:
        ev, self.events = self.events, []
        return ev

    # --- calls -----------------------------------------------------------------------
    def run_day(
        self, day_start, day_end, arr_t, arr_q, arr_caller, rng: np.random.Generator
    ) -> list:
        """Processes the day's arrivals and the redials falling inside the day.

        Returns one record per queue entry:
        (kind, q, caller, enter, ivr_s, did, origpos, fails, t1, agent, ring_start, t2, detail, pos,
         link, token)
        answered: t1 = connect, t2 = end, detail = END_* code, pos = transfer index
        not answered: t1 = exit time, detail = pressed key, pos = exit position
        fails: tuple of (agent, ring start, ring seconds) rings that were not picked up.
        link: the token of the entry this one continues (same call id), None for a new call;
        token: set when another entry continues this one (an overflow or a queue transfer).
        """
        tr = self.m.traits
        n_arr = len(arr_t)
        arr_t, arr_q, arr_caller = arr_t.tolist(), arr_q.tolist(), arr_caller.tolist()
        # random numbers come in blocks (numpy is fast per block, slow per scalar);
        # every call takes one row, every ring attempt one uniform
        pool_n = int(n_arr * 1.5) + 64
        draws = rng.random((pool_n, DRAWS_PER_CALL)).tolist()
        normals = rng.standard_normal((pool_n, 4)).tolist()
        ring_u = rng.random(pool_n).tolist()
        j = r = 0

        pat_mu, pat_sigma = self.pat_mu, self.pat_sigma
        hand, timeouts, waiting = self.hand, self.timeouts, self.waiting
        inst_share = tr.instant_hangup_share
        ring_mu = math.log(RING_MEDIAN_S)
        retry_mu = math.log(tr.retry_median_s)
        open_lo = day_start + tr.open_hour * 3600
        open_hi = day_start + tr.close_hour * 3600
        did_share, key_share = tr.did_share, tr.exit_key_share
        xfer_share, caller_share = tr.transfer_share, tr.caller_hangs_up_share
        n_xfer = len(tr.transfer_extens)
        qxfer_share, attended_share = tr.queue_transfer_share, tr.attended_transfer_share
        overflow, handoffs = self.overflow, self.handoffs
        retries, order, release = self.retries, self.order, self._release
        pick = self._pick
        exp = math.exp
        calls = []
        append = calls.append
        i = 0
        while True:
            if i < n_arr:
                ta = arr_t[i]
                if retries and retries[0][0] < ta:
                    a, _, q, caller, link = heappop(retries)
                else:
                    a, q, caller, link = ta, arr_q[i], arr_caller[i], None
                    i += 1
            elif retries and retries[0][0] < day_end:
                a, _, q, caller, link = heappop(retries)
            else:
                break
            if j >= len(draws) or r + 64 >= len(ring_u):  # more redials than foreseen
                draws += rng.random((pool_n, DRAWS_PER_CALL)).tolist()
                normals += rng.standard_normal((pool_n, 4)).tolist()
                ring_u += rng.random(pool_n).tolist()
            u = draws[j]
            z = normals[j]
            j += 1

            wq = waiting[q]
            while wq and wq[0] <= a:
                heappop(wq)
            origpos = len(wq) + 1
            if u[0] < inst_share:
                patience = 1.0 + 9.0 * u[0] / inst_share
            else:
                patience = exp(pat_mu + pat_sigma * z[0])
            deadline = a + patience
            timeout_at = a + timeouts[q]
            exit_at = min(timeout_at, deadline)

            # ring the first available member; a ring nobody picks up costs the ring
            # timeout plus the retry pause, then the next available member is rung
            fails = None
            conn = None
            t0 = a
            while True:
                ag, s = pick(t0)
                if s >= exit_at:
                    if ag is not None:
                        release(ag)
                    break
                no_answer = ring_u[r] < RING_NO_ANSWER_PROB
                r += 1
                if no_answer:
                    ring_end = s + RING_TIMEOUT_S
                else:
                    ring = min(
                        max(exp(ring_mu + 0.45 * z[1]), 1.0), RING_TIMEOUT_S - 1.0
                    )
                    ring_end = s + ring
                if ring_end >= exit_at:  # gave up (or timed out) while the phone rang
                    fails = (fails or ()) + ((ag.name, s, exit_at - s),)
                    ag.free = exit_at
                    release(ag)
                    break
                if no_answer:
                    fails = (fails or ()) + ((ag.name, s, RING_TIMEOUT_S),)
                    ag.free = ring_end
                    release(ag)
                    t0 = ring_end + RING_RETRY_S
                    continue
                conn = ring_end
                mu_h, sig_h = hand[q]
                ag.free = conn + min(max(exp(mu_h + sig_h * z[2]), 15.0), MAX_HANDLE_S)
                release(ag)
                break

            # a continued call has been through the IVR already and keeps its channel
            ivr = 3.0 + 20.0 * u[1] if link is None else 0.0
            did = u[2] < did_share and link is None
            if conn is not None:
                ue = u[3]
                token = None
                if u[6] < qxfer_share:
                    detail = END_QUEUE_ATTENDED if u[7] < attended_share else END_QUEUE_BLIND
                    xfer, token = 0, next(order)
                    handoffs.append((ag.free, token, caller))
                elif ue < xfer_share:
                    detail, xfer = END_TRANSFER, int(ue / xfer_share * n_xfer)
                elif (ue - xfer_share) / (1.0 - xfer_share) < caller_share:
                    detail, xfer = END_CALLER, 0
                else:
                    detail, xfer = END_AGENT, 0
                append((ANSWERED, q, caller, a, ivr, did, origpos, fails, conn, ag.name, s, ag.free, detail, xfer, link, token))  # fmt: skip
                heappush(wq, conn)
                continue

            x = exit_at
            pos = 1 + sum(1 for leave in wq if leave > x)  # callers ahead still waiting
            if timeout_at <= deadline:
                kind, key = TIMEOUT, ""
            elif u[4] < key_share and x - a >= KEY_ANNOUNCE_S:
                kind, key = EXITKEY, "1"
            else:
                kind, key = ABANDON, ""
            token = None
            target, share = overflow[q]
            if kind == TIMEOUT and target >= 0 and u[8] < share:
                # the dialplan sends the caller on to the overflow queue at once
                token = next(order)
                heappush(retries, (x, next(order), target, caller, token))
            append((kind, q, caller, a, ivr, did, origpos, fails, x, None, 0.0, 0.0, key, pos, link, token))  # fmt: skip
            heappush(wq, x)
            if token is None and u[5] < tr.retry_prob:
                back = x + max(20.0, exp(retry_mu + 0.9 * z[3]))
                # the IVR turns callers away while the line is closed
                if tr.close_hour >= 24 or open_lo <= back < open_hi:
                    heappush(retries, (back, next(order), q, caller, None))
        return calls
