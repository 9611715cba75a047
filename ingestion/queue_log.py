"""Asterisk queue_log parser: flat file and realtime-table layouts, into raw.asterisk_queue_log.

All parsing and validation runs in DuckDB over the whole file at once: the file's text is
split into numbered lines by SQL, fields are split and checked by SQL, and the good and
bad lines are inserted with one statement each. Python only reads the bytes and decides
which layout the file has.

Layouts (../shared/reference-data/asterisk_queue_log/SPEC.md):
- flat: `epoch|callid|queuename|agent|event|data1|data2|...` (epoch in UTC seconds);
- realtime: a CSV export of the `queue_log` table with a header row
  (`id,time,callid,queuename,agent,event,data1..data5`, or one `data` column), `time` as
  `YYYY-MM-DD HH:MM:SS[.ffffff]` in the time zone configured for the source.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import duckdb

from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "asterisk_queue_log"

# Events written by stock Asterisk 1.4 .. master (SPEC.md §2-3) and by Wazo's patches.
KNOWN_EVENTS = (
    "ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "EXITEMPTY",
    "EXITWITHTIMEOUT", "EXITWITHKEY", "WITHDRAW", "RINGNOANSWER", "RINGCANCELED",
    "AGENTDUMP", "SYSCOMPAT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER", "ADDMEMBER",
    "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "PENALTY", "RINGINUSE",
    "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "QUEUESTART",
    "CONFIGRELOAD", "OUTCALL", "FULL", "JOINEMPTY", "CLOSED",
)

# Events that belong to a queued call: they need a real callid.
CALL_EVENTS = (
    "ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "EXITEMPTY",
    "EXITWITHTIMEOUT", "EXITWITHKEY", "WITHDRAW", "RINGNOANSWER", "RINGCANCELED",
    "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER",
)

# (event, data field position) pairs that must hold a non-negative integer when present:
# waits, talk times and ring times. A negative or non-numeric duration is impossible data.
DURATION_FIELDS = (
    ("CONNECT", 1), ("CONNECT", 3),
    ("COMPLETEAGENT", 1), ("COMPLETEAGENT", 2),
    ("COMPLETECALLER", 1), ("COMPLETECALLER", 2),
    ("ABANDON", 3), ("EXITEMPTY", 3), ("EXITWITHTIMEOUT", 3), ("EXITWITHKEY", 4),
    ("WITHDRAW", 3), ("RINGNOANSWER", 1), ("RINGCANCELED", 1),
    ("TRANSFER", 3), ("TRANSFER", 4), ("BLINDTRANSFER", 3), ("BLINDTRANSFER", 4),
)

# Fields that must be present for the event to mean anything.
REQUIRED_FIELDS = (
    ("CONNECT", 1), ("COMPLETEAGENT", 2), ("COMPLETECALLER", 2), ("ABANDON", 3),
    ("RINGNOANSWER", 1),
)

# The longest data part each call event has in any Asterisk version; more is corruption.
MAX_DATA_FIELDS = {
    "ENTERQUEUE": 4, "CONNECT": 3, "COMPLETEAGENT": 3, "COMPLETECALLER": 3, "ABANDON": 3,
    "EXITEMPTY": 3, "EXITWITHTIMEOUT": 3, "EXITWITHKEY": 4, "RINGNOANSWER": 1,
    "RINGCANCELED": 1, "TRANSFER": 5, "BLINDTRANSFER": 5, "ATTENDEDTRANSFER": 6,
}

# Epochs outside this window are corrupt (a PBX clock at 1970, a bit flip).
MIN_EPOCH = 946684800  # 2000-01-01
MAX_FUTURE_SECONDS = 2 * 86400

REALTIME_REQUIRED_COLUMNS = ("time", "callid", "queuename", "agent", "event")



def sniff_layout(first_line: str) -> str | None:
    """'flat', 'realtime' or None, from the first line of the file."""
    head = first_line.lstrip("\ufeff\x00").strip()
    if not head:
        return None
    columns = {c.strip().strip('"').lower() for c in head.split(",")}
    if set(REALTIME_REQUIRED_COLUMNS) <= columns:
        return "realtime"
    fields = head.split("|")
    if len(fields) >= 5 and fields[0].isdigit():
        return "flat"
    return None


def _sql_list(values) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _validation_sql() -> str:
    """CASE expression giving the first reason a parsed line is rejected, else NULL."""
    checks = [
        "when event is null or event = '' then 'empty event name'",
        f"when event in {tuple(CALL_EVENTS)} and (callid is null or callid in ('', 'NONE')) "
        "then 'call event ' || event || ' without a call id'",
        f"when event in {tuple(CALL_EVENTS)} and (queuename is null or queuename in ('', 'NONE')) "
        "then 'call event ' || event || ' without a queue name'",
    ]
    for event, max_fields in MAX_DATA_FIELDS.items():
        checks.append(
            f"when event = '{event}' and n_data > {max_fields} then "
            f"'wrong field count: {event} has at most {max_fields} data fields, found ' || n_data"
        )
    for event, pos in REQUIRED_FIELDS:
        checks.append(
            f"when event = '{event}' and coalesce(d[{pos}], '') = '' then "
            f"'impossible data: {event} lacks data field {pos}'"
        )
    for event, pos in DURATION_FIELDS:
        checks.append(
            f"when event = '{event}' and coalesce(d[{pos}], '') <> '' "
            f"and coalesce(try_cast(d[{pos}] as bigint), -1) < 0 then "
            f"'impossible data: {event} field {pos} is not a non-negative integer duration: \"' "
            f"|| d[{pos}] || '\"'"
        )
    return "case " + " ".join(checks) + " else null end"


# Lines of each file of the batch with their 1-based numbers in the file (an appended part
# numbers on after the lines loaded before it). A trailing newline does not make a line.
_LINES_SQL = """
create or replace temp table _qlog_lines as
with src as (select file_path, line_offset, string_split(text, chr(10)) as l from _qlog_texts),
numbered as (
    select file_path, line_offset, generate_subscripts(l, 1) as i, unnest(l) as raw_text, len(l) as n_lines
    from src
)
select file_path, line_offset + i as line_no, raw_text
from numbered
where not (i = n_lines and raw_text = '')
"""

_FLAT_FIELDS_SQL = """
create or replace temp table _qlog_fields as
with lines as (
    select file_path, line_no,
           -- CRLF files: the CR is line-ending noise, not data
           case when raw_text like '%' || chr(13) then raw_text[:-2] else raw_text end as raw_text
    from _qlog_lines
),
split as (
    select file_path, line_no, raw_text, string_split(raw_text, '|') as p from lines
)
select
    file_path,
    line_no,
    raw_text,
    len(p) as n_fields,
    p[1] as time_text,
    try_cast(p[1] as bigint) as epoch,
    null::timestamp as local_time,
    p[2] as callid, p[3] as queuename, p[4] as agent, p[5] as event,
    -- a line with no data still ends with '|': one empty data field is no data
    case when len(p) <= 5 or (len(p) = 6 and p[6] = '') then []::varchar[] else p[6:] end as d
