"""The NOC's massive-outage windows (docs/formats/outages_csv.md) into raw.outages.

Same approach as the other CSV sources: DuckDB numbers and splits the records (the shared
RFC 4180 splitter of crm_cases.py), reads and validates the fields, and loads the good
records and quarantines the rest with one statement each.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from contract.vocabulary import DEFAULT_TIME_ZONE
from ingestion.crm_cases import CSV_RECORDS_SQL, header_columns, lit
from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "outages"
COLUMNS = ("outage_id", "start_local", "end_local", "area", "services")
SERVICES = ("internet", "catv", "telefonia")
# the simulator writes seconds; a NOC operator typing a window often does not
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")

DDL = """
create schema if not exists raw;
create table if not exists raw.outages (
    file_path    varchar not null,
    line_no      integer not null,
    outage_id    varchar not null,
    start_utc    timestamp not null,   -- naive UTC
    end_utc      timestamp,            -- NULL: still open when the file was written
    start_local  timestamp not null,   -- as written, Buenos Aires time
    end_local    timestamp,
    area         varchar,
    services     varchar[] not null,   -- of internet, catv, telefonia
    primary key (file_path, line_no)
);
"""

_PARSED_SQL = """
create or replace temp table _out_parsed as
with f as (
    select file_path, line_no, raw_text, n_fields, well_formed,
           nullif(trim(p[{outage_id}]), '') as outage_id,
           nullif(trim(p[{start_local}]), '') as start_text, nullif(trim(p[{end_local}]), '') as end_text,
           nullif(trim(p[{area}]), '') as area,
           list_filter(list_transform(string_split(coalesce(p[{services}], ''), ';'), lambda s: lower(trim(s))),
                       lambda s: s <> '') as services
    from _out_records
),
typed as (
    select *, try_strptime(start_text, {formats}) as start_local, try_strptime(end_text, {formats}) as end_local,
           list_filter(services, lambda s: not list_contains({known}, s)) as unknown
    from f
),
checked as (
    select *, timezone('UTC', timezone($zone, start_local)) as start_utc,
           timezone('UTC', timezone($zone, end_local)) as end_utc,
        case
            when trim(raw_text) = '' then 'empty line'
            when not well_formed then 'malformed CSV quoting'
            when n_fields <> {n_columns} then
                'wrong field count: expected {n_columns} (one per header column), found ' || n_fields
            when outage_id is null then 'missing outage_id'
            when start_text is null then 'missing start_local'
            when start_local is null then 'start_local is not a timestamp: "' || start_text || '"'
            when end_text is not null and end_local is null then 'end_local is not a timestamp: "' || end_text || '"'
            when end_local <= start_local then 'end_local is not after start_local'
            when len(services) = 0 then 'no services'
            when len(unknown) > 0 then
                'unknown service "' || unknown[1] || '" (expected one of {expected})'
        end as bad
    from typed
),
ranked as (
    select *, row_number() over w as dup_rank, first_value(line_no) over w as first_line
    from checked window w as (partition by file_path, outage_id, bad is null order by line_no)
)
select *, coalesce(bad, case when dup_rank > 1 then
    'duplicate outage_id "' || outage_id || '" (first at line ' || first_line || ')' end) as reason
from ranked
"""


def _parse_group(con, texts: dict[str, str], header: list[str], zone: str) -> dict[str, ParseResult]:
    con.execute("create or replace temp table _out_texts (file_path varchar, text varchar)")
    con.executemany("insert into _out_texts values (?, ?)", list(texts.items()))
    con.execute(CSV_RECORDS_SQL.format(out="_out_records", texts="_out_texts"))
    index = {h.lower(): i + 1 for i, h in enumerate(header)}
    missing = [c for c in COLUMNS if c not in index]
    if missing:
        # a file of another shape is refused record by record, so the count still balances
        con.execute("insert into raw.quarantine select $source, file_path, line_no, raw_text, $reason, now() "
                    "from _out_records",
                    {"source": SOURCE, "reason": f"header lacks columns {', '.join(missing)} "
                                                 f"(expected {','.join(COLUMNS)})"})
        counts = con.execute("select file_path, count(*), 0, count(*), null, null from _out_records "
                             "group by file_path").fetchall()
    else:
        con.execute(_PARSED_SQL.format(
            formats="[" + ", ".join(lit(f) for f in TIME_FORMATS) + "]",
            known="[" + ", ".join(lit(s) for s in SERVICES) + "]",
            expected=", ".join(SERVICES), n_columns=len(header), **{c: index[c] for c in COLUMNS}),
            {"zone": zone})
        con.execute("insert into raw.outages select file_path, line_no, outage_id, start_utc, end_utc, "
                    "start_local, end_local, area, services from _out_parsed where reason is null")
        con.execute("insert into raw.quarantine select $source, file_path, line_no, raw_text, reason, now() "
                    "from _out_parsed where reason is not null", {"source": SOURCE})
        counts = con.execute(
            "select file_path, count(*), count(*) filter (where reason is null), "
            "count(*) filter (where reason is not null), min(start_utc) filter (where reason is null), "
            "max(coalesce(end_utc, start_utc)) filter (where reason is null) from _out_parsed group by file_path"
        ).fetchall()
    for table in ("_out_texts", "_out_records", "_out_parsed"):
        con.execute(f"drop table if exists {table}")
    results = {path: ParseResult("outages_csv", 0, 0, 0) for path in texts}  # a header alone reads 0
    results.update({path: ParseResult("outages_csv", *row) for path, *row in counts})
    return results


def parse_batch(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Source hook. Option `outages_time_zone`: the zone of start_local/end_local (default
    Buenos Aires)."""
    zone = options.get("outages_time_zone", DEFAULT_TIME_ZONE)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"outages_time_zone: unknown time zone {zone!r}") from None
    groups: dict[str, dict[str, str]] = {}
    for pending in batch:
        groups.setdefault(pending.text.split("\n", 1)[0], {})[pending.file_path] = pending.text
    results: dict[str, ParseResult] = {}
    for first_line, texts in groups.items():
        results.update(_parse_group(con, texts, header_columns(first_line), zone))
    return results


def is_outages_file(path: Path) -> bool:
    """`outages/*.csv` directly under the landing folder's outages folder."""
    return path.suffix.lower() == ".csv" and path.parent.name == "outages"


SOURCE_SPEC = Source(
    name=SOURCE,
    tables=("raw.outages",),
    ddl=DDL,
    matches=is_outages_file,
    parse=parse_batch,
)
