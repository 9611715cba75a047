"""CRM case exports (CSV) into raw.crm_cases: the documented format
(docs/formats/crm_cases_csv.md) or a CRM's own export through a column mapping
(config/crm_mappings/*.yml, e.g. a Salesforce Data Loader export of Case).

As in queue_log.py, DuckDB does the work over whole files: SQL numbers the lines, joins the
lines of a quoted field that holds line breaks into one record, splits fields with an
RFC 4180 regex, applies the mapping as generated SQL expressions and validates; one insert
loads the good records and one quarantines the rest. Python reads the header line, picks
the mapping and writes the SQL.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from contract.vocabulary import DEFAULT_TIME_ZONE
from contract.yaml_files import key_error, read_mapping
from ingestion import settings
from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "crm_cases"
DOCUMENTED_COLUMNS = (
    "case_id", "line_code", "crm_queue", "motive", "channel", "created_at", "first_response_at",
    "resolved_at", "closed_at", "status", "reopen_count", "customer_id", "customer_phone",
    "customer_email", "agent", "origin_call_id", "outcome",
)
REQUIRED_COLUMNS = ("case_id", "created_at")
TIMESTAMP_COLUMNS = ("created_at", "first_response_at", "resolved_at", "closed_at")
CHANNELS = ("phone", "email", "web", "fax", "social", "outbound")
STATUSES = ("open", "in_progress", "resolved", "closed", "reopened")
OUTCOMES = ("retained", "cancelled")
# Checks a mapping may turn from "reject" into "load and flag in `anomaly`" (see
# config/crm_mappings/salesforce_case.yml for why a real export needs it).
RELAXABLE = {
    "resolved_before_created": "resolved_at before created_at",
    "closed_before_created": "closed_at before created_at",
}
DOCUMENTED_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_MAPPINGS_DIR = settings.PROJECT_ROOT / "config" / "crm_mappings"

DDL = """
create schema if not exists raw;
create table if not exists raw.crm_cases (
    file_path              varchar not null,
    line_no                integer not null,   -- line where the record starts (header = 1)
    mapping                varchar not null,   -- 'native' or the mapping's name
    case_id                varchar not null,
    line_code              varchar,            -- explicit, else crm_queue through the contract
    crm_queue              varchar,
    motive                 varchar,
    channel                varchar,
    created_at_utc         timestamp not null, -- naive UTC
    first_response_at_utc  timestamp,
    resolved_at_utc        timestamp,
    closed_at_utc          timestamp,
    status                 varchar,
    reopen_count           integer,
    customer_id            varchar,
    customer_phone         varchar,            -- personal data: raw schema only
    customer_email         varchar,            -- personal data: raw schema only
    agent                  varchar,
    origin_call_id         varchar,
    outcome                varchar,
    anomaly                varchar,            -- a check the mapping relaxed, e.g. closed before created
    primary key (file_path, line_no)
);
"""


class MappingError(ValueError):
    """A mapping file that would load cases wrongly: fail the load, name file, key and fix."""


@dataclass(frozen=True)
class Rule:
    """How one documented column is filled: the first non-empty of `sources`, or `constant`,
    then translated through `values` (a value not in the map is kept, and then validated)."""

    sources: tuple[str, ...] = ()
    constant: str | None = None
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Mapping:
    name: str
    header_has: tuple[str, ...]
    columns: dict[str, Rule]
    time_zone: str = DEFAULT_TIME_ZONE
    timestamp_formats: tuple[str, ...] = (DOCUMENTED_TIMESTAMP_FORMAT,)
    null_values: tuple[str, ...] = ("",)
    reject_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    allow: tuple[str, ...] = ()
    optional_sources: bool = False  # native: a missing optional column is just empty


def native_mapping(header: list[str]) -> Mapping:
    present = {h.lower() for h in header}
    return Mapping(
        name="native",
        header_has=REQUIRED_COLUMNS,
        columns={c: Rule((c,)) for c in DOCUMENTED_COLUMNS if c in present},
        optional_sources=True,
    )


# --- mapping files --------------------------------------------------------------------

_MAPPING_KEYS = ("name", "detect", "time_zone", "timestamp_formats", "null_values", "reject_when",
                 "allow", "columns")


def _fail(path: Path, key: str, problem: str, fix: str) -> MappingError:
    return key_error(path, key, problem, fix, MappingError)


def _strings(path: Path, key: str, value, allow_single: bool = True) -> tuple[str, ...]:
    if allow_single and isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, key, f"expected a list of quoted strings, found {value!r}",
                    'quote every value, e.g. ["Closed", "1"] (YAML reads bare Yes/No/1 as non-strings)')
    return tuple(value)


def _rule(path: Path, column: str, raw) -> Rule:
    key = f"columns.{column}"
    if isinstance(raw, str):
        return Rule((raw,))
    if not isinstance(raw, dict) or set(raw) - {"from", "values", "constant"}:
        raise _fail(path, key, f"expected a source column name or {{from, values, constant}}, found {raw!r}",
                    "write `Status` or `{from: Status, values: {Closed: closed}}` or `{constant: bo_atc}`")
    if ("from" in raw) == ("constant" in raw):
        raise _fail(path, key, "needs exactly one of `from` and `constant`", "name the source column(s) or a constant")
    values = raw.get("values") or {}
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        raise _fail(path, f"{key}.values", f"expected a map of quoted strings, found {values!r}",
                    'quote keys and values, e.g. {"Closed": "closed"}')
    constant = raw.get("constant")
    if constant is not None and not isinstance(constant, str | int):
        raise _fail(path, f"{key}.constant", f"expected a string, found {constant!r}", "quote the constant")
    return Rule(
        sources=_strings(path, f"{key}.from", raw["from"]) if "from" in raw else (),
        constant=None if constant is None else str(constant),
        values=tuple(values.items()),
    )


def load_mapping(path: Path) -> Mapping:
    raw = read_mapping(path, _MAPPING_KEYS, MappingError)
    name = raw.get("name", path.stem)
    if not isinstance(name, str) or not name or name == "native":
        raise _fail(path, "name", f"{name!r} is not a usable name", "name the mapping, e.g. salesforce_case")
    detect = raw.get("detect")
    if not isinstance(detect, dict) or set(detect) != {"header_has"}:
        raise _fail(path, "detect", "missing or not {header_has: [...]}",
                    "list header columns that only this export has: detect: {header_has: [Id, CaseNumber]}")
    columns_raw = raw.get("columns")
    if not isinstance(columns_raw, dict):
        raise _fail(path, "columns", "missing", "map each documented column to a source column")
    for column in columns_raw:
        if column not in DOCUMENTED_COLUMNS:
            raise _fail(path, f"columns.{column}", "not a column of the documented format",
                        f"use one of {', '.join(DOCUMENTED_COLUMNS)}")
    for column in REQUIRED_COLUMNS:
        if column not in columns_raw:
            raise _fail(path, f"columns.{column}", "missing", "map it: every case needs it")
    zone = raw.get("time_zone", DEFAULT_TIME_ZONE)
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(path, "time_zone", f"unknown time zone {zone!r}", "use an IANA name such as UTC") from None
    reject_when = raw.get("reject_when") or {}
    if not isinstance(reject_when, dict):
        raise _fail(path, "reject_when", "expected {source column: [values]}", 'write {IsDeleted: ["1"]}')
    allow = _strings(path, "allow", raw.get("allow") or [])
    for check in allow:
        if check not in RELAXABLE:
            raise _fail(path, "allow", f"unknown check {check!r}", f"use one of {', '.join(RELAXABLE)}")
    return Mapping(
        name=name,
        header_has=_strings(path, "detect.header_has", detect["header_has"]),
        columns={c: _rule(path, c, r) for c, r in columns_raw.items()},
        time_zone=str(zone),
        timestamp_formats=_strings(path, "timestamp_formats",
                                   raw.get("timestamp_formats", DOCUMENTED_TIMESTAMP_FORMAT)),
        null_values=_strings(path, "null_values", raw.get("null_values", [""])),
        reject_when=tuple((c, _strings(path, f"reject_when.{c}", v)) for c, v in reject_when.items()),
        allow=allow,
    )


def load_mappings(folder: Path) -> list[Mapping]:
    mappings = [load_mapping(p) for p in sorted(folder.glob("*.yml"))] if folder.is_dir() else []
    names = [m.name for m in mappings]
    if len(set(names)) != len(names):
        raise MappingError(f"{folder}: two mapping files share a name: {sorted(names)}. Fix: rename one")
    return mappings


def header_columns(text: str) -> list[str]:
    first = text.split("\n", 1)[0].lstrip("\ufeff").rstrip("\r")
    return [c.strip() for c in next(csv.reader([first]), [])]


def choose_mapping(header: list[str], mappings: list[Mapping]) -> Mapping | None:
    """The documented format when the header has its required columns, else the first
    mapping (by file name) whose `detect.header_has` columns are all in the header."""
    present = {h.lower() for h in header}
    if set(REQUIRED_COLUMNS) <= present:
        return native_mapping(header)
    return next((m for m in mappings if {c.lower() for c in m.header_has} <= present), None)


# --- SQL ------------------------------------------------------------------------------

def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def lit_list(values) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


# The records of every file in `{texts}` (file_path, text), numbered by the line they start on
# in the file: `{line_offset}` lines come before the text (an appended part starts on a record
# of its own, after the header). A quoted field may hold line breaks (a case description): a
# line continues the record before it while the quotes seen so far in the file are odd in
# number. An unbalanced quote therefore swallows the rest of the file into one record, which
# then fails validation: loud, never silently misaligned.
_CSV_RECORDS_TEMPLATE = """
create or replace temp table {out} as
with src as (select file_path, {line_offset} as line_offset, string_split(text, chr(10)) as l from {texts}),
lines as (
    select file_path, line_offset, generate_subscripts(l, 1) as i, unnest(l) as raw_text, len(l) as n_lines
    from src
),
clean as (
    select file_path, line_offset + i as line_no,
           -- CRLF files: the CR is line-ending noise, not data
           case when raw_text like '%' || chr(13) then raw_text[:-2] else raw_text end as raw_text
    from lines
    where not (i = n_lines and raw_text = '')  -- a trailing newline does not make a line
),
parity as (
    select *, coalesce(sum(length(raw_text) - length(replace(raw_text, '"', ''))) over (
               partition by file_path order by line_no
               rows between unbounded preceding and 1 preceding), 0) % 2 = 1 as continues
    from clean
),
numbered as (
    select *, sum(case when continues then 0 else 1 end) over (
               partition by file_path order by line_no) as record_no
    from parity
),
records as (
    select file_path, record_no, min(line_no) as line_no,
           string_agg(raw_text, chr(10) order by line_no) as raw_text
    from numbered group by file_path, record_no
),
split as (
    -- RFC 4180 fields: quoted ("" escapes a quote) or bare; the record on line 1 is the header
    select *, regexp_extract_all(raw_text || ',', '("(?:[^"]|"")*"|[^,"]*),', 1) as raw_fields
    from records where line_no > 1
)
select file_path, line_no, raw_text, len(raw_fields) as n_fields,
       -- the regex skips what it cannot read (a quote inside a bare field): then the fields
       -- no longer spell the record
       array_to_string(raw_fields, ',') = raw_text as well_formed,
       list_transform(raw_fields, lambda f: case when f like '"%"' and len(f) >= 2
                                          then replace(f[2:-2], '""', '"') else f end) as p
