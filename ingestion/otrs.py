"""OTRS / Znuny / OTOBO GenericInterface responses into raw tables (docs/formats/otrs_ticketget.md):
TicketGet (tickets, with their articles when requested) and TicketHistoryGet (state changes).

Python only reads each document (json, or ast.literal_eval for a response saved as a Python
literal: never eval) to report a broken one with its error position, and hands the list of
tickets to DuckDB in one insert; SQL unnests tickets, articles and history entries, reads
and validates their fields, and loads good records and quarantines bad ones with one
statement each. A record is one element of the response's list: line_no is its 1-based
index, and 1 for a document that is rejected whole.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from contract.vocabulary import DEFAULT_TIME_ZONE
from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "otrs_tickets"
DEFAULT_MOTIVE_FIELD = "Motivo"
# Stock closed states ('closed successful', 'closed unsuccessful', ITSM's 'closed with
# workaround'); history names states, not state types, so a reopen is found by name.
DEFAULT_CLOSED_STATE_PATTERN = "^closed"
OTRS_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

DDL = """
create schema if not exists raw;
create table if not exists raw.otrs_tickets (
    file_path              varchar not null,
    line_no                integer not null,   -- ticket index in the response, 1-based
    ticket_id              bigint not null,
    ticket_number          varchar,
    title                  varchar,
    queue                  varchar,            -- full name, 'Parent::Child'
    line_code              varchar,            -- the contract's otrs_queues (exact, else top queue)
    state                  varchar,
    state_type             varchar,            -- new, open, pending ..., closed, merged, removed
    priority               varchar,
    type                   varchar,
    motive                 varchar,            -- the motive dynamic field, else Type
    motive_from            varchar,            -- 'DynamicField_<name>' or 'Type'
    created_at_utc         timestamp not null, -- naive UTC
    changed_at_utc         timestamp,
    first_response_at_utc  timestamp,          -- FirstResponse, else first agent article to the customer
    closed_at_utc          timestamp,          -- only when state_type = 'closed'
    closed_at_from         varchar,            -- 'Closed' (TicketGet Extended) or 'Changed' (approximation)
    customer_id            varchar,
    customer_user          varchar,            -- personal data: raw schema only
    owner                  varchar,
    responsible            varchar,
    n_articles             integer not null,
    primary key (file_path, line_no)
);
create table if not exists raw.otrs_articles (
    file_path              varchar not null,
    line_no                integer not null,   -- the ticket's index in the response
    article_no             integer not null,   -- the article's index in the ticket
    ticket_id              bigint not null,
    article_id             bigint,
    sender_type            varchar,            -- agent, customer, system
    channel                varchar,            -- CommunicationChannel (6+) or ArticleType (<= 5)
    visible_for_customer   boolean,
    created_at_utc         timestamp,
    primary key (file_path, line_no, article_no)
);
create table if not exists raw.otrs_history (
    file_path              varchar not null,
    line_no                integer not null,   -- the ticket's index in the TicketHistory list
    entry_no               integer not null,
    ticket_id              bigint not null,
    history_type           varchar,
    name                   varchar,            -- e.g. '%%new%%closed successful%%'
    old_state              varchar,            -- StateUpdate only
    new_state              varchar,
    is_reopen              boolean not null,   -- StateUpdate out of a closed state into another
    article_id             bigint,             -- NULL when the entry has no article
    created_at_utc         timestamp not null,
    primary key (file_path, line_no, entry_no)
);
"""


def _document(pending: PendingFile) -> tuple[str, str, list | None, str | None]:
    """(kind, syntax, records, reason): records is the response's list; reason says why the
    whole document is rejected."""
    pyrepr = pending.file_path.endswith(".pyrepr.txt")
    syntax = "pyrepr" if pyrepr else "json"
    text = pending.text.lstrip("\ufeff")
    try:
        doc = ast.literal_eval(text) if pyrepr else json.loads(text)
    except json.JSONDecodeError as exc:
        return "invalid", syntax, None, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos})"
    except SyntaxError as exc:
        return "invalid", syntax, None, f"malformed Python literal: {exc.msg} at line {exc.lineno} column {exc.offset}"
    except (ValueError, TypeError, MemoryError, RecursionError) as exc:
        return "invalid", syntax, None, f"not a Python literal: {exc}"
    if isinstance(doc, dict) and "Error" in doc:
        error = doc["Error"] if isinstance(doc["Error"], dict) else {}
        return "error", syntax, None, (f"OTRS error response: {error.get('ErrorCode', '?')}: "
                                       f"{error.get('ErrorMessage', doc['Error'])}")
    for kind, key in (("TicketGet", "Ticket"), ("TicketHistoryGet", "TicketHistory")):
        if isinstance(doc, dict) and key in doc:
            records = doc[key]
            # a single ticket may come as an object rather than a one-element list
            return kind, syntax, records if isinstance(records, list) else [records], None
    return "invalid", syntax, None, "neither a TicketGet (Ticket) nor a TicketHistoryGet (TicketHistory) response"


_ITEMS_SQL = """
create or replace temp table _otrs_items as
select file_path, kind, generate_subscripts(items, 1) as line_no, unnest(items) as t
from (select file_path, kind, json_extract(records, '$[*]') as items from _otrs_docs)
"""

_ARTICLES_SQL = """
create or replace temp table _otrs_articles as
with a as (
    select file_path, line_no, generate_subscripts(arts, 1) as article_no, unnest(arts) as a
    from (select file_path, line_no, json_extract(t, '$.Article[*]') as arts
          from _otrs_items where kind = 'TicketGet' and json_type(t) = 'OBJECT')
)
select file_path, line_no, article_no,
       try_cast(a->>'ArticleID' as bigint) as article_id,
       a->>'SenderType' as sender_type,
       coalesce(a->>'CommunicationChannel', a->>'ArticleType') as channel,
       case when a->>'IsVisibleForCustomer' is not null then a->>'IsVisibleForCustomer' in ('1', 'true')
            -- OTRS <= 5: email-internal, note-internal, email-notification-int are not sent
            when a->>'ArticleType' is not null then not regexp_matches(a->>'ArticleType', '-int(ernal)?$')
       end as visible_for_customer,
       coalesce(_otrs_utc(coalesce(a->>'CreateTime', a->>'Created')),
                timezone('UTC', to_timestamp(try_cast(a->>'IncomingTime' as bigint)))) as created_at_utc
