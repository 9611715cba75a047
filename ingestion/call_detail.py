"""Call-detail CSV importer for ACDs other than Asterisk (DESIGN.md §3): one row per call,
read through a column mapping (config/call_detail_mappings/<name>.yml, format in
docs/formats/call_detail_csv.md) into the normalized raw.call_detail.

As in ingestion/queue_log.py, the work runs in DuckDB over a whole batch: lines are
numbered and split by SQL, each normalized column is one SQL expression generated from the
mapping, and good and bad rows are inserted with one statement each.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from contract.yaml_files import key_error, read_mapping
from ingestion import settings
from ingestion.asterisk_cdr import fields_cover_sql, numbered_lines_sql, split_fields_sql, sql_literal, unquote_sql
from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "call_detail"
DEFAULT_MAPPINGS_DIR = settings.PROJECT_ROOT / "config" / "call_detail_mappings"
DEFAULT_LINE = "sin_mapear"

OUTCOMES = ("answered", "abandoned", "no_queue", "phantom", "other")
TEXT = ("call_id", "queue", "priority", "customer_id", "agent")
TIMES = ("arrived_at_utc", "entered_queue_at_utc", "answered_at_utc", "ended_at_utc")
SECONDS = ("wait_seconds", "service_seconds")
SPEC_KEYS = {
    **{c: {"column", "separator", "constant", "values"} for c in TEXT},
    **{c: {"column", "format", "missing", "present_if_positive"} for c in TIMES},
    **{c: {"column", "unit"} for c in SECONDS},
    "outcome": {"column", "values"},
}
TOP_KEYS = {"description", "files", "delimiter", "quoting", "header", "column_names", "encoding",
            "time_zone", "line_code", "call_date", "columns"}
# A time of day this much earlier than the call's start is on the next day (calls are
# minutes long; only midnight makes the clock go backwards that far).
ROLLOVER = "interval 12 hour"


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class Mapping:
    name: str
    path: Path
    files: tuple[str, ...]
    delimiter: str
    quoting: bool
    header: bool
    column_names: tuple[str, ...]
    encoding: str
    time_zone: str
    line_code: str
    call_date: dict | None
    columns: dict

    def applies_to(self, path: PurePosixPath) -> bool:
        return any(path.match(glob) for glob in self.files)


def _fail(path: Path, key: str, problem: str, fix: str) -> MappingError:
    return key_error(path, key, problem, fix, MappingError)


def _names(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _check_spec(path: Path, name: str, spec) -> dict:
    if not isinstance(spec, dict):
        raise _fail(path, f"columns.{name}", "expected a mapping", "write {column: <source column>}")
    unknown = set(spec) - SPEC_KEYS[name]
    if unknown:
        raise _fail(path, f"columns.{name}.{sorted(unknown)[0]}", "unknown setting",
                    f"use {', '.join(sorted(SPEC_KEYS[name]))}")
    if ("column" in spec) == ("constant" in spec):
        raise _fail(path, f"columns.{name}", "needs exactly one of column / constant", "name the source column")
    if name == "outcome":
        targets = set((spec.get("values") or {}).values())
        if not targets or not targets <= set(OUTCOMES):
            raise _fail(path, "columns.outcome.values", f"maps to {sorted(map(str, targets))}",
                        f"map every source value to one of {', '.join(OUTCOMES)}")
    if spec.get("unit", "seconds") not in ("seconds", "hms"):
        raise _fail(path, f"columns.{name}.unit", f"unknown unit {spec['unit']!r}", "use seconds or hms")
    if "present_if_positive" in spec and len(_names(spec["column"])) > 1:
        raise _fail(path, f"columns.{name}.present_if_positive", "needs a single column",
                    "name one source column")
    return spec


def load_mapping(path: Path) -> Mapping:
    """Read and check one mapping file; errors name the file, the key and the fix."""
    raw = read_mapping(path, TOP_KEYS, MappingError)
    for key in ("files", "time_zone", "columns"):
        if not raw.get(key):
            raise _fail(path, key, "missing", "see docs/formats/call_detail_csv.md")
    try:
        ZoneInfo(str(raw["time_zone"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(path, "time_zone", f"unknown time zone {raw['time_zone']!r}", "use an IANA name") from None
    columns = raw["columns"]
    if not isinstance(columns, dict):
        raise _fail(path, "columns", "expected a mapping of normalized column -> source", "see the docs")
    for name in columns:
        if name not in SPEC_KEYS:
            raise _fail(path, f"columns.{name}", "not a normalized column", f"use {', '.join(SPEC_KEYS)}")
    for name in ("call_id", "outcome"):
        if name not in columns:
            raise _fail(path, f"columns.{name}", "missing", "every call needs an id and an outcome")
    if not {"arrived_at_utc", "entered_queue_at_utc"} & set(columns):
        raise _fail(path, "columns", "no arrived_at_utc or entered_queue_at_utc", "map the call's start time")
    header = bool(raw.get("header", True))
    names = tuple(str(n).strip().lower() for n in raw.get("column_names") or ())
    if not header and not names:
        raise _fail(path, "column_names", "a file without header needs its column names", "list them in order")
    call_date = raw.get("call_date")
    if call_date is not None and not (isinstance(call_date, dict) and {"column", "format", "time_column"} <= set(call_date)
                                      <= {"column", "format", "time_column", "time_format"}):
        raise _fail(path, "call_date", "needs column, format and time_column (and optionally time_format)",
                    "write {column: date, format: '%y%m%d', time_column: vru_entry}")
    columns_checked = {name: _check_spec(path, name, spec) for name, spec in columns.items()}
    try:
        codecs.lookup(str(raw.get("encoding", "utf-8")))
    except LookupError:
        raise _fail(path, "encoding", f"unknown encoding {raw['encoding']!r}", "use utf-8, latin-1, cp1252 ...") from None
    delimiter = str(raw.get("delimiter", ","))
    if len(delimiter) != 1:
        raise _fail(path, "delimiter", f"{delimiter!r} is not one character", 'write "\\t" or ","')
    mapping = Mapping(
        name=path.stem, path=path, files=tuple(_names(raw["files"])), delimiter=delimiter,
        quoting=bool(raw.get("quoting", True)), header=header, column_names=names,
        encoding=str(raw.get("encoding", "utf-8")), time_zone=str(raw["time_zone"]),
        line_code=str(raw.get("line_code", DEFAULT_LINE)), call_date=call_date,
        columns=columns_checked,
    )
    if not header:
        unknown = [n for n in _sources(mapping) if n not in names]
        if unknown:
            raise _fail(path, "column_names", f"lacks {', '.join(unknown)}, which columns read",
                        "list every column of the file in order")
    return mapping


@lru_cache(maxsize=8)
def _load_dir(folder: str, stamp: tuple) -> tuple[Mapping, ...]:
    return tuple(load_mapping(Path(folder) / name) for name, _ in stamp)


def load_mappings(folder: Path) -> tuple[Mapping, ...]:
    """Every mapping of the folder; re-read only when a file changes (discovery asks per file)."""
    if not folder.is_dir():
        return ()
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yml")))
    return _load_dir(str(folder), stamp)


def mapping_for(file_path: str, mappings: tuple[Mapping, ...]) -> Mapping | None:
    """The mapping whose glob matches the file's path (relative to the landing folder; a
    glob matches from the right, like pathlib's PurePath.match)."""
    found = [m for m in mappings if m.applies_to(PurePosixPath(file_path))]
    if len(found) > 1:
        raise MappingError(f"{file_path} matches mappings {', '.join(m.name for m in found)}: "
                           "make their `files` globs disjoint")
    return found[0] if found else None


