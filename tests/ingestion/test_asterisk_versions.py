"""Asterisk version differences (SPEC.md §3) end to end: 1.4's short ENTERQUEUE, CONNECT,
TRANSFER and EXITWITHTIMEOUT, 12+'s BLIND/ATTENDEDTRANSFER forms, the exits, and the
realtime table's non-adaptive single `data` column."""

from __future__ import annotations

import duckdb
import pytest

from ingestion import settings
from tests.conftest import build_warehouse

T = 1709298000  # 2024-03-01 10:00:00 in Buenos Aires


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("versions")
    landing = root / "landing"
    landing.mkdir()
    (landing / "queue_log").write_text("\n".join([
        # Asterisk 1.4
        f"{T}|c1|atc_ventas|NONE|ENTERQUEUE||1145678901",
        f"{T + 5}|c1|atc_ventas|SIP/100|CONNECT|5|c1b",
        f"{T + 65}|c1|atc_ventas|SIP/100|TRANSFER|200|from-internal|5|60",
        f"{T + 100}|c2|atc_ventas|NONE|ENTERQUEUE||1145678902",
        f"{T + 130}|c2|atc_ventas|NONE|EXITWITHTIMEOUT|1",
        # Asterisk 12+
        f"{T + 200}|c3|atc_ventas|NONE|ENTERQUEUE||1145678903|1",
        f"{T + 207}|c3|atc_ventas|Ana|CONNECT|7|c3b|3",
        f"{T + 297}|c3|atc_ventas|Ana|ATTENDEDTRANSFER|LINK|SIP/100-1|SIP/200-2|7|90|1",
        f"{T + 300}|c4|atc_ventas|NONE|ENTERQUEUE||1145678904|1",
        f"{T + 304}|c4|atc_ventas|Ana|CONNECT|4|c4b|1",
        f"{T + 337}|c4|atc_ventas|Ana|ATTENDEDTRANSFER|BRIDGE|b-17|4|33|1",
        f"{T + 400}|c5|atc_ventas|NONE|ENTERQUEUE||1145678905|1",
        f"{T + 412}|c5|atc_ventas|NONE|EXITWITHKEY|5|1|1|12",
        f"{T + 500}|c6|atc_ventas|NONE|ENTERQUEUE||1145678906|1",
        f"{T + 503}|c6|atc_ventas|NONE|EXITEMPTY|1|1|3",
        f"{T + 600}|c7|atc_ventas|NONE|ENTERQUEUE||1145678907|1",
        f"{T + 640}|c7|atc_ventas|NONE|WITHDRAW|1|1|40|moved by supervisor",
    ]) + "\n")
    # non-adaptive realtime: the data string unsplit in one `data` column (local time)
    (landing / "rt.csv").write_text(
        "id,time,callid,queuename,agent,event,data\n"
        "1,2024-03-01 11:00:00,r1,hd_internet,NONE,ENTERQUEUE,|1145678908|1\n"
        "2,2024-03-01 11:00:09,r1,hd_internet,Bea,CONNECT,9|r1b|2\n"
        "3,2024-03-01 11:02:09,r1,hd_internet,Bea,COMPLETECALLER,9|120|1\n"
    )
    config = root / "contract.yml"
    config.write_text(
        settings.config_path().read_text()
        .replace("realtime_time_zone: UTC", "realtime_time_zone: America/Argentina/Buenos_Aires")
    )
    path = root / "wh.duckdb"
    build_warehouse(path, landing, config)
    return path


def test_each_version_form_rebuilds_the_call(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as db:
        rows = {r[0]: r[1:] for r in db.execute(
            "select callid, outcome, wait_seconds, talk_seconds, is_transferred, "
            "cast(entered_at_local as varchar) from fct_calls").fetchall()}
    assert rows["c1"][:4] == ("answered", 5.0, 60.0, True)
    assert rows["c2"][:4] == ("timeout", 30.0, None, False)  # 1.4 logs no wait: the clock's
    assert rows["c3"][:4] == ("answered", 7.0, 90.0, True)
    assert rows["c4"][:4] == ("answered", 4.0, 33.0, True)
    assert rows["c5"][:4] == ("exit_with_key", 12.0, None, False)
    assert rows["c6"][:4] == ("exit_empty", 3.0, None, False)
    assert rows["c7"][:4] == ("withdrawn", 40.0, None, False)
    assert rows["r1"] == ("answered", 9.0, 120.0, False, "2024-03-01 11:00:00")


def test_system_exits_count_as_unanswered_by_system(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as db:
        row = db.execute(
            "select offered, answered, abandoned, unanswered_by_system, handled_calls, aht_seconds "
            "from kpi_line_daily where line_code = 'atc' and report_date = '2024-03-01'").fetchone()
    # 7 offered; 3 answered (talk 60, 90, 33); timeout, exit key, exit empty, withdraw
    assert row == (7, 3, 0, 4, 3, 61.0)
