"""A serving DuckDB file with the SLA compliance marts, for the "Cumplimiento SLA"
page tests, with hand-computed answers.

Not a conftest: the tests import it explicitly. It extends the Resumen fixture
(tests/dashboard_fixtures.py, whose tables and numbers it leaves as they are)
with the marts of the column contract of issue 4: sla_compliance_monthly,
sla_compliance_daily, sla_compliance_interval, fct_sla_units, the contract and
outage dimensions and the data-quality tables, plus the fct_calls, fct_cases and
fct_social_interactions rows behind the units.

Three lines (atc, bo_atc, bo_social), two months:
- October 2025, every line certifiable: the default month. atc's service level
  is 75,0 % raw but 82,0 % once the 200 calls inside the declared massive outage
  of 02/10 are excluded (met); its abandon rate (no outage exclusion) and its ASA
  miss, 1,5 % + 2,0 % = 3,5 % of the invoice. bo_social had no volume.
- November 2025, the latest month, is not certifiable (atc has two days without
  data and one with rejected lines): atc's service level misses by 10 points,
  1 % a point capped at 5 %, its ASA by 33 % (5 % after the cap) and the line's
  total 10 % is capped at 6 %.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from tests import dashboard_fixtures as fx

OCTOBER = dt.date(2025, 10, 1)
NOVEMBER = dt.date(2025, 11, 1)
OUTAGE_ID = "FM-2025-10-02"
OUTAGE_DAY = dt.date(2025, 10, 2)
LINE_NAMES = {code: fx._LINES[code]["line_name"] for code in ("atc", "bo_atc", "bo_social")}
DIRECTIONS = {code: fx._LINES[code]["direction"] for code in LINE_NAMES}
LINE_CAPS = {"atc": 6.0, "bo_atc": 10.0, "bo_social": 10.0}
CONTRACT_VERSIONS = {OCTOBER: "2025-01", NOVEMBER: "2025-11"}

# term_code: (term_name, metric, unit, comparison, target, threshold,
#             threshold_unit, outage_exclusion, penalty % per point, penalty cap %)
TERMS = {
    "atc": {
        "service_level": (
            "Nivel de servicio 80/20", "service_level", "share", "at_least", 0.80, 20.0,
            "seconds", True, 1.0, 5.0,
        ),
        "abandon_rate": (
            "Tasa de abandono", "abandon_rate", "share", "at_most", 0.05, None,
            None, False, 0.5, 5.0,
        ),
        "asa": (
            "Velocidad media de respuesta", "average_speed_of_answer", "seconds", "at_most",
            30.0, None, None, True, 0.2, 5.0,
        ),
    },
    "bo_atc": {
        "resolution": (
            "Resolución en 24 h hábiles", "resolution_within_target", "share", "at_least",
            0.90, 24.0, "business_hours", False, 1.0, 10.0,
        ),
    },
    "bo_social": {
        "first_response": (
            "Primera respuesta en 60 min hábiles", "first_response_within_target", "share",
            "at_least", 0.90, 60.0, "business_minutes", False, 1.0, 10.0,
        ),
    },
}
UNIT_KINDS = {"atc": "call", "bo_atc": "case", "bo_social": "interaction"}

# (line, term, day): (raw numerator, raw denominator, excluded units, excluded
# numerator); adjusted = raw minus the excluded part when the term allows it.
_DAYS = {
    ("atc", "service_level", dt.date(2025, 10, 1)): (510, 600, 0, 0),
    ("atc", "service_level", OUTAGE_DAY): (250, 400, 200, 80),
    ("atc", "service_level", dt.date(2025, 10, 3)): (140, 200, 0, 0),
    ("atc", "abandon_rate", dt.date(2025, 10, 1)): (60, 600, 0, 0),
    ("atc", "abandon_rate", OUTAGE_DAY): (20, 400, 0, 0),
    ("atc", "abandon_rate", dt.date(2025, 10, 3)): (16, 200, 0, 0),
    # ASA: total wait seconds over answered calls
    ("atc", "asa", dt.date(2025, 10, 1)): (12000, 400, 0, 0),
    ("atc", "asa", OUTAGE_DAY): (9000, 250, 100, 3900),
    ("atc", "asa", dt.date(2025, 10, 3)): (6000, 150, 0, 0),
    ("bo_atc", "resolution", dt.date(2025, 10, 1)): (95, 100, 0, 0),
    ("bo_atc", "resolution", dt.date(2025, 10, 2)): (95, 100, 0, 0),
    ("atc", "service_level", dt.date(2025, 11, 3)): (70, 100, 0, 0),
    ("atc", "abandon_rate", dt.date(2025, 11, 3)): (4, 100, 0, 0),
    ("atc", "asa", dt.date(2025, 11, 3)): (3200, 80, 0, 0),
    ("bo_atc", "resolution", dt.date(2025, 11, 3)): (85, 100, 0, 0),
    ("bo_social", "first_response", dt.date(2025, 11, 3)): (19, 20, 0, 0),
}
# Terms evaluated in a month without any day of volume.
_EMPTY_TERMS = {(OCTOBER, "bo_social", "first_response")}

# atc's service level by interval: (day, "HH:MM"): (within, calls, excluded,
# excluded within). Sums to the days above.
_SL_INTERVALS = {
    (dt.date(2025, 10, 1), "09:00"): (260, 300, 0, 0),
    (dt.date(2025, 10, 1), "09:30"): (250, 300, 0, 0),
    (OUTAGE_DAY, "09:00"): (150, 200, 50, 15),
    (OUTAGE_DAY, "09:30"): (100, 200, 150, 65),
    (dt.date(2025, 10, 3), "10:00"): (140, 200, 0, 0),
    (dt.date(2025, 11, 3), "10:00"): (70, 100, 0, 0),
}
# Units behind bo_atc's resolution and bo_social's first response, one interval a day.
_OTHER_INTERVALS = {
    ("bo_atc", "resolution", dt.date(2025, 10, 1), "11:00"): (95, 100),
    ("bo_atc", "resolution", dt.date(2025, 10, 2), "11:00"): (95, 100),
    ("bo_atc", "resolution", dt.date(2025, 11, 3), "11:00"): (85, 100),
    ("bo_social", "first_response", dt.date(2025, 11, 3), "12:00"): (19, 20),
}

# Certifiability per (month, line): (days without data, days with rejects, note).
_INCOMPLETE = {
    (NOVEMBER, "atc"): (
        "2025-11-01,2025-11-02",
        "2025-11-04",
        "No certificable: 2 días sin datos (2025-11-01, 2025-11-02); "
        "1 día con rechazos (2025-11-04)",
    ),
}

# ------------------------------------------------------------ expected answers

TERM_HEADERS = [
    "Línea",
    "Término",
    "Objetivo",
    "Bruto",
    "Ajustado (sin fallas masivas)",
    "Excluidas",
    "Volumen",
    "Pendientes",
    "Estado",
    "Margen",
    "Penalidad",
]
ATC, BO_ATC, BO_SOCIAL = LINE_NAMES["atc"], LINE_NAMES["bo_atc"], LINE_NAMES["bo_social"]
EXPECTED_TERMS = {
    OCTOBER: [
        # 900/1200 raw; 820/1000 without the 200 outage calls (80 of them within 20 s)
        [ATC, "Nivel de servicio 80/20", "≥ 80,0 %", "75,0 %", "82,0 %", "200", "1.000", "0",
         "Cumple", "+2,0 pp", "0,0 %"],
        # 96/1200; no outage exclusion; 3 points over x 0,5 % a point
        [ATC, "Tasa de abandono", "≤ 5,0 %", "8,0 %", "8,0 %", "0", "1.200", "0",
         "No cumple", "-3,0 pp", "1,5 %"],
        # 27000 s / 800 = 33,75 raw; 23100 / 700 = 33 adjusted: 10 % over x 0,2
        [ATC, "Velocidad media de respuesta", "≤ 30 s", "33,8 s", "33,0 s", "100", "700", "0",
         "No cumple", "-3,0 s", "2,0 %"],
        [BO_ATC, "Resolución en 24 h hábiles", "≥ 90,0 %", "95,0 %", "95,0 %", "0", "200", "0",
         "Cumple", "+5,0 pp", "0,0 %"],
        [BO_SOCIAL, "Primera respuesta en 60 min hábiles", "≥ 90,0 %", "—", "—", "0", "0", "0",
         "Sin volumen", "—", "0,0 %"],
    ],
    NOVEMBER: [
        # 10 points x 1 % = 10 %, capped at 5 %
        [ATC, "Nivel de servicio 80/20", "≥ 80,0 %", "70,0 %", "70,0 %", "0", "100", "0",
         "No cumple", "-10,0 pp", "5,0 %"],
        [ATC, "Tasa de abandono", "≤ 5,0 %", "4,0 %", "4,0 %", "0", "100", "0",
         "Cumple", "+1,0 pp", "0,0 %"],
        # 40 s: 33,3 % over x 0,2 = 6,7 %, capped at 5 %
        [ATC, "Velocidad media de respuesta", "≤ 30 s", "40,0 s", "40,0 s", "0", "80", "0",
         "No cumple", "-10,0 s", "5,0 %"],
        [BO_ATC, "Resolución en 24 h hábiles", "≥ 90,0 %", "85,0 %", "85,0 %", "0", "100", "0",
         "No cumple", "-5,0 pp", "5,0 %"],
        [BO_SOCIAL, "Primera respuesta en 60 min hábiles", "≥ 90,0 %", "95,0 %", "95,0 %",
         "0", "20", "0", "Cumple", "+5,0 pp", "0,0 %"],
    ],
}
CARD_LABELS = [
    "Penalidad (% factura mensual)",
    "Términos cumplidos",
    "Certificación",
    "Versión del contrato",
]
# Per month, per line in page order: the three header cards' values and the version caption.
EXPECTED_CARDS = {
    OCTOBER: {
        "atc": ["3,5 %", "1 / 3", "Certificable", "2025-01"],
        "bo_atc": ["0,0 %", "1 / 1", "Certificable", "2025-01"],
        "bo_social": ["0,0 %", "0 / 1", "Certificable", "2025-01"],
    },
    NOVEMBER: {
        # 5 % + 0 + 5 % = 10 %, capped at the line's 6 %
        "atc": ["6,0 %", "1 / 3", "No certificable", "2025-11"],
        "bo_atc": ["5,0 %", "0 / 1", "Certificable", "2025-11"],
        "bo_social": ["0,0 %", "1 / 1", "Certificable", "2025-11"],
    },
}
# atc's service level in October by day: raw and adjusted in %, met.
EXPECTED_SL_DAYS = {
    dt.date(2025, 10, 1): (85.0, 85.0, True),
    OUTAGE_DAY: (62.5, 85.0, True),
    dt.date(2025, 10, 3): (70.0, 70.0, False),
}
# atc's service level on 02/10 by interval, as the page's table shows it.
EXPECTED_OUTAGE_DAY_INTERVALS = [
    ["09:00", "75,0 %", "90,0 %", "50", "150", "0", "Cumple", "+10,0 pp"],
    ["09:30", "50,0 %", "70,0 %", "150", "50", "0", "No cumple", "-10,0 pp"],
]


# ------------------------------------------------------------ builders


def _ratio(num, den):
    return num / den if den else None


def _evaluate(line: str, term: str, num, den, excluded, excluded_num) -> dict:
    """Raw and adjusted figures, compliance, margin and shortfall of one term over
    some units, as the marts compute them. For an average (seconds) the units are
    answered calls and `excluded_num` the wait seconds of the excluded ones."""
    _, _, unit, comparison, target, *_, outage_exclusion, _, _ = TERMS[line][term]
    if not outage_exclusion:
        excluded = excluded_num = 0
    adj_num = num - excluded_num
    adj_den = den - excluded
    value = _ratio(adj_num, adj_den)
    if value is None:
        is_met = margin = None
        shortfall = 0.0
    else:
        margin = value - target if comparison == "at_least" else target - value
        is_met = margin >= -1e-12
        if unit == "share":
            shortfall = max(0.0, -margin * 100)
        else:
            shortfall = max(0.0, -margin / target * 100)
    return {
        "raw_numerator": float(num),
        "raw_denominator": float(den),
        "raw_value": _ratio(num, den),
        "excluded_units": excluded,
        "pending_units": 0,
        "volume": int(adj_den),
        "adjusted_numerator": float(adj_num),
        "adjusted_denominator": float(adj_den),
        "adjusted_value": value,
        "is_met": is_met,
        "margin": margin,
        "shortfall_points": shortfall,
    }


def _term_columns(line: str, term: str) -> dict:
    name, metric, unit, comparison, target, *_ = TERMS[line][term]
    return {
        "line_code": line,
        "term_code": term,
        "term_name": name,
        "metric": metric,
        "unit": unit,
        "comparison": comparison,
        "target": target,
    }


def _months() -> dict[dt.date, set[tuple[str, str]]]:
    terms: dict[dt.date, set[tuple[str, str]]] = {}
    for line, term, day in _DAYS:
        terms.setdefault(day.replace(day=1), set()).add((line, term))
    for month, line, term in _EMPTY_TERMS:
        terms.setdefault(month, set()).add((line, term))
    return terms


def _monthly_rows() -> list[dict]:
    rows = []
    for month, month_terms in sorted(_months().items()):
        by_line: dict[str, list[dict]] = {}
        for line, term in sorted(month_terms):
            days = [v for (ln, tm, d), v in _DAYS.items() if (ln, tm) == (line, term) and d.replace(day=1) == month]
            totals = [sum(v[i] for v in days) for i in range(4)]
            name, metric, unit, comparison, target, threshold, threshold_unit, exclusion, per_point, cap = (
                TERMS[line][term]
            )
            figures = _evaluate(line, term, *totals)
            penalty = 0.0 if figures["is_met"] in (True, None) else min(
                cap, figures["shortfall_points"] * per_point
            )
            no_data, rejects, note = _INCOMPLETE.get((month, line), ("", "", "Certificable"))
            row = {
                **_term_columns(line, term),
                "compliance_key": f"{line}|{month:%Y-%m}|{term}",
                "line_name": LINE_NAMES[line],
                "direction": DIRECTIONS[line],
                "report_month": month,
                "threshold": threshold,
                "threshold_unit": threshold_unit,
                "denominator_variant": "offered_minus_short" if metric == "service_level" else None,
                "outage_exclusion": exclusion,
                "contract_version": CONTRACT_VERSIONS[month],
                "term_effective_from": dt.date(2025, 1, 1),
                **figures,
                "volume": int(figures["adjusted_denominator"]),
                "pending_units": 0,
                "line_pending_units": 0,
                "lost_records": 0,
                "queued_calls": 0,
                "lost_record_max_share": 0.001,
                "penalty_percent_per_point": per_point,
                "penalty_cap_percent": cap,
                "penalty_percent": penalty,
                "line_penalty_cap_percent": LINE_CAPS[line],
                "is_certifiable": (month, line) not in _INCOMPLETE,
                "days_without_data": no_data,
                "days_with_rejects": rejects,
                "completeness_note": note,
            }
            by_line.setdefault(line, []).append(row)
        for line, line_rows in by_line.items():
            total = min(LINE_CAPS[line], sum(r["penalty_percent"] for r in line_rows))
            for r in line_rows:
                r["line_penalty_percent"] = total
            rows += line_rows
    return rows


def _period_rows() -> tuple[list[dict], list[dict]]:
    daily, intervals = [], []
    for (line, term, day), values in sorted(_DAYS.items()):
        base = {**_term_columns(line, term), "report_month": day.replace(day=1), "report_date": day}
        daily.append(
            {**base, "compliance_day_key": f"{line}|{day}|{term}", **_evaluate(line, term, *values)}
        )
    for (day, hhmm), values in sorted(_SL_INTERVALS.items()):
        start = dt.datetime.combine(day, dt.time.fromisoformat(hhmm))
        intervals.append(
            {
                **_term_columns("atc", "service_level"),
                "report_month": day.replace(day=1),
                "report_date": day,
                "interval_start": start,
                "compliance_interval_key": f"atc|{start:%Y-%m-%dT%H:%M}|service_level",
                **_evaluate("atc", "service_level", *values),
            }
        )
    for (line, term, day, hhmm), (num, den) in sorted(_OTHER_INTERVALS.items()):
        start = dt.datetime.combine(day, dt.time.fromisoformat(hhmm))
        intervals.append(
            {
                **_term_columns(line, term),
                "report_month": day.replace(day=1),
                "report_date": day,
                "interval_start": start,
                "compliance_interval_key": f"{line}|{start:%Y-%m-%dT%H:%M}|{term}",
                **_evaluate(line, term, num, den, 0, 0),
            }
        )
    for rows in (daily, intervals):
        for r in rows:
            r.pop("shortfall_points")
    return daily, intervals


def _unit_rows() -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """fct_sla_units with the fct_calls, fct_cases and fct_social_interactions
    rows behind them: within-target units first in each interval, then the
    others; the excluded ones (outage) are the first of each interval."""
    units, calls, cases, interactions = [], [], [], []
    number = 0
    sl = {("atc", "service_level", d, h): v for (d, h), v in _SL_INTERVALS.items()}
    other = {k: (num, den, 0, 0) for k, (num, den) in _OTHER_INTERVALS.items()}
    for (line, term, day, hhmm), (within, total, excluded, excluded_within) in sorted(
        {**sl, **other}.items()
    ):
        start = dt.datetime.combine(day, dt.time.fromisoformat(hhmm))
        kind = UNIT_KINDS[line]
        # excluded: `excluded_within` within + the rest not; then the others.
        flags = [(True, True)] * excluded_within + [(True, False)] * (excluded - excluded_within)
        flags += [(False, True)] * (within - excluded_within)
        flags += [(False, False)] * (total - excluded - within + excluded_within)
        assert len(flags) == total
        for i, (is_excluded, ok) in enumerate(flags):
            number += 1
            at = start + dt.timedelta(seconds=4 * i)
            if kind == "call":
                key = f"c{number}:atc_general:1"
                calls.append(
                    {
                        "call_key": key,
                        "line_code": line,
                        "queue_name": "atc_general",
                        "entered_at_local": at,
                        "entered_date": day,
                        "outcome": "answered" if ok or i % 2 else "abandoned",
                        "line_outcome": "answered" if ok or i % 2 else "abandoned",
                        "agent": f"agente_{i % 3 + 1:02d}" if ok or i % 2 else None,
                        "wait_seconds": 12.0 if ok else 45.0,
                        "line_wait_seconds": 12.0 if ok else 45.0,
                    }
                )
            elif kind == "case":
                key = f"crm:{number}"
                cases.append(
                    {
                        "case_key": key,
                        "line_code": line,
                        "motive": "Facturación",
                        "created_at_local": at,
                        "created_date": day,
                        "status": "Cerrado",
                        "first_response_business_seconds": 1800.0,
                        "resolution_business_seconds": (20 if ok else 30) * 3600.0,
                    }
                )
            else:
                key = f"twitter:{number}"
                interactions.append(
                    {
                        "interaction_key": key,
                        "platform": "twitter",
                        "line_code": line,
                        "influence_tier": "alto" if i % 4 == 0 else "bajo",
                        "created_at_local": at,
                        "created_date": day,
                        "first_response_business_seconds": 1800.0 if ok else 7200.0,
                    }
                )
            units.append(
                {
                    "sla_unit_key": f"{line}|{term}|{key}",
                    "line_code": line,
                    "term_code": term,
                    "metric": TERMS[line][term][1],
                    "report_month": day.replace(day=1),
                    "report_date": day,
                    "interval_start": start,
                    "unit_kind": kind,
                    "unit_key": key,
                    "numerator": 1.0 if ok else 0.0,
                    "denominator": 1.0,
                    "unit_state": "excluded" if is_excluded else (
                        ("missed" if ok else "met") if TERMS[line][term][1] == "abandon_rate"
                        else ("met" if ok else "missed")),
                    "is_excluded": is_excluded,
                    "outage_id": OUTAGE_ID if is_excluded else None,
                }
            )
    return units, calls, cases, interactions


MONTHLY_COLUMNS = {
    "compliance_key": "VARCHAR",
    "line_code": "VARCHAR",
    "line_name": "VARCHAR",
    "direction": "VARCHAR",
    "report_month": "DATE",
    "term_code": "VARCHAR",
    "term_name": "VARCHAR",
    "metric": "VARCHAR",
    "unit": "VARCHAR",
    "comparison": "VARCHAR",
    "threshold": "DOUBLE",
    "threshold_unit": "VARCHAR",
    "target": "DOUBLE",
    "denominator_variant": "VARCHAR",
    "outage_exclusion": "BOOLEAN",
    "contract_version": "VARCHAR",
    "term_effective_from": "DATE",
    "raw_numerator": "DOUBLE",
    "raw_denominator": "DOUBLE",
    "raw_value": "DOUBLE",
    "excluded_units": "BIGINT",
    "adjusted_numerator": "DOUBLE",
    "adjusted_denominator": "DOUBLE",
    "adjusted_value": "DOUBLE",
    "volume": "BIGINT",
    "met_units": "BIGINT",
    "missed_units": "BIGINT",
    "pending_units": "BIGINT",
    "is_met": "BOOLEAN",
    "margin": "DOUBLE",
    "shortfall_points": "DOUBLE",
    "penalty_percent_per_point": "DOUBLE",
    "penalty_cap_percent": "DOUBLE",
    "penalty_percent": "DOUBLE",
    "line_penalty_cap_percent": "DOUBLE",
    "line_penalty_percent": "DOUBLE",
    "is_certifiable": "BOOLEAN",
    "days_without_data": "VARCHAR",
    "days_with_rejects": "VARCHAR",
    "line_pending_units": "BIGINT",
    "lost_records": "BIGINT",
    "queued_calls": "BIGINT",
    "lost_record_max_share": "DOUBLE",
    "completeness_note": "VARCHAR",
}
_PERIOD_COLUMNS = {
    "line_code": "VARCHAR",
    "report_month": "DATE",
    "report_date": "DATE",
    "term_code": "VARCHAR",
    "term_name": "VARCHAR",
    "metric": "VARCHAR",
    "unit": "VARCHAR",
    "comparison": "VARCHAR",
    "target": "DOUBLE",
    "raw_numerator": "DOUBLE",
    "raw_denominator": "DOUBLE",
    "raw_value": "DOUBLE",
    "excluded_units": "BIGINT",
    "pending_units": "BIGINT",
    "volume": "BIGINT",
    "adjusted_numerator": "DOUBLE",
    "adjusted_denominator": "DOUBLE",
    "adjusted_value": "DOUBLE",
    "is_met": "BOOLEAN",
    "margin": "DOUBLE",
}
DAILY_COLUMNS = {"compliance_day_key": "VARCHAR", **_PERIOD_COLUMNS}
INTERVAL_COLUMNS = {
    "compliance_interval_key": "VARCHAR",
    **_PERIOD_COLUMNS,
    "interval_start": "TIMESTAMP",
}
UNITS_COLUMNS = {
    "sla_unit_key": "VARCHAR",
    "line_code": "VARCHAR",
    "term_code": "VARCHAR",
    "metric": "VARCHAR",
    "report_month": "DATE",
    "report_date": "DATE",
    "interval_start": "TIMESTAMP",
    "unit_kind": "VARCHAR",
    "unit_key": "VARCHAR",
    "numerator": "DOUBLE",
    "denominator": "DOUBLE",
    "unit_state": "VARCHAR",
    "due_at_local": "TIMESTAMP",
    "resolution_class": "VARCHAR",
    "case_status": "VARCHAR",
    "is_excluded": "BOOLEAN",
    "outage_id": "VARCHAR",
}
# Only the columns of the real marts that the page reads (and their keys).
CALLS_COLUMNS = {
    "call_key": "VARCHAR",
    "line_code": "VARCHAR",
    "queue_name": "VARCHAR",
    "entered_at_local": "TIMESTAMP",
    "entered_date": "DATE",
    "outcome": "VARCHAR",
    "line_outcome": "VARCHAR",
    "agent": "VARCHAR",
    "wait_seconds": "DOUBLE",
    "line_wait_seconds": "DOUBLE",
}
CASES_COLUMNS = {
    "case_key": "VARCHAR",
    "line_code": "VARCHAR",
    "motive": "VARCHAR",
    "created_at_local": "TIMESTAMP",
    "created_date": "DATE",
    "status": "VARCHAR",
    "first_response_business_seconds": "DOUBLE",
    "resolution_business_seconds": "DOUBLE",
}
INTERACTIONS_COLUMNS = {
    "interaction_key": "VARCHAR",
    "platform": "VARCHAR",
    "line_code": "VARCHAR",
    "influence_tier": "VARCHAR",
    "created_at_local": "TIMESTAMP",
    "created_date": "DATE",
    "first_response_business_seconds": "DOUBLE",
}
SLA_MARTS = (
    "sla_compliance_monthly",
    "sla_compliance_daily",
    "sla_compliance_interval",
    "fct_sla_units",
)


def _create(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], rows: list[dict]) -> None:
    con.execute(f"CREATE TABLE {table} ({fx._ddl(columns)})")
    if rows:
        fx._insert(con, table, [{c: r.get(c) for c in columns} for r in rows])


def _dimensions(con: duckdb.DuckDBPyConnection) -> None:
    """The contract, outage and data-quality tables of the column contract, so an
    audit report builder finds what it reads; the page itself does not."""
    con.execute(
        "CREATE TABLE dim_contract_versions (contract_version VARCHAR, effective_from DATE, "
        "effective_to DATE, description VARCHAR, contract_name VARCHAR, contract_file_sha256 VARCHAR)"
    )
    con.execute(
        "INSERT INTO dim_contract_versions VALUES "
        "('2025-01', '2025-01-01', '2025-11-01', 'Contrato inicial', 'Telecentro', 'a' || repeat('0', 63)), "
        "('2025-11', '2025-11-01', NULL, 'Adenda de noviembre', 'Telecentro', 'b' || repeat('0', 63))"
    )
    con.execute(
        "CREATE TABLE dim_contract_terms (line_code VARCHAR, term_code VARCHAR, term_name VARCHAR, "
        "metric VARCHAR, unit VARCHAR, comparison VARCHAR, threshold DOUBLE, threshold_unit VARCHAR, "
        "target DOUBLE, period VARCHAR, denominator_variant VARCHAR, outage_exclusion BOOLEAN, "
        "effective_from DATE, effective_to DATE, assumption VARCHAR, contract_file_sha256 VARCHAR)"
    )
    for line, terms in TERMS.items():
        for term, (name, metric, unit, comparison, target, threshold, threshold_unit, exclusion, _, _) in terms.items():
            con.execute(
                "INSERT INTO dim_contract_terms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'month', NULL, ?, "
                "'2025-01-01', NULL, NULL, 'b' || repeat('0', 63))",
                [line, term, name, metric, unit, comparison, threshold, threshold_unit, target, exclusion],
            )
    con.execute(
        "CREATE TABLE dim_outages (outage_id VARCHAR, start_local TIMESTAMP, end_local TIMESTAMP, "
        "area VARCHAR, services VARCHAR)"
    )
    con.execute(
        "INSERT INTO dim_outages VALUES (?, '2025-10-02 09:00', '2025-10-02 10:00', 'AMBA', "
        "'telefonia,internet')",
        [OUTAGE_ID],
    )
    con.execute(
        "CREATE TABLE data_quality_files (source VARCHAR, file_path VARCHAR, sha256 VARCHAR, "
        "size_bytes BIGINT, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, "
        "first_event_date DATE, last_event_date DATE)"
    )
    con.execute(
        "CREATE TABLE data_quality_daily (data_quality_key VARCHAR, source VARCHAR, report_date DATE, "
        "files BIGINT, rows_rejected BIGINT, is_covered BOOLEAN)"
    )
    con.execute(
        "CREATE TABLE sla_input_files (sla_input_file_key VARCHAR, line_code VARCHAR, report_month DATE, "
        "role VARCHAR, source VARCHAR, file_path VARCHAR, sha256 VARCHAR, units BIGINT)"
    )


def build_sla_serving_db(path: Path, *, without: tuple[str, ...] = ()) -> Path:
    """The Resumen fixture serving copy plus the SLA marts; `without` names
    tables to leave out (e.g. the drill-down marts)."""
    fx.build_serving_db(path)
    return add_sla_marts(path, without=without)


def add_sla_marts(path: Path, *, without: tuple[str, ...] = ()) -> Path:
    """Add the SLA marts, the fact rows behind their units and the contract,
    outage and data-quality tables to the Resumen fixture file at `path`."""
    daily, intervals = _period_rows()
    units, calls, cases, interactions = _unit_rows()
    tables = {
        "sla_compliance_monthly": (MONTHLY_COLUMNS, _monthly_rows()),
        "sla_compliance_daily": (DAILY_COLUMNS, daily),
        "sla_compliance_interval": (INTERVAL_COLUMNS, intervals),
        "fct_sla_units": (UNITS_COLUMNS, units),
        "fct_calls": (CALLS_COLUMNS, calls),
        "fct_cases": (CASES_COLUMNS, cases),
        "fct_social_interactions": (INTERACTIONS_COLUMNS, interactions),
    }
    with duckdb.connect(str(path)) as con:
        for table, (columns, rows) in tables.items():
            if table not in without:
                _create(con, table, columns, rows)
        _dimensions(con)
    return path


def frame(table: str) -> pd.DataFrame:
    """A fixture table as a DataFrame (for the pure builders' tests)."""
    daily, intervals = _period_rows()
    rows = {
        "sla_compliance_monthly": _monthly_rows,
        "sla_compliance_daily": lambda: daily,
        "sla_compliance_interval": lambda: intervals,
    }[table]()
    return pd.DataFrame(rows)
