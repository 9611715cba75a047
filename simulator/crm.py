"""CRM cases of every line, written as the documented case export
(docs/formats/crm_cases_csv.md): one CSV per local day of creation, as exported at the end
of the simulated range (the snapshot): times after it are not known yet.

- atc / helpdesk: a share of the answered inbound calls open a case at the call's end
  (channel phone, origin_call_id = the queue_log callid, agent = who answered);
- bo_atc / bo_helpdesk: e-mail, web and fax claims with the contract's motives, worked in
  the line's business hours (first response and resolution drawn in business hours so
  that most, not all, meet the targets), some reopened;
- satisfaccion: one case per outbound campaign lead (outbound.py decides its outcome);
- bo_social: posts escalated from Twitter / Facebook (social.py); origin_call_id holds
  `twitter:<tweet id>` or `facebook:<comment id>`.
"""

from __future__ import annotations

import csv
import math
from bisect import bisect_right
from collections import defaultdict
from functools import cache
from itertools import accumulate, groupby
from pathlib import Path

import numpy as np

from .clock import LocalText
from .demand import BIN_S, BINS

COLUMNS = (
    "case_id", "line_code", "crm_queue", "motive", "channel", "created_at", "first_response_at",
    "resolved_at", "closed_at", "status", "reopen_count", "customer_id", "customer_phone",
    "customer_email", "agent", "origin_call_id", "outcome",
)
# share of answered calls that open a CRM case, by line code
PHONE_CASE_SHARE = {"atc": 0.30, "helpdesk": 0.35}
DEFAULT_PHONE_CASE_SHARE = 0.30
# resolved during the call (first-contact resolution), by line code
PHONE_FCR_SHARE = {"atc": 0.60, "helpdesk": 0.50}
# answered customer-care calls in which the customer asks to cancel (-> retention lead)
CANCEL_REQUEST_SHARE = 0.045
CANCEL_MOTIVE = "solicitud_baja"
# motives of phone cases by keyword of the queue name (lines without contract motives)
PHONE_MOTIVES: dict[str, tuple[tuple[str, float], ...]] = {
    "facturacion": (("reclamo_facturacion", 0.45), ("consulta_factura", 0.35), ("plan_pago", 0.20)),
    "ventas": (("alta_servicio", 0.40), ("cambio_plan", 0.40), ("agregado_producto", 0.20)),
    "instalaciones": (("agenda_instalacion", 0.55), ("reprogramacion_instalacion", 0.45)),
    "reclamos": (("reclamo_general", 0.75), ("sugerencia", 0.25)),
    "catv": (("sin_senal", 0.45), ("falla_decodificador", 0.35), ("visita_tecnica", 0.20)),
    "internet": (("sin_senal", 0.35), ("lentitud", 0.30), ("falla_modem", 0.15), ("visita_tecnica", 0.20)),
    "telefonia": (("sin_tono", 0.50), ("falla_telefonia", 0.30), ("visita_tecnica", 0.20)),
}
DEFAULT_PHONE_MOTIVES = (("consulta", 1.0),)
# motives whose case asks the satisfaction line to schedule a visit, and its probability
VISIT_MOTIVES = {"visita_tecnica": 0.5, "agenda_instalacion": 0.5}
# helpdesk cases solved on the call that get a follow-up call a few days later
FOLLOW_UP_SHARE = 0.08

# back office: mean cases per day (x positions_scale), weekday factors, channel shares
BACKOFFICE_DAILY = {"bo_atc": 120.0, "bo_helpdesk": 55.0}
DEFAULT_BACKOFFICE_DAILY = 60.0
BACKOFFICE_WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.45, 0.35)
BACKOFFICE_CHANNELS = (("email", 0.55), ("web", 0.40), ("fax", 0.05))
# hour-of-day weights of e-mail / web claims (written any time, mostly in office hours)
BACKOFFICE_HOURLY = (
    0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.70, 0.95, 1.00, 1.00,
    0.90, 0.85, 0.90, 0.95, 0.90, 0.80, 0.65, 0.55, 0.50, 0.45, 0.35, 0.20,
)
# relative frequency of the contract motives (unknown motives weigh 1)
MOTIVE_WEIGHTS = {
    "cambio_velocidad": 1.5, "cambio_datos": 1.5, "nota_credito": 1.2, "reintegro": 0.8,
    "cambio_domicilio": 1.0, "reclamo_revista": 0.5, "baja_evento": 0.6, "copia_certificada": 0.4,
    "formulario_permiso": 0.4, "reclamo_tecnico": 3.0,
}
# motives an OTRS queue handles reach the CRM much less often (the OTRS sheet is their channel)
OTRS_MOTIVE_CRM_WEIGHT = 0.3
# z-scores of the targets in the drawn lognormal durations: P(meet) = Phi(z)
FIRST_RESPONSE_Z, FIRST_RESPONSE_SIGMA = 1.50, 0.80  # about 93 % on time
RESOLUTION_Z, RESOLUTION_SIGMA = 1.55, 0.70  # about 94 % on time (before reopenings and outage days)
OUTAGE_DAY_SLOWDOWN = 1.8  # technical back office on an outage day: the backlog grows
REOPEN_SHARE, REOPEN_TWICE_SHARE = 0.06, 0.15
AUTO_CLOSE_HOURS = (24.0, 96.0)  # resolved -> closed once the customer confirms or time runs out


