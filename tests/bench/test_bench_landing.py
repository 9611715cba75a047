"""Cutting one simulation into the year, the next day and the live day's queue_log."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bench.landing import add_day, cut_sorted_tail, day_only_landing, live_parts, queue_log_name, set_aside

DAY = date(2026, 7, 1)


def cdr_row(uniqueid: str, end: str) -> str:
    # 18 cdr_csv fields; `lastdata` holds commas, `answer` may be empty and unquoted
    return (f'"","11","0810","from-pstn","""x"" <11>","SIP/trunk-1","","Queue","q,t,,,300",'
            f'"{end[:10]} 00:00:00",,"{end}",1,0,"ANSWERED","DOCUMENTATION","{uniqueid}",""\n')


def uniqueids(path) -> list[str]:
    return re.findall(r'"(1\.\d)"', path.read_text())


@pytest.fixture
def landing(tmp_path):
    root = tmp_path / "landing"
    for folder, name in [("queue_log", "queue_log-20260630"), ("queue_log", "queue_log-20260701"),
                         ("queue_log", "queue_log-20260702"), ("crm", "cases-20260630.csv"),
                         ("crm", "cases-20260701.csv"), ("social/twitter", "search-20260701.jsonl")]:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(f"{name}\n")
    (root / "cdr").mkdir()
    (root / "cdr" / "Master.csv").write_text(
        cdr_row("1.1", "2026-06-30 10:00:00") + cdr_row("1.2", "2026-06-30 23:59:59")
        + cdr_row("1.3", "2026-07-01 00:00:05") + cdr_row("1.4", "2026-07-02 09:00:00"))
    (root / "outages").mkdir()
    (root / "outages" / "outages.csv").write_text(
        "outage_id,start_local,end_local,area,services\n"
        "OUT-1,2026-06-29 10:00:00,2026-06-29 12:00:00,Centro,catv\n"
        'OUT-2,2026-07-01 13:00:00,2026-07-01 15:00:00,"Tres, de Febrero",internet;catv\n')
    return root


def test_a_sorted_files_tail_is_cut_off_reading_only_its_end(tmp_path):
    path = tmp_path / "sorted.txt"
    path.write_bytes(b"".join(f"{i:04d}\n".encode() for i in range(1000)))
    tail = cut_sorted_tail(path, lambda line: int(line) >= 990, block=64)
    assert tail == b"".join(f"{i:04d}\n".encode() for i in range(990, 1000))
    assert path.read_bytes().endswith(b"0989\n") and len(path.read_bytes()) == 990 * 5
    assert cut_sorted_tail(path, lambda line: True, block=16) == b"".join(f"{i:04d}\n".encode() for i in range(990))
    assert path.read_bytes() == b""


def test_later_days_are_set_aside_then_arrive_one_by_one(landing, tmp_path):
    later = tmp_path / "later"
    set_aside(landing, later, DAY)
    assert sorted(str(p.relative_to(landing)) for p in landing.rglob("*") if p.is_file()) == [
        "cdr/Master.csv", "crm/cases-20260630.csv", "outages/outages.csv", "queue_log/queue_log-20260630"]
    assert uniqueids(landing / "cdr" / "Master.csv") == ["1.1", "1.2"]
    assert "OUT-2" not in (landing / "outages" / "outages.csv").read_text()

    empty = tmp_path / "empty"
    day_only_landing(landing, later, DAY, empty)
    assert sorted(str(p.relative_to(empty)) for p in empty.rglob("*") if p.is_file()) == [
        "cdr/Master.csv", "crm/cases-20260701.csv", "outages/outages.csv", "queue_log/queue_log-20260701",
        "social/twitter/search-20260701.jsonl"]
    assert uniqueids(empty / "cdr" / "Master.csv") == ["1.3"]
    assert (empty / "outages" / "outages.csv").read_text().splitlines()[0].startswith("outage_id,")

    changed = add_day(landing, later, DAY)
    assert sorted(changed) == ["cdr/Master.csv", "crm/cases-20260701.csv", "outages/outages.csv",
                               "queue_log/queue_log-20260701", "social/twitter/search-20260701.jsonl"]
    assert uniqueids(landing / "cdr" / "Master.csv") == ["1.1", "1.2", "1.3"]
    assert (landing / "outages" / "outages.csv").read_text().count("OUT-") == 2
    assert not (landing / queue_log_name(date(2026, 7, 2))).exists()


def test_the_live_queue_log_is_read_at_the_cut_then_appended_to(tmp_path):
    later = tmp_path / "later"
    (later / "queue_log").mkdir(parents=True)
    lines = [f"{1782900000 + 10 * i}|c{i}|q|NONE|ENTERQUEUE||1|1\n" for i in range(10)]
    (later / queue_log_name(DAY)).write_text("".join(lines))
    prefix, appended = live_parts(later, DAY, 1782900040, 3)
    assert prefix.decode() == "".join(lines[:4]) and appended.decode() == "".join(lines[4:7])
    with pytest.raises(ValueError, match="only 6 lines after the live cut, 7 wanted"):
        live_parts(later, DAY, 1782900040, 7)