from split
"""
# For texts that are whole files: `{out}` and `{texts}` left to fill.
CSV_RECORDS_SQL = _CSV_RECORDS_TEMPLATE.replace("{line_offset}", "0")


def _value_sql(index: dict[str, int], mapping: Mapping, rule: Rule) -> str:
    nulls = ", ".join(lit(v) for v in mapping.null_values)
    if rule.constant is not None:
        expr = lit(rule.constant)
    else:
        cleaned = [f"(case when trim(p[{index[s.lower()]}]) in ({nulls}) then null else trim(p[{index[s.lower()]}]) end)"
                   for s in rule.sources if s.lower() in index]
        expr = f"coalesce({', '.join(cleaned)})" if cleaned else "null::varchar"
    if rule.values:
        whens = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in rule.values)
        expr = f"(case {expr} {whens} else {expr} end)"
    return expr


def _fields_sql(mapping: Mapping, index: dict[str, int]) -> str:
    exprs = [f"{_value_sql(index, mapping, mapping.columns[c]) if c in mapping.columns else 'null::varchar'} as {c}"
             for c in DOCUMENTED_COLUMNS]
    excluded = [f"when p[{index[c.lower()]}] in ({', '.join(lit(v) for v in vals)}) then "
                f"{lit(f'excluded by mapping {mapping.name}: {c} = ')} || p[{index[c.lower()]}]"
                for c, vals in mapping.reject_when]
    return f"""
