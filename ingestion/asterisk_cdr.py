"""Asterisk CDR parser: Master.csv (cdr_csv, cdr_custom) and realtime-table CSV exports,
into raw.asterisk_cdr.

As in ingestion/queue_log.py, parsing and validation run in DuckDB over the whole batch:
the text is split into numbered lines by SQL, each line into RFC 4180 fields by a regular
expression, and good and bad lines are inserted with one statement each. Python only reads
the bytes and tells headed (realtime) files from headerless ones.

Layouts (../shared/reference-data/asterisk_cdr/SPEC.md):
- cdr_csv Master.csv, no header: 16 fields, 17 (+uniqueid, or +userfield), 18 (+uniqueid,
  userfield), 21 (+peeraccount, linkedid, sequence). The count is decided per line: a
  cdr.conf change mid-file changes it for the lines written after;
- cdr_custom Master.csv (the 19-field sample format: clid first, accountcode 16th);
- realtime / cdr_adaptive_odbc table exported with a header row: columns mapped by name,
  `calldate` accepted for `start`; absent columns (e.g. no `answer`/`end`) are NULL.

Only Master files are read from a cdr-csv folder: the per-accountcode files cdr_csv also
writes there (`accountlogs=yes`) repeat Master.csv's rows and would double every call.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import duckdb

from contract.vocabulary import DEFAULT_TIME_ZONE
from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "asterisk_cdr"

DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION", "CANCEL", "UNKNOWN")

TEXT_COLUMNS = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel",
                "lastapp", "lastdata")
TAIL_COLUMNS = ("disposition", "amaflags", "uniqueid", "userfield", "linkedid", "peeraccount")

_CDR_CSV = {name: i + 1 for i, name in enumerate(
    (*TEXT_COLUMNS, "start", "answer", "end", "duration", "billsec", "disposition", "amaflags"))}
_NEW_COLUMNS = {"peeraccount": 19, "linkedid": 20, "sequence": 21}
# 1-based field of each column in the headerless layouts (cdr_csv.c build_csv_record(),
# cdr_custom.conf.sample)
POSITIONS = {
    "cdr_csv_16": _CDR_CSV,
    "cdr_csv_17": {**_CDR_CSV, "uniqueid": 17},  # or userfield: see _UNIQUEID_LIKE
    "cdr_csv_18": {**_CDR_CSV, "uniqueid": 17, "userfield": 18},
    "cdr_csv_21": {**_CDR_CSV, "uniqueid": 17, "userfield": 18, **_NEW_COLUMNS},
    "cdr_custom_19": {name: i + 1 for i, name in enumerate((
        "clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata",
        "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
        "accountcode", "uniqueid", "userfield", "sequence"))},
}
FIELD_COUNTS = {len(positions): name for name, positions in POSITIONS.items()}

# A 17th field is the uniqueid when loguniqueid=yes and the userfield when only
# loguserfield=yes; a uniqueid is `[systemname-]epoch.sequence`.
_UNIQUEID_LIKE = r"(.*-)?[0-9]+\.[0-9]+"

# Columns that make a CSV header a CDR table's and not, say, a queue_log table's.
HEADER_MARKERS = frozenset({"src", "dst", "dcontext", "channel", "disposition", "billsec"})

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S")
# How realtime tables and dumps write a missing answer time.
_NO_TIME = ("", "NULL", "\\N", "0000-00-00 00:00:00")


# --- SQL text helpers (shared with ingestion/call_detail.py) ------------------------------

def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def numbered_lines_sql(texts_table: str, extra: str = "", line_offset: str = "0") -> str:
    """SELECT of every line of every text in `texts_table(file_path, text, ...)` with its
    1-based number; a trailing newline does not make a line and a CR before the newline is
    line-ending noise. `extra`: more columns of the texts table to carry (', a, b');
    `line_offset`: the lines of the file before the text (a column, for appended parts)."""
    return f"""
    with src as (
        select file_path{extra}, {line_offset} as line_offset, string_split(text, chr(10)) as l
        from {texts_table}
    ),
    numbered as (
        select file_path{extra}, line_offset, generate_subscripts(l, 1) as i, unnest(l) as raw_text,
               len(l) as n_lines
        from src
    )
    select file_path{extra}, line_offset + i as line_no,
           case when raw_text like '%' || chr(13) then raw_text[:-2] else raw_text end as raw_text
    from numbered
    where not (i = n_lines and raw_text = '')
    """


def _regex_char(ch: str) -> str:
    """RE2's escape for any character, inside a class or not (`\\t` would not be literal)."""
    return f"\\x{{{ord(ch):X}}}"


