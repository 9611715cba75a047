"""Monthly SLA compliance, end to end, against an independent calculation from the files.

A simulated operation spanning two months (30 January - 2 February 2024) is built with a
test contract written here (not the shipped one): the help desk's service level is 80/20
with outage exclusion in January, and an amendment from February makes it 85/10. A
declared outage window is written by the test. The independent oracle reads the queue_log
text (tests/warehouse/independent_kpis.py), applies the terms and the window in plain Python, and
must agree with `sla_compliance_monthly` on both the raw and the adjusted figures.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from datetime import UTC, datetime

import duckdb
import pytest
import yaml

from ingestion import settings
from tests.conftest import build_warehouse
from tests.warehouse.independent_kpis import LOCAL, calls_from_events, line_contacts, read_events

OUTAGE = ("TEST-OUT-1", datetime(2024, 1, 31, 10, 0), datetime(2024, 1, 31, 12, 30))


def _contract(amended: bool) -> dict:
    data = yaml.safe_load(settings.config_path().read_text(encoding="utf-8"))
    data["versions"] = [{"version": "v1 test", "effective_from": dt.date(2024, 1, 1), "description": "base"}]
    helpdesk = [
        {"metric": "service_level", "threshold_seconds": 20, "target": 0.80, "outage_exclusion": True,
         "effective_from": dt.date(2024, 1, 1)},
        {"metric": "abandon_rate", "target": 0.07, "outage_exclusion": True, "effective_from": dt.date(2024, 1, 1)},
        {"metric": "average_speed_of_answer", "target": 25, "outage_exclusion": False,
         "effective_from": dt.date(2024, 1, 1)},
    ]
    if amended:
        data["versions"].append({"version": "v2 adenda", "effective_from": dt.date(2024, 2, 1),
                                 "description": "85/10"})
        helpdesk.append({"metric": "service_level", "threshold_seconds": 10, "target": 0.85,
                         "outage_exclusion": True, "effective_from": dt.date(2024, 2, 1)})
    data["terms"] = {"helpdesk": helpdesk}
    data["staffing"] = {}
    data["penalties"] = [{"effective_from": dt.date(2024, 1, 1), "percent_per_point": 0.5,
                          "term_cap_percent": 3.0, "line_cap_percent": 4.0}]
    return data


def _write(path, data) -> None:
    path.write_text(yaml.safe_dump(copy.deepcopy(data), allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from simulator import generate

    root = tmp_path_factory.mktemp("sla")
    landing = root / "landing"
    generate(landing / "queue_log", days=4, end="2024-02-02", seed=11)
    start, end = OUTAGE[1:]
    (landing / "outages" / "outages.csv").write_text(
        "outage_id,start_local,end_local,area,services\n"
        f"{OUTAGE[0]},{start:%Y-%m-%d %H:%M:%S},{end:%Y-%m-%d %H:%M:%S},CABA,internet\n", encoding="utf-8")
    amended, original = root / "amended.yml", root / "original.yml"
    _write(amended, _contract(True))
    _write(original, _contract(False))
    warehouse = root / "wh.duckdb"
    build_warehouse(warehouse, landing, amended)
    return root, landing, warehouse, amended, original


def _oracle(landing, months: dict) -> dict:
    """{(month, term): (raw, adjusted)} for the help desk, from the queue_log text.
    months[month] = {term: (threshold_seconds or None)}."""
    config = yaml.safe_load(settings.config_path().read_text(encoding="utf-8"))
    queue_to_line = {q: code for code, line in config["lines"].items() for q in line.get("queues", [])}
    short = config["lines"]["helpdesk"]["short_abandon_seconds"]
    calls = calls_from_events(read_events(sorted((landing / "queue_log").glob("queue_log-*"))))
    sums = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])  # raw num, raw den, adjusted num, adjusted den
    # a unit is a line contact whose end is known (pending and lost records are not offered)
    for call in line_contacts(calls, queue_to_line, config["unmapped_line"]):
        if call["line"] != "helpdesk" or call["outcome"] in ("pending", "lost_record"):
            continue
        entered = datetime.fromtimestamp(call["entered"], tz=UTC).astimezone(LOCAL).replace(tzinfo=None)
        month = entered.date().replace(day=1)
        inside = OUTAGE[1] <= entered < OUTAGE[2]
        is_short = call["outcome"] == "abandoned" and call["wait"] < short
        answered = call["outcome"] == "answered"
        for term, threshold in months.get(month, {}).items():
            if term == "service_level":
                num, den = (answered and call["wait"] <= threshold), (not is_short)
            elif term == "abandon_rate":
                num, den = (call["outcome"] == "abandoned" and not is_short), (not is_short)
            else:  # average_speed_of_answer, never excluded in this contract
                num, den = (call["wait"] if answered else 0), answered
                inside = False
            s = sums[(month, term)]
            s[0] += num
            s[1] += den
            if not (inside and term != "average_speed_of_answer"):
                s[2] += num
                s[3] += den
    return {key: (s[0] / s[1] if s[1] else None, s[2] / s[3] if s[3] else None) for key, s in sums.items()}


def _rows(warehouse) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as db:
        rows = db.execute(
            "select report_month, term_code, raw_value, adjusted_value, excluded_units, target, threshold, "
            "contract_version, is_met, penalty_percent, line_penalty_percent "
            "from sla_compliance_monthly where line_code = 'helpdesk'"
        ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


JAN, FEB = dt.date(2024, 1, 1), dt.date(2024, 2, 1)


def test_raw_and_adjusted_figures_equal_the_independent_calculation(built):
    _, landing, warehouse, _, _ = built
    expected = _oracle(landing, {
        JAN: {"service_level": 20, "abandon_rate": None, "average_speed_of_answer": None},
        FEB: {"service_level": 10, "abandon_rate": None, "average_speed_of_answer": None},
    })
    rows = _rows(warehouse)
    assert set(rows) == set(expected)
    for key, (raw, adjusted) in expected.items():
        assert rows[key][0] == pytest.approx(raw), key
        assert rows[key][1] == pytest.approx(adjusted), key
    # the window held calls: the January adjusted figures differ from the raw ones
    assert rows[(JAN, "service_level")][2] > 0
    assert rows[(JAN, "service_level")][0] != rows[(JAN, "service_level")][1]
    assert rows[(FEB, "service_level")][2] == 0
    assert rows[(JAN, "average_speed_of_answer")][2] == 0  # the term allows no exclusion


def test_penalties_follow_the_table(built):
    rows = _rows(built[2])
    for (month, term), (_, adjusted, _, target, _, _, is_met, penalty, line_penalty) in rows.items():
        if term == "average_speed_of_answer":
            points = max(0.0, (adjusted - target) / target * 100)
        elif term == "abandon_rate":
            points = max(0.0, (adjusted - target) * 100)
        else:
            points = max(0.0, (target - adjusted) * 100)
        assert is_met == (points == 0)
        assert penalty == pytest.approx(min(3.0, points * 0.5), abs=1e-6)
        month_total = sum(r[7] for (m, _), r in rows.items() if m == month)
        assert line_penalty == pytest.approx(min(4.0, month_total), abs=1e-6)


def test_an_amendment_applies_from_its_month_and_leaves_earlier_months_unchanged(built):
    root, landing, warehouse, _, original = built
    amended_rows = _rows(warehouse)
    assert amended_rows[(JAN, "service_level")][4:6] == (20.0, "v1 test")
    assert amended_rows[(FEB, "service_level")][4:6] == (10.0, "v2 adenda")

    other = root / "original.duckdb"
    build_warehouse(other, landing, original)
    original_rows = _rows(other)
    assert {k: v for k, v in original_rows.items() if k[0] == JAN} == \
        {k: v for k, v in amended_rows.items() if k[0] == JAN}
    assert original_rows[(FEB, "service_level")][4] == 20.0
    assert original_rows[(FEB, "service_level")][0] != amended_rows[(FEB, "service_level")][0]


def test_a_month_is_not_certifiable_with_missing_days_and_names_them(built):
    with duckdb.connect(str(built[2]), read_only=True) as db:
        certifiable, missing = db.execute(
            "select distinct is_certifiable, days_without_data from sla_compliance_monthly "
            "where line_code = 'helpdesk' and report_month = date '2024-02-01'").fetchone()
        last = db.execute("select max(last_event_date) from data_quality_files "
                          "where source = 'asterisk_queue_log'").fetchone()[0]
    # the simulation ends on 2 February (a last file may hold the tail past midnight)
    assert last in (dt.date(2024, 2, 2), dt.date(2024, 2, 3))
    expected = [last + dt.timedelta(days=n) for n in range(1, (dt.date(2024, 2, 29) - last).days + 1)]
    assert certifiable is False
    assert missing == ", ".join(f"{d:%Y-%m-%d}" for d in expected)


def test_rebuilding_from_the_same_files_gives_the_same_figures_and_fingerprint(built):
    from reports.audit import build_audit_report

    root, landing, warehouse, amended, _ = built
    again = root / "again.duckdb"
    build_warehouse(again, landing, amended)
    assert _rows(again) == _rows(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as a, duckdb.connect(str(again), read_only=True) as b:
        first, second = build_audit_report(a, JAN, "helpdesk"), build_audit_report(b, JAN, "helpdesk")
    assert first.fingerprint == second.fingerprint
    assert first.csv_bytes() == second.csv_bytes()


ENDING_EVENTS = {"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER",
                 "ABANDON", "EXITEMPTY", "EXITWITHTIMEOUT", "EXITWITHKEY", "WITHDRAW"}


def test_the_inputs_fingerprint_is_the_hash_of_the_files_behind_the_month(built):
    """January's help desk report, recomputed from the landing folder: the queue_log files with
    an event in January (coverage), the first to reach 1 February (closing), those holding an
    event of a January help-desk call (unit), and the outage file that excluded some of them."""
    import hashlib

    from reports.audit import build_audit_report

    _, landing, warehouse, _, _ = built
    config = yaml.safe_load(settings.config_path().read_text(encoding="utf-8"))
    helpdesk = set(config["lines"]["helpdesk"]["queues"])
    start, end = datetime(2024, 1, 1), datetime(2024, 2, 1)
    spans, events = {}, {}
    for path in sorted((landing / "queue_log").glob("queue_log-*")):
        rows = read_events([path])
        local = [datetime.fromtimestamp(e[0], tz=UTC).astimezone(LOCAL).replace(tzinfo=None) for e in rows]
        spans[path] = (min(local), max(local))
        events[path] = list(zip(local, rows))
    january_calls = {(e[1], e[2]) for rows in events.values() for when, e in rows
                     if e[4] == "ENTERQUEUE" and e[2] in helpdesk and start <= when < end}
    unit = {path for path, rows in events.items() for _, e in rows
            if (e[1], e[2]) in january_calls and (e[4] in {"ENTERQUEUE", "CONNECT"} or e[4] in ENDING_EVENTS)}
    coverage = {path for path, (first, last) in spans.items() if first < end and last >= start}
    first_to_reach = min(last for _, last in spans.values() if last >= end)
    closing = {path for path, (_, last) in spans.items() if last == first_to_reach}
    files = [("asterisk_queue_log", path) for path in unit | coverage | closing]
    files.append(("outages", landing / "outages" / "outages.csv"))
    lines = sorted(f"{source}\t{path.relative_to(landing).as_posix()}\t{hashlib.sha256(path.read_bytes()).hexdigest()}\n"
                   for source, path in files)
    with duckdb.connect(str(warehouse), read_only=True) as db:
        report = build_audit_report(db, JAN, "helpdesk")
    assert set(report.input_files["file_path"]) == {path.relative_to(landing).as_posix() for _, path in files}
    assert report.inputs_fingerprint == hashlib.sha256("".join(lines).encode()).hexdigest()


def test_wrong_figures_would_be_caught(built):
    """The oracle is not vacuous: with the January threshold it disagrees with February."""
    _, landing, warehouse, _, _ = built
    wrong = _oracle(landing, {FEB: {"service_level": 20}})
    assert _rows(warehouse)[(FEB, "service_level")][0] != pytest.approx(wrong[(FEB, "service_level")][0])
