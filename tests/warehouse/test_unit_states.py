"""Unit states end to end: OTRS tickets closed unsuccessful, open at the data's end, within
and past their deadlines, built through the real loaders and dbt, against hand-computed
figures (DESIGN.md §5: met / (met + missed), pending shown beside, not certifiable while any
unit is pending).

bo_helpdesk works Mon-Fri 08:00-20:00 (contract file); the motive `sin_senal` must be resolved
within 8 business hours, the first response within 2. OTRS writes Buenos Aires local time.
The OTRS data end at the latest ticket, created Friday 13 March 2026 at 12:00.

| ticket | created | first response | state | resolution (8 h) | first response (2 h) |
|---|---|---|---|---|---|
| 1 | Mon 9, 10:00 | 10:30 | closed successful 12:00 | met (2 h) | met |
| 2 | Mon 9, 10:00 | 10:30 | closed unsuccessful 11:00 | missed: no resolution | met |
| 3 | Tue 10, 10:00 | 10:30 | open | missed: 8 h ran out Tue 18:00 | met |
| 4 | Fri 13, 09:00 | 09:30 | open | pending: 3 h used at the data's end | met |
| 5 | Fri 13, 12:00 | none | new | pending | pending |
| 6 | Thu 12, 10:00 | none | open | missed (Thu 18:00) | missed (Thu 12:00) |
| 7 | Mon 9, 10:00 | none | merged | not a case | not a case |

resolution: 1 met of 4 decided = 0.25, 2 pending; first response: 4 of 5 = 0.8, 1 pending.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import build_warehouse


def _ticket(ticket_id: int, created: str, state: str, state_type: str, **fields) -> dict:
    return {"TicketID": ticket_id, "TicketNumber": f"202603{ticket_id:08d}", "Title": "sin señal",
            "Queue": "Sin Señal", "State": state, "StateType": state_type, "Priority": "3 normal",
            "Type": "Incident", "Created": created, "Changed": fields.pop("Changed", created),
            "CustomerID": f"C{ticket_id}", "CustomerUserID": f"cliente{ticket_id}@example.com",
            "Owner": "agente1", "Responsible": "agente1",
            "DynamicField": [{"Name": "Motivo", "Value": "sin_senal"}], **fields}


TICKETS = [
    _ticket(1, "2026-03-09 10:00:00", "closed successful", "closed", FirstResponse="2026-03-09 10:30:00",
            Closed="2026-03-09 12:00:00", Changed="2026-03-09 12:00:00"),
    _ticket(2, "2026-03-09 10:00:00", "closed unsuccessful", "closed", FirstResponse="2026-03-09 10:30:00",
            Closed="2026-03-09 11:00:00", Changed="2026-03-09 11:00:00"),
    _ticket(3, "2026-03-10 10:00:00", "open", "open", FirstResponse="2026-03-10 10:30:00"),
    _ticket(4, "2026-03-13 09:00:00", "open", "open", FirstResponse="2026-03-13 09:30:00"),
    _ticket(5, "2026-03-13 12:00:00", "new", "new"),
    _ticket(6, "2026-03-12 10:00:00", "open", "open"),
    _ticket(7, "2026-03-09 10:00:00", "merged", "merged", Changed="2026-03-09 10:05:00"),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("unit_states")
    landing = root / "landing"
    (landing / "otrs").mkdir(parents=True)
    (landing / "otrs" / "tickets.json").write_text(json.dumps({"Ticket": TICKETS}, ensure_ascii=False),
                                                   encoding="utf-8")
    warehouse = root / "wh.duckdb"
    build_warehouse(warehouse, landing)
    return warehouse


def _units(warehouse: Path, term: str) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select unit_key, unit_state, numerator, denominator, report_month from fct_sla_units "
            "where line_code = 'bo_helpdesk' and term_code = ?", [term]).fetchall()
    return {key: tuple(rest) for key, *rest in rows}


def test_resolution_states(warehouse):
    import datetime as dt

    march = dt.date(2026, 3, 1)
    assert _units(warehouse, "resolution_within_target") == {
        "otrs:1": ("met", 1, 1, march),
        "otrs:2": ("missed", 0, 1, march),   # closed unsuccessful: not a resolution
        "otrs:3": ("missed", 0, 1, march),   # still open, past its 8 h
        "otrs:4": ("pending", 0, 0, march),  # still open, within its 8 h at the data's end
        "otrs:5": ("pending", 0, 0, march),
        "otrs:6": ("missed", 0, 1, march),
    }


def test_first_response_states(warehouse):
    states = {key: state for key, (state, *_rest) in _units(warehouse, "first_response_within_target").items()}
    assert states == {"otrs:1": "met", "otrs:2": "met", "otrs:3": "met", "otrs:4": "met",
                      "otrs:5": "pending", "otrs:6": "missed"}


def test_month_figures_leave_pending_units_out_and_cannot_be_certified(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select term_code, adjusted_value, volume, pending_units, line_pending_units, is_certifiable "
            "from sla_compliance_monthly where line_code = 'bo_helpdesk' and report_month = '2026-03-01' "
            "order by term_code").fetchall()
    assert rows == [
        ("first_response_within_target", pytest.approx(0.8), 5, 1, 3, False),
        ("resolution_within_target", pytest.approx(0.25), 4, 2, 3, False),
    ]
