"""Growing landing files read as appends: only the new lines are parsed, numbered after the
old ones; a half-written last line waits; a changed beginning or a truncation reloads the
file whole; a rotation (renamed, compressed) takes the rows with it; a copy is no rotation.

The rule every test comes back to: however a file grew between loads, the warehouse ends as
one load of the final landing folder would leave it (but for the load timestamps)."""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from checks.asset_checks import expectations_on_new_loads, files_balance, source_files_balance, unvalidated_days
from ingestion import asterisk_cdr, crm_cases, queue_log, sources
from ingestion.raw_schema import ensure_raw_schema
from ingestion.sources import Source, load_source

from .test_asterisk_cdr import BASE16, NO_ANSWER16, QUARANTINE
from .test_crm_cases import HEADER, RECORDS

ZONE = "America/Argentina/Buenos_Aires"
T = 1709298000  # 2024-03-01 13:00:00 UTC

QLOG = [
    f"{T}|c1|atc|NONE|ENTERQUEUE||1145678901|1",
    f"{T + 5}|c1|atc|Ana|CONNECT|5|c1b|1",
    f"{T + 65}|c1|atc|Ana|COMPLETECALLER|5|60|1",
    f"{T + 100}|c2|atc|NONE",  # wrong field count
    f"{T + 100}|c2|atc|NONE|ENTERQUEUE||1145678902|1",
    f"{T + 130}|c2|atc|NONE|ABANDON|1|1|30",
    f"{T + 200}|c3|atc|NONE|ENTERQUEUE||1145678903|1",
]
# the new live queue_log after a rotation
FRESH = [f"{T + 300}|c4|atc|NONE|ENTERQUEUE||1145678904|1", f"{T + 340}|c4|atc|NONE|ABANDON|1|1|40"]


def text(lines: list[str], tail: str = "") -> bytes:
    """Complete lines, then `tail`: the start of a line still being written."""
    return ("".join(line + "\n" for line in lines) + tail).encode("utf-8")


