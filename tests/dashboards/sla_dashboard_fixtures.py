"""A serving DuckDB file with the SLA compliance marts, for the "Cumplimiento SLA"
page tests, with hand-computed answers.

Not a conftest: the tests import it explicitly. It extends the Resumen fixture
(tests/dashboards/dashboard_fixtures.py, whose tables and numbers it leaves as they are)
with the marts of the column contract of issue 4: sla_compliance_monthly,
sla_compliance_daily, sla_compliance_interval, fct_sla_units, the contract and
outage dimensions and the data-quality tables, plus the fct_calls, fct_cases and
fct_social_interactions rows behind the units. The rows are CSV files in
tests/fixtures/dashboards/cumplimiento/ (one per table, typed by the marts' contracts):
the contract's terms (dim_contract_terms.csv), each term's raw and outage-adjusted figures
by day and by interval, and each month's certification; this module derives what the
marts derive (values, compliance, penalties, the units behind the intervals).

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

from tests.dashboards import dashboard_fixtures as fx
from tests.fixture_tables import FIXTURES_DIR, create_table, read_rows

OCTOBER = dt.date(2025, 10, 1)
NOVEMBER = dt.date(2025, 11, 1)
OUTAGE_ID = "FM-2025-10-02"
OUTAGE_DAY = dt.date(2025, 10, 2)
LINE_NAMES = {code: fx.lines()[code]["line_name"] for code in ("atc", "bo_atc", "bo_social")}
UNIT_KINDS = {"atc": "call", "bo_atc": "case", "bo_social": "interaction"}

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

ROWS = FIXTURES_DIR / "cumplimiento"
# Tables of the column contract the page does not read, published empty so an audit
# report builder finds what it reads.
_EMPTY_TABLES = ("data_quality_files", "data_quality_daily", "sla_input_files")


def _ratio(num, den):
    return num / den if den else None


def _terms() -> dict[tuple[str, str], dict]:
    """dim_contract_terms' fixture rows by (line, term)."""
    rows = read_rows(ROWS / "dim_contract_terms.csv", "dim_contract_terms")
    return {(r["line_code"], r["term_code"]): r for r in rows}


def _evaluate(term: dict, figures: dict) -> dict:
    """Compliance, margin and shortfall of one term over some units, as the marts compute
    them, from their raw and adjusted (outage-excluded) numerator and denominator. For an
    average (seconds) the units are answered calls and the numerators wait seconds."""
    if not term["outage_exclusion"]:
        assert figures["excluded_units"] == 0, ("a term without outage exclusion excludes nothing", term, figures)
    value = _ratio(figures["adjusted_numerator"], figures["adjusted_denominator"])
    if value is None:
        is_met = margin = None
        shortfall = 0.0
    else:
        target = term["target"]
        margin = value - target if term["comparison"] == "at_least" else target - value
        is_met = margin >= -1e-12
        shortfall = max(0.0, -margin * 100 if term["unit"] == "share" else -margin / target * 100)
    return {
        **figures,
        "raw_value": _ratio(figures["raw_numerator"], figures["raw_denominator"]),
        "adjusted_value": value,
        "pending_units": 0,
        "volume": int(figures["adjusted_denominator"]),
        "is_met": is_met,
        "margin": margin,
        "shortfall_points": shortfall,
    }


def _term_columns(term: dict) -> dict:
    return {
        name: term[name]
        for name in ("line_code", "term_code", "term_name", "metric", "unit", "comparison", "target")
    }


_FIGURES = ("raw_numerator", "raw_denominator", "excluded_units", "adjusted_numerator", "adjusted_denominator")