def split_fields_sql(text: str, delimiter: str = ",", quoting: bool = True) -> str:
    """SQL list of the raw fields of `text`: RFC 4180 fields ("" escapes a quote inside a
    quoted field) keep their quotes, so that fields_cover_sql can prove nothing was skipped;
    unquote_sql removes them."""
    if not quoting:
        return f"string_split({text}, {sql_literal(delimiter)})"
    d = _regex_char(delimiter)
    pattern = f'("(?:[^"]|"")*"|[^{d}"]*){d}'
    return f"regexp_extract_all({text} || {sql_literal(delimiter)}, {sql_literal(pattern)}, 1)"


def unquote_sql(fields: str) -> str:
    return (f"list_transform({fields}, lambda f: case when f like '\"%\"' and len(f) >= 2 "
            "then replace(f[2:-2], '\"\"', '\"') else f end)")


def fields_cover_sql(text: str, fields: str) -> str:
    """True when the fields and their delimiters are the whole line: the regular expression
    skips what it cannot match (a quote inside a bare field, text after a closing quote),
    which must be a rejection, not a silently shorter field."""
    return (f"coalesce(list_sum(list_transform({fields}, lambda f: length(f))), 0) + len({fields}) "
            f"= length({text}) + 1")


# --- layout detection ------------------------------------------------------------------

def header_columns(first_line: str) -> list[str]:
    return [c.strip().strip('"').strip().lower() for c in first_line.lstrip("\ufeff").strip().split(",")]


def is_cdr_header(first_line: str) -> bool:
    columns = set(header_columns(first_line))
    return HEADER_MARKERS <= columns and bool({"start", "calldate"} & columns)


def _first_line(path: Path) -> str:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            return handle.readline(4096).decode("utf-8", errors="replace")
    except (OSError, EOFError):
        return ""


_MASTER_NAME = re.compile(r"Master.*\.csv", re.IGNORECASE)


def is_cdr_file(path: Path) -> bool:
    """Master.csv and its renamed or rotated copies (`*Master*.csv`, `Master.csv.1`,
    `Master.csv-20240301.gz`), or a CSV export of a CDR table (sniffed from its header)."""
    if _MASTER_NAME.search(path.name):
        return True
    if not path.name.lower().endswith((".csv", ".csv.gz")):
        return False
    return is_cdr_header(_first_line(path))


# --- parsing ---------------------------------------------------------------------------

def _column_sql(name: str) -> str:
    """The source field of `name` for the line's layout."""
    if name == "start":
        realtime = "coalesce(list_position(h, 'start'), list_position(h, 'calldate'))"
    else:
        realtime = f"list_position(h, '{name}')"
    cases = [f"when 'realtime' then p[{realtime}]"]
    for layout, positions in POSITIONS.items():
        if name in positions:
            cases.append(f"when '{layout}' then p[{positions[name]}]")
    expr = f"case layout {' '.join(cases)} else null end"
    if name in ("uniqueid", "userfield"):
        looks = f"regexp_full_match(p[17], '{_UNIQUEID_LIKE}')"
        pick = f"case when {looks} then p[17] end" if name == "uniqueid" else f"case when not {looks} then p[17] end"
        expr = f"case when layout = 'cdr_csv_17' then {pick} else {expr} end"
    return expr


def _timestamp_sql(text: str) -> str:
    return "coalesce(" + ", ".join(f"try_strptime({text}, '{f}')" for f in _TIME_FORMATS) + ")"


# The header is split apart from the data lines, so the regular expression runs once per line.
# It is the file's first line, also for an appended part, which does not hold it.
_FIELDS_SQL = """
create or replace temp table _cdr_lines as {lines};
create or replace temp table _cdr_fields as
with split as (select *, {split} as q from _cdr_lines where not (has_header and line_no = 1)),
unquoted as (select *, {unquote} as p, {covers} as covered from split),
headers as (
    select file_path, list_transform({unquote_header}, lambda c: lower(trim(c))) as h
    from _cdr_texts where has_header
)
select u.file_path, u.line_no, u.raw_text, u.p, u.covered, len(u.p) as n_fields, hd.h,
       case when u.has_header then 'realtime' else {counts} end as layout
from unquoted u left join headers hd using (file_path)
"""