from split
"""

_REALTIME_FIELDS_SQL = """
create or replace temp table _qlog_fields as
with lines as (
    select file_path, line_no,
           case when raw_text like '%' || chr(13) then raw_text[:-2] else raw_text end as raw_text
    from _qlog_lines
    where line_no > 1  -- the header
),
split as (
    -- RFC 4180 fields: quoted ("" escapes a quote) or bare
    select file_path, line_no, raw_text,
           list_transform(
               regexp_extract_all(raw_text || ',', '("(?:[^"]|"")*"|[^,"]*),', 1),
               lambda f: case when f like '"%"' and len(f) >= 2
                         then replace(f[2:-2], '""', '"') else f end
           ) as p
    from lines
)
select
    file_path,
    line_no,
    raw_text,
    len(p) as n_fields,
    p[{time}] as time_text,
    null::bigint as epoch,
    coalesce(try_strptime(p[{time}], '%Y-%m-%d %H:%M:%S.%f'),
             try_strptime(p[{time}], '%Y-%m-%d %H:%M:%S')) as local_time,
    nullif(p[{callid}], '') as callid, nullif(p[{queuename}], '') as queuename,
    nullif(p[{agent}], '') as agent, p[{event}] as event,
    {data_expr} as d
from split
"""

_PARSED_SQL = """
create or replace temp table _qlog_parsed as
with typed as (
    select *,
           coalesce(
               to_timestamp(epoch)::timestamptz,
               timezone($realtime_tz, local_time)
           ) as ts_tz,
           len(d) as n_data
    from _qlog_fields
)
select
    file_path, line_no, raw_text, n_fields, callid, queuename, agent, event, d, n_data,
    timezone('UTC', ts_tz) as event_time_utc,
    case
        when contains(raw_text, chr(0)) then 'NUL bytes in line (damaged write or rotation)'
        when trim(raw_text) = '' then 'empty line'
        when n_fields < {min_fields} then
            'wrong field count: expected at least {min_fields} fields ({layout_fields}), found '
            || n_fields
        when ts_tz is null and epoch is null and '{layout}' = 'flat' then
            'epoch is not an integer: "' || coalesce(time_text, '') || '"'
        when ts_tz is null then 'time is not a timestamp: "' || coalesce(time_text, '') || '"'
        when epoch(ts_tz) < {min_epoch} or epoch(ts_tz) > epoch(now()) + {max_future} then
            'time out of range: ' || strftime(timezone('UTC', ts_tz), '%Y-%m-%d %H:%M:%S') || ' UTC'
        else {validation}
    end as reason
