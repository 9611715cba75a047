"""The OTRS / Znuny / OTOBO loader: TicketGet and TicketHistoryGet responses as JSON or as
Python literals, the real OTOBO responses, bad tickets and broken documents, reloads."""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion import otrs
from ingestion.sources import discover, load_source

QUEUES = {"Sin Señal": "bo_helpdesk", "NOC": "bo_helpdesk"}


def load(con, landing: Path, **options):
    options.setdefault("otrs_queue_to_line", QUEUES)
    return load_source(con, landing, otrs.SOURCE_SPEC, options=options)


def ticket(ticket_id, created="2024-03-01 10:00:00", **fields) -> dict:
    base = {"TicketID": ticket_id, "TicketNumber": f"2024030110000{ticket_id}", "Title": "sin señal",
            "Queue": "Sin Señal", "State": "open", "StateType": "open", "Priority": "3 normal",
            "Type": "Incident", "Created": created, "Changed": created, "CustomerID": "A100",
            "CustomerUserID": "cliente@example.com", "Owner": "agente1", "Responsible": "agente1"}
    return {**base, **fields}


def article(sender, created, **fields) -> dict:
    return {"ArticleID": fields.pop("ArticleID", 1), "SenderType": sender, "CreateTime": created,
            "CommunicationChannel": "Email", "IsVisibleForCustomer": 1, **fields}


# (ticket, reason fragment or None), in file order
TICKETS = [
    (ticket("101", State="closed successful", StateType="closed", Changed="2024-03-01 15:00:00",
            DynamicField=[{"Name": "Motivo", "Value": "sin_senal"}, {"Name": "Otro", "Value": "x"}],
            Article=[article("customer", "2024-03-01 10:00:00", ArticleID=11),
                     article("agent", "2024-03-01 10:20:00", ArticleID=12, IsVisibleForCustomer=0),
                     article("agent", "2024-03-01 10:45:00", ArticleID=13),
                     article("agent", "2024-03-01 11:00:00", ArticleID=14)]), None),
    # Extended TicketGet: Closed and FirstResponse given; the motive a multiselect field
    (ticket(102, Queue="NOC::Nivel 2", State="closed successful", StateType="closed",
            Changed="2024-03-02 09:00:00", Closed="2024-03-01 18:00:00", FirstResponse="2024-03-01 10:05:00",
            DynamicField=[{"Name": "Motivo", "Value": ["reclamo_noc", "otro"]}]), None),
    # OTRS 5 articles: ArticleType instead of IsVisibleForCustomer
    (ticket(103, Queue="Postmaster", Type="Unclassified",
            Article=[{"ArticleID": 31, "SenderType": "agent", "ArticleType": "note-internal",
                      "Created": "2024-03-01 10:10:00"},
                     {"ArticleID": 32, "SenderType": "agent", "ArticleType": "email-external",
                      "Created": "2024-03-01 10:30:00"}]), None),
    ({"TicketNumber": "2024030110000104", "Created": "2024-03-01 10:00:00"}, "missing TicketID"),
    (ticket("abc"), "TicketID is not an integer"),
    (ticket(106, created="01/03/2024 10:00"), "Created is not a timestamp"),
    (ticket(107, created=None), "missing Created"),
    (ticket(108, Closed="pronto"), "Closed is not a timestamp"),
    (ticket(101), "duplicate TicketID 101"),
    ("not a ticket", "ticket is not an object"),
]


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_tickets_load_and_bad_tickets_are_quarantined_by_index(tmp_path, con):
    write_json(tmp_path / "otrs" / "tickets.json", {"Ticket": [t for t, _ in TICKETS]})
    [result] = load(con, tmp_path)
    expected_bad = {i + 1: reason for i, (_, reason) in enumerate(TICKETS) if reason}
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "TicketGet/json", len(TICKETS), len(TICKETS) - len(expected_bad), len(expected_bad))
    quarantined = dict(con.execute("select line_no, reason from raw.quarantine").fetchall())
    assert set(quarantined) == set(expected_bad)
    for line_no, fragment in expected_bad.items():
        assert fragment in quarantined[line_no], (line_no, quarantined[line_no])
    # the quarantined text is the ticket itself, ready to fix and replay
    raw = con.execute("select raw_text from raw.quarantine where line_no = 4").fetchone()[0]
    assert json.loads(raw)["TicketNumber"] == "2024030110000104"