from a
"""

_TICKETS_SQL = """
create or replace temp table _otrs_tickets as
with f as (
    select i.file_path, i.line_no, i.t, json_type(i.t) = 'OBJECT' as is_object,
           t->>'TicketID' as ticket_id_text, try_cast(t->>'TicketID' as bigint) as ticket_id,
           t->>'Created' as created, t->>'Changed' as changed, t->>'Closed' as closed,
           t->>'FirstResponse' as first_response,
           -- GenericInterface: DynamicField [{Name, Value}]; core TicketGet: DynamicField_<Name>
           coalesce(list_filter(json_extract(t, '$.DynamicField[*]'),
                                lambda d: d->>'Name' = $motive_field)[1]->'Value',
                    t->('DynamicField_' || $motive_field)) as motive_json,
           coalesce(a.n_articles, 0) as n_articles, a.first_agent_reply
    from _otrs_items i
    left join (
        select file_path, line_no, count(*) as n_articles,
               min(created_at_utc) filter (where sender_type = 'agent' and visible_for_customer)
                   as first_agent_reply
        from _otrs_articles group by all
    ) a using (file_path, line_no)
    where i.kind = 'TicketGet'
),
typed as (
    select *, _otrs_utc(created) as created_at_utc, _otrs_utc(changed) as changed_at_utc,
           _otrs_utc(closed) as closed_utc, _otrs_utc(first_response) as first_response_utc,
           nullif(case when json_type(motive_json) = 'ARRAY' then motive_json->>0 else motive_json->>'$' end, '')
               as motive_df
    from f
),
checked as (
    select *,
        case
            when not is_object then 'ticket is not an object'
            when ticket_id_text is null or ticket_id_text = '' then 'missing TicketID'
            when ticket_id is null then 'TicketID is not an integer: "' || ticket_id_text || '"'
            when created is null or created = '' then 'missing Created'
            when created_at_utc is null then 'Created is not a timestamp: "' || created || '"'
            when coalesce(changed, '') <> '' and changed_at_utc is null then
                'Changed is not a timestamp: "' || changed || '"'
            when coalesce(closed, '') <> '' and closed_utc is null then 'Closed is not a timestamp: "' || closed || '"'
        end as bad
    from typed
),
ranked as (
    select *, row_number() over w as dup_rank, first_value(line_no) over w as first_line
    from checked window w as (partition by file_path, ticket_id, bad is null order by line_no)
)
select *, coalesce(bad, case when dup_rank > 1 then
    'duplicate TicketID ' || ticket_id || ' (first at ticket ' || first_line || ')' end) as reason
