"""A tiny serving DuckDB file for the dashboard tests, with hand-computed answers.

Not a conftest: the dashboard tests import it explicitly.

Two days of November 2025 are chosen so that averaging the daily ratios gives a
different month-to-date answer than summing numerators and denominators, plus:
- 31/10 with large volumes, which must not leak into November's month-to-date;
- 05/11 with zero calls for every line ("today"), which must not be the default day;
- helpdesk uses the `offered` SL-denominator variant, so its abandon-rate
  denominator (offered - short abandons) differs from its SL denominator;
- sin_mapear is only in the KPI tables (not in dim_lines) and has no targets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

LATEST_DAY = dt.date(2025, 11, 4)
EMPTY_DAY = dt.date(2025, 11, 5)
MONTH_START = dt.date(2025, 11, 1)

# What the Resumen page must show for LATEST_DAY, per line, in this order:
# Ofrecidas, Atendidas, Nivel de servicio, ASA, Tasa de abandono.
EXPECTED = {
    "atc": {
        "name": "Atención al cliente",
        # 10 offered, 5 answered, 1 within 20 s of 10; wait 200 s; 5/10 abandons
        "day": ["10", "5", "10,0 %", "40 s", "50,0 %"],
        # SL 73/100 (not mean(80 %, 10 %) = 45 %); ASA 1000/85 = 11,8 (not 25);
        # abandon 15/100 (not mean(11,1 %, 50 %) = 30,6 %)
        "mtd": ["110", "85", "73,0 %", "12 s", "15,0 %"],
        "day_deltas": ["-70,0 pp", "+10 s", "+45,0 pp"],
        "day_colors": ["red", "red", "red"],
        "mtd_deltas": ["-7,0 pp", "-18 s", "+10,0 pp"],
        "mtd_colors": ["red", "green", "red"],
    },
    "helpdesk": {
        "name": "Help Desk",
        "day": ["20", "18", "90,0 %", "30 s", "0,0 %"],
        # SL 48/70 = 68,6 % (mean 75 %); ASA 940/58 = 16,2 (mean 20);
        # abandon 5/(70-7) = 7,9 % (5/70 = 7,1 % if the SL denominator were used)
        "mtd": ["70", "58", "68,6 %", "16 s", "7,9 %"],
        "day_deltas": ["+10,0 pp", "-15 s", "-7,0 pp"],
        "day_colors": ["green", "green", "green"],
        "mtd_deltas": ["-11,4 pp", "-29 s", "+0,9 pp"],
        "mtd_colors": ["red", "green", "red"],
    },
    "sin_mapear": {
        "name": "Sin mapear",
        # 3 short abandons only: nothing measurable
        "day": ["3", "0", "—", "—", "—"],
        "mtd": ["3", "0", "—", "—", "—"],
    },
}
LINE_ORDER = ["atc", "helpdesk", "sin_mapear"]

# The unformatted month-to-date figures behind EXPECTED[line]["mtd"].
EXPECTED_MTD = {
    "atc": {
        "offered": 110,
        "answered": 85,
        "service_level": 73 / 100,
        "asa_seconds": 1000 / 85,
        "abandon_rate": 15 / 100,
    },
    "helpdesk": {
        "offered": 70,
        "answered": 58,
        "service_level": 48 / 70,
        "asa_seconds": 940 / 58,
        "abandon_rate": 5 / 63,
    },
}

_LINES = {
    # code: (name, sl_seconds, sl_target, abandon_target, asa_target, positions)
    "atc": ("Atención al cliente", 20, 0.80, 0.05, 30, 15),
    "helpdesk": ("Help Desk", 30, 0.80, 0.07, 45, 15),
}

# (line, day, offered, answered, abandoned, short_abandoned, abandoned_not_short,
#  within_threshold, sl_denominator, total_answer_wait_seconds)
_DAYS = [
    ("atc", dt.date(2025, 10, 31), 1000, 1000, 0, 0, 0, 1000, 1000, 0.0),
    ("atc", dt.date(2025, 11, 3), 100, 80, 20, 10, 10, 72, 90, 800.0),
    ("atc", LATEST_DAY, 10, 5, 5, 0, 5, 1, 10, 200.0),
    ("atc", EMPTY_DAY, 0, 0, 0, 0, 0, 0, 0, 0.0),
    ("helpdesk", dt.date(2025, 10, 31), 1000, 0, 1000, 0, 1000, 0, 1000, 0.0),
    ("helpdesk", dt.date(2025, 11, 3), 50, 40, 10, 5, 5, 30, 50, 400.0),
    ("helpdesk", LATEST_DAY, 20, 18, 2, 2, 0, 18, 20, 540.0),
    ("helpdesk", EMPTY_DAY, 0, 0, 0, 0, 0, 0, 0, 0.0),
    ("sin_mapear", LATEST_DAY, 3, 0, 3, 3, 0, 0, 0, 0.0),
    ("sin_mapear", EMPTY_DAY, 0, 0, 0, 0, 0, 0, 0, 0.0),
]

# Calls of LATEST_DAY by interval, summing to the LATEST_DAY rows above; all other
# intervals have zero calls.
# (line, "HH:MM", offered, answered, short_abandoned, within, sl_den, wait)
LATEST_DAY_INTERVALS = [
    ("atc", "09:00", 6, 4, 0, 1, 6, 120.0),
    ("atc", "09:30", 4, 1, 0, 0, 4, 80.0),
    ("helpdesk", "10:00", 20, 18, 2, 18, 20, 540.0),
    ("sin_mapear", "11:00", 3, 0, 3, 0, 0, 0.0),
]

KPI_COLUMNS = """
    line_code VARCHAR, line_name VARCHAR, report_date DATE,
    offered BIGINT, answered BIGINT, abandoned BIGINT, short_abandoned BIGINT,
    unanswered_by_system BIGINT,
    answered_within_threshold BIGINT, service_level_denominator_calls BIGINT,
    service_level DOUBLE, service_level_seconds INTEGER, service_level_target DOUBLE,
    total_answer_wait_seconds DOUBLE, asa_seconds DOUBLE, asa_target_seconds INTEGER,
    abandon_rate DOUBLE, abandon_rate_target DOUBLE, abandoned_not_short BIGINT,
    handled_calls BIGINT, total_handle_seconds DOUBLE, aht_seconds DOUBLE,
    logged_in_seconds DOUBLE, paused_seconds DOUBLE, agent_talk_seconds DOUBLE,
    occupancy DOUBLE, positions_staffed DOUBLE, contracted_positions INTEGER
