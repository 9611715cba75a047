"""The Asterisk CDR loader: layouts by field count and by header, quarantine reasons,
idempotency, and the reference Master.csv / realtime files joined to their queue_logs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from ingestion.asterisk_cdr import SOURCE_SPEC, is_cdr_file
from ingestion.landing import discover_queue_log_files, load_queue_logs
from ingestion.sources import discover, load_source

BASE16 = ('"acct","1001","1002","from-internal","""Ana, Pérez"" <1001>","SIP/1001-01","SIP/1002-02","Dial",'
          '"SIP/1002,30,tT","2024-03-01 10:00:00","2024-03-01 10:00:05","2024-03-01 10:01:05",65,60,'
          '"ANSWERED","DOCUMENTATION"')
NO_ANSWER16 = ('"retencion","1001","1145678901","from-internal","""Ana"" <1001>","SIP/1001-03","","Dial",'
               '"SIP/trunk/1145678901,60","2024-03-01 10:02:00",,"2024-03-01 10:02:30",30,0,"NO ANSWER",'
               '"DOCUMENTATION"')
CUSTOM19 = ('"""Ana"" <1001>","1001","1002","from-internal","SIP/1001-04","SIP/1002-05","Dial","SIP/1002",'
            '"2024-03-01 10:03:00","","2024-03-01 10:03:20","20","0","BUSY","DOCUMENTATION","seguimiento",'
            '"1709298180.9","nota",7')

LAYOUTS = [
    (BASE16, "cdr_csv_16"),
    (BASE16 + ',"1709298000.1"', "cdr_csv_17"),
    (BASE16 + ',"encuesta=5"', "cdr_csv_17"),  # loguserfield without loguniqueid
    (BASE16 + ',"1709298000.1","encuesta=5"', "cdr_csv_18"),
    (CUSTOM19, "cdr_custom_19"),
    (BASE16 + ',"1709298000.1","encuesta=5","peer","1709298000.0",3', "cdr_csv_21"),
    (NO_ANSWER16, "cdr_csv_16"),
]


def _swap(line: str, field: int, value: str) -> str:
    """A copy of a BASE16-shaped line with the 1-based `field` replaced (fields after the
    clid have no embedded commas, so counting from the right is safe)."""
    parts = line.split(",")
    parts[field - 17] = value
    return ",".join(parts)


QUARANTINE = [
    (b",".join(BASE16.encode().split(b",")[:-1]), "wrong field count: expected 16, 17, 18 or 21"),
    (_swap(BASE16, 10, '"01/03/2024 10:00"').encode(), 'start is not a timestamp'),
    (_swap(BASE16, 12, "").encode(), "end is not a timestamp"),
    (_swap(BASE16, 11, '"soon"').encode(), "answer is not a timestamp"),
    (_swap(BASE16, 13, "6.5").encode(), 'duration is not a non-negative integer: "6.5"'),
    (_swap(BASE16, 14, "-1").encode(), 'billsec is not a non-negative integer: "-1"'),
    (_swap(BASE16, 14, "70").encode(), "billsec 70 is greater than duration 65"),
    (_swap(BASE16, 10, '"2024-03-01 10:02:00"').encode(), "end 2024-03-01 10:01:05 is before start"),
    (_swap(BASE16, 15, '"HUNG UP"').encode(), 'unknown disposition "HUNG UP" (expected one of ANSWERED'),
    (b"\x00\x00\x00" + BASE16.encode(), "NUL bytes"),
    (b"", "empty line"),
    (BASE16.replace('"Dial"', 'Di"al').encode(), "malformed CSV quoting"),
]