from ranked
"""

_INSERT_TICKETS_SQL = """
insert into raw.otrs_tickets
select k.file_path, k.line_no, k.ticket_id, t->>'TicketNumber', t->>'Title', t->>'Queue',
       coalesce(exact.line_code, top.line_code), t->>'State', t->>'StateType', t->>'Priority', t->>'Type',
       coalesce(k.motive_df, nullif(t->>'Type', '')),
       case when k.motive_df is not null then 'DynamicField_' || $motive_field
            when nullif(t->>'Type', '') is not null then 'Type' end,
       k.created_at_utc, k.changed_at_utc, coalesce(k.first_response_utc, k.first_agent_reply),
       case when t->>'StateType' = 'closed' then coalesce(k.closed_utc, k.changed_at_utc) end,
       case when t->>'StateType' = 'closed' then
           case when k.closed_utc is not null then 'Closed' when k.changed_at_utc is not null then 'Changed' end end,
       t->>'CustomerID', t->>'CustomerUserID', t->>'Owner', t->>'Responsible', k.n_articles
from _otrs_tickets k
left join _otrs_queue_lines exact on exact.queue = t->>'Queue'
left join _otrs_queue_lines top on top.queue = split_part(t->>'Queue', '::', 1)
where k.reason is null
"""

_INSERT_ARTICLES_SQL = """
insert into raw.otrs_articles
select a.file_path, a.line_no, a.article_no, k.ticket_id, a.article_id, a.sender_type, a.channel,
       a.visible_for_customer, a.created_at_utc
from _otrs_articles a join _otrs_tickets k using (file_path, line_no)
where k.reason is null
"""

_HISTORY_SQL = """
create or replace temp table _otrs_history as
with f as (
    select file_path, line_no, t, json_type(t) = 'OBJECT' as is_object,
           t->>'TicketID' as ticket_id_text, try_cast(t->>'TicketID' as bigint) as ticket_id,
           json_extract(t, '$.History[*]') as entries
    from _otrs_items where kind = 'TicketHistoryGet'
)
select *,
    case
        when not is_object then 'ticket history is not an object'
        when ticket_id_text is null or ticket_id_text = '' then 'missing TicketID'
        when ticket_id is null then 'TicketID is not an integer: "' || ticket_id_text || '"'
        when list_position(list_transform(entries, lambda e: _otrs_utc(e->>'CreateTime') is not null), false)
             is not null then
            'History entry ' || list_position(list_transform(entries,
                lambda e: _otrs_utc(e->>'CreateTime') is not null), false) || ': CreateTime is not a timestamp'
    end as reason
from f
"""

_INSERT_HISTORY_SQL = """
insert into raw.otrs_history
with e as (
    select file_path, line_no, ticket_id, generate_subscripts(entries, 1) as entry_no, unnest(entries) as e
    from _otrs_history where reason is null
),
s as (
    select *, e->>'HistoryType' as history_type, e->>'Name' as name,
           case when e->>'HistoryType' = 'StateUpdate' then string_split(e->>'Name', '%%') end as parts
    from e
)
select file_path, line_no, entry_no, ticket_id, history_type, name, parts[2], parts[3],
       coalesce(regexp_matches(parts[2], $closed) and not regexp_matches(parts[3], $closed), false),
       nullif(try_cast(e->>'ArticleID' as bigint), 0),  -- 0: no article
       _otrs_utc(e->>'CreateTime')
