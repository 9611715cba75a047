"""The bench's probes: a stage's child process and the serving-copy visibility check."""

from __future__ import annotations

import sys

import duckdb
import pytest

from bench.process import StageFailed, child_reports, run_stage
from bench.visibility import expectations, missing


def test_a_stage_reports_its_time_memory_and_own_figures(tmp_path):
    code = "x = bytearray(64 * 2**20); print('hello'); print('BENCH {\"seconds\": 1.5, \"rows\": 3}')"
    result = run_stage("probe", [sys.executable, "-c", code], {}, tmp_path, tmp_path / "logs" / "probe.log")
    assert result.seconds == 1.5 and result.extra == {"rows": 3}
    assert result.peak_mb >= result.max_rss_mb >= 64 and result.process_seconds > 0
    assert "hello" in (tmp_path / "logs" / "probe.log").read_text()
    assert child_reports("BENCH {\"a\": 1}\nBENCH {\"a\": 2, \"b\": 3}\n") == {"a": 2, "b": 3}


def test_a_failing_stage_names_itself_and_its_log(tmp_path):
    with pytest.raises(StageFailed, match=r"stage broken failed: exit status 3; log: .*broken\.log"):
        run_stage("broken", [sys.executable, "-c", "raise SystemExit(3)"], {}, tmp_path, tmp_path / "broken.log")


def test_appended_lines_are_visible_only_when_every_call_event_is_published(tmp_path):
    lines = [
        "1782900000|NONE|NONE|NONE|QUEUESTART|",
        "1782900001|c1|q1|NONE|ENTERQUEUE||1100|1",
        "1782900005|c1|q1|SIP/2101|CONNECT|4|c1.2|3",
        "1782900009|c0|q2|NONE|ABANDON|1|1|30",
        "1782900010|c1|q1|SIP/2101|COMPLETECALLER|4|5|1",
        "1782900011|c1|q1|SIP/2101|RINGNOANSWER|1000",
    ]
    expected = expectations(lines)
    assert expected == [("c0", "q2", "ended"), ("c1", "q1", "answered"), ("c1", "q1", "ended"),
                        ("c1", "q1", "entered")]
    serving = tmp_path / "serving.duckdb"
    assert missing(serving, expected) == 4
    con = duckdb.connect(str(serving))
    con.execute("create table fct_calls (direction varchar, callid varchar, queue_name varchar, "
                "answered_at_local timestamp, ended_at_local timestamp)")
    con.execute("insert into fct_calls values ('inbound', 'c0', 'q2', null, null), "
                "('inbound', 'c1', 'q1', null, null)")
    con.close()
    assert missing(serving, expected) == 3
    con = duckdb.connect(str(serving))
    con.execute("update fct_calls set answered_at_local = '2026-07-01 10:00:05', ended_at_local = "
                "'2026-07-01 10:00:10' where callid = 'c1'")
    con.execute("update fct_calls set ended_at_local = '2026-07-01 10:00:09' where callid = 'c0'")
    con.close()
    assert missing(serving, expected) == 0
