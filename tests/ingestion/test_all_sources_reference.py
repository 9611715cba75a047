"""Every reference file of every source through the loaders and dbt: balanced loads, the
queue_log <-> CDR join, the Anonymous Bank log, and no personal data outside raw."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from tests.conftest import build_warehouse

SOURCES_WITH_FILES = {"asterisk_queue_log": 6, "asterisk_cdr": 4, "call_detail": 1, "crm_cases": 1,
                      "otrs_tickets": 1, "twitter_v2": 4, "facebook_graph": 7}


@pytest.fixture(scope="module")
def warehouse(reference_landing, tmp_path_factory):
    path = tmp_path_factory.mktemp("all_sources") / "wh.duckdb"
    build_warehouse(path, reference_landing)
    return path


def test_every_reference_file_loads_balanced(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as db:
        files = dict(db.execute("select source, count(*) from raw.landing_files group by 1").fetchall())
        unbalanced = db.execute(
            "select file_path from raw.landing_files where rows_read <> rows_loaded + rows_rejected").fetchall()
        quarantine = dict(db.execute(
            "select file_path, count(*) from raw.quarantine group by 1").fetchall())
        rejected = dict(db.execute(
            "select file_path, rows_rejected from raw.landing_files where rows_rejected > 0").fetchall())
    assert files == SOURCES_WITH_FILES
    assert unbalanced == []
    assert quarantine == rejected
    # the damage that is really in the files, and nothing else
    assert set(rejected) == {"queue_log/issabel/queue_log", "queue_log/issabel/queue_log-20220801",
                             "queue_log/issabel/queue_log-20221005",
                             "social/twitter/streaming_output_with_error.jsonl"}


def test_every_issabel_queued_call_joins_its_cdr_row(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as db:
        joined = db.execute("""
            select count(distinct calls.callid), count(distinct cdr.uniqueid)
            from fct_calls as calls
            left join staging.stg_asterisk__cdr as cdr on calls.callid = cdr.uniqueid
            where calls.source_system = 'asterisk_queue_log'
        """).fetchone()
    assert joined == (41, 41)  # 33 Issabel calls + 8 of the realtime-table PBX


def test_anonymous_bank_log_loads_every_call_with_its_outcome(warehouse, reference_data):
    with (reference_data / "anonymous_bank_1999" / "february_1999.txt").open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    outcomes = {}
    for row in rows:
        outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + 1
    queued_hang = sum(1 for r in rows if r["outcome"] == "HANG" and r["q_start"] != "0:00:00")
    with duckdb.connect(str(warehouse), read_only=True) as db:
        counts = dict(db.execute(
            "select outcome, count(*) from fct_calls where source_system like 'call_detail:%' group by 1").fetchall())
        offered = db.execute(
            "select sum(offered), sum(answered), sum(abandoned) from kpi_line_daily "
            "where report_date between '1999-02-01' and '1999-02-28'").fetchone()
    assert len(rows) == 33344 and sum(counts.values()) == 33344
    assert counts["answered"] == outcomes["AGENT"]
    assert counts["phantom"] == outcomes["PHANTOM"]
    assert counts["abandoned"] + counts["no_queue"] == outcomes["HANG"]
    assert abs(counts["abandoned"] - queued_hang) <= 1  # one HANG queued at exactly 0:00:00
    # PHANTOM and IVR-only calls are kept in fct_calls but never offered
    assert offered == (outcomes["AGENT"] + counts["abandoned"], outcomes["AGENT"], counts["abandoned"])


def _personal_values(db) -> set[str]:
    """Phone numbers (6+ digits: short lab extensions also occur as durations), e-mails,
    handles and names as they are in the raw tables."""
    phones = [
        "select data2 from raw.asterisk_queue_log where event = 'ENTERQUEUE'",
        "select src from raw.asterisk_cdr", "select dst from raw.asterisk_cdr",
        "select customer_phone from raw.crm_cases",
    ]
    others = [
        "select customer_email from raw.crm_cases",
        "select author_username from raw.twitter_tweets", "select author_name from raw.twitter_tweets",
        "select username from raw.twitter_users", "select from_name from raw.facebook_comments",
        "select customer_user from raw.otrs_tickets",
    ]
    values = set()
    for query in phones:
        values |= {r[0] for r in db.execute(query).fetchall() if r[0] and sum(c.isdigit() for c in r[0]) >= 6}
    for query in others:
        values |= {r[0] for r in db.execute(query).fetchall() if r[0] and len(r[0]) >= 6}
    return values


def test_no_personal_value_outside_the_raw_schema(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as db:
        personal = _personal_values(db)
        assert len(personal) > 50
        relations = db.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name <> 'raw'").fetchall()
        for schema, table in relations:
            text = json.dumps(db.execute(f'select * from "{schema}"."{table}"').fetchall(), default=str)
            leaked = [v for v in personal if v in text]
            assert not leaked, (schema, table, leaked[:3])
