"""A tiny serving DuckDB file for the dashboard tests, with hand-computed answers.

Not a conftest: the dashboard tests import it explicitly. The rows are CSV files in
tests/fixtures/dashboards/resumen/ (one per table, typed by the marts' contracts); this
module derives what the marts derive (ratios, interval rows, targets from the line) and
holds the answers the tests compare against.

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

from presentation import marts as mart_contracts
from tests.fixture_tables import FIXTURES_DIR, create_table, read_rows

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

# ------------------------------------------------------------ builders

ROWS = FIXTURES_DIR / "resumen"
# Only in the KPI tables, like an unmapped-queues line the contract does not list.
_UNMAPPED = {"line_code": "sin_mapear", "line_name": "Sin mapear", "direction": "inbound"}
# Deliberately not the contract: the columns of the KPI tables and dim_lines as published
# before the outbound, back-office and social families existed. `legacy_schema` keeps only
# these (and the inbound lines), so the page is tested on an older serving copy.
LEGACY_COLUMNS = {
    "kpi_line_daily": (
        "line_code", "line_name", "report_date", "offered", "answered", "abandoned",
        "short_abandoned", "unanswered_by_system", "answered_within_threshold",
        "service_level_denominator_calls", "service_level", "service_level_seconds",
        "service_level_target", "total_answer_wait_seconds", "asa_seconds",
        "asa_target_seconds", "abandon_rate", "abandon_rate_target", "abandoned_not_short",
        "handled_calls", "total_handle_seconds", "aht_seconds", "logged_in_seconds",
        "paused_seconds", "agent_talk_seconds", "occupancy", "positions_staffed",
        "contracted_positions",
    ),
    "dim_lines": (
        "line_code", "line_name", "direction", "service_level_seconds", "service_level_target",
        "abandon_rate_target", "asa_target_seconds", "contracted_positions",
    ),
}
LEGACY_COLUMNS["kpi_line_interval"] = (*LEGACY_COLUMNS["kpi_line_daily"], "interval_start")

_KEYS = ("line_code", "report_date", "interval_start")
# Stocks at the end of the day: an empty cell stays NULL (the line keeps no backlog);
# backlog_end is their sum.
_STOCK_AGES = ("backlog_age_0_8h", "backlog_age_8_24h", "backlog_age_24_72h", "backlog_age_over_72h")
_TARGETS = (
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


def lines() -> dict[str, dict]:
    """dim_lines' fixture rows by line code."""
    return {row["line_code"]: row for row in read_rows(ROWS / "dim_lines.csv", "dim_lines")}


def _counts(row: dict, names: list[str]) -> dict:
    """A CSV row's counts: an empty cell is 0 (the family does not apply), except
    backlog ages, which stay NULL."""
    return {n: row.get(n) if n in _STOCK_AGES or row.get(n) is not None else 0 for n in names}


def _ratio(num, den):
    return num / den if den else None


def _kpi_row(conf: dict, c: dict) -> dict:
    """A full KPI row from a row of counts: the counts the marts derive from others,
    ratios from the counts (null without a denominator), targets from the line."""
    c = dict(c)
    c["abandoned_not_short"] = c["abandoned"] - c["short_abandoned"]
    c["unanswered_by_system"] = c["offered"] - c["answered"] - c["abandoned"]
    c["retention_closed"] = c["retained"] + c["cancelled"]
    c["handled_calls"] = c["answered"]
    return {
        **c,
        "line_name": conf["line_name"],
        "direction": conf["direction"],
        "service_level": _ratio(c["answered_within_threshold"], c["service_level_denominator_calls"]),
        "asa_seconds": _ratio(c["total_answer_wait_seconds"], c["answered"]),
        "abandon_rate": _ratio(c["abandoned_not_short"], c["offered"] - c["short_abandoned"]),
        "total_handle_seconds": 180.0 * c["answered"],
        "aht_seconds": 180.0 if c["answered"] else None,
        "logged_in_seconds": 0.0,
        "paused_seconds": 0.0,
        "agent_talk_seconds": 0.0,
        "positions_staffed": 0.0,
        "repeat_contact_rate": _ratio(c["repeat_contacts"], c["answered_identified"]),
        "contact_rate": _ratio(c["contacts"], c["attempts"]),
        "retention_rate": _ratio(c["retained"], c["retention_closed"]),
        "resolution_within_target_share": _ratio(c["resolved_within_target"], c["cases_resolved"]),
        "reopen_rate": _ratio(c["reopened"], c["cases_resolved"]),
        "first_response_within_target_share": _ratio(c["responded_within_target"], c["interactions"]),
        "hidden_share": _ratio(c["hidden"], c["interactions"]),
        **{name: conf.get(name) for name in _TARGETS},
    }