from s
"""

_QUARANTINE_SQL = """
insert into raw.quarantine
select $source, file_path, line_no, t::varchar, reason, now() from {table} where reason is not null
"""

_COUNTS_SQL = """
select file_path, count(*), count(*) filter (where reason is null), count(*) filter (where reason is not null),
       min({time}) filter (where reason is null), max({time}) filter (where reason is null)
from {table} group by file_path
"""


def _zone(options: dict) -> str:
    zone = options.get("otrs_time_zone", DEFAULT_TIME_ZONE)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"otrs_time_zone: unknown time zone {zone!r}; use an IANA name such as "
                         f"{DEFAULT_TIME_ZONE}") from None
    return zone


def parse_batch(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Source hook. Options: `otrs_time_zone` (the server's zone, default Buenos Aires),
    `otrs_queue_to_line` (the contract's OTRS queue -> line code), `otrs_motive_field`
    (dynamic field holding the motive, default Motivo), `otrs_closed_state_pattern`."""
    zone = _zone(options)
    params = {"motive_field": options.get("otrs_motive_field", DEFAULT_MOTIVE_FIELD)}
    closed = options.get("otrs_closed_state_pattern", DEFAULT_CLOSED_STATE_PATTERN)
    # OTRS writes times in the server's local zone, without an offset
    con.execute(f"create or replace temp macro _otrs_utc(x) as "
                f"timezone('UTC', timezone('{zone}', try_strptime(x, '{OTRS_TIME_FORMAT}')))")
    con.execute("create or replace temp table _otrs_queue_lines (queue varchar, line_code varchar)")
    if options.get("otrs_queue_to_line"):
        con.executemany("insert into _otrs_queue_lines values (?, ?)", list(options["otrs_queue_to_line"].items()))

    docs, layouts, results = [], {}, {}
    for pending in batch:
        kind, syntax, records, reason = _document(pending)
        layouts[pending.file_path] = f"{kind}/{syntax}"
        if reason:
            con.execute("insert into raw.quarantine values (?, ?, 1, ?, ?, now())",
                        [SOURCE, pending.file_path, pending.text, reason])
            results[pending.file_path] = ParseResult(layouts[pending.file_path], 1, 0, 1)
        else:
            # default=str: a Python literal may hold values JSON has no type for
            docs.append([pending.file_path, kind, json.dumps(records, default=str)])
            results[pending.file_path] = ParseResult(layouts[pending.file_path], 0, 0, 0)

    con.execute("create or replace temp table _otrs_docs (file_path varchar, kind varchar, records json)")
    if docs:
        con.executemany("insert into _otrs_docs values (?, ?, ?)", docs)
    con.execute(_ITEMS_SQL)
    con.execute(_ARTICLES_SQL)
    con.execute(_TICKETS_SQL, params)
    con.execute(_INSERT_TICKETS_SQL, params)
    con.execute(_INSERT_ARTICLES_SQL)
    con.execute(_HISTORY_SQL)
    con.execute(_INSERT_HISTORY_SQL, {"closed": closed})
    counts = []
    for table, time in (("_otrs_tickets", "created_at_utc"),
                        ("_otrs_history", "list_min(list_transform(entries, lambda e: _otrs_utc(e->>'CreateTime')))")):
        con.execute(_QUARANTINE_SQL.format(table=table), {"source": SOURCE})
        counts += con.execute(_COUNTS_SQL.format(table=table, time=time)).fetchall()
    for path, *row in counts:
        results[path] = ParseResult(layouts[path], *row)
    for table in ("_otrs_docs", "_otrs_items", "_otrs_articles", "_otrs_tickets", "_otrs_history",
                  "_otrs_queue_lines"):
        con.execute(f"drop table if exists {table}")
    return results


def is_otrs_file(path: Path) -> bool:
    """`otrs/**/*.json` and `otrs/**/*.pyrepr.txt` under the landing folder."""
    name = path.name.lower()
    return "otrs" in path.parent.parts and (name.endswith(".json") or name.endswith(".pyrepr.txt"))


SOURCE_SPEC = Source(
    name=SOURCE,
    tables=("raw.otrs_tickets", "raw.otrs_articles", "raw.otrs_history"),
    ddl=DDL,
    matches=is_otrs_file,
    parse=parse_batch,
)