"""


def _kpi_row(
    line: str,
    day: dt.date,
    offered: int,
    answered: int,
    abandoned: int,
    short: int,
    not_short: int,
    within: int,
    sl_den: int,
    wait: float,
) -> dict:
    name, sl_s, sl_t, ab_t, asa_t, pos = _LINES.get(
        line, ("Sin mapear", None, None, None, None, None)
    )
    return {
        "line_code": line,
        "line_name": name,
        "report_date": day,
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "short_abandoned": short,
        "unanswered_by_system": offered - answered - abandoned,
        "answered_within_threshold": within,
        "service_level_denominator_calls": sl_den,
        "service_level": within / sl_den if sl_den else None,
        "service_level_seconds": sl_s,
        "service_level_target": sl_t,
        "total_answer_wait_seconds": wait,
        "asa_seconds": wait / answered if answered else None,
        "asa_target_seconds": asa_t,
        "abandon_rate": not_short / (offered - short) if offered - short else None,
        "abandon_rate_target": ab_t,
        "abandoned_not_short": not_short,
        "handled_calls": answered,
        "total_handle_seconds": 180.0 * answered,
        "aht_seconds": 180.0 if answered else None,
        "logged_in_seconds": 0.0,
        "paused_seconds": 0.0,
        "agent_talk_seconds": 0.0,
        "occupancy": None,
        "positions_staffed": 0.0,
        "contracted_positions": pos,
    }


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    # Through a DataFrame: executemany takes seconds for a few hundred rows.
    frame = pd.DataFrame(rows, dtype=object)  # noqa: F841 - read by DuckDB by name
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")


def build_serving_db(path: Path, *, with_publish_log: bool = True) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE kpi_line_daily ({KPI_COLUMNS})")
        con.execute(
            f"CREATE TABLE kpi_line_interval ({KPI_COLUMNS}, interval_start TIMESTAMP)"
        )
        con.execute(
            "CREATE TABLE dim_lines (line_code VARCHAR, line_name VARCHAR, direction VARCHAR, "
            "service_level_seconds INTEGER, service_level_target DOUBLE, "
            "abandon_rate_target DOUBLE, asa_target_seconds INTEGER, contracted_positions INTEGER)"
        )
        con.executemany(
            "INSERT INTO dim_lines VALUES (?, ?, 'inbound', ?, ?, ?, ?, ?)",
            [[code, *values] for code, values in _LINES.items()],
        )
        _insert(con, "kpi_line_daily", [_kpi_row(*d) for d in _DAYS])

        # Every 30-minute interval of every day, zero unless listed.
        busy = {(line, hhmm): rest for line, hhmm, *rest in LATEST_DAY_INTERVALS}
        interval_rows = []
        for line, day, *_ in _DAYS:
            for i in range(48):
                start = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                    minutes=30 * i
                )
                offered, answered, short, within, sl_den, wait = (
                    busy.get((line, start.strftime("%H:%M")), (0, 0, 0, 0, 0, 0.0))
                    if day == LATEST_DAY
                    else (0, 0, 0, 0, 0, 0.0)
                )
                abandoned = offered - answered
                row = _kpi_row(
                    line,
                    day,
                    offered,
                    answered,
                    abandoned,
                    short,
                    abandoned - short,
                    within,
                    sl_den,
                    wait,
                )
                row["interval_start"] = start
                interval_rows.append(row)
        _insert(con, "kpi_line_interval", interval_rows)

        if with_publish_log:
            con.execute("CREATE TABLE publish_log (published_at TIMESTAMPTZ)")
            con.execute("INSERT INTO publish_log VALUES ('2025-11-05 09:15:00+00')")
    return path


PUBLISHED_AT_LOCAL = "05/11/2025 06:15"
