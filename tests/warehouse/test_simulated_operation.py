"""A few simulated days through the real loader and dbt: every KPI of kpi_line_daily equals
the independent calculation from the log text, and the agent model is consistent. The
simulation has calls transferred from atc into a help-desk queue, calls that overflow to a
second queue of their line, a PBX crash that leaves calls without an end, and a live log
read mid-morning with calls still in progress."""

from __future__ import annotations

import math

import duckdb
import pytest

from contract import load_config
from ingestion import settings
from simulator import generate
from tests.conftest import build_warehouse
from tests.warehouse.independent_kpis import calls_from_events, daily_kpis, read_events

FIELDS = ["offered", "answered", "abandoned", "short_abandoned", "unanswered_by_system",
          "pending_calls", "lost_records", "service_level", "asa_seconds", "abandon_rate",
          "aht_seconds"]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    root = tmp_path_factory.mktemp("sim")
    landing = root / "landing"
    generate(landing / "queue_log", days=4, end="2024-03-04", seed=7, crashes=1, live_until="10:30")
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
                f"select line_code, report_date, {', '.join(FIELDS)} from kpi_line_daily "
                "where offered > 0 or pending_calls > 0 or lost_records > 0"
            ).fetchall()
        }
    assert set(actual) == set(expected)
    assert sum(v["offered"] for v in expected.values()) > 4000
    assert sum(v["lost_records"] for v in expected.values()) > 0
    for key, values in expected.items():
        for name, value in values.items():
            got = actual[key][name]
            assert (got is None) == (value is None), (key, name)
            if value is not None:
                assert math.isclose(got, value, rel_tol=1e-9), (key, name, got, value)


def test_moving_calls_and_calls_without_an_end_are_in_the_data(simulated):
    warehouse, _ = simulated
    with duckdb.connect(str(warehouse), read_only=True) as db:
        transfers, overflows = db.execute("""
            select count(distinct callid) filter (where line_contact_entries = 1 and call_entry_no = 2),
                   count(distinct callid) filter (where line_contact_entries = 2)
            from fct_calls where direction = 'inbound'""").fetchone()
        lost = db.execute(
            "select sum(calls_lost_record) from data_quality_daily where source = 'asterisk_queue_log'"
        ).fetchone()[0]
    assert transfers > 50 and overflows > 20 and lost > 0


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
        # the simulator seats at most the contracted positions; at a shift handover the agents
        # finishing their last call overlap their successors for a few minutes each (eight
        # agents leaving at 17:30 with up to 11 minutes of call left make 1.5 seats for that
        # half hour), never two whole seats
        over = db.execute(
            "select count(*) from kpi_line_interval where positions_staffed > contracted_positions + 2"
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


def _local_day(text: str) -> str:
    return text[:10]


def test_outbound_attempts_and_contacts_equal_a_count_of_the_cdr_file(simulated):
    import csv

    warehouse, landing = simulated
    config = load_config(settings.config_path())
    campaigns = set(config.campaign_to_line())
    expected: dict[str, list[int]] = {}
    with (landing / "cdr" / "Master.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if row[0] in campaigns:  # accountcode
                day = expected.setdefault(_local_day(row[9]), [0, 0])  # start, local time
                day[0] += 1
                day[1] += row[14] == "ANSWERED" and int(row[13]) > 0  # disposition, billsec
    with duckdb.connect(str(warehouse), read_only=True) as db:
        actual = {str(r[0]): [r[1], r[2]] for r in db.execute(
            "select report_date, attempts, contacts from kpi_line_daily "
            "where line_code = 'satisfaccion' and attempts > 0").fetchall()}
    assert actual == expected and sum(v[0] for v in expected.values()) > 200


def test_back_office_intake_equals_a_count_of_the_crm_and_otrs_files(simulated):
    import csv
    import json

    warehouse, landing = simulated
    expected: dict[tuple[str, str], int] = {}
    for path in sorted((landing / "crm").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                key = (row["line_code"], _local_day(row["created_at"]))
                expected[key] = expected.get(key, 0) + 1
    for path in sorted((landing / "otrs").glob("*.json")):
        for ticket in json.loads(path.read_text(encoding="utf-8"))["Ticket"]:
            key = ("bo_helpdesk", _local_day(ticket["Created"]))
            expected[key] = expected.get(key, 0) + 1
    with duckdb.connect(str(warehouse), read_only=True) as db:
        actual = {(r[0], str(r[1])): r[2] for r in db.execute(
            "select line_code, report_date, cases_in from kpi_line_daily where cases_in > 0").fetchall()}
    assert actual == expected


def test_social_interactions_equal_a_count_of_the_pages(simulated):
    import json

    warehouse, landing = simulated
    mentions = set()
    for path in sorted((landing / "social" / "twitter").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            page = json.loads(line)
            brand = {u["id"] for u in page.get("includes", {}).get("users", []) if u["username"] == "TelecentroAR"}
            mentions |= {t["id"] for t in page.get("data", []) if t["author_id"] not in brand}
    comments = set()

    def walk(items, page_id):
        for item in items:
            if item.get("from", {}).get("id") != page_id:
                comments.add(item["id"])
            walk(item.get("comments", {}).get("data", []), page_id)

    for path in sorted((landing / "social" / "facebook").glob("*.json")):
        for post in json.loads(path.read_text(encoding="utf-8"))["data"]:
            walk(post.get("comments", {}).get("data", []), post["id"].split("_")[0])
    with duckdb.connect(str(warehouse), read_only=True) as db:
        counts = dict(db.execute(
            "select platform, count(*) from fct_social_interactions group by 1").fetchall())
        responded = db.execute(
            "select count(*) filter (where is_responded), count(*) filter (where influence_tier = 'alto') "
            "from fct_social_interactions").fetchone()
    assert counts == {"twitter": len(mentions), "facebook": len(comments)}
    assert 0 < responded[0] < len(mentions) + len(comments) and responded[1] > 0


def test_every_case_opened_by_a_call_names_a_call_of_the_log(simulated):
    warehouse, _ = simulated
    with duckdb.connect(str(warehouse), read_only=True) as db:
        orphans, linked = db.execute("""
            select count(*) filter (where calls.callid is null), count(*)
            from fct_cases as cases
            left join (select distinct callid from fct_calls where direction = 'inbound') as calls
                on cases.origin_call_id = calls.callid
            where cases.origin_call_id is not null
        """).fetchone()
    assert linked > 100 and orphans == 0