def test_ticket_fields_times_first_response_closure_and_motive(tmp_path, con):
    write_json(tmp_path / "otrs" / "tickets.json", {"Ticket": [t for t, _ in TICKETS]})
    load(con, tmp_path)
    rows = {r[0]: r[1:] for r in con.execute(
        "select ticket_id, line_code, motive, motive_from, created_at_utc::varchar, "
        "first_response_at_utc::varchar, closed_at_utc::varchar, closed_at_from, n_articles, customer_user "
        "from raw.otrs_tickets").fetchall()}
    # Buenos Aires server time, UTC-3; the first response skips the internal note
    assert rows[101] == ("bo_helpdesk", "sin_senal", "DynamicField_Motivo", "2024-03-01 13:00:00",
                         "2024-03-01 13:45:00", "2024-03-01 18:00:00", "Changed", 4, "cliente@example.com")
    # a sub-queue belongs to the line of its top queue; Extended fields win over articles/Changed
    assert rows[102] == ("bo_helpdesk", "reclamo_noc", "DynamicField_Motivo", "2024-03-01 13:00:00",
                         "2024-03-01 13:05:00", "2024-03-01 21:00:00", "Closed", 0, "cliente@example.com")
    # no motive field: Type; an unmapped queue has no line; OTRS 5 internal note skipped
    assert rows[103] == (None, "Unclassified", "Type", "2024-03-01 13:00:00", "2024-03-01 13:30:00",
                         None, None, 2, "cliente@example.com")
    articles = con.execute(
        "select ticket_id, article_no, article_id, sender_type, channel, visible_for_customer "
        "from raw.otrs_articles order by all").fetchall()
    assert articles == [
        (101, 1, 11, "customer", "Email", True), (101, 2, 12, "agent", "Email", False),
        (101, 3, 13, "agent", "Email", True), (101, 4, 14, "agent", "Email", True),
        (103, 1, 31, "agent", "note-internal", False), (103, 2, 32, "agent", "email-external", True)]


def test_time_zone_and_motive_field_options(tmp_path, con):
    write_json(tmp_path / "otrs" / "t.json", {"Ticket": [
        ticket(1, DynamicField=[{"Name": "Categoria", "Value": "edificio_sin_senal"}])]})
    load(con, tmp_path, otrs_time_zone="UTC", otrs_motive_field="Categoria")
    assert con.execute("select created_at_utc::varchar, motive from raw.otrs_tickets").fetchone() == (
        "2024-03-01 10:00:00", "edificio_sin_senal")
    with pytest.raises(ValueError, match="otrs_time_zone"):
        load(duckdb.connect(), tmp_path, otrs_time_zone="Buenos Aires")


@pytest.mark.parametrize(
    "name, text, layout, reason",
    [
        ("broken.json", '{"Ticket": [{"TicketID": 1,}]}', "invalid/json",
         "malformed JSON: Expecting property name enclosed in double quotes at line 1 column 28 (char 27)"),
        ("single_quotes.json", "{'Ticket': []}", "invalid/json", "malformed JSON: Expecting property name"),
        ("error.json", '{"Error": {"ErrorCode": "TicketGet.AccessDenied", "ErrorMessage": "no permission"}}',
         "error/json", "OTRS error response: TicketGet.AccessDenied: no permission"),
        ("other.json", '{"Data": []}', "invalid/json", "neither a TicketGet"),
        ("broken.pyrepr.txt", "{'Ticket': [{'TicketID': 1", "invalid/pyrepr", "malformed Python literal"),
        # literal_eval refuses code: nothing in a landing file is ever executed
        ("code.pyrepr.txt", "{'Ticket': [__import__('os').system('true')]}", "invalid/pyrepr",
         "not a Python literal"),
    ],
)
def test_a_broken_document_is_one_quarantined_record(tmp_path, con, name, text, layout, reason):
    (tmp_path / "otrs").mkdir()
    (tmp_path / "otrs" / name).write_text(text, encoding="utf-8")
    [result] = load(con, tmp_path)
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == (layout, 1, 0, 1)
    [(line_no, raw_text, got)] = con.execute("select line_no, raw_text, reason from raw.quarantine").fetchall()
    assert line_no == 1 and raw_text == text and got.startswith(reason)


