"""The outbound line (`satisfaccion`): a preview dialer works the campaign leads.

Leads come from the inbound lines: customers who asked to cancel (retention), visits to
schedule, follow-ups of solved technical cases. Agents call in the line's business hours
(default Mon-Fri 9-18, Sat 9-13, no national holidays); every dial is one CDR row. A lead
is retried after NO ANSWER / BUSY / FAILED, up to 3-4 times a day over up to 3 working
days; the first real contact (ANSWERED, billsec > 0) settles it. A retention lead that is
never reached is cancelled; a retained customer therefore always had a contact.
"""

from __future__ import annotations

import math
from heapq import heappop, heappush
from itertools import count

from .crm import Case

DEFAULT_HOURS = {0: ("09:00", "18:00"), 1: ("09:00", "18:00"), 2: ("09:00", "18:00"),
                 3: ("09:00", "18:00"), 4: ("09:00", "18:00"), 5: ("09:00", "13:00")}
AGENTS_FULL_DAY, AGENTS_SHORT_DAY = 4, 3  # x positions_scale
LUNCH_S = 45 * 60
# campaign role -> keywords of the campaign name in the contract file
ROLES = {"retention": ("reten",), "visit": ("agenda", "visita", "instal"), "follow_up": ("segui", "encuesta")}
# disposition shares of a dial (the trunk reports BUSY / FAILED; NO ANSWER after the Dial timeout)
DISPOSITIONS = (("ANSWERED", 0.63), ("NO ANSWER", 0.24), ("BUSY", 0.09), ("FAILED", 0.04))
ZERO_BILLSEC_SHARE = 0.04  # answered, then the line drops at once: not a contact
DIAL_TIMEOUT_S = 45
TALK_MEAN_S = {"retention": 330.0, "visit": 200.0, "follow_up": 150.0}
TALK_SIGMA = 0.5
RETAINED_SHARE = 0.42
MAX_DAYS = 3
ATTEMPTS_PER_DAY = (3, 4)
RETRY_MINUTES = {"NO ANSWER": (60, 180), "BUSY": (10, 30), "FAILED": (15, 45), "ANSWERED": (30, 90)}
USERFIELD_EMPTY_SHARE = 0.08  # dialled by hand, not from the CRM: no case id in the CDR


def campaign_roles(campaigns) -> dict[str, str]:
    """role -> campaign name, for the campaigns the contract lists."""
    roles = {}
    for role, keys in ROLES.items():
        for c in campaigns:
            if any(k in c.lower() for k in keys):
                roles[role] = c
                break
    return roles


class Lead:
    __slots__ = ("case", "role", "customer", "tries_today", "day", "days", "max_per_day")

    def __init__(self, case: Case, role: str, customer: int, max_per_day: int):
        self.case, self.role, self.customer = case, role, customer
        self.tries_today, self.day, self.days, self.max_per_day = 0, None, 0, max_per_day