def write(path: Path, lines: list[bytes | str], newline: bytes = b"\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(newline.join(x.encode() if isinstance(x, str) else x for x in lines) + newline)
    return path


def load(con, landing: Path, **options):
    return load_source(con, landing, SOURCE_SPEC, options=options)


def test_each_layout_is_decided_per_line_by_its_field_count(tmp_path, con):
    write(tmp_path / "cdr-csv" / "Master.csv", [line for line, _ in LAYOUTS])
    [result] = load(con, tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (len(LAYOUTS), len(LAYOUTS), 0)
    assert result.layout == "cdr_csv_16+cdr_csv_17+cdr_csv_18+cdr_csv_21+cdr_custom_19"
    rows = con.execute(
        "select line_no, layout, accountcode, clid, lastdata, uniqueid, userfield, peeraccount, linkedid, "
        "sequence, disposition from raw.asterisk_cdr order by line_no").fetchall()
    assert [r[1] for r in rows] == [layout for _, layout in LAYOUTS]
    full = ("acct", '"Ana, Pérez" <1001>', "SIP/1002,30,tT")
    assert rows[0][2:] == (*full, None, None, None, None, None, "ANSWERED")
    assert rows[1][5:7] == ("1709298000.1", None)
    assert rows[2][5:7] == (None, "encuesta=5")
    assert rows[3][5:7] == ("1709298000.1", "encuesta=5")
    assert rows[4][2:] == ("seguimiento", '"Ana" <1001>', "SIP/1002", "1709298180.9", "nota", None, None, 7, "BUSY")
    assert rows[5][5:10] == ("1709298000.1", "encuesta=5", "peer", "1709298000.0", 3)


def test_times_are_converted_to_utc_and_an_empty_answer_is_null(tmp_path, con):
    write(tmp_path / "Master.csv", [line for line, _ in LAYOUTS])
    load(con, tmp_path)  # default zone: Buenos Aires, UTC-3
    times = con.execute(
        "select line_no, start_utc::varchar, answer_utc::varchar, end_utc::varchar, duration, billsec "
        "from raw.asterisk_cdr where line_no in (1, 5, 7) order by line_no").fetchall()
    assert times == [
        (1, "2024-03-01 13:00:00", "2024-03-01 13:00:05", "2024-03-01 13:01:05", 65, 60),
        (5, "2024-03-01 13:03:00", None, "2024-03-01 13:03:20", 20, 0),   # quoted "" (cdr_custom)
        (7, "2024-03-01 13:02:00", None, "2024-03-01 13:02:30", 30, 0),   # bare empty (cdr_csv)
    ]
    other = duckdb.connect()
    load(other, tmp_path, cdr_time_zone="UTC")
    assert other.execute("select start_utc::varchar from raw.asterisk_cdr where line_no = 1").fetchone() == (
        "2024-03-01 10:00:00",)


def test_each_bad_line_is_quarantined_with_its_reason(tmp_path, con):
    write(tmp_path / "Master.csv", [BASE16.encode(), *[line for line, _ in QUARANTINE], NO_ANSWER16.encode()])
    [result] = load(con, tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (len(QUARANTINE) + 2, 2, len(QUARANTINE))
    reasons = dict(con.execute("select line_no, reason from raw.quarantine where source = 'asterisk_cdr'").fetchall())
    assert sorted(reasons) == list(range(2, len(QUARANTINE) + 2))
    for i, (_, fragment) in enumerate(QUARANTINE):
        assert fragment in reasons[i + 2], (i + 2, reasons[i + 2])
    assert con.execute("select list(line_no order by line_no) from raw.asterisk_cdr").fetchone()[0] == [
        1, len(QUARANTINE) + 2]
    # the NUL line is kept readable in the quarantine
    assert con.execute("select raw_text like '\\0\\0\\0%' from raw.quarantine where reason like 'NUL%'").fetchone()[0]


def test_realtime_export_maps_columns_by_header_name(tmp_path, con):
    csv = (
        "uniqueid,calldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,duration,billsec,"
        "disposition,amaflags,accountcode,userfield\r\n"
        '1709298000.1,2024-03-01 10:00:00,"""Gómez, Martín"" <200>",200,1145678901,outbound,PJSIP/200-01,'
        'PJSIP/trunk-02,Dial,"PJSIP/1145678901@trunk,60",42,30,ANSWERED,3,retencion,\r\n'
        "1709298100.3,2024-03-01 10:01:40,,200,1145678902,outbound,PJSIP/200-03,,Dial,,5,0,FAILED,3,agenda_visitas,\r\n"
        "1709298200.5,2024-03-01 10:03:20,,200,1145678903,outbound,PJSIP/200-05,,Dial,,5,0,FAILED,3\r\n"
    )
    (tmp_path / "cdr_export.csv").write_text(csv, encoding="utf-8")
    [result] = load(con, tmp_path, cdr_time_zone="UTC")
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == ("realtime", 3, 2, 1)
    assert con.execute(
        "select line_no, accountcode, clid, lastdata, start_utc::varchar, answer_utc, end_utc, duration, uniqueid "
        "from raw.asterisk_cdr order by line_no").fetchall() == [
        (2, "retencion", '"Gómez, Martín" <200>', "PJSIP/1145678901@trunk,60", "2024-03-01 10:00:00", None, None,
         42, "1709298000.1"),
        (3, "agenda_visitas", "", "", "2024-03-01 10:01:40", None, None, 5, "1709298100.3"),
    ]
    assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [
        (4, "wrong field count: expected 16 fields (one per header column), found 14")]


def test_loading_twice_changes_nothing(tmp_path):
    write(tmp_path / "landing" / "Master.csv", [BASE16, *[line for line, _ in QUARANTINE[:4]]])
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))

    def digest() -> str:
        rows = [db.execute(f"select {columns} from raw.{table} order by all").fetchall()
                for table, columns in (("asterisk_cdr", "*"), ("quarantine", "* exclude (quarantined_at)"),
                                       ("landing_files", "* exclude (loaded_at)"))]
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    first = load(db, tmp_path / "landing")
    before = digest()
    second = load(db, tmp_path / "landing")
    assert [r.status for r in first] == ["loaded"] and [r.status for r in second] == ["unchanged"]
    assert (second[0].rows_read, second[0].rows_loaded, second[0].rows_rejected) == (5, 1, 4)
    assert digest() == before


def test_only_master_files_and_cdr_table_exports_match(tmp_path):
    files = {
        "cdr-csv/Master.csv": '"",""\n',
        "cdr-csv/retencion.csv": '"retencion","1001"\n',  # accountlogs copy of Master.csv rows
        "pbx1_Master.csv": '"",""\n',
        "cdr_realtime.csv": "accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,calldate,"
                            "duration,billsec,disposition\n",
        "queue_log_realtime.csv": "id,time,callid,queuename,agent,event,data1,data2\n",
        "crm/cases.csv": "case_id,line_code,crm_queue\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in discover(tmp_path, SOURCE_SPEC)) == [
        "cdr-csv/Master.csv", "cdr_realtime.csv", "pbx1_Master.csv"]
    assert is_cdr_file(Path("Master.csv.1")) and not is_cdr_file(tmp_path / "queue_log_realtime.csv")


# --- the reference files of real PBXs ----------------------------------------------------

def _independent_counts(path: Path) -> tuple[int, bool]:
    """Data lines of a CDR file counted from its bytes, and whether line 1 is a header."""
    lines = path.read_bytes().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    headed = lines[0].startswith(b"accountcode,")
    return len(lines) - headed, headed


def test_every_reference_cdr_file_balances(reference_data, con):
    folder = reference_data / "asterisk_cdr"
    files = discover(folder, SOURCE_SPEC)
    assert sorted(p.name for p in files) == [
        "issabel_lab_2022_Master.csv", "lab_b_Master.csv", "lab_c_Master.csv", "realtime_table_2023.csv"]
    results = {r.file_path: r for r in load(con, folder)}
    for path in files:
        result = results[path.name]
        lines, headed = _independent_counts(path)
        assert result.rows_read == lines, path
        assert result.rows_loaded + result.rows_rejected == result.rows_read, path
        assert result.rows_rejected == 0, path  # real PBX output: nothing is damaged
        assert result.layout == ("realtime" if headed else "cdr_csv_18"), path
    assert dict(con.execute("select file_path, count(*) from raw.asterisk_cdr group by 1").fetchall()) == {
        name: r.rows_loaded for name, r in results.items()}
    # an unanswered call's `answer` is the empty unquoted field: NULL, never a parse error
    assert con.execute("select count(*) from raw.asterisk_cdr where answer_utc is null").fetchone()[0] > 0
    assert con.execute("select count(*) from raw.asterisk_cdr where clid like '\"%\" <%>'").fetchone()[0] > 0


def test_cdr_and_queue_log_discovery_do_not_overlap(reference_data):
    cdr = set(discover(reference_data, SOURCE_SPEC))
    queue_logs = set(discover_queue_log_files(reference_data))
    assert len(cdr) == 4 and len(queue_logs) == 6 and not cdr & queue_logs


def _load_both(reference_data: Path) -> duckdb.DuckDBPyConnection:
    """CDR and queue_log reference files in one warehouse, paths relative to the reference
    folder so the two realtime_table_2023.csv stay apart."""
    db = duckdb.connect()
    load_source(db, reference_data, SOURCE_SPEC, discover(reference_data / "asterisk_cdr", SOURCE_SPEC),
                {"cdr_time_zone": "UTC"})
    load_queue_logs(db, reference_data, discover_queue_log_files(reference_data / "asterisk_queue_log"))
    return db


def _unjoined(db, queue_log_like: str, cdr_file: str) -> tuple[int, list]:
    queued = db.execute(
        "select distinct callid from raw.asterisk_queue_log where event = 'ENTERQUEUE' and file_path like ?",
        [queue_log_like]).fetchall()
    missing = db.execute(
        "select q.callid from raw.asterisk_queue_log q where q.event = 'ENTERQUEUE' and q.file_path like ? "
        "and not exists (select 1 from raw.asterisk_cdr c where c.file_path = ? and c.uniqueid = q.callid)",
        [queue_log_like, cdr_file]).fetchall()
    return len(queued), missing


def test_issabel_master_csv_joins_every_queued_call(reference_data):
    db = _load_both(reference_data)
    queued, missing = _unjoined(db, "asterisk_queue_log/issabel_lab_2022/%", "asterisk_cdr/issabel_lab_2022_Master.csv")
    assert (queued, missing) == (33, [])


def test_realtime_cdr_joins_every_queued_call_and_its_times_are_utc(reference_data):
    db = _load_both(reference_data)
    queued, missing = _unjoined(db, "asterisk_queue_log/realtime_table_2023.csv", "asterisk_cdr/realtime_table_2023.csv")
    assert (queued, missing) == (8, [])
    # uniqueids are channel-creation epochs: with this table's UTC clock, start agrees
    gaps = db.execute(
        "select epoch(start_utc) - cast(split_part(uniqueid, '.', 1) as bigint) from raw.asterisk_cdr "
        "where file_path = 'asterisk_cdr/realtime_table_2023.csv' and sequence = 0").fetchall()
    assert gaps and all(0 <= g <= 60 for (g,) in gaps)


@pytest.mark.parametrize("name", ["issabel_lab_2022_Master.csv", "lab_b_Master.csv", "lab_c_Master.csv"])
def test_reference_fields_match_an_independent_csv_reader(reference_data, name):
    import csv

    path = reference_data / "asterisk_cdr" / name
    expected = [(i + 1, r[0], r[4], r[8], int(r[12]), int(r[13]), r[14], r[16])
                for i, r in enumerate(csv.reader(path.open(newline="", encoding="utf-8")))]
    db = duckdb.connect()
    load(db, path.parent)
    got = db.execute(
        "select line_no, accountcode, clid, lastdata, duration, billsec, disposition, uniqueid "
        "from raw.asterisk_cdr where file_path = ? order by line_no", [name]).fetchall()
    assert got == expected