def test_a_single_ticket_object_and_an_empty_list(tmp_path, con):
    write_json(tmp_path / "otrs" / "one.json", {"Ticket": ticket(7)})
    write_json(tmp_path / "otrs" / "none.json", {"Ticket": []})
    results = {r.file_path: r for r in load(con, tmp_path)}
    assert (results["otrs/one.json"].rows_read, results["otrs/one.json"].rows_loaded) == (1, 1)
    assert (results["otrs/none.json"].rows_read, results["otrs/none.json"].rows_rejected) == (0, 0)


def test_history_finds_reopens(tmp_path, con):
    def entry(kind, name, at):
        return {"HistoryType": kind, "Name": name, "CreateTime": at, "ArticleID": 0, "TicketID": "5"}

    write_json(tmp_path / "otrs" / "history.json", {"TicketHistory": [
        {"TicketID": "5", "History": [
            entry("NewTicket", "%%1%%Sin Señal%%3 normal%%new%%5", "2024-03-01 10:00:00"),
            entry("StateUpdate", "%%new%%closed successful%%", "2024-03-01 11:00:00"),
            entry("StateUpdate", "%%closed successful%%open%%", "2024-03-02 09:00:00"),
            entry("StateUpdate", "%%open%%closed unsuccessful%%", "2024-03-02 10:00:00")]},
        {"History": []},
        {"TicketID": "6", "History": [entry("NewTicket", "x", "ayer")]},
    ]})
    [result] = load(con, tmp_path)
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "TicketHistoryGet/json", 3, 1, 2)
    assert con.execute("select entry_no, old_state, new_state, is_reopen, created_at_utc::varchar "
                       "from raw.otrs_history where history_type = 'StateUpdate' order by entry_no").fetchall() == [
        (2, "new", "closed successful", False, "2024-03-01 14:00:00"),
        (3, "closed successful", "open", True, "2024-03-02 12:00:00"),
        (4, "open", "closed unsuccessful", False, "2024-03-02 13:00:00")]
    assert con.execute("select line_no, reason from raw.quarantine order by 1").fetchall() == [
        (2, "missing TicketID"), (3, "History entry 1: CreateTime is not a timestamp")]


def test_reload_is_idempotent_and_a_changed_file_replaces_its_rows(tmp_path):
    path = write_json(tmp_path / "landing" / "otrs" / "2024" / "tickets.json", {"Ticket": [t for t, _ in TICKETS]})
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))

    def digest() -> str:
        rows = [db.execute(f"select * from {t} order by all").fetchall() for t in otrs.SOURCE_SPEC.tables]
        rows.append(db.execute("select * exclude (quarantined_at) from raw.quarantine order by all").fetchall())
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    first = load(db, tmp_path / "landing")
    before = digest()
    second = load(db, tmp_path / "landing")
    assert [r.status for r in first] == ["loaded"] and [r.status for r in second] == ["unchanged"]
    assert digest() == before
    write_json(path, {"Ticket": [TICKETS[2][0]]})
    [third] = load(db, tmp_path / "landing")
    assert (third.status, third.rows_read, third.rows_loaded, third.rows_rejected) == ("replaced", 1, 1, 0)
    assert db.execute("select ticket_id from raw.otrs_tickets").fetchall() == [(103,)]
    assert db.execute("select count(*) from raw.otrs_articles").fetchone()[0] == 2
    assert db.execute("select count(*) from raw.quarantine").fetchone()[0] == 0