class Dialer:
    def __init__(self, line_code, queue, campaigns, cal, agents, scale: float):
        self.line_code, self.queue = line_code, queue
        self.roles = campaign_roles(campaigns)
        self.cal = cal
        self.agents = agents  # [(name, extension)]
        self.scale = scale
        self.leads: list = []
        self.order = count()
        self.retention_open: set[int] = set()  # customers with a retention lead in progress

    def add_lead(self, role: str, customer: int, created: float, due: float, rng) -> Case | None:
        campaign = self.roles.get(role)
        if campaign is None:
            return None
        if role == "retention":
            if customer in self.retention_open:
                return None
            self.retention_open.add(customer)
        case = Case(self.line_code, self.queue, campaign, "outbound", created, customer)
        lead = Lead(case, role, customer, ATTEMPTS_PER_DAY[int(rng.random() < 0.5)])
        heappush(self.leads, (due, next(self.order), lead))
        return case

    def _close_unreached(self, lead: Lead, t: float) -> None:
        lead.case.closed = t
        if lead.role == "retention":
            lead.case.outcome = "cancelled"
            lead.case.resolved.append(t)
            self.retention_open.discard(lead.customer)

    def run_day(self, day_start: int, day_end: int, rng) -> list[tuple]:
        """Dials of one local day: (start, answer|None, end, disposition, agent index,
        campaign, customer, case, userfield_empty). Integer epochs."""
        span = self.cal.span_of_day(day_start, day_end)
        if span is None or not self.leads:
            return []
        open_t, close_t = span
        full = close_t - open_t > 6 * 3600
        n = max(1, round((AGENTS_FULL_DAY if full else AGENTS_SHORT_DAY) * self.scale))
        n = min(n, len(self.agents))
        heap = []
        lunch = {}
        for k in range(n):
            heappush(heap, (open_t + rng.uniform(0, 600), k))
            if full:
                lunch[k] = open_t + 3 * 3600 + (k % 4) * 1800 + rng.uniform(0, 600)
        attempts = []
        while heap:
            t, k = heappop(heap)
            if k in lunch and t >= lunch[k]:
                del lunch[k]
                heappush(heap, (t + LUNCH_S, k))
                continue
            if t >= close_t - 120 or not self.leads:
                continue  # this agent is done for the day
            due = self.leads[0][0]
            if due > t:
                if due >= close_t - 120:
                    continue
                heappush(heap, (due, k))
                continue
            _, _, lead = heappop(self.leads)
            attempts.append(self._dial(lead, t, k, day_start, close_t, rng))
            heappush(heap, (attempts[-1][2] + self._wrap(attempts[-1][3], rng), k))
        return attempts

    @staticmethod
    def _wrap(disposition: str, rng) -> float:
        return rng.uniform(60, 150) if disposition == "ANSWERED" else rng.uniform(10, 30)

    def _dial(self, lead: Lead, t: float, k: int, day_start: int, close_t: int, rng) -> tuple:
        if lead.day != day_start:
            lead.day, lead.tries_today = day_start, 0
            lead.days += 1
        lead.tries_today += 1
        u = rng.random()
        acc, disposition = 0.0, DISPOSITIONS[-1][0]
        for name, p in DISPOSITIONS:
            acc += p
            if u < acc:
                disposition = name
                break
        start = int(t)
        answer = None
        if disposition == "ANSWERED":
            answer = start + int(rng.uniform(5, 22))
            if rng.random() < ZERO_BILLSEC_SHARE:
                end = answer
            else:
                talk = TALK_MEAN_S[lead.role] * math.exp(TALK_SIGMA * rng.standard_normal() - TALK_SIGMA**2 / 2)
                end = answer + max(20, int(talk))
        elif disposition == "NO ANSWER":
            end = start + (DIAL_TIMEOUT_S if rng.random() < 0.7 else int(rng.uniform(15, DIAL_TIMEOUT_S)))
        elif disposition == "BUSY":
            end = start + int(rng.uniform(1, 5))
        else:
            end = start + int(rng.uniform(0, 2))
        case = lead.case
        if case.started is None:
            case.started = start
        name = self.agents[k][0]
        if answer is not None and end > answer:  # a contact settles the lead
            case.first_response = answer
            case.agent = name
            case.resolved.append(end)
            case.closed = end + rng.uniform(60, 600)
            if lead.role == "retention":
                case.outcome = "retained" if rng.random() < RETAINED_SHARE else "cancelled"
                self.retention_open.discard(lead.customer)
        else:
            case.agent = case.agent or name
            lo, hi = RETRY_MINUTES[disposition]
            retry = end + rng.uniform(lo, hi) * 60
            if lead.tries_today < lead.max_per_day and retry < close_t - 300:
                heappush(self.leads, (retry, next(self.order), lead))
            elif lead.days >= MAX_DAYS:
                self._close_unreached(lead, end + rng.uniform(60, 600))
            else:
                nxt = self.cal.next_open(close_t + 1)
                if nxt is None:  # past the calendar: the lead stays open
                    nxt = close_t + 86400
                heappush(self.leads, (nxt + rng.uniform(0, 3 * 3600), next(self.order), lead))
        return (start, answer, end, disposition, k, case.motive, lead.customer, case,
                rng.random() < USERFIELD_EMPTY_SHARE)
