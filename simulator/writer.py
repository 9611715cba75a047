"""Turns call records into queue_log lines and writes one file per local day.

Lines are kept as (epoch float, complete line) until their day is written, so a
call that straddles midnight lands in two files, as with real rotation. Sorting is
stable, so lines of the same instant keep the order they were made in (DID before
ENTERQUEUE, PAUSEALL before its PAUSE lines). Every duration in a data field is a
difference of the integer epochs written on the lines, as Asterisk computes them
from time(NULL).

A queue entry that continues another (an overflow, a transfer to another line's queue)
is written with the call id of the entry it continues. A PBX restart in the middle of
the day (`cut_at`) cuts the calls up at that moment: their lines from then on are never
written (a queue entry with no end in the log), nor are the entries they would have
continued into. A live cut (`until`) leaves out the entries that begin after it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, fields
from datetime import date
from functools import partial
from operator import itemgetter
from pathlib import Path

import numpy as np

from .engine import (
    ANSWERED,
    END_AGENT,
    END_QUEUE_ATTENDED,
    END_QUEUE_BLIND,
    END_TRANSFER,
    EXITKEY,
    TIMEOUT,
)
from .profiles import LineModel

TRANSFER_CONTEXT = "from-internal"


@dataclass
class DayStats:
    offered: int = 0
    answered: int = 0
    answered_in_sl: int = 0  # hold <= the line's contract threshold
    answered_in_20: int = 0
    abandoned: int = 0  # ABANDON with wait >= short-abandon threshold
    short_abandoned: int = 0
    timeouts: int = 0
    exit_keys: int = 0
    hold_sum: int = 0
    talk_sum: int = 0

    def add(self, other: DayStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict:
        """KPIs as the contract defines them: short abandons leave the denominator."""
        base = self.offered - self.short_abandoned
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned,
            "timeouts": self.timeouts,
            "exit_keys": self.exit_keys,
            "service_level": round(self.answered_in_sl / base, 4) if base else None,
            "service_level_20s": round(self.answered_in_20 / base, 4) if base else None,
            "abandon_rate": round(self.abandoned / base, 4) if base else None,
            "lost_rate": round(
                (self.abandoned + self.timeouts + self.exit_keys) / base, 4
            )
            if base
            else None,
            "asa_s": round(self.hold_sum / self.answered, 1) if self.answered else None,
            "aht_s": round(self.talk_sum / self.answered, 1) if self.answered else None,
        }


class QueueLogWriter:
    def __init__(self, out_dir: Path, numbers: list[str], first_seq: int):
        self.out_dir = Path(out_dir)
        self.numbers = numbers
        self.seq = first_seq  # last channel sequence number handed out
        self.pending: list[tuple[float, str]] = []
        self.last_ids: tuple = ([], [], [])
        self.chain_ids: dict[int, str] = {}  # token -> call id of the entry it came from
        self.dropped: set[int] = set()  # tokens of entries a restart cut before they went on

    def add_events(self, events) -> None:
        self.pending.extend(events)

    def _channel_ids(self, recs_by_line, restart_at, rng, extra_times=()):
        """Asterisk uniqueids: epoch of channel creation '.' a global sequence that also
        counts channels we do not log (Local legs, failed rings) and restarts at 0 with Asterisk.

        extra_times are other channels of the same PBX (the outbound dialer's legs); their
        ids come from the same sequence, so every uniqueid of the simulation is unique."""
        times, owner = [], []
        for li, (_, recs) in enumerate(recs_by_line):
            for ri, r in enumerate(recs):
                if r[14] is None:  # a continued entry keeps the caller's channel
                    times.append(r[3] - r[4])  # caller channel: created before the IVR
                    owner.append((li, ri, 0))
                if r[0] == ANSWERED:
                    times.append(r[10])  # member channel: created when it rings
                    owner.append((li, ri, 1))
        for k, t_extra in enumerate(extra_times):
            times.append(t_extra)
            owner.append((-1, k, 2))
        n = len(times)
        t = np.asarray(times, dtype=float)
        srt = np.argsort(t, kind="stable")
        inc = rng.integers(1, 4, size=n)
        seq = np.empty(n, dtype=np.int64)
        cut = n if restart_at is None else int(np.searchsorted(t[srt], restart_at))
        seq[srt[:cut]] = self.seq + np.cumsum(inc[:cut])
        if restart_at is not None:
            seq[srt[cut:]] = -1 + np.cumsum(inc[cut:])
            self.seq = int(seq[srt[-1]]) if cut < n else -1
        elif n:
            self.seq = int(seq[srt[-1]])
        caller_ids = [[None] * len(recs) for _, recs in recs_by_line]
        member_ids = [[None] * len(recs) for _, recs in recs_by_line]
        extra_ids = [None] * len(extra_times)
        t_int = t.astype(np.int64).tolist()
        seq_l = seq.tolist()
        for (li, ri, kind), ti, sq in zip(owner, t_int, seq_l):
            if kind == 2:
                extra_ids[ri] = f"{ti}.{sq}"
            else:
                (member_ids if kind else caller_ids)[li][ri] = f"{ti}.{sq}"
        # an entry comes after the one it continues: earlier line, or earlier in its line
        chain = self.chain_ids
        for li, (_, recs) in enumerate(recs_by_line):
            for ri, r in enumerate(recs):
                if r[14] is not None:
                    caller_ids[li][ri] = chain.pop(r[14])
                if r[15] is not None:
                    chain[r[15]] = caller_ids[li][ri]
        return caller_ids, member_ids, extra_ids

    def add_calls(
        self,
        recs_by_line: list[tuple[LineModel, list]],
        restart_at,
        rng,
        extra_times=(),
        cut_at: float | None = None,
        until: float | None = None,
    ) -> dict[str, DayStats]:
        """Adds the day's call lines; the channel ids handed out (caller, member, extra)
        stay in self.last_ids for the other sources (CDR, CRM). cut_at: a restart that
        cuts the calls up at that moment; until: entries from then on are not written.
        The stats count the entries written, each with the outcome it was simulated with."""
        caller_ids, member_ids, extra_ids = self._channel_ids(
            recs_by_line, restart_at, rng, extra_times
        )
        self.last_ids = (caller_ids, member_ids, extra_ids)
        ev, numbers = self.pending, self.numbers
        dropped = self.dropped
        stats = {}
        for li, (model, recs) in enumerate(recs_by_line):
            st = DayStats()
            queues, did_num, extens = (
                model.queues,
                model.traits.did,
                model.traits.transfer_extens,
            )
            qxfer_exten = model.traits.queue_transfer_exten
            sl_t, short_t = model.sl_seconds, model.short_abandon_s
            n_ans = n_sl = n_20 = hold_sum = talk_sum = 0
            n_key = n_to = n_ab = n_short = n_entries = 0
            for r, cid, muid in zip(recs, caller_ids[li], member_ids[li]):
                a = r[3]
                if (until is not None and a >= until) or (r[14] is not None and r[14] in dropped):
                    if r[15] is not None:
                        dropped.add(r[15])
                    continue
                n_entries += 1
                add = ev.append
                if cut_at is not None and a < cut_at < (r[11] if r[0] == ANSWERED else r[8]):
                    # up when the PBX restarted: nothing of the call is logged from then on
                    if r[15] is not None:
                        dropped.add(r[15])
                    add = partial(_append_before, ev, cut_at)
                (
                    kind,
                    q,
                    caller,
                    a,
                    _,
                    did,
                    origpos,
                    fails,
                    t1,
                    agent,
                    rs,
                    t2,
                    detail,
                    pos,
                    _link,
                    _token,
                ) = r
                ea = int(a)
                head = f"{cid}|{queues[q]}|"
                if did:
                    add((a, f"{ea}|{head}NONE|DID|{did_num}\n"))
                add((a, f"{ea}|{head}NONE|ENTERQUEUE||{numbers[caller]}|{origpos}\n"))
                if fails:
                    for name, s, dur in fails:
                        add(
                            (
                                s + dur,
                                f"{int(s + dur)}|{head}{name}|RINGNOANSWER|{round(dur * 1000)}\n",
                            )
                        )
                e1 = int(t1)
                if kind == ANSWERED:
                    hold = e1 - ea
                    e2 = int(t2)
                    talk = e2 - e1
                    add(
                        (
                            t1,
                            f"{e1}|{head}{agent}|CONNECT|{hold}|{muid}|{int(t1 - rs)}\n",
                        )
                    )
                    if detail in (END_TRANSFER, END_QUEUE_BLIND):
                        exten = extens[pos] if detail == END_TRANSFER else qxfer_exten
                        add(
                            (
                                t2,
                                f"{e2}|{head}{agent}|BLINDTRANSFER|{exten}|{TRANSFER_CONTEXT}|{hold}|{talk}|{origpos}\n",
                            )
                        )
                    elif detail == END_QUEUE_ATTENDED:
                        # Asterisk 12+: BRIDGE|<bridge unique id>|holdtime|calltime|origposition
                        bridge = f"{int(muid.split('.')[1]):08x}-{e2 % 65536:04x}-4{e1 % 4096:03x}"
                        add(
                            (
                                t2,
                                f"{e2}|{head}{agent}|ATTENDEDTRANSFER|BRIDGE|{bridge}|{hold}|{talk}|{origpos}\n",
                            )
                        )
                    elif detail == END_AGENT:
                        add(
                            (
                                t2,
                                f"{e2}|{head}{agent}|COMPLETEAGENT|{hold}|{talk}|{origpos}\n",
                            )
                        )
                    else:
                        add(
                            (
                                t2,
                                f"{e2}|{head}{agent}|COMPLETECALLER|{hold}|{talk}|{origpos}\n",
                            )
                        )
                    n_ans += 1
                    hold_sum += hold
                    talk_sum += talk
                    if hold <= sl_t:
                        n_sl += 1
                    if hold <= 20:
                        n_20 += 1
                    continue
                wait = e1 - ea
                if kind == EXITKEY:
                    add(
                        (
                            t1,
                            f"{e1}|{head}NONE|EXITWITHKEY|{detail}|{pos}|{origpos}|{wait}\n",
                        )
                    )
                    n_key += 1
                elif kind == TIMEOUT:
                    add(
                        (
                            t1,
                            f"{e1}|{head}NONE|EXITWITHTIMEOUT|{pos}|{origpos}|{wait}\n",
                        )
                    )
                    n_to += 1
                else:
                    add((t1, f"{e1}|{head}NONE|ABANDON|{pos}|{origpos}|{wait}\n"))
                    if wait < short_t:
                        n_short += 1
                    else:
                        n_ab += 1
            st.offered, st.answered, st.answered_in_sl, st.answered_in_20 = (
                n_entries,
                n_ans,
                n_sl,
                n_20,
            )
            st.hold_sum, st.talk_sum, st.exit_keys, st.timeouts = (
                hold_sum,
                talk_sum,
                n_key,
                n_to,
            )
            st.abandoned, st.short_abandoned = n_ab, n_short
            stats[model.code] = st
        return stats

    def write_day(self, day: date, day_end: float) -> tuple[Path, int]:
        """Writes the lines before `day_end` to queue_log-YYYYMMDD (named after their local day)."""
        pend = self.pending
        pend.sort(key=_EPOCH)
        cut = bisect_left(pend, day_end, key=_EPOCH)
        chunk, self.pending = pend[:cut], pend[cut:]
        path = self.out_dir / f"queue_log-{day:%Y%m%d}"
        with open(path, "wb") as fh:
            fh.write("".join([line for _, line in chunk]).encode("utf-8"))
        return path, len(chunk)


_EPOCH = itemgetter(0)


def _append_before(lines: list, cut: float, line: tuple[float, str]) -> None:
    if line[0] < cut:
        lines.append(line)
