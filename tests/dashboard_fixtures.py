"""A tiny serving DuckDB file for the dashboard tests, with hand-computed answers.

Not a conftest: the dashboard tests import it explicitly.

The six contract lines, one or two per family (dim_lines.direction), plus the
unmapped-queues line. Two days of November 2025 are chosen so that averaging the
daily ratios gives a different month-to-date answer than summing numerators and
denominators, for every family, plus:
- 31/10 with large volumes, which must not leak into November's month-to-date;
- 05/11 with no activity for any line ("today"), which must not be the default
  day, but still with open back-office cases (a stock does not vanish);
- back-office backlog is a stock: month-to-date shows the last day's value, not
  the sum over the days (bo_atc: 50, not 60 + 50);
- helpdesk uses the `offered` SL-denominator variant, so its abandon-rate
  denominator (offered - short abandons) differs from its SL denominator;
- sin_mapear is only in the KPI tables (not in dim_lines) and has no targets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

PREVIOUS_MONTH_DAY = dt.date(2025, 10, 31)
FIRST_DAY = dt.date(2025, 11, 3)
LATEST_DAY = dt.date(2025, 11, 4)
EMPTY_DAY = dt.date(2025, 11, 5)
MONTH_START = dt.date(2025, 11, 1)

LABELS = {
    "inbound": [
        "Ofrecidas",
        "Atendidas",
        "Nivel de servicio",
        "ASA",
        "Tasa de abandono",
        "Recontacto",
    ],
    "outbound": [
        "Intentos",
        "Contactos",
        "Tasa de contacto",
        "Retenidos / Bajas",
        "Tasa de retención",
    ],
    "backoffice": [
        "Casos ingresados",
        "Resueltos",
        "Dentro de objetivo",
        "Backlog al cierre",
        "Tasa de reapertura",
    ],
    "social": [
        "Interacciones",
        "Respondidas",
        "Dentro de objetivo",
        "Tiempo medio de primera respuesta",
        "Ocultos",
        "Escaladas al CRM",
    ],
}

# What the Resumen page must show for LATEST_DAY, per line, card values in the
# order of LABELS[direction]; deltas and colours of the cards that have a target.
EXPECTED = {
    "atc": {
        "name": "Atención al cliente",
        "direction": "inbound",
        # 10 offered, 5 answered, 1 within 20 s of 10; wait 200 s; 5/10 abandons;
        # 2 repeat contacts of 4 identified
        "day": ["10", "5", "10,0 %", "40 s", "50,0 %", "50,0 %"],
        # SL 73/100 (not mean(80 %, 10 %) = 45 %); ASA 1000/85 = 11,8 (not 25);
        # abandon 15/100 (not mean(11,1 %, 50 %) = 30,6 %);
        # repeat 8/64 = 12,5 % (not mean(10 %, 50 %) = 30 %)
        "mtd": ["110", "85", "73,0 %", "12 s", "15,0 %", "12,5 %"],
        "day_deltas": {
            "Nivel de servicio": ("-70,0 pp", "red"),
            "ASA": ("+10 s", "red"),
            "Tasa de abandono": ("+45,0 pp", "red"),
        },
        "mtd_deltas": {
            "Nivel de servicio": ("-7,0 pp", "red"),
            "ASA": ("-18 s", "green"),
            "Tasa de abandono": ("+10,0 pp", "red"),
        },
    },
    "helpdesk": {
        "name": "Help Desk",
        "direction": "inbound",
        "day": ["20", "18", "90,0 %", "30 s", "0,0 %", "10,0 %"],
        # SL 48/70 = 68,6 % (mean 75 %); ASA 940/58 = 16,2 (mean 20);
        # abandon 5/(70-7) = 7,9 % (5/70 = 7,1 % if the SL denominator were used)
        "mtd": ["70", "58", "68,6 %", "16 s", "7,9 %", "10,0 %"],
        "day_deltas": {
            "Nivel de servicio": ("+10,0 pp", "green"),
            "ASA": ("-15 s", "green"),
            "Tasa de abandono": ("-7,0 pp", "green"),
        },
        "mtd_deltas": {
            "Nivel de servicio": ("-11,4 pp", "red"),
            "ASA": ("-29 s", "green"),
            "Tasa de abandono": ("+0,9 pp", "red"),
        },
    },
    "satisfaccion": {
        "name": "Satisfacción al cliente",
        "direction": "outbound",
        # 5 contacts of 20 attempts; 1 retained of 10 closed
        "day": ["20", "5", "25,0 %", "1 / 9", "10,0 %"],
        # contact 155/220 = 70,5 % (mean(75 %, 25 %) = 50 %);
        # retention 31/60 = 51,7 % (mean(60 %, 10 %) = 35 %, exactly the target)
        "mtd": ["220", "155", "70,5 %", "31 / 29", "51,7 %"],
        "day_deltas": {
            "Tasa de contacto": ("-35,0 pp", "red"),
            "Tasa de retención": ("-25,0 pp", "red"),
        },
        "mtd_deltas": {
            "Tasa de contacto": ("+10,5 pp", "green"),
            "Tasa de retención": ("+16,7 pp", "green"),
        },
    },
    "bo_atc": {
        "name": "Back Office Atención al Cliente",
        "direction": "backoffice",
        # 10 in, 20 resolved (10 within target), backlog 60 -> 50, 4 reopened
        "day": ["10", "20", "50,0 %", "50", "20,0 %"],
        # within 37/50 = 74 % (mean(90 %, 50 %) = 70 %); reopen 7/50 = 14 %
        # (mean(10 %, 20 %) = 15 %); backlog 50 on 04/11, not 60 + 50 = 110
        "mtd": ["50", "50", "74,0 %", "50", "14,0 %"],
        "day_deltas": {"Dentro de objetivo": ("-40,0 pp", "red")},
        "mtd_deltas": {"Dentro de objetivo": ("-16,0 pp", "red")},
    },
    "bo_helpdesk": {
        "name": "Back Office Help Desk",
        "direction": "backoffice",
        "day": ["8", "10", "100,0 %", "3", "10,0 %"],
        # within 19/20; backlog 3 (not 5 + 3)
        "mtd": ["18", "20", "95,0 %", "3", "5,0 %"],
        "day_deltas": {"Dentro de objetivo": ("+10,0 pp", "green")},
        "mtd_deltas": {"Dentro de objetivo": ("+5,0 pp", "green")},
    },
    "bo_social": {
        "name": "Back Office Redes Sociales",
        "direction": "social",
        # 4 of 10 within target; 24000 s / 8 responded = 50 min; 3 hidden
        "day": ["10", "8", "40,0 %", "50 min", "3", "1"],
        # within 40/50 = 80 % (mean(90 %, 40 %) = 65 %); first response
        # 45600 s / 44 = 17,3 min (mean(10, 50) = 30 min); hidden 7/50 = 14 %
        "mtd": ["50", "44", "80,0 %", "17 min", "7", "3"],
        "day_deltas": {"Dentro de objetivo": ("-50,0 pp", "red")},
        "mtd_deltas": {"Dentro de objetivo": ("-10,0 pp", "red")},
        "day_descriptions": {"Ocultos": "30,0 % del total"},
        "mtd_descriptions": {"Ocultos": "14,0 % del total"},
    },
    "sin_mapear": {
        "name": "Sin mapear",
        "direction": "inbound",
        # 3 short abandons only: nothing measurable
        "day": ["3", "0", "—", "—", "—", "—"],
        "mtd": ["3", "0", "—", "—", "—", "—"],
    },
}
LINE_ORDER = [
    "atc",
    "helpdesk",
    "satisfaccion",
    "bo_atc",
    "bo_helpdesk",
    "bo_social",
    "sin_mapear",
]

# The unformatted month-to-date figures behind EXPECTED[line]["mtd"].
EXPECTED_MTD = {
    "atc": {
        "offered": 110,
        "answered": 85,
        "service_level": 73 / 100,
        "asa_seconds": 1000 / 85,
        "abandon_rate": 15 / 100,
        "repeat_contact_rate": 8 / 64,
    },
    "helpdesk": {
        "offered": 70,
        "answered": 58,
        "service_level": 48 / 70,
        "asa_seconds": 940 / 58,
        "abandon_rate": 5 / 63,
        "repeat_contact_rate": 5 / 50,
    },
    "satisfaccion": {
        "attempts": 220,
        "contacts": 155,
        "contact_rate": 155 / 220,
        "retained": 31,
        "cancelled": 29,
        "retention_closed": 60,
        "retention_rate": 31 / 60,
    },
    "bo_atc": {
        "cases_in": 50,
        "cases_resolved": 50,
        "resolution_within_target_share": 37 / 50,
        "reopen_rate": 7 / 50,
        "case_first_response_avg_seconds": (35 * 7200 + 10 * 3600) / 45,
        "backlog_end": 50,
        "backlog_age_0_8h": 10,
        "backlog_age_8_24h": 15,
        "backlog_age_24_72h": 20,
        "backlog_age_over_72h": 5,
    },
    "bo_helpdesk": {
        "cases_in": 18,
        "cases_resolved": 20,
        "resolution_within_target_share": 19 / 20,
        "reopen_rate": 1 / 20,
        "backlog_end": 3,
    },
    "bo_social": {
        "interactions": 50,
        "responded": 44,
        "first_response_within_target_share": 40 / 50,
        "social_first_response_avg_seconds": 45600 / 44,
        "hidden": 7,
        "hidden_share": 7 / 50,
        "escalated": 3,
    },
}

# The per-tier table of bo_social on LATEST_DAY, rows alto, medio, bajo.
EXPECTED_TIERS = {
    "Alto": ["2", "2", "100,0 %", "30 min"],
    "Medio": ["3", "3", "33,3 %", "60 min"],
    "Bajo": ["5", "3", "20,0 %", "120 min"],
}

# On EMPTY_DAY nothing flows, but bo_atc's 50 cases are still open (one day older).
EMPTY_DAY_BO_ATC = ["0", "0", "—", "50", "—"]

_LINES = {
    "atc": {
        "line_name": "Atención al cliente",
        "direction": "inbound",
        "service_level_seconds": 20,
        "service_level_target": 0.80,
        "abandon_rate_target": 0.05,
        "asa_target_seconds": 30,
        "contracted_positions": 15,
        "repeat_contact_days": 7,
    },
    "helpdesk": {
        "line_name": "Help Desk",
        "direction": "inbound",
        "service_level_seconds": 30,
        "service_level_target": 0.80,
        "abandon_rate_target": 0.07,
        "asa_target_seconds": 45,
        "contracted_positions": 15,
        "repeat_contact_days": 7,
    },
    "satisfaccion": {
        "line_name": "Satisfacción al cliente",
        "direction": "outbound",
        "contact_rate_target": 0.60,
        "retention_rate_target": 0.35,
    },
    "bo_atc": {
        "line_name": "Back Office Atención al Cliente",
        "direction": "backoffice",
        "first_response_target_business_hours": 8,
        "resolution_target_business_hours": 24,
        "resolution_target_share": 0.90,
    },
    "bo_helpdesk": {
        "line_name": "Back Office Help Desk",
        "direction": "backoffice",
        "first_response_target_business_hours": 2,
        "resolution_target_business_hours": 24,
        "resolution_target_share": 0.90,
    },
    "bo_social": {
        "line_name": "Back Office Redes Sociales",
        "direction": "social",
        "first_response_target_share": 0.90,
    },
}
# Only in the KPI tables, like an unmapped-queues line the contract does not list.
_UNMAPPED = {"line_name": "Sin mapear", "direction": "inbound"}

DIM_LINES_COLUMNS = {
    "line_code": "VARCHAR",
    "line_name": "VARCHAR",
    "direction": "VARCHAR",
    "service_level_seconds": "INTEGER",
    "service_level_target": "DOUBLE",
    "abandon_rate_target": "DOUBLE",
    "asa_target_seconds": "INTEGER",
    "contracted_positions": "INTEGER",
    "repeat_contact_days": "INTEGER",
    "contact_rate_target": "DOUBLE",
    "retention_rate_target": "DOUBLE",
    "first_response_target_business_hours": "DOUBLE",
    "resolution_target_business_hours": "DOUBLE",
    "resolution_target_share": "DOUBLE",
    "first_response_target_share": "DOUBLE",
}

_INBOUND_KPI_COLUMNS = {
    "line_code": "VARCHAR",
    "line_name": "VARCHAR",
    "report_date": "DATE",
    "offered": "BIGINT",
    "answered": "BIGINT",
    "abandoned": "BIGINT",
    "short_abandoned": "BIGINT",
    "unanswered_by_system": "BIGINT",
    "answered_within_threshold": "BIGINT",
    "service_level_denominator_calls": "BIGINT",
    "service_level": "DOUBLE",
    "service_level_seconds": "INTEGER",
    "service_level_target": "DOUBLE",
    "total_answer_wait_seconds": "DOUBLE",
    "asa_seconds": "DOUBLE",
    "asa_target_seconds": "INTEGER",
    "abandon_rate": "DOUBLE",
    "abandon_rate_target": "DOUBLE",
    "abandoned_not_short": "BIGINT",
    "handled_calls": "BIGINT",
    "total_handle_seconds": "DOUBLE",
    "aht_seconds": "DOUBLE",
    "logged_in_seconds": "DOUBLE",
    "paused_seconds": "DOUBLE",
    "agent_talk_seconds": "DOUBLE",
    "occupancy": "DOUBLE",
    "positions_staffed": "DOUBLE",
    "contracted_positions": "INTEGER",
}
# Columns added for the repeat contacts and the outbound, back-office and social
# families; `legacy_schema` builds a copy without them.
NEW_KPI_COLUMNS = {
    "direction": "VARCHAR",
    "answered_identified": "BIGINT",
    "repeat_contacts": "BIGINT",
    "repeat_contact_rate": "DOUBLE",
    "attempts": "BIGINT",
    "contacts": "BIGINT",
    "contact_rate": "DOUBLE",
    "contact_rate_target": "DOUBLE",
    "retention_closed": "BIGINT",
    "retained": "BIGINT",
    "cancelled": "BIGINT",
    "retention_rate": "DOUBLE",
    "retention_rate_target": "DOUBLE",
    "cases_in": "BIGINT",
    "cases_resolved": "BIGINT",
    "resolved_within_target": "BIGINT",
    "resolution_within_target_share": "DOUBLE",
    "resolution_target_share": "DOUBLE",
    "first_responses": "BIGINT",
    "first_response_business_seconds_total": "DOUBLE",
    "reopened": "BIGINT",
    "reopen_rate": "DOUBLE",
    "backlog_end": "BIGINT",
    "backlog_age_0_8h": "BIGINT",
    "backlog_age_8_24h": "BIGINT",
    "backlog_age_24_72h": "BIGINT",
    "backlog_age_over_72h": "BIGINT",
    "interactions": "BIGINT",
    "responded": "BIGINT",
    "responded_within_target": "BIGINT",
    "social_first_response_business_seconds_total": "DOUBLE",
    "first_response_within_target_share": "DOUBLE",
    "first_response_target_share": "DOUBLE",
    "hidden": "BIGINT",
    "hidden_share": "DOUBLE",
    "escalated": "BIGINT",
}
KPI_COLUMNS = {**_INBOUND_KPI_COLUMNS, **NEW_KPI_COLUMNS}

_STOCKS = (
    "backlog_end",
    "backlog_age_0_8h",
    "backlog_age_8_24h",
    "backlog_age_24_72h",
    "backlog_age_over_72h",
)


def _calls(
    offered: int,
    answered: int,
    abandoned: int,
    short: int,
    within: int,
    sl_den: int,
    wait: float,
    identified: int = 0,
    repeats: int = 0,
) -> dict:
    return {
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "short_abandoned": short,
        "answered_within_threshold": within,
        "service_level_denominator_calls": sl_den,
        "total_answer_wait_seconds": wait,
        "answered_identified": identified,
        "repeat_contacts": repeats,
    }


def _outbound(attempts: int, contacts: int, retained: int, cancelled: int) -> dict:
    return {
        "attempts": attempts,
        "contacts": contacts,
        "retained": retained,
        "cancelled": cancelled,
    }


def _cases(
    cases_in: int,
    resolved: int,
    within: int,
    first_responses: int,
    first_response_seconds: float,
    reopened: int,
    backlog: tuple[int, int, int, int] | None = None,
) -> dict:
    """`backlog`: open cases at the end of the day aged 0-8, 8-24, 24-72, >72
    business hours."""
    row = {
        "cases_in": cases_in,
        "cases_resolved": resolved,
        "resolved_within_target": within,
        "first_responses": first_responses,
        "first_response_business_seconds_total": first_response_seconds,
        "reopened": reopened,
    }
    if backlog is not None:
        row.update(zip(_STOCKS[1:], backlog, strict=True))
        row["backlog_end"] = sum(backlog)
    return row


def _social(
    interactions: int,
    responded: int,
    within: int,
    first_response_seconds: float,
    hidden: int,
    escalated: int,
) -> dict:
    return {
        "interactions": interactions,
        "responded": responded,
        "responded_within_target": within,
        "social_first_response_business_seconds_total": first_response_seconds,
        "hidden": hidden,
        "escalated": escalated,
    }


_DAYS = [
    # inbound: offered, answered, abandoned, short, within, sl_den, wait, identified, repeats
    ("atc", PREVIOUS_MONTH_DAY, _calls(1000, 1000, 0, 0, 1000, 1000, 0.0, 1000, 1000)),
    ("atc", FIRST_DAY, _calls(100, 80, 20, 10, 72, 90, 800.0, 60, 6)),
    ("atc", LATEST_DAY, _calls(10, 5, 5, 0, 1, 10, 200.0, 4, 2)),
    ("atc", EMPTY_DAY, {}),
    ("helpdesk", PREVIOUS_MONTH_DAY, _calls(1000, 0, 1000, 0, 0, 1000, 0.0)),
    ("helpdesk", FIRST_DAY, _calls(50, 40, 10, 5, 30, 50, 400.0, 40, 4)),
    ("helpdesk", LATEST_DAY, _calls(20, 18, 2, 2, 18, 20, 540.0, 10, 1)),
    ("helpdesk", EMPTY_DAY, {}),
    ("sin_mapear", LATEST_DAY, _calls(3, 0, 3, 3, 0, 0, 0.0)),
    ("sin_mapear", EMPTY_DAY, {}),
    # outbound: attempts, contacts, retained, cancelled
    ("satisfaccion", PREVIOUS_MONTH_DAY, _outbound(1000, 1000, 100, 0)),
    ("satisfaccion", FIRST_DAY, _outbound(200, 150, 30, 20)),
    ("satisfaccion", LATEST_DAY, _outbound(20, 5, 1, 9)),
    ("satisfaccion", EMPTY_DAY, {}),
    # back office: in, resolved, within, first responses, their seconds, reopened,
    # open at the end of the day by age
    ("bo_atc", PREVIOUS_MONTH_DAY, _cases(1000, 1000, 1000, 1000, 3.6e6, 0, (500, 0, 0, 0))),
    ("bo_atc", FIRST_DAY, _cases(40, 30, 27, 35, 35 * 7200.0, 3, (20, 25, 10, 5))),
    ("bo_atc", LATEST_DAY, _cases(10, 20, 10, 10, 10 * 3600.0, 4, (10, 15, 20, 5))),
    ("bo_atc", EMPTY_DAY, _cases(0, 0, 0, 0, 0.0, 0, (0, 10, 25, 15))),
    ("bo_helpdesk", PREVIOUS_MONTH_DAY, _cases(100, 100, 0, 100, 0.0, 0, (80, 0, 0, 0))),
    ("bo_helpdesk", FIRST_DAY, _cases(10, 10, 9, 10, 10 * 3600.0, 0, (5, 0, 0, 0))),
    ("bo_helpdesk", LATEST_DAY, _cases(8, 10, 10, 8, 8 * 3600.0, 1, (1, 2, 0, 0))),
    ("bo_helpdesk", EMPTY_DAY, _cases(0, 0, 0, 0, 0.0, 0, (0, 1, 2, 0))),
    # social: interactions, responded, within, first-response seconds, hidden, escalated
    ("bo_social", PREVIOUS_MONTH_DAY, _social(1000, 1000, 1000, 60_000.0, 0, 0)),
    ("bo_social", FIRST_DAY, _social(40, 36, 36, 36 * 600.0, 4, 2)),
    ("bo_social", LATEST_DAY, _social(10, 8, 4, 8 * 3000.0, 3, 1)),
    ("bo_social", EMPTY_DAY, {}),
]

# Activity of LATEST_DAY by interval, summing to the LATEST_DAY rows above; all
# other intervals have none. Back-office backlog per interval runs from the
# previous day's closing stock.
LATEST_DAY_INTERVALS = [
    ("atc", "09:00", _calls(6, 4, 2, 0, 1, 6, 120.0, 3, 1)),
    ("atc", "09:30", _calls(4, 1, 3, 0, 0, 4, 80.0, 1, 1)),
    ("helpdesk", "10:00", _calls(20, 18, 2, 2, 18, 20, 540.0, 10, 1)),
    ("sin_mapear", "11:00", _calls(3, 0, 3, 3, 0, 0, 0.0)),
    ("satisfaccion", "10:00", _outbound(12, 3, 1, 4)),
    ("satisfaccion", "10:30", _outbound(8, 2, 0, 5)),
    ("bo_atc", "09:00", _cases(6, 12, 6, 6, 6 * 3600.0, 2)),
    ("bo_atc", "14:00", _cases(4, 8, 4, 4, 4 * 3600.0, 2)),
    ("bo_helpdesk", "11:00", _cases(8, 10, 10, 8, 8 * 3600.0, 1)),
    ("bo_social", "12:00", _social(6, 5, 3, 5 * 3000.0, 2, 1)),
    ("bo_social", "20:00", _social(4, 3, 1, 3 * 3000.0, 1, 0)),
]
# bo_atc's open cases after each interval of LATEST_DAY: 60 until 09:00, then
# 60 + 6 - 12 = 54, from 14:00 54 + 4 - 8 = 50.
BO_ATC_LATEST_BACKLOG = {"00:00": 60, "09:00": 54, "14:00": 50, "23:30": 50}

# (line, day, tier, interactions, responded, within target, target minutes);
# bajo first on purpose: the table must list alto, medio, bajo.
_TIERS = [
    ("bo_social", FIRST_DAY, "bajo", 20, 17, 17, 120),
    ("bo_social", FIRST_DAY, "alto", 10, 10, 10, 30),
    ("bo_social", FIRST_DAY, "medio", 10, 9, 9, 60),
    ("bo_social", LATEST_DAY, "bajo", 5, 3, 1, 120),
    ("bo_social", LATEST_DAY, "medio", 3, 3, 1, 60),
    ("bo_social", LATEST_DAY, "alto", 2, 2, 2, 30),
]


def _ratio(num, den):
    return num / den if den else None


def _kpi_row(line: str, day: dt.date, counts: dict) -> dict:
    """A full KPI row: zero counts where a family does not apply, ratios from the
    counts (null without a denominator), targets from the line."""
    conf = _LINES.get(line, _UNMAPPED)
    c = {name: 0 for name, sql_type in KPI_COLUMNS.items() if sql_type == "BIGINT"}
    c.update(
        total_answer_wait_seconds=0.0,
        first_response_business_seconds_total=0.0,
        social_first_response_business_seconds_total=0.0,
        **{s: None for s in _STOCKS},
    )
    c.update(counts)
    c["abandoned_not_short"] = c["abandoned"] - c["short_abandoned"]
    c["unanswered_by_system"] = c["offered"] - c["answered"] - c["abandoned"]
    c["retention_closed"] = c["retained"] + c["cancelled"]
    c["handled_calls"] = c["answered"]
    return {
        **c,
        "line_code": line,
        "line_name": conf["line_name"],
        "direction": conf["direction"],
        "report_date": day,
        "service_level": _ratio(
            c["answered_within_threshold"], c["service_level_denominator_calls"]
        ),
        "asa_seconds": _ratio(c["total_answer_wait_seconds"], c["answered"]),
        "abandon_rate": _ratio(
            c["abandoned_not_short"], c["offered"] - c["short_abandoned"]
        ),
        "total_handle_seconds": 180.0 * c["answered"],
        "aht_seconds": 180.0 if c["answered"] else None,
        "logged_in_seconds": 0.0,
        "paused_seconds": 0.0,
        "agent_talk_seconds": 0.0,
        "occupancy": None,
        "positions_staffed": 0.0,
        "repeat_contact_rate": _ratio(c["repeat_contacts"], c["answered_identified"]),
        "contact_rate": _ratio(c["contacts"], c["attempts"]),
        "retention_rate": _ratio(c["retained"], c["retention_closed"]),
        "resolution_within_target_share": _ratio(
            c["resolved_within_target"], c["cases_resolved"]
        ),
        "reopen_rate": _ratio(c["reopened"], c["cases_resolved"]),
        "first_response_within_target_share": _ratio(
            c["responded_within_target"], c["interactions"]
        ),
        "hidden_share": _ratio(c["hidden"], c["interactions"]),
        **{
            name: conf.get(name)
            for name in (
                "service_level_seconds",
                "service_level_target",
                "asa_target_seconds",
                "abandon_rate_target",
                "contracted_positions",
                "contact_rate_target",
                "retention_rate_target",
                "resolution_target_share",
                "first_response_target_share",
            )
        },
    }


def _interval_rows() -> list[dict]:
    """Every 30-minute interval of every line and day, zero unless listed."""
    busy = {(line, hhmm): counts for line, hhmm, counts in LATEST_DAY_INTERVALS}
    closing = {(line, day): counts.get("backlog_end") for line, day, counts in _DAYS}
    rows = []
    for line, day, day_counts in _DAYS:
        backlog = day_counts.get("backlog_end")
        if day == LATEST_DAY and backlog is not None:
            backlog = closing[(line, day - dt.timedelta(days=1))]
        for i in range(48):
            start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=30 * i)
            counts = (
                busy.get((line, start.strftime("%H:%M")), {}) if day == LATEST_DAY else {}
            )
            if backlog is not None:
                backlog += counts.get("cases_in", 0) - counts.get("cases_resolved", 0)
            row = _kpi_row(line, day, counts)
            row["backlog_end"] = backlog
            row["interval_start"] = start
            rows.append(row)
        assert backlog == day_counts.get("backlog_end"), (line, day)
    return rows


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    # Through a DataFrame: executemany takes seconds for a few hundred rows.
    frame = pd.DataFrame(rows, dtype=object)  # noqa: F841 - read by DuckDB by name
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")


def _ddl(columns: dict[str, str]) -> str:
    return ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())


def build_serving_db(
    path: Path, *, with_publish_log: bool = True, legacy_schema: bool = False
) -> Path:
    """The fixture serving copy. `legacy_schema`: as published before the
    outbound, back-office and social families existed (inbound lines only, no
    direction or new columns in the KPI tables, no kpi_social_tier_daily)."""
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE kpi_line_daily ({_ddl(KPI_COLUMNS)})")
        con.execute(
            f"CREATE TABLE kpi_line_interval ({_ddl(KPI_COLUMNS)}, interval_start TIMESTAMP)"
        )
        con.execute(f"CREATE TABLE dim_lines ({_ddl(DIM_LINES_COLUMNS)})")
        _insert(
            con,
            "dim_lines",
            [
                {c: conf.get(c) for c in DIM_LINES_COLUMNS} | {"line_code": code}
                for code, conf in _LINES.items()
            ],
        )
        _insert(con, "kpi_line_daily", [_kpi_row(*d) for d in _DAYS])
        _insert(con, "kpi_line_interval", _interval_rows())
        con.execute(
            "CREATE TABLE kpi_social_tier_daily (line_code VARCHAR, report_date DATE, "
            "influence_tier VARCHAR, interactions BIGINT, responded BIGINT, "
            "responded_within_target BIGINT, first_response_target_minutes INTEGER)"
        )
        con.executemany(
            "INSERT INTO kpi_social_tier_daily VALUES (?, ?, ?, ?, ?, ?, ?)",
            [list(t) for t in _TIERS],
        )

        if legacy_schema:
            inbound = [c for c, conf in _LINES.items() if conf["direction"] == "inbound"]
            inbound.append("sin_mapear")
            for table in ("kpi_line_daily", "kpi_line_interval", "dim_lines"):
                con.execute(
                    f"DELETE FROM {table} WHERE line_code NOT IN (SELECT unnest($codes))",
                    {"codes": inbound},
                )
            for table in ("kpi_line_daily", "kpi_line_interval"):
                for column in NEW_KPI_COLUMNS:
                    con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            for column in list(DIM_LINES_COLUMNS)[list(DIM_LINES_COLUMNS).index("repeat_contact_days"):]:
                con.execute(f"ALTER TABLE dim_lines DROP COLUMN {column}")
            con.execute("DROP TABLE kpi_social_tier_daily")

        if with_publish_log:
            con.execute("CREATE TABLE publish_log (published_at TIMESTAMPTZ)")
            con.execute("INSERT INTO publish_log VALUES ('2025-11-05 09:15:00+00')")
    return path


PUBLISHED_AT_LOCAL = "05/11/2025 06:15"
