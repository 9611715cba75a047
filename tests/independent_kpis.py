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


def calls_from_events(events: list[tuple]) -> list[dict]:
    calls, open_calls = [], {}
    for epoch, callid, queue, _agent, event, data in events:
        key = (callid, queue)
        if event == "ENTERQUEUE":
            call = {"callid": callid, "queue": queue, "entered": epoch, "outcome": "unknown",
                    "wait": None, "talk": None}
            calls.append(call)
            open_calls[key] = call
            continue
        call = open_calls.get(key)
        if call is None:
            continue
        if event == "CONNECT":
            call["outcome"], call["wait"] = "answered", int(data[0])
        elif event in ("COMPLETEAGENT", "COMPLETECALLER"):
            call["talk"] = int(data[1])
        elif event in ("BLINDTRANSFER", "TRANSFER"):
            call["talk"] = int(data[3])
        elif event == "ABANDON":
            call["outcome"], call["wait"] = "abandoned", int(data[2])
        elif event in ("EXITWITHTIMEOUT", "EXITEMPTY", "WITHDRAW"):
            call["outcome"], call["wait"] = "system", int(data[2]) if len(data) > 2 else None
        elif event == "EXITWITHKEY":
            call["outcome"], call["wait"] = "system", int(data[3])
    return calls


def daily_kpis(calls: list[dict], queue_to_line: dict, unmapped: str, lines: dict) -> dict:
    """{(line, date): {...}} with lines[line] = (sl_seconds, short_seconds)."""
    acc = defaultdict(lambda: defaultdict(float))
    for call in calls:
        line = queue_to_line.get(call["queue"], unmapped)
        day = datetime.fromtimestamp(call["entered"], tz=UTC).astimezone(LOCAL).date()
        sl_seconds, short_seconds = lines[line]
        a = acc[(line, day)]
        a["offered"] += 1
        if call["outcome"] == "answered":
            a["answered"] += 1
            a["wait"] += call["wait"]
            a["within"] += call["wait"] <= sl_seconds
            if call["talk"] is not None:
                a["handled"] += 1
                a["talk"] += call["talk"]
        elif call["outcome"] == "abandoned":
            a["abandoned"] += 1
            a["short"] += call["wait"] < short_seconds
        elif call["outcome"] == "system":
            a["system"] += 1
    out = {}
    for key, a in acc.items():
        denominator = a["offered"] - a["short"]
        out[key] = {
            "offered": a["offered"], "answered": a["answered"], "abandoned": a["abandoned"],
            "short_abandoned": a["short"], "unanswered_by_system": a["system"],
            "service_level": a["within"] / denominator if denominator else None,
            "asa_seconds": a["wait"] / a["answered"] if a["answered"] else None,
            "abandon_rate": (a["abandoned"] - a["short"]) / denominator if denominator else None,
            "aht_seconds": a["talk"] / a["handled"] if a["handled"] else None,
        }
    return out