class Case:
    __slots__ = (
        "line", "queue", "motive", "channel", "created", "first_response", "resolved",
        "reopened", "closed", "customer", "agent", "origin", "outcome", "started", "case_id",
    )

    def __init__(self, line, queue, motive, channel, created, customer, agent=""):
        self.line, self.queue, self.motive, self.channel = line, queue, motive, channel
        self.created = created
        self.first_response = None
        self.resolved: list[float] = []  # every resolution, in order
        self.reopened: list[float] = []  # reopen k falls between resolution k and k+1
        self.closed = None
        self.customer, self.agent = customer, agent
        self.origin = ""
        self.outcome = ""  # satisfaccion retention: retained / cancelled
        self.started = None  # first outbound attempt (satisfaccion)
        self.case_id = ""

    def sort_key(self):
        return (self.created, self.line, self.origin, self.customer, self.motive)


@cache
def _cumulative(options) -> tuple[float, ...]:
    total = sum(w for _, w in options)
    return tuple(accumulate(w / total for _, w in options))


def pick(options, u: float) -> str:
    """Weighted choice from ((value, weight), ...) with a uniform u."""
    i = bisect_right(_cumulative(options), u)
    return options[min(i, len(options) - 1)][0]


def phone_motives(queue: str, line) -> tuple[tuple[str, float], ...]:
    if line is not None and line.motives:
        return tuple((m, MOTIVE_WEIGHTS.get(m, 1.0)) for m in line.motives)
    name = queue.lower()
    for keyword, options in PHONE_MOTIVES.items():
        if keyword in name:
            return options
    return DEFAULT_PHONE_MOTIVES


def lognormal_hours(rng, median_h: float, sigma: float) -> float:
    return median_h * math.exp(sigma * rng.standard_normal())


def target_median(target_h: float, z: float, sigma: float) -> float:
    """Median of a lognormal (log-sd sigma) that meets target_h with probability Phi(z)."""
    return target_h / math.exp(z * sigma)


def finish_case(case: Case, res_at: float, rng, resolve_again, close_hours=AUTO_CLOSE_HOURS) -> None:
    """Resolution, possible reopenings (each re-resolved by `resolve_again(t)`) and closing."""
    case.resolved.append(res_at)
    if rng.random() < REOPEN_SHARE:
        for _ in range(2 if rng.random() < REOPEN_TWICE_SHARE else 1):
            back = case.resolved[-1] + rng.uniform(2.0, 48.0) * 3600
            case.reopened.append(back)
            case.resolved.append(resolve_again(back))
    case.closed = case.resolved[-1] + rng.uniform(*close_hours) * 3600


