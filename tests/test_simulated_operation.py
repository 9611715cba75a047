"""A few simulated days through the real loader and dbt: every KPI of kpi_line_daily equals
the independent calculation from the log text, and the agent model is consistent."""

from __future__ import annotations

import math

import duckdb
import pytest
from conftest import build_warehouse
from independent_kpis import calls_from_events, daily_kpis, read_events

from ingestion import settings
from ingestion.contract_config import load_config
from simulator import generate

FIELDS = ["offered", "answered", "abandoned", "short_abandoned", "unanswered_by_system",
          "service_level", "asa_seconds", "abandon_rate", "aht_seconds"]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    root = tmp_path_factory.mktemp("sim")
    landing = root / "landing"
    generate(landing / "queue_log", days=4, end="2024-03-04", seed=7)
    warehouse = root / "wh.duckdb"
    build_warehouse(warehouse, landing)
    return warehouse, landing


def test_daily_kpis_equal_the_independent_calculation(simulated):
    warehouse, landing = simulated
    config = load_config(settings.config_path())
    lines = {line.code: (line.service_level_seconds, line.short_abandon_seconds) for line in config.lines}
    files = sorted((landing / "queue_log").glob("queue_log-*"))
    expected = daily_kpis(calls_from_events(read_events(files)), config.queue_to_line(),
                          config.unmapped_line, lines)
    with duckdb.connect(str(warehouse), read_only=True) as db:
        actual = {
            (r[0], r[1]): dict(zip(FIELDS, r[2:]))
            for r in db.execute(
                f"select line_code, report_date, {', '.join(FIELDS)} from kpi_line_daily where offered > 0"
            ).fetchall()
        }
    assert set(actual) == set(expected)
    assert sum(v["offered"] for v in expected.values()) > 4000
    for key, values in expected.items():
        for name, value in values.items():
            got = actual[key][name]
            assert (got is None) == (value is None), (key, name)
            if value is not None:
                assert math.isclose(got, value, rel_tol=1e-9), (key, name, got, value)


def test_interval_rows_add_up_to_the_day(simulated):
    warehouse, _ = simulated
    with duckdb.connect(str(warehouse), read_only=True) as db:
        mismatches = db.execute("""
            select d.line_code, d.report_date
            from kpi_line_daily d
            join (select line_code, report_date, sum(offered) o, sum(answered_within_threshold) w,
                         sum(logged_in_seconds) l, count(*) n
                  from kpi_line_interval group by all) i using (line_code, report_date)
            where d.offered <> i.o or d.answered_within_threshold <> i.w
               or abs(d.logged_in_seconds - i.l) > 1e-6 or i.n <> 48
        """).fetchall()
    assert mismatches == []


def test_agents_never_exceed_the_contracted_positions_and_talk_fits_in_logged_time(simulated):
    warehouse, _ = simulated
    with duckdb.connect(str(warehouse), read_only=True) as db:
        # the simulator seats at most the contracted positions; at shift handover an agent
        # finishing his last call overlaps his successor for a few minutes, never a whole seat
        over = db.execute(
            "select count(*) from kpi_line_interval where positions_staffed > contracted_positions + 1"
        ).fetchone()[0]
        staffed = db.execute(
            "select max(positions_staffed) from kpi_line_interval where line_code = 'atc'"
        ).fetchone()[0]
        # an agent talks only while logged in: the talk of an interval never exceeds its logged time
        impossible = db.execute(
            "select count(*) from fct_agent_intervals where talking_seconds > logged_in_seconds + 1"
        ).fetchone()[0]
        occupancy = db.execute(
            "select min(occupancy), max(occupancy) from kpi_line_daily where occupancy is not null "
            "and report_date <= DATE '2024-03-04'"  # the file after the end holds only a tail
        ).fetchone()
    assert over == 0
    assert staffed > 5
    assert impossible == 0
    assert 0.3 < occupancy[0] <= occupancy[1] <= 1.0