_PARSED_SQL = """
create or replace temp table _cdr_parsed as
with v as (
    select file_path, line_no, raw_text, covered, n_fields, h, layout, {columns},
           {start} as start_text, {answer} as answer_text, {end} as end_text,
           {duration} as duration_text, {billsec} as billsec_text, {sequence} as sequence_text
    from _cdr_fields
),
t as (
    select *,
           {start_ts} as start_local,
           case when trim(coalesce(answer_text, '')) in {no_time} then null else {answer_ts} end as answer_local,
           {end_ts} as end_local,
           {duration_int} as duration,
           {billsec_int} as billsec,
           {sequence_int} as sequence
    from v
)
select *,
       timezone('UTC', timezone($tz, start_local)) as start_utc,
       timezone('UTC', timezone($tz, answer_local)) as answer_utc,
       timezone('UTC', timezone($tz, end_local)) as end_utc,
       case
           when contains(raw_text, chr(0)) then 'NUL bytes in line (damaged write or rotation)'
           when trim(raw_text) = '' then 'empty line'
           when not covered then
               'malformed CSV quoting: a quote inside an unquoted field or text after a closing quote'
           when layout = 'realtime' and n_fields <> len(h) then
               'wrong field count: expected ' || len(h) || ' fields (one per header column), found ' || n_fields
           when layout is null then
               'wrong field count: expected 16, 17, 18 or 21 fields (cdr_csv) or 19 (cdr_custom), found '
               || n_fields
           when start_local is null then
               'start is not a timestamp (YYYY-MM-DD HH:MM:SS): "' || coalesce(start_text, '') || '"'
           when end_text is not null and end_local is null then
               'end is not a timestamp (YYYY-MM-DD HH:MM:SS): "' || end_text || '"'
           when answer_text is not null and trim(answer_text) not in {no_time} and answer_local is null then
               'answer is not a timestamp (YYYY-MM-DD HH:MM:SS) or empty: "' || answer_text || '"'
           when duration is null or duration < 0 then
               'duration is not a non-negative integer: "' || coalesce(duration_text, '') || '"'
           when billsec is null or billsec < 0 then
               'billsec is not a non-negative integer: "' || coalesce(billsec_text, '') || '"'
           when billsec > duration then
               'impossible data: billsec ' || billsec || ' is greater than duration ' || duration
           when end_local < start_local then
               'impossible data: end ' || end_text || ' is before start ' || start_text
           when disposition is null or disposition not in {dispositions} then
               'unknown disposition "' || coalesce(disposition, '') || '" (expected one of '
               || {disposition_list} || ')'
           when nullif(sequence_text, '') is not null and sequence is null then
               'sequence is not an integer: "' || sequence_text || '"'
       end as reason
from t
"""


def _integer_sql(text: str, signed: bool) -> str:
    pattern = "-?[0-9]+" if signed else "[0-9]+"
    kind = "bigint" if signed else "integer"  # out of range: NULL, so rejected, never a failed insert
    return f"case when regexp_full_match(trim({text}), '{pattern}') then try_cast(trim({text}) as {kind}) end"


def _parsed_sql() -> str:
    def ts(name: str) -> str:
        return _timestamp_sql(f"{name}_text")

    return _PARSED_SQL.format(
        columns=", ".join(f"{_column_sql(c)} as {c}" for c in (*TEXT_COLUMNS, *TAIL_COLUMNS)),
        start=_column_sql("start"), answer=_column_sql("answer"), end=_column_sql("end"),
        duration=_column_sql("duration"), billsec=_column_sql("billsec"),
        sequence=_column_sql("sequence"),
        # a strict pattern: a cast would round "6.5" into an integer nobody wrote
        duration_int=_integer_sql("duration_text", signed=False), billsec_int=_integer_sql("billsec_text", signed=False),
        sequence_int=_integer_sql("sequence_text", signed=True),
        start_ts=ts("start"), answer_ts=ts("answer"), end_ts=ts("end"),
        no_time="(" + ", ".join(sql_literal(v) for v in _NO_TIME) + ")",
        dispositions=tuple(DISPOSITIONS),
        disposition_list=sql_literal(", ".join(DISPOSITIONS)),
    )


def _file_layout(layouts: str | None, so_far: str | None, headed: bool) -> str:
    """The layouts of a file's lines ('+'-joined, as the parse of the whole file names them),
    from those of the lines just parsed and of the part loaded before them."""
    placeholder = "realtime" if headed else "cdr_csv"  # a file without a line of known layout
    names = {n for text in (layouts, so_far) if text for n in text.split("+")} - {"cdr_csv"}
    return "+".join(sorted(names)) or placeholder


