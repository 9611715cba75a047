"""Every source besides the queue_log, from the same simulated operation.

run.generate() calls `before_ids` and `after_ids` for each simulated day (the outbound
dialer shares the PBX's channel sequence with the inbound calls, CRM phone cases name the
queue_log callid of their call; the back office and social lines are simulated there too
and the day's CDR rows appended), then `finish`, which writes the snapshot files next to
the queue_log folder:

    cdr/Master.csv                       Asterisk cdr_csv, inbound and outbound calls
    crm/cases-YYYYMMDD.csv               CRM case export, per local day of creation
    otrs/tickets-YYYYMMDD.json           OTRS TicketGet responses, per day of creation
    social/twitter/search-YYYYMMDD.jsonl twarc recent-search pages, per local day
    social/facebook/feed-YYYYMMDD.json   Graph API page feed with comments, per day
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import numpy as np

from contract import ContractConfig

from .bizcal import BusinessCalendar
from .cdr import CdrWriter
from .crm import (
    CANCEL_MOTIVE,
    CANCEL_REQUEST_SHARE,
    DEFAULT_PHONE_CASE_SHARE,
    FOLLOW_UP_SHARE,
    OUTAGE_DAY_SLOWDOWN,
    PHONE_CASE_SHARE,
    PHONE_FCR_SHARE,
    VISIT_MOTIVES,
    Case,
    CaseExport,
    backoffice_day,
    finish_case,
    line_queue,
    lognormal_hours,
    phone_motives,
    pick,
)
from .customers import Customers
from .engine import ANSWERED
from .names import more_agent_names
from .otrs import OtrsDesk
from .outbound import DEFAULT_HOURS, Dialer
from .social import SocialDesk

# purposes of the random streams of these sources (run.py uses 1-7, outages 17, restarts 31)
_CUSTOMERS, _CASES, _DIALER, _BACKOFFICE, _OTRS, _TWITTER, _FACEBOOK, _AGENTS = 51, 52, 53, 54, 55, 56, 57, 58
# agents of the lines that do not appear in the queue_log (x positions_scale)
AGENTS_PER_LINE = {"outbound": 6, "backoffice": 8, "social": 5}
CALENDAR_MARGIN_DAYS = 120  # work started near the end finishes after it
PHONE_RESOLUTION_MEDIAN_H, PHONE_RESOLUTION_SIGMA = 20.0, 1.1  # calendar hours, cases not solved on the call

SOURCE_GLOBS = {
    "cdr": ("Master.csv",),
    "crm": ("cases-*.csv",),
    "otrs": ("tickets-*.json",),
    "social/twitter": ("search-*.jsonl",),
    "social/facebook": ("feed-*.json",),
}


def clean_sources(landing: Path) -> None:
    for folder, patterns in SOURCE_GLOBS.items():
        for pattern in patterns:
            for old in (landing / folder).glob(pattern):
                old.unlink()


class OtherSources:
    def __init__(self, landing: Path, config: ContractConfig, tz, day_list, starts_of, seed: int, scale: float,
                 numbers: list[str], is_holiday, inbound_agents: list[str], models, outages):
        self.landing, self.tz, self.seed, self.scale = landing, tz, seed, scale
        self.day_list, self.starts_of, self.outages = day_list, starts_of, outages
        self.is_holiday = is_holiday
        self.numbers = numbers
        self.snapshot = starts_of[-1]
        self.config = cfg = config
        self.lines = {line.code: line for line in cfg.lines}
        self.customers = Customers(numbers, np.random.default_rng([seed, _CUSTOMERS]))
        first, last = day_list[0] - timedelta(days=1), day_list[-1] + timedelta(days=CALENDAR_MARGIN_DAYS)

        def calendar(line, default=None):
            return BusinessCalendar(line.business_hours or default, is_holiday, tz, first, last)

        rng = np.random.default_rng([seed, _AGENTS])
        names_used = list(inbound_agents)
        self.agents: dict[str, list[str]] = {}
        for line in cfg.lines:
            per = AGENTS_PER_LINE.get(line.direction)
            if per is None:
                continue
            n = max(per, round(per * scale))
            self.agents[line.code] = more_agent_names(n, names_used, rng)
            names_used += self.agents[line.code]
        self.extensions = {name: str(3001 + i if i < 999 else 30001 + i) for i, name in enumerate(inbound_agents)}
        self.cases = CaseExport(self.customers, tz, self.snapshot,
                                first_number=int(np.random.default_rng([seed, _CASES]).integers(1_000_000, 3_000_000)))
        self.cdr = CdrWriter(landing / "cdr" / "Master.csv", tz, self.extensions)
        self.models = {m.code: m for m in models}

        outbound = [line for line in cfg.lines if line.direction == "outbound" and line.campaigns]
        self.dialer = None
        if outbound:
            line = outbound[0]
            names = self.agents[line.code]
            self.dialer_agents = [(name, str(2101 + i)) for i, name in enumerate(names)]
            self.dialer = Dialer(line.code, line_queue(line), line.campaigns, calendar(line, DEFAULT_HOURS),
                                 self.dialer_agents, scale)
        self.backoffice = [(line, calendar(line)) for line in cfg.lines if line.direction == "backoffice"]
        otrs_lines = [(line, cal) for line, cal in self.backoffice if line.otrs_queues]
        self.otrs = [OtrsDesk(line, cal, self.agents[line.code], self.customers, tz, scale) for line, cal in otrs_lines]
        social = [line for line in cfg.lines if line.direction == "social"]
        self.social = None
        if social:
            line = social[0]
            self.social = SocialDesk(line, calendar(line), self.agents[line.code], self.customers, tz, scale, seed,
                                     self.cases)
        self._pending: list = []
        self._attempts: list = []
        self.daily: dict[str, dict] = defaultdict(lambda: defaultdict(int))

    # --- the PBX day ---------------------------------------------------------------------
    def before_ids(self, day, day_start: int, day_end: int, recs_by_line) -> list[float]:
        """Opens the phone cases of the day's answered calls, feeds the dialer and dials.
        Returns the creation times of the dialer's channels (two per attempt)."""
        rng = np.random.default_rng([self.seed, _CASES, day.toordinal()])
        pending = []
        dialer = self.dialer
        for li, (model, recs) in enumerate(recs_by_line):
            line = self.lines.get(model.code)
            share = PHONE_CASE_SHARE.get(model.code, DEFAULT_PHONE_CASE_SHARE)
            fcr = PHONE_FCR_SHARE.get(model.code, 0.5)
            crm_queue = line.crm_queues[0] if line is not None and line.crm_queues else None
            options = [phone_motives(qn, line) for qn in model.queues]
            is_care = not any(qt.service for qt in model.queue_traits)  # customer care, not technical
            answered = [ri for ri, r in enumerate(recs) if r[0] == ANSWERED]
            u = rng.random((len(answered), 4)).tolist()
            for ri, (u_case, u_motive, u_cancel, u_extra) in zip(answered, u):
                r = recs[ri]
                cancel = is_care and u_cancel < CANCEL_REQUEST_SHARE
                if not cancel and u_case >= share:
                    continue
                motive = CANCEL_MOTIVE if cancel else pick(options[r[1]], u_motive)
                end = float(int(r[11]))
                case = Case(model.code, crm_queue or model.queues[r[1]], motive, "phone", end, r[2], r[9])
                case.first_response = end
                if u_extra < fcr and not cancel:
                    case.resolved.append(end + rng.uniform(0, 90))
                    case.closed = case.resolved[-1]
                    solved_now = True
                else:
                    delay = max(0.2, lognormal_hours(rng, PHONE_RESOLUTION_MEDIAN_H, PHONE_RESOLUTION_SIGMA))
                    finish_case(case, end + delay * 3600, rng,
                                lambda back: back + lognormal_hours(rng, 12.0, 1.0) * 3600)
                    solved_now = False
                self.cases.add(case)
                pending.append((case, li, ri))
                if dialer is None:
                    continue
                if cancel:
                    created = end + rng.uniform(2, 10) * 60
                    lead = dialer.add_lead("retention", r[2], created, created + rng.uniform(20, 90) * 60, rng)
                elif motive in VISIT_MOTIVES and rng.random() < VISIT_MOTIVES[motive]:
                    created = end + rng.uniform(5, 30) * 60
                    lead = dialer.add_lead("visit", r[2], created, created + rng.uniform(30, 240) * 60, rng)
                elif solved_now and not is_care and rng.random() < FOLLOW_UP_SHARE:
                    created = end + rng.uniform(2, 15) * 60  # scheduled now, called in 2-4 days
                    due = day_start + int(rng.integers(2, 5)) * 86400 + rng.uniform(9.0, 11.0) * 3600
                    lead = dialer.add_lead("follow_up", r[2], created, due, rng)
                else:
                    lead = None
                if lead is not None:
                    self.cases.add(lead)
        self._pending = pending
        self._day = (day, day_start, day_end)
        self._attempts = []
        if dialer is not None:
            self._attempts = dialer.run_day(day_start, day_end,
                                            np.random.default_rng([self.seed, _DIALER, day.toordinal()]))
        self.daily[day.isoformat()]["outbound_attempts"] = len(self._attempts)
        return [t for a in self._attempts for t in (float(a[0]), a[0] + 0.02)]

    def after_ids(self, recs_by_line, ids) -> None:
        """Names the calls of the day's phone cases, simulates the day of the back office and
        social lines, numbers the day's cases and appends the finished CDR rows."""
        caller_ids, member_ids, extra_ids = ids
        for case, li, ri in self._pending:
            case.origin = caller_ids[li][ri]
        self.cdr.add_inbound(recs_by_line, caller_ids, member_ids, self.numbers)
        day, day_start, day_end = self._day
        self._other_lines(day, day_start)
        self.cases.number()
        if self._attempts:
            pairs = list(zip(extra_ids[0::2], extra_ids[1::2]))
            self.cdr.add_outbound(self._attempts, pairs, self.dialer_agents, self.customers)
        self.cdr.flush(day_end)
        self._pending, self._attempts = [], []

    def _other_lines(self, day, ds: int) -> None:
        todays = [o for o in self.outages if o.start < ds + 86400 + 6 * 3600 and o.end > ds - 6 * 3600]
        holiday = self.is_holiday(day)
        key = day.isoformat()
        outage_day = any(o.day == day for o in self.outages)
        for li, (line, cal) in enumerate(self.backoffice):
            rng = np.random.default_rng([self.seed, _BACKOFFICE, day.toordinal(), li])
            otrs_motives = set()
            for desk in self.otrs:
                if desk.line is line:
                    otrs_motives = set(desk.motive_of.values())
            slowdown = OUTAGE_DAY_SLOWDOWN if line.otrs_queues and outage_day else 1.0
            for case in backoffice_day(line, cal, day, ds, holiday, rng, self.scale, self.customers.size,
                                       self.agents[line.code], slowdown, otrs_motives):
                self.cases.add(case)
        for k, desk in enumerate(self.otrs):
            rng = np.random.default_rng([self.seed, _OTRS, day.toordinal(), k])
            self.daily[key]["otrs_tickets"] += desk.day(day, ds, self.outages, holiday, rng)
        if self.social is not None:
            self.daily[key]["twitter_mentions"] = self.social.twitter_day(
                day, ds, todays, np.random.default_rng([self.seed, _TWITTER, day.toordinal()]))
            self.daily[key]["facebook_comments"] = self.social.facebook_day(
                day, ds, todays, np.random.default_rng([self.seed, _FACEBOOK, day.toordinal()]))

    # --- the files ---------------------------------------------------------------------------
    def finish(self) -> dict:
        landing = self.landing
        out: dict = {}
        out["cdr"] = self.cdr.close()
        out["cdr"]["file"] = "cdr/Master.csv"
        names, out["crm"] = self.cases.write(landing / "crm")
        files = {"cdr": ["Master.csv"], "crm": names}
        first_ticket = int(np.random.default_rng([self.seed, _OTRS]).integers(100_000, 400_000))
        out["otrs"] = {"tickets": 0, "files": 0}
        files["otrs"] = []
        for desk in self.otrs:
            names, counts = desk.write(landing / "otrs", self.snapshot, first_ticket)
            first_ticket += counts["tickets"]
            files["otrs"] += names
            out["otrs"] = counts
        if self.social is not None:
            starts = np.asarray(self.starts_of, dtype=float)
            names, out["twitter"] = self.social.write_twitter(landing / "social" / "twitter", self.day_list, starts,
                                                              self.snapshot, self.seed)
            files["social/twitter"] = names
            names, out["facebook"] = self.social.write_facebook(landing / "social" / "facebook", self.day_list,
                                                                starts, self.snapshot, self.seed)
            files["social/facebook"] = names
            out["twitter"]["escalated_to_crm"] = self.social.stats["escalated"]
        for case in self.cases.cases:
            key = self.cases.local(case.created)[:10]
            self.daily[key][f"crm_{case.line}"] += 1
        out["files"] = files
        out["daily"] = {k: dict(v) for k, v in sorted(self.daily.items())}
        return out