create or replace temp table _crm_fields as
select file_path, line_no, raw_text, n_fields, well_formed,
       {'case ' + ' '.join(excluded) + ' end' if excluded else 'null::varchar'} as excluded,
       {', '.join(exprs)}
from _crm_records
"""


def _parsed_sql(mapping: Mapping, n_columns: int) -> str:
    formats = lit_list(mapping.timestamp_formats)
    zone = lit(mapping.time_zone)
    typed = ", ".join(
        f"timezone('UTC', timezone({zone}, try_strptime({c}, {formats}))) as {c}_utc" for c in TIMESTAMP_COLUMNS)
    bad_times = " ".join(
        f"when {c} is not null and {c}_utc is null then '{c} is not a timestamp: \"' || {c} || '\"'"
        for c in TIMESTAMP_COLUMNS)
    order_checks, anomalies = [], []
    for check, column in (("resolved_before_created", "resolved_at"), ("closed_before_created", "closed_at")):
        test = f"{column}_utc < created_at_utc"
        if check in mapping.allow:
            anomalies.append(f"case when {test} then {lit(RELAXABLE[check])} end")
        else:
            order_checks.append(f"when {test} then {lit(RELAXABLE[check])}")
    return f"""
create or replace temp table _crm_parsed as
with typed as (
    select *, {typed}, try_cast(reopen_count as integer) as reopen_count_int from _crm_fields
),
checked as (
    select *,
        case
            when trim(raw_text) = '' then 'empty line'
            when not well_formed then 'malformed CSV quoting'
            when n_fields <> {n_columns} then
                'wrong field count: expected {n_columns} (one per header column), found ' || n_fields
            when excluded is not null then excluded
            when case_id is null then 'missing case_id'
            when created_at is null then 'missing created_at'
            {bad_times}
            {' '.join(order_checks)}
            when reopen_count is not null and coalesce(reopen_count_int, -1) < 0 then
                'reopen_count is not a non-negative integer: "' || reopen_count || '"'
            when channel is not null and channel not in {tuple(CHANNELS)} then 'unknown channel: "' || channel || '"'
            when status is not null and status not in {tuple(STATUSES)} then 'unknown status: "' || status || '"'
            when outcome is not null and outcome not in {tuple(OUTCOMES)} then 'unknown outcome: "' || outcome || '"'
        end as bad,
        nullif(concat_ws('; ', {', '.join(anomalies) or 'null'}), '') as anomaly
    from typed
),
ranked as (
    -- among otherwise good records the first of a case_id wins: a corrected row later in
    -- the file still loads when the first one was bad. Before an appended part, the file's
    -- loaded cases (_crm_loaded) came first.
    select c.*, row_number() over w as dup_rank,
           coalesce(l.line_no, first_value(c.line_no) over w) as first_line, l.line_no is not null as loaded_before
    from checked c
    left join _crm_loaded l on c.bad is null and l.file_path = c.file_path and l.case_id = c.case_id
    window w as (partition by c.file_path, c.case_id, c.bad is null order by c.line_no)
)
select *, coalesce(bad, case when dup_rank > 1 or loaded_before then
    'duplicate case_id "' || case_id || '" (first at line ' || first_line || ')' end) as reason