# --- SQL generated from a mapping --------------------------------------------------------

def _field(name: str) -> str:
    """The column of `sourced` holding the trimmed source field `name` (NULL when empty)."""
    return '"src.' + name.lower().replace('"', '""') + '"'


def _values(expr: str, values: dict | None, strict: bool = False) -> str:
    if not values:
        return expr
    whens = " ".join(f"when {sql_literal(str(k))} then {'null' if v is None else sql_literal(str(v))}"
                     for k, v in values.items())
    return f"case {expr} {whens} else {'null' if strict else expr} end"


def _text_sql(spec: dict) -> str:
    if "constant" in spec:
        return "null" if spec["constant"] is None else sql_literal(str(spec["constant"]))
    names = _names(spec["column"])
    expr = _field(names[0]) if len(names) == 1 else (
        f"nullif(concat_ws({sql_literal(str(spec.get('separator', '-')))}, "
        + ", ".join(_field(n) for n in names) + "), '')")
    return _values(expr, spec.get("values"))


def _present_sql(name: str, spec: dict) -> str:
    missing = ", ".join(sql_literal(str(v)) for v in _names(spec.get("missing", [])))
    expr = _field(name)
    if not missing:
        return expr
    # the 'did not happen' marker can be a real time (0:00:00 at midnight): a positive
    # duration in the named column says the stage did happen
    real = (f"coalesce(try_cast({_field(spec['present_if_positive'])} as double) > 0, false)"
            if "present_if_positive" in spec else "false")
    return f"case when {expr} in ({missing}) and not {real} then null else {expr} end"


