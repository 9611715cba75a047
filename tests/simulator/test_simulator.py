"""Tests of the call-center simulator: the files it writes must look and behave like a
real Asterisk queue_log (format, call life cycles, agent states, daily rotation)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from simulator import generate, outages_csv_path
from simulator.contract import load_contract

ROOT = Path(__file__).resolve().parents[2]

BA = timezone(timedelta(hours=-3))  # Buenos Aires, no DST since 2009
SEED = 20130527
END = date(
    2026, 9, 18
)  # with this seed, the one outage of the 14 days falls on Fri 2026-09-18
DAYS = 14

# data fields of each event (Asterisk 13+ forms; SPEC.md); a line without data has one empty field
DATA_FIELDS = {
    "ENTERQUEUE": 3,
    "CONNECT": 3,
    "COMPLETEAGENT": 3,
    "COMPLETECALLER": 3,
    "ABANDON": 3,
    "EXITWITHTIMEOUT": 3,
    "EXITWITHKEY": 4,
    "RINGNOANSWER": 1,
    "BLINDTRANSFER": 5,
    "ATTENDEDTRANSFER": 5,
    "ADDMEMBER": 1,
    "REMOVEMEMBER": 1,
    "PAUSE": 1,
    "UNPAUSE": 1,
    "PAUSEALL": 1,
    "UNPAUSEALL": 1,
    "QUEUESTART": 1,
    "CONFIGRELOAD": 1,
    "DID": 1,
}
TERMINAL = {
    "COMPLETEAGENT",
    "COMPLETECALLER",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITWITHKEY",
    "BLINDTRANSFER",
    "ATTENDEDTRANSFER",
}
TRANSFERS = ("BLINDTRANSFER", "ATTENDEDTRANSFER")
LINE_RE = re.compile(r"^(\d+)\|([^|]*)\|([^|]*)\|([^|]*)\|([A-Z]+)\|(.*)$")
CALLID_RE = re.compile(r"^(\d+)\.(\d+)$")
PAUSE_REASONS = {"Break", "Almuerzo", "Capacitacion", "Baño"}


def read_log(out_dir: Path) -> list[tuple]:
    """All lines of all files, in file then line order: (file_day, epoch, callid, queue, agent, event, data)."""
    rows = []
    for path in sorted(out_dir.glob("queue_log-*")):
        day = datetime.strptime(path.name[len("queue_log-") :], "%Y%m%d").date()
        raw = path.read_bytes()
        assert raw.endswith(b"\n"), path
        for n, line in enumerate(raw.decode("utf-8").split("\n")[:-1], 1):
            m = LINE_RE.match(line)
            assert m, f"{path.name}:{n}: {line!r}"
            epoch, callid, queue, agent, event, data = m.groups()
            rows.append((day, int(epoch), callid, queue, agent, event, data.split("|")))
    return rows


def calls_by_id(rows) -> dict[str, dict]:
    calls: dict[str, dict] = defaultdict(lambda: {"events": []})
    for day, epoch, callid, queue, agent, event, data in rows:
        if CALLID_RE.match(callid):
            calls[callid]["events"].append((day, epoch, queue, agent, event, data))
    return calls


def entries_of(call: dict) -> list[list[tuple]]:
    """The call's queue entries: its events split at each ENTERQUEUE (a DID line goes
    with the ENTERQUEUE after it)."""
    entries: list[list[tuple]] = []
    pending: list[tuple] = []
    for e in call["events"]:
        if e[4] == "DID":
            pending.append(e)
        elif e[4] == "ENTERQUEUE" or not entries:
            entries.append([*pending, e])
            pending = []
        else:
            entries[-1].append(e)
    return entries


def crash_epochs(rows) -> list[int]:
    return [r[1] for r in rows if r[5] == "QUEUESTART"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim") / "queue_log"
    summary = generate(out, days=DAYS, end=END, seed=SEED, outage_days=1, crashes=1)
    rows = read_log(out)
    return out, summary, rows, calls_by_id(rows)


@pytest.fixture(scope="module")
def lines_of_queue():
    return {q: line.code for line in load_contract().lines for q in line.queues}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = generate(
        tmp_path / "a" / "queue_log", days=3, end=END, seed=SEED, outage_days=1
    )
    b = generate(
        tmp_path / "b" / "queue_log", days=3, end=END, seed=SEED, outage_days=1
    )
    c = generate(
        tmp_path / "c" / "queue_log", days=3, end=END, seed=SEED + 1, outage_days=1
    )
    assert a["files"] == b["files"] and len(a["files"]) >= 3
    for name in a["files"]:
        assert (tmp_path / "a" / "queue_log" / name).read_bytes() == (
            tmp_path / "b" / "queue_log" / name
        ).read_bytes()
    assert Path(a["outages_csv"]).read_bytes() == Path(b["outages_csv"]).read_bytes()
    assert any(
        (tmp_path / "a" / "queue_log" / n).read_bytes()
        != (tmp_path / "c" / "queue_log" / n).read_bytes()
        for n in c["files"]
        if n in a["files"]
    )


def test_every_line_has_the_asterisk_layout(run, lines_of_queue):
    _, summary, rows, _ = run
    assert len(rows) > 10_000
    events = Counter(r[5] for r in rows)
    assert set(events) <= set(DATA_FIELDS), set(events) - set(DATA_FIELDS)
    for ev in (
        "ENTERQUEUE",
        "CONNECT",
        "COMPLETEAGENT",
        "COMPLETECALLER",
        "ABANDON",
        "RINGNOANSWER",
        "BLINDTRANSFER",
        "ATTENDEDTRANSFER",
        "EXITWITHTIMEOUT",
        "ADDMEMBER",
        "REMOVEMEMBER",
        "PAUSEALL",
        "PAUSE",
        "UNPAUSEALL",
        "UNPAUSE",
        "DID",
    ):
        assert events[ev] > 0, ev
    prev_epoch = {}
    for day, epoch, callid, queue, agent, event, data in rows:
        assert len(data) == DATA_FIELDS[event], (event, data)
        # each file holds its local day; the very last one is the tail after the last midnight
        assert datetime.fromtimestamp(epoch, BA).date() == day
        assert epoch >= prev_epoch.get(day, 0)
        prev_epoch[day] = epoch
        assert queue == "NONE" or queue in lines_of_queue, queue
        if event in ("QUEUESTART", "CONFIGRELOAD"):
            assert (callid, queue, agent, data) == ("NONE", "NONE", "NONE", [""])
        elif event in ("ADDMEMBER", "REMOVEMEMBER"):
            assert callid == "MANAGER" and queue != "NONE" and agent != "NONE"
            assert data[0] in (("", "PAUSED") if event == "ADDMEMBER" else ("",))
        elif event in ("PAUSEALL", "UNPAUSEALL"):
            assert callid == "NONE" and queue == "NONE" and agent != "NONE"
        elif event in ("PAUSE", "UNPAUSE"):
            assert callid == "NONE" and queue != "NONE"
        else:
            assert CALLID_RE.match(callid), callid
            assert queue != "NONE"
            assert (agent == "NONE") == (
                event
                in ("ENTERQUEUE", "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "DID")
            )
        if event == "ENTERQUEUE":
            assert (
                data[0] == ""
                and re.fullmatch(r"11\d{8}|anonymous|Restricted|", data[1])
                and int(data[2]) >= 1
            )
        if event in (
            "CONNECT",
            "COMPLETEAGENT",
            "COMPLETECALLER",
            "ABANDON",
            "EXITWITHTIMEOUT",
        ):
            assert all(re.fullmatch(r"\d+", x) for x in (data[0], data[2]))
        if event == "RINGNOANSWER":
            assert 0 <= int(data[0]) <= 15000
    agents = {r[4] for r in rows if r[5] == "CONNECT"}
    assert any(not a.isascii() for a in agents), (
        "expected names such as Lucía or Martín"
    )
    assert summary["files"][-1] == f"queue_log-{END + timedelta(days=1):%Y%m%d}"


def test_every_queue_entry_has_exactly_one_terminal_event(run, lines_of_queue):
    """One ending per queue entry, nothing after the last one. A call enters a second queue
    only at the second it left the first: an overflow after EXITWITHTIMEOUT into another
    queue of the same line, or a transfer of an answered call into another line's queue.
    The only entries with no ending are those a PBX crash cut (the day's QUEUESTART)."""
    _, summary, rows, calls = run
    crashes = crash_epochs(rows)
    assert len(summary["crashes"]) == 1
    entered = cut = overflows = transfers = 0
    for callid, c in calls.items():
        entries = entries_of(c)
        for i, entry in enumerate(entries):
            evs = [e[4] for e in entry]
            assert evs.count("ENTERQUEUE") == 1, (callid, evs)
            entered += 1
            terminals = [e for e in entry if e[4] in TERMINAL]
            if not terminals:
                cut += 1
                assert i == len(entries) - 1, (callid, evs)
                assert any(entry[-1][1] <= t < entry[0][1] + 86400 for t in crashes), (callid, evs)
                continue
            assert len(terminals) == 1 and evs[-1] in TERMINAL, (callid, evs)
            if i + 1 < len(entries):
                nxt = next(e for e in entries[i + 1] if e[4] == "ENTERQUEUE")
                assert nxt[1] == terminals[0][1], callid
                same_line = lines_of_queue[nxt[2]] == lines_of_queue[entry[0][2]]
                if terminals[0][4] == "EXITWITHTIMEOUT":
                    assert same_line and nxt[2] != entry[0][2], callid
                    overflows += 1
                else:
                    assert terminals[0][4] in TRANSFERS and not same_line, callid
                    transfers += 1
        assert int(CALLID_RE.match(callid).group(1)) <= entries[0][0][1]
    assert entered == summary["calls"]
    assert overflows > 20 and transfers > 50 and cut > 0


def test_connect_holdtime_and_durations_match_the_epochs(run):
    _, _, _, calls = run
    checked = 0
    for callid, c in calls.items():
        for entry in entries_of(c):
            by_event = {e[4]: e for e in entry}
            enter = by_event["ENTERQUEUE"]
            origpos = enter[5][2]
            ends = [e for e in entry if e[4] in TERMINAL]
            if not ends:
                continue  # cut by a crash
            end = ends[0]
            if "CONNECT" in by_event:
                conn = by_event["CONNECT"]
                hold = int(conn[5][0])
                assert abs(hold - (conn[1] - enter[1])) <= 1, callid
                assert CALLID_RE.match(conn[5][1]) and conn[5][1] != callid
                assert end[3] == conn[3]  # the agent who answered ends the call
                if end[4] == "BLINDTRANSFER":
                    _exten, _context, e_hold, talk, e_orig = end[5]
                elif end[4] == "ATTENDEDTRANSFER":
                    kind, bridge, e_hold, talk, e_orig = end[5]
                    assert kind == "BRIDGE" and bridge
                else:
                    e_hold, talk, e_orig = end[5]
                assert int(e_hold) == hold and e_orig == origpos
                assert abs(int(talk) - (end[1] - conn[1])) <= 1
                checked += 1
            else:
                assert end[4] in ("ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY")
                wait = int(end[5][-1])
                assert abs(wait - (end[1] - enter[1])) <= 1
                assert end[5][-2] == origpos
    assert checked > 1000


def test_no_agent_talks_on_two_calls_at_once(run):
    _, _, rows, _ = run
    talking: dict[str, str] = {}
    connects = 0
    for _, _, callid, _, agent, event, _ in rows:
        if event == "CONNECT":
            assert agent not in talking, (agent, talking.get(agent), callid)
            talking[agent] = callid
            connects += 1
        elif event in ("COMPLETEAGENT", "COMPLETECALLER", *TRANSFERS):
            assert talking.pop(agent) == callid
        elif event == "QUEUESTART":
            talking.clear()  # a crash cuts every call: their ends are never logged
    assert connects > 1000 and not talking


def test_paused_or_logged_out_agent_gets_no_connect(run, lines_of_queue):
    _, _, rows, _ = run
    member: dict[tuple[str, str], bool] = {}
    paused: dict[tuple[str, str], bool] = {}
    queues_of_line = defaultdict(list)
    for q, line in lines_of_queue.items():
        queues_of_line[line].append(q)
    for i, (_, _epoch, callid, queue, agent, event, data) in enumerate(rows):
        key = (agent, queue)
        if event == "ADDMEMBER":
            assert not member.get(key), key
            member[key], paused[key] = True, data[0] == "PAUSED"
        elif event == "REMOVEMEMBER":
            assert member.pop(key), key
        elif event in ("PAUSEALL", "UNPAUSEALL"):
            # Asterisk logs the per-queue lines right after, with the same reason
            follow = rows[
                i + 1 : i
                + 1
                + len(
                    member_queues := [
                        q for (a, q), m in member.items() if a == agent and m
                    ]
                )
            ]
            assert member_queues, (agent, event)
            assert {r[3] for r in follow} == set(member_queues)
            assert all(
                r[4] == agent and r[5] == event[:-3] and r[6] == data for r in follow
            )
            if event == "PAUSEALL":
                assert data[0] in PAUSE_REASONS
        elif event in ("PAUSE", "UNPAUSE"):
            assert member.get(key), key
            paused[key] = event == "PAUSE"
        elif event == "CONNECT":
            assert member.get(key), ("not a member", key, callid)
            assert not paused[key], ("paused", key, callid)
    # an agent belongs to one line and is a member of all its queues
    line_of_agent = defaultdict(set)
    for _, _, _, queue, agent, event, _ in rows:
        if event == "ADDMEMBER":
            line_of_agent[agent].add(lines_of_queue[queue])
    assert all(len(lines) == 1 for lines in line_of_agent.values())


def test_a_call_crosses_midnight_into_the_next_file(run):
    _, _, _, calls = run
    crossing = 0
    for c in calls.values():
        days = [e[0] for e in c["events"]]
        if days[0] != days[-1]:
            assert days[-1] == days[0] + timedelta(days=1)
            crossing += 1
    assert crossing >= 1


def test_a_live_log_ends_with_calls_in_progress(tmp_path):
    """live_until: the day after END is the live log as read at 10:30 local, nothing at or
    after that second; calls then waiting or talking have no ending line."""
    out = tmp_path / "queue_log"
    summary = generate(out, days=2, end=END, seed=SEED, outage_days=0, crashes=0,
                       live_until="10:30", sources=False)
    live = END + timedelta(days=1)
    cut = datetime(live.year, live.month, live.day, 10, 30, tzinfo=BA).timestamp()
    assert summary["live_until"] == f"{live} 10:30"
    assert summary["files"][-1] == f"queue_log-{live:%Y%m%d}"
    rows = read_log(out)
    assert max(r[1] for r in rows) < cut
    assert max(r[1] for r in rows) > cut - 600  # the morning is busy
    in_progress = 0
    for c in calls_by_id(rows).values():
        for entry in entries_of(c):
            if not any(e[4] in TERMINAL for e in entry):
                in_progress += 1
                assert entry[0][1] > cut - 4 * 3600
    assert in_progress > 5
    enterqueues = sum(r[5] == "ENTERQUEUE" for r in rows)
    assert enterqueues == summary["calls"]


def test_callers_come_back_within_days(run):
    _, _, rows, _ = run
    days_of = defaultdict(set)
    for day, _, _, _, _, event, data in rows:
        if event == "ENTERQUEUE" and data[1].isdigit():
            days_of[data[1]].add(day)
    repeaters = [n for n, d in days_of.items() if len(d) >= 2]
    assert len(repeaters) > 100


def _helpdesk_day(calls, lines_of_queue, day):
    """(offered, service level at the line's threshold) of a local day, from the files."""
    threshold = {line.code: line.service_level_seconds for line in load_contract().lines}[
        "helpdesk"
    ]
    offered = answered_in = 0
    for c in calls.values():
        enter = c["events"][0] if c["events"][0][4] == "ENTERQUEUE" else c["events"][1]
        if lines_of_queue[enter[2]] != "helpdesk" or enter[0] != day:
            continue
        offered += 1
        conn = [e for e in c["events"] if e[4] == "CONNECT"]
        answered_in += bool(conn) and int(conn[0][5][0]) <= threshold
    return offered, answered_in / offered


def test_outage_day_floods_the_help_desk(run, lines_of_queue, tmp_path):
    out, summary, _, calls = run
    csv_path = out.parent / "outages" / "outages.csv"
    assert csv_path == outages_csv_path(out) and csv_path.exists()
    with open(csv_path, encoding="utf-8") as fh:
        outages = list(csv.DictReader(fh))
    assert list(outages[0]) == [
        "outage_id",
        "start_local",
        "end_local",
        "area",
        "services",
    ]
    assert len(outages) == 1
    start = datetime.fromisoformat(outages[0]["start_local"])
    day = start.date()
    normal = day - timedelta(days=7)  # same weekday, no outage, neither is a holiday
    assert day == END and normal.weekday() == day.weekday()
    off_out, sl_out = _helpdesk_day(calls, lines_of_queue, day)
    off_norm, sl_norm = _helpdesk_day(calls, lines_of_queue, normal)
    assert off_out > 1.4 * off_norm
    assert sl_out < sl_norm - 0.2
    # and against the same day without the outage (same staffing, same calendar)
    calm = generate(
        tmp_path / "calm" / "queue_log", days=DAYS, end=END, seed=SEED, outage_days=0
    )
    assert (
        summary["daily"][day.isoformat()]["helpdesk"]["offered"]
        > 1.4 * calm["daily"][day.isoformat()]["helpdesk"]["offered"]
    )
    # the surge is the help desk's: customer care barely moves
    atc_out = summary["daily"][day.isoformat()]["atc"]["offered"]
    assert atc_out < 1.3 * calm["daily"][day.isoformat()]["atc"]["offered"]


def test_summary_counts_match_the_files(run, lines_of_queue):
    _, summary, rows, _ = run
    per_line = Counter(lines_of_queue[r[3]] for r in rows if r[5] == "ENTERQUEUE")
    assert {code: k["offered"] for code, k in summary["lines"].items()} == dict(
        per_line
    )
    for k in summary["lines"].values():
        assert 0.5 < k["service_level"] < 1.0 and 0.0 < k["abandon_rate"] < 0.2


def test_queue_names_come_from_the_contract_file(tmp_path, monkeypatch):
    doc = yaml.safe_load((ROOT / "config" / "contract.yml").read_text(encoding="utf-8"))
    doc["lines"]["atc"]["queues"] = ["cc_cobranzas", "cc_ventas"]
    doc["lines"]["helpdesk"]["queues"] = ["soporte_internet", "soporte_tv"]
    cfg = tmp_path / "contract.yml"
    cfg.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SLA_CONFIG", str(cfg))
    out = tmp_path / "queue_log"
    generate(out, days=1, end=END, seed=SEED, outage_days=0)
    queues = {r[3] for r in read_log(out)} - {"NONE"}
    assert queues == {"cc_cobranzas", "cc_ventas", "soporte_internet", "soporte_tv"}


def test_cli_writes_files_and_prints_a_summary(tmp_path):
    out = tmp_path / "landing" / "queue_log"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "--out",
            str(out),
            "--days",
            "2",
            "--end",
            "2026-09-10",
            "--seed",
            "5",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "helpdesk" in proc.stdout and "SL" in proc.stdout
    assert (out / "queue_log-20260909").exists() and (
        out / "queue_log-20260910"
    ).exists()
    assert (tmp_path / "landing" / "outages" / "outages.csv").exists()
    # the other sources of the same operation land next to the queue_log folder
    assert (tmp_path / "landing" / "cdr" / "Master.csv").stat().st_size > 0
    assert (tmp_path / "landing" / "crm" / "cases-20260910.csv").exists()
    assert (tmp_path / "landing" / "otrs" / "tickets-20260910.json").exists()
    assert (tmp_path / "landing" / "social" / "twitter" / "search-20260910.jsonl").exists()
    assert (tmp_path / "landing" / "social" / "facebook" / "feed-20260910.json").exists()
    assert "cdr/Master.csv" in proc.stdout and "crm/" in proc.stdout