from typed
"""


def _realtime_column_sql(header: str) -> tuple[str, int]:
    names = [c.strip().strip('"').lower() for c in header.lstrip("\ufeff").strip().split(",")]
    index = {name: i + 1 for i, name in enumerate(names)}
    data_cols = [index[f"data{i}"] for i in range(1, 6) if f"data{i}" in index]
    if data_cols:
        items = ", ".join(f"p[{i}]" for i in data_cols)
        # adaptive realtime: data1..data5; trailing empty columns are no data
        joined = f"rtrim(array_to_string([{items}], '|'), '|')"
        data_expr = f"case when {joined} = '' then []::varchar[] else string_split({joined}, '|') end"
    elif "data" in index:
        data_expr = f"case when p[{index['data']}] = '' then []::varchar[] else string_split(p[{index['data']}], '|') end"
    else:
        data_expr = "[]::varchar[]"
    return _REALTIME_FIELDS_SQL.format(
        data_expr=data_expr, **{c: index[c] for c in REALTIME_REQUIRED_COLUMNS}
    ), len(names)


def layout_of(text: str) -> str:
    """The file's layout from its first line. Anything that is not a realtime CSV is read
    as a flat file, so a damaged first line (or a wholly damaged file) gets its lines
    quarantined with reasons instead of the file being refused."""
    return sniff_layout(text.split("\n", 1)[0]) or "flat"


def is_queue_log_file(path: Path) -> bool:
    """Rotated flat files (queue_log, queue_log-20220707, queue_log.1, .gz) and CSV exports
    of the realtime queue_log table (sniffed from their header)."""
    if path.name.startswith("queue_log"):
        return True
    if path.suffix.lower() != ".csv":
        return False
    with path.open("rb") as handle:
        first = handle.readline(4096).decode("utf-8", errors="replace")
    return sniff_layout(first) == "realtime"


# logrotate's names for the log it moved: dateext (queue_log-20220707, queue_log-2022-07-07) or
# numbered (queue_log.1), compressed or not
_ROTATED_NAME = re.compile(r"queue_log[.-][0-9][0-9-]*(\.gz)?")


def is_rotated_file(path: Path) -> bool:
    """A rotated flat log: Asterisk writes only `queue_log`. Not a realtime table's CSV export
    that happens to be named queue_log*.csv, which may still be appended to."""
    return _ROTATED_NAME.fullmatch(path.name) is not None


def parse_batch(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Source hook: flat files of the batch in one pass, each realtime CSV on its own (its
    header decides the columns); then each file's first and last event time."""
    zone = options.get("realtime_time_zone", "UTC")
    flat = [p for p in batch if layout_of(p.first_line) == "flat"]
    results = parse_into_raw(con, flat, "flat", zone) if flat else {}
    flat_paths = {p.file_path for p in flat}
    for pending in batch:
        if pending.file_path not in flat_paths:
            results.update(parse_into_raw(con, [pending], "realtime", zone))
    spans = {
        row[0]: row[1:]
        for row in con.execute(
            "select file_path, min(event_time_utc), max(event_time_utc) from raw.asterisk_queue_log "
            "where list_contains(?, file_path) group by file_path", [list(results)]).fetchall()
    }
    return {path: replace(r, first_event_utc=spans.get(path, (None, None))[0],
                          last_event_utc=spans.get(path, (None, None))[1])
            for path, r in results.items()}