def _time_text_sql(spec: dict) -> str:
    parts = [_present_sql(n, spec) for n in _names(spec["column"])]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _utc_sql(mapping: Mapping, text: str, fmt: str | None) -> str:
    """Naive UTC from a source text: Unix seconds, a time of day on the call's date, or a
    full local timestamp. NULL when the text does not parse."""
    if fmt == "epoch":
        seconds = f"try_cast({text} as double)"
        # out-of-range epochs are bad data, not a failed statement
        return f"case when {seconds} between 0 and 253402300799 then timezone('UTC', to_timestamp({seconds})) end"
    if mapping.call_date is not None:
        tod = f"(try_strptime({text}, {sql_literal(fmt or '%H:%M:%S')}) - timestamp '1900-01-01')"
        local = (f"(_day + {tod} + case when {tod} < _start_tod - {ROLLOVER} "
                 "then interval 1 day else interval 0 day end)")
    else:
        local = f"try_strptime({text}, {sql_literal(fmt or '%Y-%m-%d %H:%M:%S')})"
    return f"timezone('UTC', timezone({sql_literal(mapping.time_zone)}, {local}))"


def _seconds_sql(text: str, unit: str) -> str:
    if unit == "hms":
        return (f"case when regexp_full_match({text}, '[0-9]+(:[0-9]{{1,2}}){{1,2}}') then "
                f"list_reduce(list_transform(string_split({text}, ':'), lambda x: cast(x as double)), "
                "lambda a, b: a * 60 + b) end")
    return f"try_cast({text} as double)"


def _sources(mapping: Mapping) -> list[str]:
    """Every source column the mapping reads: a header lacking one fails its rows."""
    names = [n for spec in mapping.columns.values() if "column" in spec for n in _names(spec["column"])]
    names += [mapping.columns[c]["present_if_positive"] for c in TIMES
              if "present_if_positive" in mapping.columns.get(c, {})]
    if mapping.call_date:
        names += [str(mapping.call_date["column"]), str(mapping.call_date["time_column"])]
    return list(dict.fromkeys(n.lower() for n in names))