def _monthly_rows() -> list[dict]:
    """sla_compliance_monthly.csv's terms of each month and line (certification, contract
    version, caps) with the figures of sla_compliance_daily.csv summed over the month,
    each term's penalty and the line's, capped."""
    terms = _terms()
    days = read_rows(ROWS / "sla_compliance_daily.csv", "sla_compliance_daily")
    lines = fx.lines()
    rows = []
    for month in read_rows(ROWS / "sla_compliance_monthly.csv", "sla_compliance_monthly"):
        key = (month["line_code"], month["term_code"])
        term = terms[key]
        in_month = [
            d for d in days
            if (d["line_code"], d["term_code"]) == key and d["report_date"].replace(day=1) == month["report_month"]
        ]
        figures = _evaluate(term, {f: sum(d[f] for d in in_month) for f in _FIGURES})
        penalty = 0.0 if figures["is_met"] in (True, None) else min(
            term["penalty_cap_percent"], figures["shortfall_points"] * term["penalty_percent_per_point"]
        )
        rows.append(
            {
                **month,
                **_term_columns(term),
                **{name: term[name] for name in (
                    "threshold", "threshold_unit", "outage_exclusion", "penalty_percent_per_point",
                    "penalty_cap_percent",
                )},
                **figures,
                "compliance_key": f"{key[0]}|{month['report_month']:%Y-%m}|{key[1]}",
                "line_name": lines[key[0]]["line_name"],
                "direction": lines[key[0]]["direction"],
                "penalty_percent": penalty,
            }
        )
    for r in rows:
        line_month = [o for o in rows if (o["line_code"], o["report_month"]) == (r["line_code"], r["report_month"])]
        r["line_penalty_percent"] = min(r["line_penalty_cap_percent"], sum(o["penalty_percent"] for o in line_month))
    return rows


def _period_rows() -> tuple[list[dict], list[dict]]:
    terms = _terms()
    daily, intervals = [], []
    for r in read_rows(ROWS / "sla_compliance_daily.csv", "sla_compliance_daily"):
        term, day = terms[(r["line_code"], r["term_code"])], r["report_date"]
        daily.append(
            {
                **_term_columns(term),
                "report_month": day.replace(day=1),
                "report_date": day,
                "compliance_day_key": f"{r['line_code']}|{day}|{r['term_code']}",
                **_evaluate(term, {f: r[f] for f in _FIGURES}),
            }
        )
    for r in read_rows(ROWS / "sla_compliance_interval.csv", "sla_compliance_interval"):
        term, start = terms[(r["line_code"], r["term_code"])], r["interval_start"]
        intervals.append(
            {
                **_term_columns(term),
                "report_month": start.date().replace(day=1),
                "report_date": start.date(),
                "interval_start": start,
                "compliance_interval_key": f"{r['line_code']}|{start:%Y-%m-%dT%H:%M}|{r['term_code']}",
                **_evaluate(term, {f: r[f] for f in _FIGURES}),
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
    terms = _terms()
    for r in read_rows(ROWS / "sla_compliance_interval.csv", "sla_compliance_interval"):
        line, term, start = r["line_code"], r["term_code"], r["interval_start"]
        day, metric = start.date(), terms[(line, term)]["metric"]
        within, total, excluded = int(r["raw_numerator"]), int(r["raw_denominator"]), r["excluded_units"]
        excluded_within = within - int(r["adjusted_numerator"])
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
                    "metric": metric,
                    "report_month": day.replace(day=1),
                    "report_date": day,
                    "interval_start": start,
                    "unit_kind": kind,
                    "unit_key": key,
                    "numerator": 1.0 if ok else 0.0,
                    "denominator": 1.0,
                    "unit_state": "excluded" if is_excluded else (
                        ("missed" if ok else "met") if metric == "abandon_rate"
                        else ("met" if ok else "missed")),
                    "is_excluded": is_excluded,
                    "outage_id": OUTAGE_ID if is_excluded else None,
                }
            )
    return units, calls, cases, interactions


def _dimensions(con: duckdb.DuckDBPyConnection) -> None:
    """The contract, outage and data-quality tables of the column contract, so an
    audit report builder finds what it reads; the page itself does not."""
    for model in ("dim_contract_versions", "dim_contract_terms", "dim_outages"):
        create_table(con, model, read_rows(ROWS / f"{model}.csv", model))
    for model in _EMPTY_TABLES:
        create_table(con, model, [])


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
        "sla_compliance_monthly": _monthly_rows(),
        "sla_compliance_daily": daily,
        "sla_compliance_interval": intervals,
        "fct_sla_units": units,
        "fct_calls": calls,
        "fct_cases": cases,
        "fct_social_interactions": interactions,
    }
    with duckdb.connect(str(path)) as con:
        for table, rows in tables.items():
            if table not in without:
                create_table(con, table, rows)
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