def backoffice_bins(daily: float, weekday: int, holiday: bool) -> np.ndarray:
    f = BACKOFFICE_WEEKDAY[weekday] * (0.5 if holiday else 1.0)
    hourly = np.repeat(np.asarray(BACKOFFICE_HOURLY), BINS // 24)
    return hourly / hourly.sum() * daily * f


def draw_times(rng, day_start: int, rates: np.ndarray) -> list[float]:
    """Poisson arrivals of one local day from expected counts per 5-minute bin."""
    counts = rng.poisson(rates)
    bins = np.repeat(np.arange(BINS), counts)
    t = day_start + (bins + rng.random(bins.size)) * BIN_S
    return np.sort(t).tolist()


class CaseExport:
    """Collects the cases of every source, numbers them as the CRM's sequence does and
    writes the export."""

    def __init__(self, customers, tz, snapshot: float, first_number: int):
        self.customers = customers
        self.tz = tz
        self.local = LocalText(tz)
        self.snapshot = snapshot
        self.next_number = first_number
        self.cases: list[Case] = []
        self.batch: list[Case] = []

    def add(self, case: Case) -> Case:
        self.batch.append(case)
        return case

    def number(self) -> None:
        """Numbers the cases added since the last call (one simulated day) in creation order,
        so numbers follow creation time (a case opened by a reply after midnight keeps the
        number of the day that opened it, as a batch job would)."""
        self.batch.sort(key=Case.sort_key)
        for c in self.batch:
            c.case_id = f"CAS-{self.next_number:08d}"
            self.next_number += 1
        self.cases += self.batch
        self.batch = []

    def row(self, c: Case) -> tuple:
        s, cu, local = self.snapshot, self.customers, self.local
        fr = c.first_response if c.first_response is not None and c.first_response <= s else None
        resolutions = [r for r in c.resolved if r <= s]
        reopens = [o for o in c.reopened if o <= s]
        resolved = closed = None
        outcome = ""
        if reopens and len(reopens) >= len(resolutions):
            status = "reopened"
        elif resolutions:
            resolved = resolutions[-1]
            if c.closed is not None and c.closed <= s and len(resolutions) == len(c.resolved):
                status, closed = "closed", c.closed
            else:
                status = "resolved"
            outcome = c.outcome
        elif c.closed is not None and c.closed <= s:  # closed without a resolution (not reached)
            status, closed = "closed", c.closed
        elif fr is not None or (c.started is not None and c.started <= s):
            status = "in_progress"
        else:
            status = "open"
        return (
            c.case_id, c.line, c.queue, c.motive, c.channel, local(c.created),
            "" if fr is None else local(fr),
            "" if resolved is None else local(resolved),
            "" if closed is None else local(closed),
            status, len(reopens), cu.customer_id(c.customer), cu.phone(c.customer), cu.email(c.customer),
            c.agent, c.origin, outcome,
        )

    def write(self, folder: Path) -> tuple[list[str], dict]:
        """crm/cases-YYYYMMDD.csv per local day of creation; returns (file names, counts)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.number()
        self.cases = [c for c in self.cases if c.created <= self.snapshot]
        self.cases.sort(key=Case.sort_key)
        names = []
        by_line: dict[str, int] = defaultdict(int)
        by_status: dict[str, int] = defaultdict(int)
        local = self.local
        # one day of rows at a time keeps the memory of a long range low
        for day, group in groupby(self.cases, key=lambda c: local(c.created)[:10]):
            rows = [self.row(c) for c in group]
            for r in rows:
                by_line[r[1]] += 1
                by_status[r[9]] += 1
            path = folder / f"cases-{day.replace('-', '')}.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)  # RFC 4180: CRLF, minimal quoting
                w.writerow(COLUMNS)
                w.writerows(rows)
            names.append(path.name)
        return names, {"cases": len(self.cases), "by_line": dict(sorted(by_line.items())),
                       "by_status": dict(sorted(by_status.items())), "files": len(names)}


def line_queue(line) -> str:
    return line.crm_queues[0] if line.crm_queues else line.code


def backoffice_day(line, cal, day, day_start, holiday, rng, scale, n_customers, agents,
                   slowdown=1.0, otrs_motives=frozenset()) -> list[Case]:
    """E-mail / web / fax claims of a back-office line created on one local day."""
    daily = BACKOFFICE_DAILY.get(line.code, DEFAULT_BACKOFFICE_DAILY) * scale
    times = draw_times(rng, day_start, backoffice_bins(daily, day.weekday(), holiday))
    motives = tuple(
        (m, MOTIVE_WEIGHTS.get(m, 1.0) * (OTRS_MOTIVE_CRM_WEIGHT if m in otrs_motives else 1.0))
        for m in (line.motives or {})
    ) or DEFAULT_PHONE_MOTIVES
    default_target = line.resolution_target_business_hours or 24.0
    fr_median = target_median(line.first_response_target_business_hours or 8.0,
                              FIRST_RESPONSE_Z, FIRST_RESPONSE_SIGMA)
    queue = line_queue(line)
    cases = []
    for t in times:
        channel = pick(BACKOFFICE_CHANNELS, rng.random())
        motive = pick(motives, rng.random())
        target = (line.motives or {}).get(motive, default_target)
        case = Case(line.code, queue, motive, channel, t, int(rng.integers(n_customers)),
                    agents[int(rng.integers(len(agents)))])
        fr_h = max(0.05, lognormal_hours(rng, fr_median, FIRST_RESPONSE_SIGMA) * slowdown)
        res_median = target_median(target, RESOLUTION_Z, RESOLUTION_SIGMA)
        res_h = max(fr_h + 0.1, lognormal_hours(rng, res_median, RESOLUTION_SIGMA) * slowdown)
        case.first_response = cal.add(t, fr_h * 3600)

        def again(back, res_median=res_median):
            return cal.add(back, lognormal_hours(rng, res_median / 2, RESOLUTION_SIGMA) * 3600)

        finish_case(case, cal.add(t, res_h * 3600), rng, again)
        cases.append(case)
    return cases