def _parsed_sql(mapping: Mapping) -> str:
    """Stages, each computing a value once: the source fields by name; the call date; the
    chosen texts; their parsed values; the first reason to reject; the final outcome."""
    cols, sources = mapping.columns, _sources(mapping)
    sourced = [f"nullif(trim(f[list_position(h, {sql_literal(n)})]), '') as {_field(n)}" for n in sources]
    texts = [f"{_text_sql(cols[c]) if c in cols else 'null'} as {c}" for c in TEXT]
    values, checks = [], []
    for name in TIMES:
        if name in cols:
            fmt = cols[name].get("format") or ("%H:%M:%S" if mapping.call_date else "%Y-%m-%d %H:%M:%S")
            texts.append(f"{_time_text_sql(cols[name])} as {name}_text")
            values.append(f"{_utc_sql(mapping, f'{name}_text', cols[name].get('format'))} as {name}")
            checks.append(f"when {name}_text is not null and {name} is null then "
                          f"'{name}: \"' || {name}_text || '\" is not a time in format ' || {sql_literal(fmt)}")
        else:
            texts.append(f"null as {name}_text")
            values.append(f"null::timestamp as {name}")
    for name in SECONDS:
        if name in cols:
            texts.append(f"{_field(_names(cols[name]['column'])[0])} as {name}_text")
            values.append(f"{_seconds_sql(f'{name}_text', cols[name].get('unit', 'seconds'))} as {name}_value")
            checks.append(f"when {name}_text is not null and not coalesce({name}_value between 0 and 2147483647, "
                          f"false) then '{name}: \"' || {name}_text || '\" is not a non-negative duration'")
        else:
            texts.append(f"null as {name}_text")
            values.append(f"null::double as {name}_value")
    outcome = _field(_names(cols["outcome"]["column"])[0])
    texts += [f"{outcome} as outcome_text", f"{_values(outcome, cols['outcome']['values'], strict=True)} as mapped_outcome"]
    known = sql_literal(", ".join(str(k) for k in cols["outcome"]["values"]))
    name_sql = sql_literal(mapping.name)
    dated, date_checks = "null::date as _day, null::interval as _start_tod", []
    if mapping.call_date:
        day, start = _field(str(mapping.call_date["column"])), _field(str(mapping.call_date["time_column"]))
        date_fmt = sql_literal(str(mapping.call_date["format"]))
        tod_fmt = sql_literal(str(mapping.call_date.get("time_format", "%H:%M:%S")))
        dated = (f"cast(try_strptime({day}, {date_fmt}) as date) as _day, "
                 f"try_strptime({start}, {tod_fmt}) - timestamp '1900-01-01' as _start_tod")
        date_checks = [
            f"when _day is null then 'call date: \"' || coalesce({day}, '') || '\" is not a date in format ' || {date_fmt}",
            f"when _start_tod is null then 'call start: \"' || coalesce({start}, '') || '\" is not a time'",
        ]
    maps_queue = "true" if "entered_queue_at_utc" in cols else "false"
    lacking = "list_filter([" + ", ".join(sql_literal(n) for n in sources) + "], lambda n: not list_contains(h, n))"
    return f"""
create or replace temp table _cd_parsed as
with sourced as (select file_path, line_no, raw_text, covered, n_fields, h, {', '.join(sourced)} from _cd_fields),
dated as (select *, {dated} from sourced),
texts as (select *, {', '.join(texts)} from dated),
parsed as (select *, {', '.join(values)} from texts),
checked as (
    select *,
           case
               when contains(raw_text, chr(0)) then 'NUL bytes in line (damaged write or rotation)'
               when trim(raw_text) = '' then 'empty line'
               when len({lacking}) > 0 then
                   'the file lacks column(s) ' || array_to_string({lacking}, ', ') || ' that mapping '
                   || {name_sql} || ' reads'
               when not covered then
                   'malformed CSV quoting: a quote inside an unquoted field or text after a closing quote'
               when n_fields <> len(h) then
                   'wrong field count: expected ' || len(h) || ' fields, found ' || n_fields
               {' '.join(date_checks)}
               when call_id is null then 'missing call_id'
               when outcome_text is null then 'missing outcome'
               when mapped_outcome is null then
                   'unknown outcome "' || outcome_text || '" (mapping ' || {name_sql} || ' knows ' || {known} || ')'
               {' '.join(checks)}
               when coalesce(arrived_at_utc, entered_queue_at_utc) is null then
                   'no start time: neither arrived_at_utc nor entered_queue_at_utc is present'
               when ended_at_utc < entered_queue_at_utc then
                   'impossible data: the call ended before it entered the queue'
           end as reason
    from parsed
)
select *,
       -- a caller who hung up before reaching a queue did not abandon it
       case when mapped_outcome = 'abandoned' and {maps_queue} and entered_queue_at_utc is null
            then 'no_queue' else mapped_outcome end as outcome,
       case when reason is null and line_no > min(line_no) over w
            then 'duplicate call_id "' || call_id || '" (first at line ' || min(line_no) over w || ')'
            else reason end as final_reason
from checked
window w as (partition by file_path, call_id, reason is null)
"""


_FIELDS_SQL = """
create or replace temp table _cd_lines as {lines};
create or replace temp table _cd_fields as
with split as (select *, {split} as q from _cd_lines where not (line_no = 1 and {header})),
unquoted as (select *, {unquote} as f, {covers} as covered from split),
headers as (
    select file_path, list_transform({unquote_header}, lambda c: lower(trim(c))) as h
    from _cd_lines where line_no = 1 and {header}
)
select u.file_path, u.line_no, u.raw_text, u.f, u.covered, len(u.f) as n_fields,
       coalesce(hd.h, {names}::varchar[]) as h
from unquoted u left join headers hd using (file_path)
"""