def parse_batch(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Source hook: every file (or appended part) of the batch in one pass, headed or not (a
    realtime file's header decides its own columns); the caller owns the transaction."""
    zone = options.get("cdr_time_zone") or DEFAULT_TIME_ZONE
    texts, so_far = [], {}
    for pending in batch:
        header = pending.first_line.removeprefix("\ufeff").removesuffix("\r")
        body = pending.text if pending.line_offset else pending.text.removeprefix("\ufeff")
        texts.append((pending.file_path, pending.line_offset, body, is_cdr_header(header), header))
        so_far[pending.file_path] = pending.layout_so_far
    con.execute("create or replace temp table _cdr_texts "
                "(file_path varchar, line_offset bigint, text varchar, has_header boolean, header varchar)")
    con.executemany("insert into _cdr_texts values (?, ?, ?, ?, ?)", texts)
    counts = "case n_fields " + " ".join(f"when {n} then '{layout}'" for n, layout in FIELD_COUNTS.items()) + " end"
    con.execute(_FIELDS_SQL.format(
        lines=numbered_lines_sql("_cdr_texts", ", has_header", line_offset="line_offset"),
        split=split_fields_sql("raw_text"), unquote=unquote_sql("q"), covers=fields_cover_sql("raw_text", "q"),
        unquote_header=unquote_sql(split_fields_sql("header")),
        counts=counts,
    ))
    con.execute(_parsed_sql(), {"tz": zone})
    con.execute(
        f"""
        insert into raw.asterisk_cdr
        select file_path, line_no, layout, {', '.join(TEXT_COLUMNS)}, start_utc, answer_utc, end_utc,
               duration, billsec, disposition, amaflags, uniqueid, userfield, linkedid, peeraccount, sequence
        from _cdr_parsed where reason is null
        """
    )
    con.execute(
        """
        insert into raw.quarantine
        select $source, file_path, line_no, replace(raw_text, chr(0), '\\0'), reason, now()
        from _cdr_parsed where reason is not null
        """,
        {"source": SOURCE},
    )
    rows = con.execute(
        """
        select file_path, string_agg(distinct layout, '+' order by layout),
               count(*), count(*) filter (where reason is null), count(*) filter (where reason is not null),
               min(start_utc) filter (where reason is null),
               max(coalesce(end_utc, start_utc)) filter (where reason is null)
        from _cdr_parsed group by file_path
        """
    ).fetchall()
    for table in ("_cdr_texts", "_cdr_lines", "_cdr_fields", "_cdr_parsed"):
        con.execute(f"drop table if exists {table}")
    # an empty (or header-only) file reads 0 lines
    headed = {path: has_header for path, _, _, has_header, _ in texts}
    results = {path: ParseResult(_file_layout(None, so_far[path], headed[path]), 0, 0, 0) for path in headed}
    for path, layout, read, loaded, rejected, first, last in rows:
        results[path] = ParseResult(_file_layout(layout, so_far[path], headed[path]), read, loaded, rejected,
                                    first, last)
    return results


DDL = """
create table if not exists raw.asterisk_cdr (
    file_path    varchar not null,
    line_no      integer not null,   -- 1-based physical line (a realtime file's header is line 1)
    layout       varchar not null,   -- cdr_csv_16/17/18/21, cdr_custom_19, realtime
    accountcode  varchar,            -- outbound campaign (contract.yml lines.*.campaigns)
    src          varchar,
    dst          varchar,
    dcontext     varchar,
    clid         varchar,
    channel      varchar,
    dstchannel   varchar,
    lastapp      varchar,
    lastdata     varchar,
    start_utc    timestamp not null, -- naive UTC, converted from the configured time zone
    answer_utc   timestamp,          -- NULL: not answered
    end_utc      timestamp,          -- NULL only when a realtime table has no `end` column
    duration     integer not null,   -- seconds, end - start
    billsec      integer not null,   -- seconds, end - answer
    disposition  varchar not null,
    amaflags     varchar,
    uniqueid     varchar,            -- = queue_log callid of the call's queue events
    userfield    varchar,
    linkedid     varchar,
    peeraccount  varchar,
    sequence     bigint,
    primary key (file_path, line_no)
);
"""

SOURCE_SPEC = Source(
    name=SOURCE,
    tables=("raw.asterisk_cdr",),
    ddl=DDL,
    matches=is_cdr_file,
    parse=parse_batch,
    appendable=True,  # Master.csv: cdr_csv appends a line per call
)