def parse_into_raw(
    con: duckdb.DuckDBPyConnection,
    files: list[PendingFile],
    layout: str,
    realtime_time_zone: str = "UTC",
) -> dict[str, ParseResult]:
    """Parse a batch of files (or appended parts) of one layout (a realtime batch holds one
    file: its header decides the columns) and insert their lines into
    raw.asterisk_queue_log / raw.quarantine.

    The caller owns the transaction and has already removed earlier rows of files it reloads.
    One statement per step for the whole batch keeps the per-file overhead out of the way.
    """
    con.execute("create or replace temp table _qlog_texts (file_path varchar, line_offset bigint, text varchar)")
    con.executemany("insert into _qlog_texts values (?, ?, ?)", [(p.file_path, p.line_offset, p.text) for p in files])
    con.execute(_LINES_SQL)
    if layout == "flat":
        con.execute(_FLAT_FIELDS_SQL)
        min_fields, layout_fields = 5, "epoch|callid|queue|agent|event"
    else:
        if len(files) != 1:
            raise ValueError("a realtime batch holds exactly one file")
        sql, n_columns = _realtime_column_sql(files[0].first_line)
        con.execute(sql)
        min_fields, layout_fields = n_columns, "one per header column"

    con.execute(
        _PARSED_SQL.format(
            min_fields=min_fields,
            layout_fields=layout_fields,
            layout=layout,
            min_epoch=MIN_EPOCH,
            max_future=MAX_FUTURE_SECONDS,
            validation=_validation_sql(),
        ),
        {"realtime_tz": realtime_time_zone},
    )
    con.execute(
        f"""
        insert into raw.asterisk_queue_log
        select file_path, line_no, event_time_utc, callid, queuename, agent, event,
               array_to_string(d, '|'), d[1], d[2], d[3], d[4], d[5], d[6],
               event in {tuple(KNOWN_EVENTS)}
        from _qlog_parsed where reason is null
        """
    )
    con.execute(
        """
        insert into raw.quarantine
        select $source, file_path, line_no, replace(raw_text, chr(0), '\\0'), reason, now()
        from _qlog_parsed where reason is not null
        """,
        {"source": SOURCE},
    )
    counts = con.execute(
        "select file_path, count(*), count(*) filter (where reason is null), "
        "count(*) filter (where reason is not null) from _qlog_parsed group by file_path"
    ).fetchall()
    for table in ("_qlog_texts", "_qlog_lines", "_qlog_fields", "_qlog_parsed"):
        con.execute(f"drop table if exists {table}")
    results = {p.file_path: ParseResult(layout, 0, 0, 0) for p in files}  # an empty file reads 0
    results.update({path: ParseResult(layout, read, loaded, rejected) for path, read, loaded, rejected in counts})
    return results


SOURCE_SPEC = Source(
    name=SOURCE,
    tables=("raw.asterisk_queue_log",),
    ddl="select 1",  # raw.asterisk_queue_log is part of the core raw schema
    matches=is_queue_log_file,
    parse=parse_batch,
    appendable=True,  # the live queue_log, written line by line until logrotate moves it
    is_closed=is_rotated_file,
)