def parse_mapped(con: duckdb.DuckDBPyConnection, mapping: Mapping, batch: list[PendingFile]) -> dict[str, ParseResult]:
    """Parse the files of one mapping in one pass; the caller owns the transaction."""
    texts = []
    for pending in batch:
        text = pending.text if mapping.encoding.replace("_", "-").lower() in ("utf-8", "utf8") else \
            pending.data.decode(mapping.encoding, errors="replace")
        texts.append((pending.file_path, text.removeprefix("\ufeff")))
    con.execute("create or replace temp table _cd_texts (file_path varchar, text varchar)")
    con.executemany("insert into _cd_texts values (?, ?)", texts)
    con.execute(_FIELDS_SQL.format(
        lines=numbered_lines_sql("_cd_texts"),
        split=split_fields_sql("raw_text", mapping.delimiter, mapping.quoting),
        unquote=unquote_sql("q") if mapping.quoting else "q",
        covers=fields_cover_sql("raw_text", "q"),
        unquote_header=(unquote_sql if mapping.quoting else str)(
            split_fields_sql("raw_text", mapping.delimiter, mapping.quoting)),
        header="true" if mapping.header else "false",
        names="[" + ", ".join(sql_literal(n) for n in mapping.column_names) + "]",
    ))
    con.execute(_parsed_sql(mapping))
    con.execute(
        f"""
        insert into raw.call_detail
        select file_path, line_no, $mapping, call_id, $line_code, queue, priority, customer_id,
               {', '.join(TIMES)}, round(wait_seconds_value)::integer,
               round(service_seconds_value)::integer, outcome, agent, raw_text
        from _cd_parsed where final_reason is null
        """,
        {"mapping": mapping.name, "line_code": mapping.line_code},
    )
    con.execute(
        """
        insert into raw.quarantine
        select $source, file_path, line_no, replace(raw_text, chr(0), '\\0'), final_reason, now()
        from _cd_parsed where final_reason is not null
        """,
        {"source": SOURCE},
    )
    rows = con.execute(
        """
        select file_path, count(*), count(*) filter (where final_reason is null),
               count(*) filter (where final_reason is not null),
               min(coalesce(arrived_at_utc, entered_queue_at_utc)) filter (where final_reason is null),
               max(coalesce(ended_at_utc, answered_at_utc, entered_queue_at_utc, arrived_at_utc))
                   filter (where final_reason is null)
        from _cd_parsed group by file_path
        """
    ).fetchall()
    for table in ("_cd_texts", "_cd_lines", "_cd_fields", "_cd_parsed"):
        con.execute(f"drop table if exists {table}")
    layout = f"mapping:{mapping.name}"
    results = {path: ParseResult(layout, 0, 0, 0) for path, _ in texts}  # empty or header-only
    results.update({row[0]: ParseResult(layout, *row[1:]) for row in rows})
    return results


def make_source(mappings_dir: Path | None = None) -> Source:
    """The call_detail Source for a mappings folder: a file is this source's when a mapping
    claims it. The parse hook's options may name another folder (call_detail_mappings_dir)."""
    default_dir = mappings_dir or DEFAULT_MAPPINGS_DIR

    def matches(path: Path) -> bool:
        return any(m.applies_to(PurePosixPath(path.as_posix())) for m in load_mappings(default_dir))

    def parse(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
        folder = Path(options.get("call_detail_mappings_dir") or default_dir)
        mappings = load_mappings(folder)
        groups: dict[str, tuple[Mapping, list[PendingFile]]] = {}
        for pending in batch:
            mapping = mapping_for(pending.file_path, mappings)
            if mapping is None:
                raise MappingError(f"{pending.file_path}: no mapping in {folder} applies to it")
            groups.setdefault(mapping.name, (mapping, []))[1].append(pending)
        results: dict[str, ParseResult] = {}
        for mapping, files in groups.values():
            results.update(parse_mapped(con, mapping, files))
        return results

    return Source(name=SOURCE, tables=("raw.call_detail",), ddl=DDL, matches=matches, parse=parse)


DDL = """
create table if not exists raw.call_detail (
    file_path             varchar not null,
    line_no               integer not null,  -- 1-based physical line (the header is line 1)
    mapping               varchar not null,  -- config/call_detail_mappings/<mapping>.yml
    call_id               varchar not null,  -- unique within the file
    line_code             varchar not null,  -- contract line assigned by the mapping
    queue                 varchar,
    priority              varchar,
    customer_id           varchar,           -- personal data: raw schema only
    arrived_at_utc        timestamp,         -- the call reached the ACD (IVR entry)
    entered_queue_at_utc  timestamp,         -- NULL: never queued
    answered_at_utc       timestamp,         -- service start
    ended_at_utc          timestamp,
    wait_seconds          integer,
    service_seconds       integer,
    outcome               varchar not null,  -- answered, abandoned, no_queue, phantom, other
    agent                 varchar,
    raw_record            varchar not null,  -- the source line as read (CR removed)
    primary key (file_path, line_no)
);
"""

SOURCE_SPEC = make_source()