def test_discovery(tmp_path):
    for name in ("otrs/a.json", "otrs/x/b.pyrepr.txt", "otrs/notes.txt", "crm/c.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path, otrs.SOURCE_SPEC)] == [
        "otrs/a.json", "otrs/x/b.pyrepr.txt"]


# --- the real OTOBO responses -------------------------------------------------------------

@pytest.fixture
def otobo_landing(reference_data, tmp_path) -> Path:
    helpdesk = reference_data / "helpdesk"
    (tmp_path / "otrs").mkdir()
    shutil.copy(helpdesk / "otobo_ticketget_response.pyrepr.txt", tmp_path / "otrs")
    # saved as a Python literal despite its .json name: it lands as what it is
    shutil.copy(helpdesk / "otobo_ticket-history.json", tmp_path / "otrs" / "otobo_ticket-history.pyrepr.txt")
    return tmp_path


def test_the_otobo_ticketget_response_loads(otobo_landing, con):
    source = ast.literal_eval((otobo_landing / "otrs" / "otobo_ticketget_response.pyrepr.txt").read_text())
    [expected] = source["Ticket"]
    results = {r.file_path: r for r in load(con, otobo_landing, otrs_queue_to_line={"Postmaster": "bo_helpdesk"})}
    got = results["otrs/otobo_ticketget_response.pyrepr.txt"]
    assert (got.layout, got.rows_read, got.rows_loaded, got.rows_rejected) == ("TicketGet/pyrepr", 1, 1, 0)
    row = con.execute(
        "select ticket_id, ticket_number, title, queue, line_code, state, state_type, priority, type, motive, "
        "customer_id, customer_user, owner, responsible, created_at_utc::varchar, closed_at_utc::varchar, "
        "closed_at_from, first_response_at_utc, n_articles from raw.otrs_tickets").fetchone()
    assert row == (
        expected["TicketID"], expected["TicketNumber"], expected["Title"], expected["Queue"], "bo_helpdesk",
        expected["State"], expected["StateType"], expected["Priority"], expected["Type"], expected["Type"],
        expected["CustomerID"], expected["CustomerUserID"], expected["Owner"], expected["Responsible"],
        # 2024-10-02 07:02:39 and 07:05:39 server time, read as Buenos Aires (UTC-3) by default
        "2024-10-02 10:02:39", "2024-10-02 10:05:39", "Changed", None, 0)


def test_the_otobo_server_zone_is_an_option(otobo_landing, con):
    load(con, otobo_landing, otrs_time_zone="Europe/Berlin")  # a German install: CEST, UTC+2
    assert con.execute("select created_at_utc::varchar from raw.otrs_tickets").fetchone() == ("2024-10-02 05:02:39",)


def test_the_otobo_history_response_loads_and_agrees_with_the_ticket(otobo_landing, con):
    source = ast.literal_eval((otobo_landing / "otrs" / "otobo_ticket-history.pyrepr.txt").read_text())
    entries = source["TicketHistory"][0]["History"]
    results = {r.file_path: r for r in load(con, otobo_landing)}
    got = results["otrs/otobo_ticket-history.pyrepr.txt"]
    assert (got.layout, got.rows_read, got.rows_loaded, got.rows_rejected) == ("TicketHistoryGet/pyrepr", 1, 1, 0)
    loaded = con.execute("select entry_no, ticket_id, history_type, article_id from raw.otrs_history "
                         "order by entry_no").fetchall()
    assert loaded == [(i + 1, 12, e["HistoryType"], e["ArticleID"] or None) for i, e in enumerate(entries)]
    # the ticket's closure (its last change) is the history's move into 'closed successful'
    assert con.execute(
        "select h.created_at_utc = t.closed_at_utc, h.new_state, h.is_reopen from raw.otrs_history h "
        "join raw.otrs_tickets t using (ticket_id) where h.history_type = 'StateUpdate'").fetchall() == [
        (True, "closed successful", False)]