def put(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def state(con, source: Source) -> dict:
    """Everything a load leaves for `source`, but the times it ran and the files' mtimes."""
    out = {table: con.execute(f"select * from {table} order by all").fetchall() for table in source.tables}
    out["quarantine"] = con.execute("select * exclude (quarantined_at) from raw.quarantine "
                                    "where source = ? order by all", [source.name]).fetchall()
    out["manifest"] = con.execute("select * exclude (loaded_at, modified_at) from raw.landing_files "
                                  "where source = ? order by all", [source.name]).fetchall()
    return out


def clean_state(landing: Path, source: Source, **options) -> dict:
    """One load of the folder as it is now, into a new warehouse."""
    con = duckdb.connect()
    load_source(con, landing, source, options=options)
    return state(con, source)


def loads_log(con, file_path: str) -> list[tuple]:
    return con.execute("select from_byte, to_byte, first_line_no, rows_read, rows_loaded, rows_rejected "
                       "from raw.landing_file_appends where file_path = ? order by from_byte",
                       [file_path]).fetchall()


def manifest(con, file_path: str) -> tuple:
    return con.execute("select rows_read, rows_loaded, rows_rejected, loaded_bytes, lines_loaded, bytes_waiting "
                       "from raw.landing_files where file_path = ?", [file_path]).fetchone()


def test_a_growing_queue_log_is_read_as_appends_and_ends_as_one_load(tmp_path, con):
    path = tmp_path / "queue_log"
    steps = [text(QLOG[:2], QLOG[2][:7]), text(QLOG[:5]), text(QLOG[:6], QLOG[6][:12])]
    loads = []
    for data in steps:
        put(path, data)
        [result] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
        loads.append(result)

    assert [(r.status, r.first_line_no, r.new_rows_read, r.new_rows_loaded, r.new_rows_rejected) for r in loads] == [
        ("loaded", 1, 2, 2, 0),
        ("appended", 3, 3, 2, 1),  # the half-written line 3, completed, and two more
        ("appended", 6, 1, 1, 0),
    ]
    assert [(r.rows_read, r.rows_loaded, r.rows_rejected) for r in loads] == [(2, 2, 0), (5, 4, 1), (6, 5, 1)]
    # the bad line keeps its number in the file, not in the appended part
    assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [
        (4, "wrong field count: expected at least 5 fields (epoch|callid|queue|agent|event), found 4")]
    assert con.execute("select line_no from raw.asterisk_queue_log order by 1").fetchall() == [
        (1,), (2,), (3,), (5,), (6,)]
    b1, b2, b3 = len(text(QLOG[:2])), len(text(QLOG[:5])), len(text(QLOG[:6]))
    assert loads_log(con, "queue_log") == [(0, b1, 1, 2, 2, 0), (b1, b2, 3, 3, 2, 1), (b2, b3, 6, 1, 1, 0)]
    # the 12 bytes of line 7 wait, uncounted, and the balance check names them
    assert manifest(con, "queue_log") == (6, 5, 1, b3, 6, 12)
    check = files_balance(con)
    assert check.passed and check.metadata["files_waiting"].value == 1
    assert check.metadata["bytes_waiting"].value == {"queue_log": 12}
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_an_unchanged_file_with_a_waiting_line_is_not_read_again(tmp_path, con):
    put(tmp_path / "queue_log", text(QLOG[:2], QLOG[2][:7]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    [again] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (again.status, again.first_line_no, again.rows_read) == ("unchanged", None, 2)
    # a few more bytes of the same line: the file changed, no line is complete yet
    put(tmp_path / "queue_log", text(QLOG[:2], QLOG[2][:20]))
    [grown] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (grown.status, grown.first_line_no, grown.new_rows_read, grown.rows_read) == ("appended", None, 0, 2)
    assert manifest(con, "queue_log")[3:] == (len(text(QLOG[:2])), 2, 20)
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_a_changed_earlier_byte_reloads_the_file_whole(tmp_path, con):
    path = put(tmp_path / "queue_log", text(QLOG[:3]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    # same length, one byte different in line 2, and a new line: not an append
    put(path, text([QLOG[0], QLOG[1].replace("Ana", "Bea"), QLOG[2], QLOG[4]]))
    [result] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (result.status, result.first_line_no, result.rows_read) == ("replaced", 1, 4)
    assert con.execute("select agent from raw.asterisk_queue_log where line_no = 2").fetchone() == ("Bea",)
    assert loads_log(con, "queue_log") == [(0, len(text(QLOG[:3])) + len(QLOG[4]) + 1, 1, 4, 4, 0)]
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_a_truncated_file_is_reloaded_whole(tmp_path, con):
    path = put(tmp_path / "queue_log", text(QLOG[:6]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    put(path, text(QLOG[:2]))  # copytruncate, then two lines written again
    [result] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (result.status, result.rows_read, result.rows_rejected) == ("replaced", 2, 0)
    assert con.execute("select count(*) from raw.quarantine").fetchone() == (0,)
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_a_closed_file_that_grows_after_an_unended_line_is_reloaded_whole(tmp_path, con):
    """A gzipped file is read to its end; if it grows (a gzip member appended), its last
    line may have gone on: an append there would cut that line in two."""
    path = put(tmp_path / "queue_log-20240301.gz", gzip.compress(text(QLOG[:2], QLOG[2][:12])))
    [first] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (first.rows_read, first.rows_rejected) == (3, 1)  # the cut line, read as it was
    put(path, path.read_bytes() + gzip.compress(text([QLOG[2][12:]])))
    [result] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (result.status, result.rows_read, result.rows_rejected) == ("replaced", 3, 0)
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def _per_file(con) -> dict:
    return dict(con.execute(
        "select file_path, count(*) from (select file_path, line_no from raw.asterisk_queue_log "
        "union all select file_path, line_no from raw.quarantine) group by 1").fetchall())


@pytest.mark.parametrize("compressed", [False, True])
def test_a_rotated_queue_log_takes_its_rows_and_the_new_live_file_loads_fresh(tmp_path, con, compressed):
    live = put(tmp_path / "pbx" / "queue_log", text(QLOG[:3], QLOG[3][:4]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    # logrotate: the writer finished line 4 and wrote 5 and 6, then the file was renamed
    # (and compressed: a closed file, its last line needs no line end) and a new one begun
    rotated = text(QLOG[:5], QLOG[5])
    live.unlink()
    if compressed:
        put(tmp_path / "pbx" / "queue_log-20240301.gz", gzip.compress(rotated))
    else:
        put(tmp_path / "pbx" / "queue_log-20240301", rotated + b"\n")
    put(live, text(FRESH))
    results = {r.file_path: r for r in load_source(con, tmp_path, queue_log.SOURCE_SPEC)}
    name = "pbx/queue_log-20240301" + (".gz" if compressed else "")
    assert [(p, r.status, r.rotated_from, r.first_line_no, r.new_rows_read) for p, r in results.items()] == [
        ("pbx/queue_log", "loaded", None, 1, 2),
        (name, "appended", "pbx/queue_log", 4, 3),
    ]
    # no line twice, none lost: 6 under the rotated name, 2 under the live one
    assert _per_file(con) == {name: 6, "pbx/queue_log": 2}
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)
    assert files_balance(con).passed


@pytest.mark.parametrize(("name", "rotated"), [
    ("queue_log-20240301", True), ("queue_log-2024-03-01", True), ("queue_log.1", True),
    ("queue_log.1.gz", True), ("queue_log", False), ("queue_log.csv", False), ("queue_log_export.csv", False)])
def test_only_logrotate_names_are_closed(name, rotated):
    assert queue_log.is_rotated_file(Path(name)) is rotated


def test_a_rotated_plain_log_without_its_last_line_end_is_read_to_its_end(tmp_path, con):
    """The live log's unended last line waits for its end; once the file is rotated under a
    plain name nothing will end it, so it is read (here a complete event: loaded). Should
    the writer still add to the renamed file, it is reloaded whole: no line twice."""
    live = put(tmp_path / "queue_log", text(QLOG[:2], QLOG[2]))
    [first] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (first.rows_read, manifest(con, "queue_log")[5]) == (2, len(QLOG[2]))
    live.rename(tmp_path / "queue_log-20240301")
    [rotated] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (rotated.status, rotated.rotated_from, rotated.new_rows_read, rotated.rows_loaded) == (
        "appended", "queue_log", 1, 3)
    assert manifest(con, "queue_log-20240301")[5] == 0
    # the writer had not reopened its log yet: a line more in the renamed file
    put(tmp_path / "queue_log-20240301", text(QLOG[:3]) + text(QLOG[4:5]))
    [grown] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (grown.status, grown.rows_read, grown.rows_loaded) == ("replaced", 4, 4)
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_a_rotation_compressed_a_day_later_moves_again(tmp_path, con):
    """logrotate's delaycompress: queue_log -> queue_log-20240301 -> queue_log-20240301.gz."""
    live = put(tmp_path / "queue_log", text(QLOG[:2]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    rotated = tmp_path / "queue_log-20240301"
    live.rename(rotated)  # renamed, nothing new: the same bytes, no live file yet
    [moved] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (moved.file_path, moved.status, moved.rotated_from, moved.first_line_no) == (
        "queue_log-20240301", "appended", "queue_log", None)
    put(live, text(FRESH))
    # the rest was written before the rename; a rotated name no longer grows, so its unended
    # last line is read too
    put(rotated, text(QLOG[:5], QLOG[5]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert manifest(con, "queue_log-20240301")[2:] == (1, len(text(QLOG[:5], QLOG[5])), 6, 0)
    put(tmp_path / "queue_log-20240301.gz", gzip.compress(rotated.read_bytes()))
    rotated.unlink()
    results = {r.file_path: r for r in load_source(con, tmp_path, queue_log.SOURCE_SPEC)}
    gz = results["queue_log-20240301.gz"]
    # the same bytes compressed: the rows move, nothing is parsed again
    assert (gz.status, gz.rotated_from, gz.first_line_no, gz.new_rows_read) == (
        "appended", "queue_log-20240301", None, 0)
    assert results["queue_log"].status == "unchanged"
    assert _per_file(con) == {"queue_log-20240301.gz": 6, "queue_log": 2}
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_copytruncate_is_a_rotation(tmp_path, con):
    live = put(tmp_path / "queue_log", text(QLOG[:3]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    put(tmp_path / "queue_log-20240301", text(QLOG[:4]))  # copied with one more line
    put(live, text(FRESH[:1]))  # truncated, then written on
    results = {r.file_path: r for r in load_source(con, tmp_path, queue_log.SOURCE_SPEC)}
    assert (results["queue_log"].status, results["queue_log-20240301"].rotated_from) == ("loaded", "queue_log")
    assert _per_file(con) == {"queue_log-20240301": 4, "queue_log": 1}
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_a_copy_is_not_a_rotation(tmp_path, con):
    live = put(tmp_path / "queue_log", text(QLOG[:3]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    shutil.copy(live, tmp_path / "queue_log-backup")
    put(live, text(QLOG[:4]))  # the original still begins with what was loaded: it only grew
    results = {r.file_path: r for r in load_source(con, tmp_path, queue_log.SOURCE_SPEC)}
    assert [(p, r.status, r.rotated_from) for p, r in results.items()] == [
        ("queue_log", "appended", None), ("queue_log-backup", "loaded", None)]
    assert _per_file(con) == {"queue_log": 4, "queue_log-backup": 3}
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_an_append_to_a_realtime_csv_reads_the_columns_from_its_header(tmp_path, con):
    header = "id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5"
    rows = ["1,2024-03-01 10:00:10,r1,atc,NONE,ENTERQUEUE,,1145678901,1,,",
            '2,2024-03-01 10:00:22,r1,atc,"Gómez, Ana",CONNECT,12,r1b,2,,',
            "3,2024-03-01 10:05:22,r1,atc,NONE,COMPLETEAGENT,12,300",  # a column short
            '4,2024-03-01 10:05:22,r1,atc,"Gómez, Ana",COMPLETEAGENT,12,300,1,,']
    path = put(tmp_path / "rt.csv", text([header, rows[0]], rows[1][:9]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC, options={"realtime_time_zone": ZONE})
    put(path, text([header, *rows]))
    [result] = load_source(con, tmp_path, queue_log.SOURCE_SPEC, options={"realtime_time_zone": ZONE})
    assert (result.status, result.layout, result.first_line_no, result.new_rows_read,
            result.new_rows_rejected) == ("appended", "realtime", 3, 3, 1)
    assert con.execute("select line_no, agent, data3 from raw.asterisk_queue_log order by 1").fetchall() == [
        (2, "NONE", "1"), (3, "Gómez, Ana", "2"), (5, "Gómez, Ana", "1")]
    assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [
        (4, "wrong field count: expected at least 11 fields (one per header column), found 8")]
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC,
                                                            realtime_time_zone=ZONE)


def test_a_growing_master_csv_keeps_its_layouts_and_line_numbers(tmp_path, con):
    with18 = BASE16 + ',"1709298000.1","encuesta=5"'
    bad = QUARANTINE[1][0].decode()
    path = tmp_path / "cdr" / "Master.csv"
    steps = [text([BASE16, BASE16], BASE16[:30]), text([BASE16] * 3 + [bad, with18]),
             text([BASE16] * 3 + [bad, with18, NO_ANSWER16], with18[:3])]
    loads = []
    for data in steps:
        put(path, data)
        [result] = load_source(con, tmp_path, asterisk_cdr.SOURCE_SPEC, options={"cdr_time_zone": "UTC"})
        loads.append(result)
    assert [(r.status, r.layout, r.first_line_no, r.new_rows_read, r.new_rows_rejected) for r in loads] == [
        ("loaded", "cdr_csv_16", 1, 2, 0),
        ("appended", "cdr_csv_16+cdr_csv_18", 3, 3, 1),
        ("appended", "cdr_csv_16+cdr_csv_18", 6, 1, 0),
    ]
    assert con.execute("select line_no, reason like 'start is not a timestamp%' from raw.quarantine").fetchall() == [
        (4, True)]
    assert state(con, asterisk_cdr.SOURCE_SPEC) == clean_state(tmp_path, asterisk_cdr.SOURCE_SPEC,
                                                               cdr_time_zone="UTC")


def test_a_headed_cdr_export_appended_to(tmp_path, con):
    header = "uniqueid,calldate,src,dst,dcontext,channel,duration,billsec,disposition"
    rows = ["1.1,2024-03-01 10:00:00,200,1145678901,outbound,PJSIP/200-01,42,30,ANSWERED",
            "1.2,2024-03-01 10:01:40,200,1145678902,outbound,PJSIP/200-03,5,0,FAILED",
            "1.3,2024-03-01 10:03:20,200,1145678903,outbound,PJSIP/200-05,5,0"]
    path = put(tmp_path / "cdr_export.csv", text([header, rows[0]]))
    load_source(con, tmp_path, asterisk_cdr.SOURCE_SPEC, options={"cdr_time_zone": "UTC"})
    put(path, text([header, *rows]))
    [result] = load_source(con, tmp_path, asterisk_cdr.SOURCE_SPEC, options={"cdr_time_zone": "UTC"})
    assert (result.status, result.layout, result.first_line_no, result.new_rows_loaded,
            result.new_rows_rejected) == ("appended", "realtime", 3, 1, 1)
    assert con.execute("select line_no, uniqueid from raw.asterisk_cdr order by 1").fetchall() == [
        (2, "1.1"), (3, "1.2")]
    assert state(con, asterisk_cdr.SOURCE_SPEC) == clean_state(tmp_path, asterisk_cdr.SOURCE_SPEC,
                                                               cdr_time_zone="UTC")


# the documented CRM export, line by line: a quoted line break makes a record of two lines
R5 = 'C-5,,bo_social,"abierto\ny cerrado",social,2024-03-01 14:00:00,,,,open,0,A105,,,,,'
CRM_FINAL = [HEADER, RECORDS[0][0], RECORDS[1][0], *RECORDS[3][0].split("\n"), RECORDS[5][0],
             *R5.split("\n"), "C-2,,bo_atc,otra,phone,2024-03-01 15:00:00,,,,open,0,A106,,,,,"]


def test_a_crm_export_appended_to_across_a_quoted_line_break(tmp_path, con):
    path = tmp_path / "crm" / "cases.csv"
    steps = [
        text(CRM_FINAL[:3], CRM_FINAL[3][:10]),  # header, C-1, C-2, C-4 begun
        text(CRM_FINAL[:6]),  # C-4 over lines 4-5, and C-1 again
        text(CRM_FINAL[:7]),  # C-5 written up to the line break inside its quotes
        text(CRM_FINAL),
    ]
    loads = []
    for data in steps:
        put(path, data)
        [result] = load_source(con, tmp_path, crm_cases.SOURCE_SPEC)
        loads.append(result)
        if len(loads) == 2:
            # a duplicate of a case loaded before the append is one, as in the whole file
            assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [
                (6, 'duplicate case_id "C-1" (first at line 2)')]
    assert [(r.status, r.first_line_no, r.new_rows_read, r.new_rows_loaded) for r in loads] == [
        ("loaded", 1, 2, 2),
        ("appended", 4, 2, 1),
        # the record open at the end is malformed for now...
        ("appended", 7, 1, 0),
        # ...and, the quotes read so far being unbalanced, no append could start there
        ("replaced", 1, 6, 4),
    ]
    assert con.execute("select line_no, case_id from raw.crm_cases order by 1").fetchall() == [
        (2, "C-1"), (3, "C-2"), (4, "C-4"), (7, "C-5")]
    assert con.execute("select line_no, reason from raw.quarantine order by 1").fetchall() == [
        (6, 'duplicate case_id "C-1" (first at line 2)'), (9, 'duplicate case_id "C-2" (first at line 3)')]
    assert state(con, crm_cases.SOURCE_SPEC) == clean_state(tmp_path, crm_cases.SOURCE_SPEC)


def test_every_load_balances_and_the_check_sees_one_that_does_not(tmp_path, con):
    path = tmp_path / "queue_log"
    for n in (2, 4, 7):
        put(path, text(QLOG[:n]))
        load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert con.execute("select sum(rows_read), sum(rows_loaded), sum(rows_rejected), count(*) "
                       "from raw.landing_file_appends").fetchone() == (7, 6, 1, 3)
    assert con.execute("select count(*) from raw.landing_file_appends "
                       "where rows_read <> rows_loaded + rows_rejected").fetchone() == (0,)
    assert files_balance(con).passed
    # a load whose lines went missing: its own counts and the file's sums disagree
    con.execute("update raw.landing_file_appends set rows_read = rows_read + 1 where first_line_no = 3")
    assert not files_balance(con).passed
    assert not source_files_balance(con, queue_log.SOURCE, files_balance(con).asset_key).passed


def test_the_expectations_see_only_the_days_of_the_new_lines(tmp_path, con):
    day = 86400
    first = [f"{T}|c1|atc|NONE|ENTERQUEUE||1|1", f"{T + 30}|c1|atc|NONE|ABANDON|1|1|30"]
    later = [f"{T + 2 * day}|c9|atc|NONE|ENTERQUEUE||1|1"]
    path = put(tmp_path / "queue_log", text(first))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert unvalidated_days(con, ZONE) == [date(2024, 3, 1)]
    expectations_on_new_loads(con, ZONE)
    put(path, text(first + later))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert unvalidated_days(con, ZONE) == [date(2024, 3, 3)]


def test_a_file_loaded_before_appends_were_tracked_is_replaced_once(tmp_path, con):
    path = put(tmp_path / "queue_log", text(QLOG[:3]))
    load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    con.execute("update raw.landing_files set loaded_bytes = null, loaded_sha256 = null, lines_loaded = null, "
                "bytes_waiting = null")
    put(path, text(QLOG[:5]))
    [result] = load_source(con, tmp_path, queue_log.SOURCE_SPEC)
    assert (result.status, result.first_line_no) == ("replaced", 1)
    assert state(con, queue_log.SOURCE_SPEC) == clean_state(tmp_path, queue_log.SOURCE_SPEC)


def test_an_old_manifest_gains_the_append_columns(con):
    con.execute("create schema raw")
    con.execute("create table raw.landing_files (file_path varchar primary key, source varchar not null, "
                "layout varchar not null, size_bytes bigint not null, sha256 varchar not null, modified_at timestamp, "
                "rows_read bigint not null, rows_loaded bigint not null, rows_rejected bigint not null, "
                "first_event_utc timestamp, last_event_utc timestamp, loaded_at timestamp not null)")
    con.execute("insert into raw.landing_files values ('queue_log', 'asterisk_queue_log', 'flat', 1, 'x', null, "
                "1, 1, 0, null, null, now())")
    ensure_raw_schema(con)
    assert con.execute("select loaded_bytes, loaded_sha256, lines_loaded, bytes_waiting "
                       "from raw.landing_files").fetchall() == [(None, None, None, None)]


REFERENCE_FILES = {
    "asterisk_queue_log/issabel_lab_2022/queue_log-20220801": (queue_log.SOURCE_SPEC, "queue_log"),
    "asterisk_queue_log/realtime_table_2023.csv": (queue_log.SOURCE_SPEC, "realtime.csv"),
    "asterisk_cdr/issabel_lab_2022_Master.csv": (asterisk_cdr.SOURCE_SPEC, "Master.csv"),
    "asterisk_cdr/realtime_table_2023.csv": (asterisk_cdr.SOURCE_SPEC, "cdr_realtime.csv"),
    "helpdesk/salesforce_case_export.csv": (crm_cases.SOURCE_SPEC, "crm/cases.csv"),
}


@pytest.mark.parametrize("reference", sorted(REFERENCE_FILES))
def test_a_reference_file_grown_in_uneven_steps_ends_as_one_load(reference_data, tmp_path, con, reference):
    """Cut anywhere (inside a line, a quoted field, a NUL run), loaded after each cut."""
    source, name = REFERENCE_FILES[reference]
    data = (reference_data / reference).read_bytes()
    landing, path = tmp_path / "landing", tmp_path / "landing" / name
    statuses = []
    for fraction in (0.31, 0.47, 0.73, 1.0):
        put(path, data[:int(len(data) * fraction)])
        [result] = load_source(con, landing, source, options={"realtime_time_zone": "UTC"})
        statuses.append(result.status)
        assert result.new_rows_read == result.new_rows_loaded + result.new_rows_rejected
    assert statuses[0] == "loaded" and "appended" in statuses
    assert state(con, source) == clean_state(landing, source, realtime_time_zone="UTC")


# A large new part is parsed in pieces (ingestion.sources.PIECE_BYTES) to bound memory: the
# outcome must be the one-statement parse's, whatever the piece size. The pieces here are
# smaller than some lines (a piece then runs to its record's end) and cut the CRM export
# where a quoted line break is open (a piece must then end earlier).
SMALL_PIECES = (97, 4099)


@pytest.mark.parametrize("pieces", [3, 17])
@pytest.mark.parametrize("reference", sorted(REFERENCE_FILES))
def test_a_reference_file_parsed_in_pieces_ends_as_one_parse(reference_data, tmp_path, monkeypatch, reference,
                                                              pieces):
    source, name = REFERENCE_FILES[reference]
    landing = tmp_path / "landing"
    data = (reference_data / reference).read_bytes()
    put(landing / name, data)
    whole = clean_state(landing, source, realtime_time_zone="UTC")
    monkeypatch.setattr(sources, "PIECE_BYTES", len(data) // pieces + 1)
    con = duckdb.connect()
    [result] = load_source(con, landing, source, options={"realtime_time_zone": "UTC"})
    assert result.rows_read == result.rows_loaded + result.rows_rejected > 0
    assert state(con, source) == whole


@pytest.mark.parametrize("piece_bytes", SMALL_PIECES)
def test_an_append_parsed_in_pieces_keeps_layouts_numbers_and_duplicates(tmp_path, monkeypatch, piece_bytes):
    """An append itself cut in pieces: the Master.csv's second layout, a CRM duplicate of a
    case loaded before the append and one inside it, a quoted line break across pieces."""
    with18 = BASE16 + ',"1709298000.1","encuesta=5"'
    bad = QUARANTINE[1][0].decode()
    cdr_steps = [text([BASE16, BASE16]), text([BASE16] * 3 + [bad, with18, NO_ANSWER16, with18])]
    crm_steps = [text(CRM_FINAL[:3]), text(CRM_FINAL)]
    expected = {}
    for spec, name, steps in ((asterisk_cdr.SOURCE_SPEC, "cdr/Master.csv", cdr_steps),
                              (crm_cases.SOURCE_SPEC, "crm/cases.csv", crm_steps)):
        landing = tmp_path / spec.name
        put(landing / name, steps[-1])
        expected[spec.name] = clean_state(landing, spec, cdr_time_zone="UTC")
        monkeypatch.setattr(sources, "PIECE_BYTES", piece_bytes)
        con = duckdb.connect()
        results = []
        for data in steps:
            put(landing / name, data)
            [result] = load_source(con, landing, spec, options={"cdr_time_zone": "UTC"})
            results.append(result.status)
        monkeypatch.setattr(sources, "PIECE_BYTES", 32 * 2**20)
        assert results == ["loaded", "appended"]
        assert state(con, spec) == expected[spec.name], spec.name
    # the whole-file parse found the duplicates the pieces must find too
    assert [row[4] for row in expected["crm_cases"]["quarantine"]] == [
        'duplicate case_id "C-1" (first at line 2)', 'duplicate case_id "C-2" (first at line 3)']
