"""An independent calculation of the inbound KPIs straight from queue_log text, written
from DESIGN.md §5 without the loader or the SQL models, to check the warehouse against.

Deliberately plain Python (this is a test oracle, not the product's hot path)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("America/Argentina/Buenos_Aires")
END_EVENTS = {"COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY",
              "EXITEMPTY", "BLINDTRANSFER", "ATTENDEDTRANSFER", "TRANSFER", "WITHDRAW"}


def read_events(files: list[Path]) -> list[tuple]:
    events = []
    for path in files:
        for raw in path.read_bytes().split(b"\n"):
            if not raw or b"\x00" in raw:
                continue
            parts = raw.decode("utf-8", errors="replace").rstrip("\r").split("|")
            if len(parts) < 5 or not parts[0].isdigit():
                continue
            events.append((int(parts[0]), parts[1], parts[2], parts[3], parts[4], parts[5:]))
    events.sort(key=lambda e: e[0])  # stable: file order kept within a second
    return events


def calls_from_events(events: list[tuple], lost_after_minutes: int = 240) -> list[dict]:
    """One dict per queue entry, in the order the entries were logged. Events go to the
    latest entry of their (call id, queue). An entry with neither a CONNECT nor an ending
    event is pending while the log's last line is less than `lost_after_minutes` after it
    entered, a lost record from then on."""
    calls, open_calls = [], {}
    for epoch, callid, queue, _agent, event, data in events:
        key = (callid, queue)
        if event == "ENTERQUEUE":
            call = {"callid": callid, "queue": queue, "entered": epoch, "outcome": "unknown",
                    "wait": None, "talk": None, "ended": False,
                    "caller": data[1] if len(data) > 1 else ""}
            calls.append(call)
            open_calls[key] = call
            continue
        call = open_calls.get(key)
        if call is None:
            continue
        if event in END_EVENTS:
            call["ended"] = True
        if event == "CONNECT":
            call["outcome"], call["wait"] = "answered", int(data[0])
        elif event in ("COMPLETEAGENT", "COMPLETECALLER"):
            call["talk"] = int(data[1])
        elif event in ("BLINDTRANSFER", "TRANSFER"):
            call["talk"] = int(data[3])
        elif event == "ATTENDEDTRANSFER":
            # BRIDGE|id|hold|talk|pos, APP|app|hold|talk|pos, LINK|chan1|chan2|hold|talk|pos
            call["talk"] = int(data[4] if data[0] == "LINK" else data[3])
        elif event == "ABANDON":
            call["outcome"], call["wait"] = "abandoned", int(data[2])
        elif event in ("EXITWITHTIMEOUT", "EXITEMPTY", "WITHDRAW"):
            call["outcome"], call["wait"] = "system", int(data[2]) if len(data) > 2 else None
        elif event == "EXITWITHKEY":
            call["outcome"], call["wait"] = "system", int(data[3])
    last_line = max((e[0] for e in events), default=0)
    for call in calls:
        if call["outcome"] == "unknown" and not call["ended"]:
            still_open = last_line - call["entered"] < lost_after_minutes * 60
            call["outcome"] = "pending" if still_open else "lost_record"
    return calls


def line_contacts(calls: list[dict], queue_to_line: dict, unmapped: str) -> list[dict]:
    """Entries of one call into queues of the same line, one after the other, are one
    contact of that line (docs/contract_defaults.md, "Calls that move between queues"):
    answered if any entry was; its wait the entries' waits up to the first answer (all of
    them if none); its talk every answered entry's talk; pending or lost when an entry up
    to the one that decides it is."""
    by_call: dict[str, list[dict]] = defaultdict(list)
    for call in calls:
        by_call[call["callid"]].append(call)
    contacts = []
    for entries in by_call.values():
        runs: list[list[dict]] = []
        for entry in entries:
            line = queue_to_line.get(entry["queue"], unmapped)
            if runs and runs[-1][0]["line"] == line:
                runs[-1].append({**entry, "line": line})
            else:
                runs.append([{**entry, "line": line}])
        for run in runs:
            answered = [i for i, e in enumerate(run) if e["outcome"] == "answered"]
            upto = run[: answered[0] + 1] if answered else run
            outcomes = {e["outcome"] for e in upto}
            if "lost_record" in outcomes:
                outcome = "lost_record"
            elif "pending" in outcomes:
                outcome = "pending"
            else:
                outcome = "answered" if answered else run[-1]["outcome"]
            waits = [e["wait"] for e in upto]
            talks = [run[i]["talk"] for i in answered]
            contacts.append({
                "line": run[0]["line"], "entered": run[0]["entered"], "outcome": outcome,
                "callid": run[0]["callid"], "caller": run[0]["caller"],
                "wait": None if outcome in ("pending", "lost_record") or None in waits else sum(waits),
                "talk": sum(talks) if answered and None not in talks else None,
            })
    return contacts


def daily_kpis(calls: list[dict], queue_to_line: dict, unmapped: str, lines: dict) -> dict:
    """{(line, date): {...}} with lines[line] = (sl_seconds, short_seconds), counted per
    line contact on the day of its first entry."""
    acc = defaultdict(lambda: defaultdict(float))
    for contact in line_contacts(calls, queue_to_line, unmapped):
        line = contact["line"]
        day = datetime.fromtimestamp(contact["entered"], tz=UTC).astimezone(LOCAL).date()
        sl_seconds, short_seconds = lines[line]
        a = acc[(line, day)]
        if contact["outcome"] == "pending":
            a["pending"] += 1
            continue
        if contact["outcome"] == "lost_record":
            a["lost"] += 1
            continue
        a["offered"] += 1
        if contact["outcome"] == "answered":
            a["answered"] += 1
            a["wait"] += contact["wait"]
            a["within"] += contact["wait"] <= sl_seconds
            if contact["talk"] is not None:
                a["handled"] += 1
                a["talk"] += contact["talk"]
        elif contact["outcome"] == "abandoned":
            a["abandoned"] += 1
            a["short"] += contact["wait"] < short_seconds
        elif contact["outcome"] == "system":
            a["system"] += 1
    out = {}
    for key, a in acc.items():
        denominator = a["offered"] - a["short"]
        out[key] = {
            "offered": a["offered"], "answered": a["answered"], "abandoned": a["abandoned"],
            "short_abandoned": a["short"], "unanswered_by_system": a["system"],
            "pending_calls": a["pending"], "lost_records": a["lost"],
            "service_level": a["within"] / denominator if denominator else None,
            "asa_seconds": a["wait"] / a["answered"] if a["answered"] else None,
            "abandon_rate": (a["abandoned"] - a["short"]) / denominator if denominator else None,
            "aht_seconds": a["talk"] / a["handled"] if a["handled"] else None,
        }
    return out


def repeat_contacts(calls: list[dict], queue_to_line: dict, unmapped: str, repeat_days: dict,
                    withheld: set[str]) -> dict:
    """{(line, date): {"answered_identified": n, "repeat_contacts": m}}. An answered line
    contact is a repeat when the same caller calls the same line again (another call id)
    within repeat_days[line] days of it; a withheld caller id (compared trimmed, in lower
    case) names nobody: such a contact is neither identified nor a repeat."""
    contacts = line_contacts(calls, queue_to_line, unmapped)
    firsts: dict[tuple, dict] = {}
    for contact in contacts:
        caller = contact["caller"].strip().lower()
        if caller in withheld:
            continue
        key = (contact["line"], caller)
        calls_of = firsts.setdefault(key, {})
        calls_of[contact["callid"]] = min(calls_of.get(contact["callid"], contact["entered"]), contact["entered"])
    acc = defaultdict(lambda: {"answered_identified": 0, "repeat_contacts": 0})
    for contact in contacts:
        caller = contact["caller"].strip().lower()
        if contact["outcome"] != "answered" or caller in withheld:
            continue
        day = datetime.fromtimestamp(contact["entered"], tz=UTC).astimezone(LOCAL).date()
        a = acc[(contact["line"], day)]
        a["answered_identified"] += 1
        own = firsts[(contact["line"], caller)]
        later = [at for callid, at in own.items() if callid != contact["callid"] and at >= contact["entered"]]
        if later and min(later) - contact["entered"] <= repeat_days[contact["line"]] * 86400:
            a["repeat_contacts"] += 1
    return dict(acc)
