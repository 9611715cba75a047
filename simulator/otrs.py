"""OTRS tickets of the technical back office (bo_helpdesk), written as GenericInterface
TicketGet responses (`{"Ticket": [...]}`, DynamicFields=1, AllArticles=1), one file per
local day of creation, as fetched at the end of the simulated range.

Queues come from the contract (`otrs_queues`); each queue's contract motive is the
motive whose words best match the queue name (DynamicField `Motivo`). No-signal and
building-without-signal tickets follow the outage windows of outages.py: during an
outage and a few hours after it they multiply, carry the outage's area (`Zona`) and id
(`FallaMasiva`), get a quick mass notice as first response and are closed once the
network is back. The first agent article (SenderType agent) is the first response; a
closed ticket's `Changed` is its closing time. On a day the line does not work (Sunday, a
holiday) the on-call duty acknowledges a share of the tickets before the next working day,
and closes the outage tickets whose network comes back within the closed stretch
(bizcal.BusinessCalendar.on_call): spans with no business time at all.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np

from .clock import LocalText
from .crm import FIRST_RESPONSE_SIGMA, FIRST_RESPONSE_Z, RESOLUTION_SIGMA, RESOLUTION_Z, lognormal_hours, target_median
from .customers import ascii_fold
from .demand import BIN_S, BINS
from .outages import AREAS
from .texts import OTRS_SUBJECTS, STREETS, barrio

# keyword of the normalised queue name -> traits (first match wins)
ROUND_THE_CLOCK = (
    0.15, 0.10, 0.07, 0.06, 0.06, 0.08, 0.15, 0.35, 0.65, 0.90, 1.00, 1.00,
    0.92, 0.85, 0.85, 0.90, 0.95, 1.00, 1.00, 0.95, 0.85, 0.65, 0.45, 0.28,
)
BRANCH_HOURS = tuple(1.0 if 9 <= h < 19 else 0.0 for h in range(24))
QUEUE_TRAITS = {
    "edificio": dict(daily=6.0, hourly=ROUND_THE_CLOCK, outage_weight=2.0, tail_h=3.0,
                     priority="4 high", type="Incident", channel="Phone", customer="building"),
    "senal": dict(daily=35.0, hourly=ROUND_THE_CLOCK, outage_weight=1.0, tail_h=2.0,
                  priority="3 normal", type="Incident", channel="Phone", customer="customer"),
    "sucursal": dict(daily=12.0, hourly=BRANCH_HOURS, outage_weight=0.3, tail_h=1.0,
                     priority="3 normal", type="Service Request", channel="Phone", customer="branch"),
    "noc": dict(daily=4.0, hourly=tuple(1.0 for _ in range(24)), outage_weight=0.5, tail_h=1.0,
                priority="4 high", type="Problem", channel="Internal", customer="noc"),
}
DEFAULT_TRAITS = dict(daily=10.0, hourly=ROUND_THE_CLOCK, outage_weight=0.0, tail_h=0.0,
                      priority="3 normal", type="Unclassified", channel="Email", customer="customer")
WEEKDAY = (1.1, 1.05, 1.0, 1.0, 0.95, 0.7, 0.6)
BRANCH_WEEKDAY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.0)
UNSUCCESSFUL_SHARE = 0.07
NOTE_SHARE = 0.3
SYSTEM_ID = 1
STATE_IDS = {"new": 1, "closed successful": 2, "closed unsuccessful": 3, "open": 4}
PRIORITY_IDS = {"3 normal": 3, "4 high": 4, "5 very high": 5}
TYPE_IDS = {"Unclassified": 1, "Incident": 2, "Service Request": 3, "Problem": 4}


def normalise(text: str) -> str:
    return ascii_fold(text).lower().replace("_", " ")


def queue_traits(queue: str) -> dict:
    name = normalise(queue)
    for key, traits in QUEUE_TRAITS.items():
        if key in name:
            return traits
    return DEFAULT_TRAITS


def queue_motive(queue: str, motives) -> str:
    """The contract motive that best matches the queue's words ('Edificios sin señal' ->
    edificio_sin_senal): matched words count, unmatched motive words count against."""
    words = normalise(queue).split()
    best, best_score = None, -math.inf
    for motive in motives:
        parts = motive.split("_")
        hit = sum(any(w.startswith(p) or p.startswith(w) for w in words if len(w) >= 3) for p in parts)
        score = hit - 0.5 * (len(parts) - hit)
        if hit and score > best_score:
            best, best_score = motive, score
    return best or (next(iter(motives)) if motives else "reclamo_tecnico")


def login(name: str, taken: set) -> str:
    first, *rest = ascii_fold(name).lower().split()
    base = first[0] + (rest[-1] if rest else "")
    out, i = base, 1
    while out in taken:
        i += 1
        out = f"{base}{i}"
    taken.add(out)
    return out


class Ticket:
    __slots__ = ("queue", "motive", "created", "title", "priority", "type", "channel", "customer_id",
                 "customer_user", "owner", "area", "outage_id", "articles", "closed", "state")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


class OtrsDesk:
    def __init__(self, line, cal, agents: list[str], customers, tz, scale: float):
        self.line, self.cal, self.customers, self.tz, self.scale = line, cal, customers, tz, scale
        taken: set[str] = set()
        self.owners = [login(a, taken) for a in agents]
        motives = line.motives or {}
        self.queues = [(qn, queue_motive(qn, motives), queue_traits(qn)) for qn in line.otrs_queues]
        self.motive_of = {qn: m for qn, m, _ in self.queues}
        self.tickets: list[Ticket] = []

    def day(self, day, day_start: int, outages, holiday: bool, rng) -> int:
        """Tickets created on one local day; returns how many."""
        line, cu = self.line, self.customers
        centres = day_start + (np.arange(BINS) + 0.5) * BIN_S
        todays = [o for o in outages if o.start < day_start + 86400 + 6 * 3600 and o.end > day_start - 6 * 3600]
        fr_median = target_median(line.first_response_target_business_hours or 2.0,
                                  FIRST_RESPONSE_Z, FIRST_RESPONSE_SIGMA)
        slow = 1.8 if any(o.day == day for o in outages) else 1.0
        n_before = len(self.tickets)
        # the on-call draws come from a child stream, so the rest of the day is drawn as before
        on_call_rng = rng.spawn(1)[0]
        for qn, motive, tr in self.queues:
            wk = (BRANCH_WEEKDAY if tr["customer"] == "branch" else WEEKDAY)[day.weekday()]
            if holiday:
                wk *= 0.0 if tr["customer"] == "branch" else 0.6
            hourly = np.repeat(np.asarray(tr["hourly"], dtype=float), BINS // 24)
            rates = hourly / hourly.sum() * tr["daily"] * wk * self.scale
            mult = np.ones(BINS)
            for o in todays:
                window = (centres >= o.start) & (centres < o.end + tr["tail_h"] * 3600)
                mult[window] *= 1.0 + (max(o.multipliers) - 1.0) * tr["outage_weight"]
            counts = rng.poisson(rates * mult)
            bins = np.repeat(np.arange(BINS), counts)
            times = np.sort(day_start + (bins + rng.random(bins.size)) * BIN_S).tolist()
            if tr["customer"] == "noc":  # the monitoring opens one ticket per outage at once
                times += [o.start + rng.uniform(60, 600) for o in todays if day_start <= o.start < day_start + 86400]
            target = (line.motives or {}).get(motive, line.resolution_target_business_hours or 24.0)
            for t in sorted(times):
                ticket = self._ticket(qn, motive, tr, t, target, fr_median, slow, todays, rng, cu)
                self.tickets.append(self._on_call(ticket, todays, on_call_rng))
        return len(self.tickets) - n_before

    def _on_call(self, ticket: Ticket, todays, rng) -> Ticket:
        """A ticket of a closed day the on-call duty takes: acknowledged within minutes of
        wall-clock time; an outage ticket closed too when the network is back in time."""
        t = ticket.created
        fr = self.cal.on_call(t, rng.uniform(5, 90) * 60, rng.random())
        if fr is None:
            return ticket
        close = ticket.closed
        if ticket.outage_id is not None:
            end = next(o.end for o in todays if o.outage_id == ticket.outage_id)
            back = max(end, fr) + rng.uniform(10, 60) * 60
            close = self.cal.on_call(t, back - t, 0.0) or close
        close = max(close, fr + 600)
        # articles: the opening one, the answer, perhaps an internal note, the close; a note
        # keeps its relative place between the answer and the close
        first, answer, *notes, last = ticket.articles
        old_fr, old_close = answer[0], last[0]
        notes = [(fr + (close - fr) * (n[0] - old_fr) / max(old_close - old_fr, 1.0), *n[1:]) for n in notes]
        ticket.articles = [first, (fr, *answer[1:]), *notes, (close, *last[1:])]
        ticket.closed = close
        return ticket

    def _ticket(self, qn, motive, tr, t, target, fr_median, slow, todays, rng, cu) -> Ticket:
        cal = self.cal
        outage = None
        for o in todays:
            if o.start <= t < o.end + tr["tail_h"] * 3600 and tr["outage_weight"] > 0:
                m = 1.0 + (max(o.multipliers) - 1.0) * tr["outage_weight"]
                if rng.random() < (m - 1.0) / m or tr["customer"] == "noc":
                    outage = o
                    break
        area = outage.area if outage is not None else AREAS[int(rng.integers(len(AREAS)))]
        subject = OTRS_SUBJECTS.get(motive, ("Reclamo técnico",))
        subject = subject[int(rng.integers(len(subject)))]
        kind = tr["customer"]
        c = int(rng.integers(cu.size))
        if kind == "building":
            street = STREETS[int(rng.integers(len(STREETS)))]
            title = f"{subject} - {street} {int(rng.integers(100, 6000))} ({barrio(area)})"
            customer_id, customer_user = cu.customer_id(c), cu.email(c)
        elif kind == "branch":
            slug = ascii_fold(barrio(area)).lower().replace(" ", "")
            title = f"{subject} - Sucursal {barrio(area)}"
            customer_id, customer_user = f"SUC-{slug.upper()}", f"sucursal.{slug}@example.com"
        elif kind == "noc":
            title = f"{subject} - {barrio(area)}"
            customer_id, customer_user = "NOC", "noc@example.com"
        else:
            title = f"{subject} - {cu.customer_id(c)}"
            customer_id, customer_user = cu.customer_id(c), cu.email(c)
        priority = tr["priority"]
        if outage is not None and priority == "4 high":
            priority = "5 very high"
        owner = self.owners[int(rng.integers(len(self.owners)))]
        if outage is not None:  # mass notice at once; closed when the network is back
            fr = cal.add(t, rng.uniform(5, 40) * 60)
            close = max(cal.add(max(outage.end, t), rng.uniform(0.3, 3.0) * 3600), fr + 600)
        else:
            fr_h = max(0.05, lognormal_hours(rng, fr_median, FIRST_RESPONSE_SIGMA) * slow)
            res_h = lognormal_hours(rng, target_median(target, RESOLUTION_Z, RESOLUTION_SIGMA), RESOLUTION_SIGMA)
            fr = cal.add(t, fr_h * 3600)
            close = max(cal.add(t, res_h * slow * 3600), fr + 600)
        sender = "system" if kind == "noc" else "customer"
        frm = customer_user if sender == "customer" else "monitoreo@example.com"
        articles = [(t, sender, tr["channel"], 1, title, frm)]
        articles.append((fr, "agent", "Email" if tr["channel"] == "Email" else "Phone", 1, f"RE: {title}", owner))
        if rng.random() < NOTE_SHARE:
            articles.append((fr + (close - fr) * rng.uniform(0.2, 0.8), "agent", "Internal", 0,
                             "Nota interna: derivado a técnica de campo", owner))
        state = "closed unsuccessful" if rng.random() < UNSUCCESSFUL_SHARE else "closed successful"
        articles.append((close, "agent", "Internal", 1, f"Cierre: {title}", owner))
        return Ticket(queue=qn, motive=motive, created=t, title=title, priority=priority, type=tr["type"],
                      channel=tr["channel"], customer_id=customer_id, customer_user=customer_user, owner=owner,
                      area=area, outage_id=outage.outage_id if outage is not None else None,
                      articles=articles, closed=close, state=state)

    def write(self, folder: Path, snapshot: float, first_ticket_id: int) -> tuple[list[str], dict]:
        """otrs/tickets-YYYYMMDD.json per local day of creation, as of `snapshot`."""
        tz = self.tz
        local_text = LocalText(tz)
        tickets = sorted((t for t in self.tickets if t.created <= snapshot),
                         key=lambda t: (t.created, t.queue, t.title))
        # article ids follow creation time across tickets, as the database sequence does
        arts = sorted(((a[0], ti, ai) for ti, t in enumerate(tickets) for ai, a in enumerate(t.articles)
                       if a[0] <= snapshot))
        art_id = {(ti, ai): 1000 + n for n, (_, ti, ai) in enumerate(arts)}
        queue_ids = {qn: 10 + i for i, qn in enumerate(self.line.otrs_queues)}
        owner_ids = {o: 2 + i for i, o in enumerate(self.owners)}
        by_day: dict[str, list] = defaultdict(list)
        counters: dict[str, int] = defaultdict(int)
        states: dict[str, int] = defaultdict(int)
        for ti, t in enumerate(tickets):
            local = datetime.fromtimestamp(t.created, tz)
            day = local.strftime("%Y%m%d")
            counters[day] += 1
            seen = [(ai, a) for ai, a in enumerate(t.articles) if a[0] <= snapshot]
            answered = any(a[1] == "agent" for _, a in seen)
            if t.closed <= snapshot:
                state = t.state
            else:
                state = "open" if answered else "new"
            states[state] += 1
            changed = t.closed if t.closed <= snapshot else max(a[0] for _, a in seen)
            tid = first_ticket_id + ti
            articles = []
            for n, (ai, (when, sender, channel, visible, subject, frm)) in enumerate(seen, 1):
                articles.append({
                    "ArticleID": art_id[(ti, ai)], "TicketID": tid, "ArticleNumber": n,
                    "SenderType": sender, "SenderTypeID": {"agent": "1", "system": "2", "customer": "3"}[sender],
                    "CommunicationChannel": channel, "IsVisibleForCustomer": visible,
                    "From": frm, "To": t.queue if sender != "agent" else t.customer_user,
                    "Subject": subject, "CreateTime": local_text(when), "ChangeTime": local_text(when),
                    "IncomingTime": int(when), "ContentType": "text/plain; charset=utf8",
                    "MimeType": "text/plain", "Charset": "utf8",
                })
            owner = t.owner
            by_day[day].append({
                "TicketID": tid,
                "TicketNumber": f"{day}{SYSTEM_ID:02d}{counters[day]:06d}",
                "Title": t.title,
                "Created": local_text(t.created),
                "Changed": local_text(changed),
                "Age": int(snapshot - t.created),
                "Queue": t.queue, "QueueID": queue_ids[t.queue],
                "State": state, "StateID": STATE_IDS[state], "StateType": state.split()[0],
                "Priority": t.priority, "PriorityID": PRIORITY_IDS[t.priority],
                "Type": t.type, "TypeID": TYPE_IDS.get(t.type, 1),
                "Lock": "lock" if state == "open" else "unlock", "LockID": 2 if state == "open" else 1,
                "Owner": owner, "OwnerID": owner_ids[owner], "Responsible": owner, "ResponsibleID": owner_ids[owner],
                "CustomerID": t.customer_id, "CustomerUserID": t.customer_user,
                "ServiceID": "", "SLAID": "", "ArchiveFlag": "n", "UntilTime": 0, "UnlockTimeout": 0,
                "EscalationTime": 0, "EscalationResponseTime": 0, "EscalationUpdateTime": 0,
                "EscalationSolutionTime": 0, "RealTillTimeNotUsed": 0, "TimeUnit": 0, "GroupID": 2,
                "CreateBy": 1, "ChangeBy": owner_ids[owner] if answered else 1,
                "DynamicField": [
                    {"Name": "Motivo", "Value": t.motive},
                    {"Name": "Zona", "Value": t.area},
                    {"Name": "FallaMasiva", "Value": t.outage_id},
                ],
                "Article": articles,
            })
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for day in sorted(by_day):
            path = folder / f"tickets-{day}.json"
            path.write_text(json.dumps({"Ticket": by_day[day]}, ensure_ascii=False) + "\n", encoding="utf-8")
            names.append(path.name)
        by_queue: dict[str, int] = defaultdict(int)
        for t in tickets:
            by_queue[t.queue] += 1
        return names, {"tickets": len(tickets), "by_queue": dict(by_queue), "by_state": dict(sorted(states.items())),
                       "files": len(names)}