from ranked
"""


_INSERT_SQL = """
insert into raw.crm_cases
select c.file_path, c.line_no, $mapping, c.case_id, coalesce(c.line_code, q.line_code), c.crm_queue,
       c.motive, c.channel, c.created_at_utc, c.first_response_at_utc, c.resolved_at_utc, c.closed_at_utc,
       c.status, c.reopen_count_int, c.customer_id, c.customer_phone, c.customer_email, c.agent,
       c.origin_call_id, c.outcome, c.anomaly
from _crm_parsed c left join _crm_queue_lines q on q.crm_queue = c.crm_queue
where c.reason is null
"""

_QUARANTINE_SQL = """
insert into raw.quarantine
select $source, file_path, line_no, raw_text, {reason}, now() from {table} {where}
"""


def _parse_group(con, files: list[PendingFile], header: list[str], mapping: Mapping | None,
                 mappings_dir: Path) -> dict[str, ParseResult]:
    """Files (or appended parts) that share one header line: one set of statements for all."""
    con.execute("create or replace temp table _crm_texts (file_path varchar, line_offset bigint, text varchar)")
    con.executemany("insert into _crm_texts values (?, ?, ?)", [(p.file_path, p.line_offset, p.text) for p in files])
    con.execute(_CSV_RECORDS_TEMPLATE.format(out="_crm_records", texts="_crm_texts", line_offset="line_offset"))
    # the first line of each case the files' earlier parts loaded (a whole file has none left)
    appended = [p.file_path for p in files if p.line_offset]
    con.execute("create or replace temp table _crm_loaded as select file_path, case_id, min(line_no) as line_no "
                "from raw.crm_cases where list_contains(?, file_path) group by all", [appended])
    index = {h.lower(): i + 1 for i, h in enumerate(header)}
    # a mapped column the export lacks would silently load as empty: refuse the file instead
    referenced = set() if mapping is None or mapping.optional_sources else (
        {s for r in mapping.columns.values() for s in r.sources} | {c for c, _ in mapping.reject_when})
    missing = sorted(s for s in referenced if s.lower() not in index)
    if mapping is None or missing:
        reason = (f"header matches neither the documented format (needs {', '.join(REQUIRED_COLUMNS)}) "
                  f"nor a mapping in {mappings_dir}" if mapping is None else
                  f"mapping {mapping.name}: header lacks columns {', '.join(missing)}")
        con.execute(_QUARANTINE_SQL.format(reason=lit(reason), table="_crm_records", where=""),
                    {"source": SOURCE})
        counts = con.execute("select file_path, count(*), 0, count(*), null, null from _crm_records "
                             "group by file_path").fetchall()
        layout = "unknown" if mapping is None else mapping.name
    else:
        con.execute(_fields_sql(mapping, index))
        con.execute(_parsed_sql(mapping, len(header)))
        con.execute(_INSERT_SQL, {"mapping": mapping.name})
        con.execute(_QUARANTINE_SQL.format(reason="reason", table="_crm_parsed", where="where reason is not null"),
                    {"source": SOURCE})
        counts = con.execute(
            "select file_path, count(*), count(*) filter (where reason is null), "
            "count(*) filter (where reason is not null), min(created_at_utc) filter (where reason is null), "
            "max(created_at_utc) filter (where reason is null) from _crm_parsed group by file_path").fetchall()
        layout = mapping.name
    for table in ("_crm_texts", "_crm_records", "_crm_loaded", "_crm_fields", "_crm_parsed"):
        con.execute(f"drop table if exists {table}")
    results = {p.file_path: ParseResult(layout, 0, 0, 0) for p in files}  # a header alone reads 0
    results.update({path: ParseResult(layout, *row) for path, *row in counts})
    return results


def parse_batch(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Source hook. Options: `crm_queue_to_line` (the contract's crm queue -> line code) and
    `crm_mappings_dir` (default config/crm_mappings)."""
    mappings_dir = Path(options.get("crm_mappings_dir") or DEFAULT_MAPPINGS_DIR)
    mappings = load_mappings(mappings_dir)
    con.execute("create or replace temp table _crm_queue_lines (crm_queue varchar, line_code varchar)")
    queue_lines = list((options.get("crm_queue_to_line") or {}).items())
    if queue_lines:
        con.executemany("insert into _crm_queue_lines values (?, ?)", queue_lines)
    groups: dict[str, list[PendingFile]] = {}
    for pending in batch:
        groups.setdefault(pending.first_line.rstrip("\r"), []).append(pending)
    results: dict[str, ParseResult] = {}
    for first_line, files in groups.items():
        header = header_columns(first_line)
        results.update(_parse_group(con, files, header, choose_mapping(header, mappings), mappings_dir))
    con.execute("drop table if exists _crm_queue_lines")
    return results


def is_crm_file(path: Path) -> bool:
    """`crm/**/*.csv` under the landing folder."""
    return path.suffix.lower() == ".csv" and "crm" in path.parent.parts


SOURCE_SPEC = Source(
    name=SOURCE,
    tables=("raw.crm_cases",),
    ddl=DDL,
    matches=is_crm_file,
    parse=parse_batch,
    appendable=True,  # an export a CRM job keeps adding the day's cases to
    quoted_records=True,
)