def _daily_counts() -> tuple[list[dict], list[str]]:
    """kpi_line_daily.csv's rows (backlog_end the sum of the ages) and its count columns."""
    rows = read_rows(ROWS / "kpi_line_daily.csv", "kpi_line_daily")
    names = [n for n in rows[0] if n not in _KEYS]
    counts = []
    for row in rows:
        c = {**_counts(row, names), "line_code": row["line_code"], "report_date": row["report_date"]}
        ages = [c[a] for a in _STOCK_AGES]
        c["backlog_end"] = None if None in ages else sum(ages)
        counts.append(c)
    return counts, names


def _interval_rows(days: list[dict], names: list[str], conf: dict[str, dict]) -> list[dict]:
    """Every 30-minute interval of every line and day of `days`: the activity of
    kpi_line_interval.csv, zero in the other intervals. A day with activity by interval
    must add up to its row of kpi_line_daily.csv. Back-office backlog runs from the
    day's opening stock (closing less the day's net flow): bo_atc on LATEST_DAY has 60
    open until 09:00, then 60 + 6 - 12 = 54, from 14:00 54 + 4 - 8 = 50."""
    flows = [n for n in names if n not in _STOCK_AGES]
    busy = {
        (r["line_code"], r["interval_start"]): _counts(r, flows)
        for r in read_rows(ROWS / "kpi_line_interval.csv", "kpi_line_interval")
    }
    idle = dict.fromkeys(flows, 0)
    rows = []
    for day in days:
        line = day["line_code"]
        starts = [dt.datetime.combine(day["report_date"], dt.time()) + dt.timedelta(minutes=30 * i) for i in range(48)]
        if not any((line, s) in busy for s in starts):
            intervals = [idle] * 48
        else:
            intervals = [busy.pop((line, s), idle) for s in starts]
            for name in flows:
                assert sum(i[name] for i in intervals) == day[name], (line, day["report_date"], name)
        backlog = day["backlog_end"]
        if backlog is not None:
            backlog -= sum(i["cases_in"] - i["cases_resolved"] for i in intervals)
        for start, counts in zip(starts, intervals, strict=True):
            if backlog is not None:
                backlog += counts["cases_in"] - counts["cases_resolved"]
            row = _kpi_row(conf[line], counts)
            row.update(line_code=line, report_date=day["report_date"], interval_start=start, backlog_end=backlog)
            rows.append(row)
    assert not busy, f"kpi_line_interval.csv has intervals of no day of kpi_line_daily.csv: {list(busy)}"
    return rows


def build_serving_db(
    path: Path, *, with_publish_log: bool = True, legacy_schema: bool = False
) -> Path:
    """The fixture serving copy. `legacy_schema`: as published before the
    outbound, back-office and social families existed (inbound lines only, only
    LEGACY_COLUMNS in the KPI tables and dim_lines, no kpi_social_tier_daily)."""
    dim_lines = lines()
    conf = {**dim_lines, _UNMAPPED["line_code"]: _UNMAPPED}
    days, names = _daily_counts()
    with duckdb.connect(str(path)) as con:
        create_table(con, "dim_lines", list(dim_lines.values()))
        create_table(con, "kpi_line_daily", [_kpi_row(conf[d["line_code"]], d) for d in days])
        create_table(con, "kpi_line_interval", _interval_rows(days, names, conf))
        create_table(
            con, "kpi_social_tier_daily", read_rows(ROWS / "kpi_social_tier_daily.csv", "kpi_social_tier_daily")
        )

        if legacy_schema:
            inbound = [code for code, c in conf.items() if c["direction"] == "inbound"]
            for table, keep in LEGACY_COLUMNS.items():
                con.execute(
                    f"DELETE FROM {table} WHERE line_code NOT IN (SELECT unnest($codes))",
                    {"codes": inbound},
                )
                for column in mart_contracts.columns(table):
                    if column not in keep:
                        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            con.execute("DROP TABLE kpi_social_tier_daily")

        if with_publish_log:
            # written by the publication (ingestion/publish.py), not a dbt mart: no contract
            con.execute("CREATE TABLE publish_log (published_at TIMESTAMPTZ)")
            con.execute("INSERT INTO publish_log VALUES ('2025-11-05 09:15:00+00')")
    return path


PUBLISHED_AT_LOCAL = "05/11/2025 06:15"
