"""Serving copies for the Hoy page's tests, two publications of one morning, with
hand-computed answers.

The rows are CSV files in tests/fixtures/dashboards/hoy/ (typed by the marts' contracts):
the busy intervals of kpi_line_interval, kpi_line_now and dim_lines. `later/` holds what the
second publication changes: its busy intervals replace or add to the first's by line and
interval, its kpi_line_now replaces the first's. This module derives what the marts derive:
the full grid of 30-minute intervals of each queue line and day (zeros when idle), the
ratios, the targets from dim_lines, and kpi_line_daily as the sum of each day's intervals.

The first publication ends at 10:12:30 on Wednesday 05/11/2025 (13:12:30 UTC):
- atc had 12 calls today (and 100 yesterday, which must not leak into today), 3 waiting;
- helpdesk had none today (20 yesterday) and none waiting: a line with no calls today;
- sin_mapear had 2 yesterday, none today and none waiting: not shown;
- satisfaccion (outbound) and bo_atc (back office) have no live queue: named as out of scope.
The second ends at 10:41:10: atc had 17 calls and none waits, helpdesk had 2 and 2 wait,
and a call waits in an unclaimed queue, so sin_mapear appears.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from tests.fixture_tables import FIXTURES_DIR, create_table, read_rows

ROWS = FIXTURES_DIR / "hoy"
LATER = ROWS / "later"
YESTERDAY = dt.date(2025, 11, 4)
TODAY = dt.date(2025, 11, 5)
PUBLISHED_AT_UTC = {"first": "2025-11-05 13:13:00+00", "later": "2025-11-05 13:42:00+00"}
PUBLISHED_AT_LOCAL = {"first": "05/11/2025 10:13", "later": "05/11/2025 10:42"}
DATA_END_UTC = {
    "first": dt.datetime(2025, 11, 5, 13, 12, 30, tzinfo=dt.UTC),
    "later": dt.datetime(2025, 11, 5, 13, 41, 10, tzinfo=dt.UTC),
}

LABELS = ["Ofrecidas", "Atendidas", "Nivel de servicio", "ASA", "Tasa de abandono", "En espera ahora"]
# Per publication, the lines the page shows in order, and their cards: values, then the
# deltas and colours of the cards with a target, then the descriptions to check.
EXPECTED = {
    "first": {
        "atc": {
            "name": "Atención al cliente",
            # 12 offered, 10 answered, 2 abandoned (1 short): SL 8 / 11, ASA 140 / 10,
            # abandons 1 / 11
            "values": ["12", "10", "72,7 %", "14 s", "9,1 %", "3"],
            "deltas": {
                "Nivel de servicio": ("-7,3 pp", "red"),
                "ASA": ("-16 s", "green"),
                "Tasa de abandono": ("+4,1 pp", "red"),
            },
            "descriptions": {
                "Nivel de servicio": "objetivo 80 % en 20 s",
                "En espera ahora": "la más larga: 1 min 35 s",
            },
        },
        "helpdesk": {
            "name": "Help Desk",
            "values": ["0", "0", "—", "—", "—", "0"],
            "deltas": {},
            "descriptions": {"En espera ahora": "ninguna llamada en cola"},
        },
    },
    "later": {
        "atc": {
            "name": "Atención al cliente",
            # 17 offered, 14 answered, 3 abandoned (1 short): SL 12 / 16, ASA 185 / 14 = 13,2,
            # abandons 2 / 16
            "values": ["17", "14", "75,0 %", "13 s", "12,5 %", "0"],
            "deltas": {
                "Nivel de servicio": ("-5,0 pp", "red"),
                "ASA": ("-17 s", "green"),
                "Tasa de abandono": ("+7,5 pp", "red"),
            },
            "descriptions": {"En espera ahora": "ninguna llamada en cola"},
        },
        "helpdesk": {
            "name": "Help Desk",
            "values": ["2", "2", "100,0 %", "10 s", "0,0 %", "2"],
            "deltas": {
                "Nivel de servicio": ("+20,0 pp", "green"),
                "ASA": ("-35 s", "green"),
                "Tasa de abandono": ("-7,0 pp", "green"),
            },
            "descriptions": {"En espera ahora": "la más larga: 40 s"},
        },
        "sin_mapear": {
            "name": "Colas sin línea asignada",
            "values": ["0", "0", "—", "—", "—", "1"],
            "deltas": {},
            "descriptions": {"En espera ahora": "la más larga: 12 s"},
        },
    },
}
OUT_OF_SCOPE = ["Satisfacción al cliente", "Back Office Atención al Cliente"]
# atc's offered calls per interval of today, by interval start, up to the data's end.
ATC_OFFERED = {
    "first": {"09:00": 6, "09:30": 4, "10:00": 2},
    "later": {"09:00": 6, "09:30": 4, "10:00": 4, "10:30": 3},
}
# Hours in which calls were offered on the week up to today: yesterday 15, 16, 20; today 9, 10.
USUAL_HOURS = {9, 10, 15, 16, 20}

_KEYS = ("line_code", "interval_start")
_COUNTS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "answered_within_threshold",
    "service_level_denominator_calls",
    "total_answer_wait_seconds",
)
_TARGETS = ("service_level_seconds", "service_level_target", "asa_target_seconds", "abandon_rate_target")


def _ratio(num, den):
    return num / den if den else None


def _kpis(line: dict, counts: dict) -> dict:
    c = dict(counts)
    c["abandoned_not_short"] = c["abandoned"] - c["short_abandoned"]
    c["unanswered_by_system"] = c["offered"] - c["answered"] - c["abandoned"]
    return {
        **c,
        "line_name": line["line_name"],
        "direction": line["direction"],
        "service_level": _ratio(c["answered_within_threshold"], c["service_level_denominator_calls"]),
        "asa_seconds": _ratio(c["total_answer_wait_seconds"], c["answered"]),
        "abandon_rate": _ratio(c["abandoned_not_short"], c["offered"] - c["short_abandoned"]),
        **{name: line.get(name) for name in _TARGETS},
    }


def _busy(publication: str) -> dict[tuple, dict]:
    busy = {
        (r["line_code"], r["interval_start"]): r
        for r in read_rows(ROWS / "kpi_line_interval.csv", "kpi_line_interval")
    }
    if publication == "later":
        busy.update(
            {(r["line_code"], r["interval_start"]): r
             for r in read_rows(LATER / "kpi_line_interval.csv", "kpi_line_interval")}
        )
    return busy


def build_hoy_db(path: Path, publication: str = "first", *, with_now: bool = True) -> Path:
    """The serving copy of one publication ("first" or "later"). `with_now=False`: as
    published before kpi_line_now existed."""
    lines = {r["line_code"]: r for r in read_rows(ROWS / "dim_lines.csv", "dim_lines")}
    busy = _busy(publication)
    queue_lines = [code for code, r in lines.items() if r["queue_count"] or r["is_unmapped"]]
    intervals, daily = [], []
    for day in (YESTERDAY, TODAY):
        for code in queue_lines:
            totals = dict.fromkeys(_COUNTS, 0)
            for i in range(48):
                start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=30 * i)
                row = busy.pop((code, start), None)
                counts = {n: (row or {}).get(n) or 0 for n in _COUNTS}
                for n in _COUNTS:
                    totals[n] += counts[n]
                intervals.append({
                    **_kpis(lines[code], counts),
                    "line_interval_key": f"{code}|{start:%Y-%m-%dT%H:%M}",
                    "line_code": code,
                    "interval_start": start,
                    "report_date": day,
                })
            daily.append({
                **_kpis(lines[code], totals),
                "line_day_key": f"{code}|{day:%Y-%m-%d}",
                "line_code": code,
                "report_date": day,
            })
    assert not busy, f"busy intervals of no line and day of the fixture: {list(busy)}"
    now_csv = (LATER if publication == "later" else ROWS) / "kpi_line_now.csv"
    with duckdb.connect(str(path)) as con:
        create_table(con, "dim_lines", list(lines.values()))
        create_table(con, "kpi_line_interval", intervals)
        create_table(con, "kpi_line_daily", daily)
        if with_now:
            create_table(con, "kpi_line_now", read_rows(now_csv, "kpi_line_now"))
        # written by the publication (ingestion/publish.py), not a dbt mart: no contract
        con.execute("CREATE TABLE publish_log (published_at TIMESTAMPTZ)")
        con.execute("INSERT INTO publish_log VALUES (?)", [PUBLISHED_AT_UTC[publication]])
    return path
