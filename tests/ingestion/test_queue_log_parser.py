"""The queue_log loader: layouts, quarantine reasons, encodings, idempotency, and the
reference files of real PBXs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from ingestion.landing import discover_queue_log_files, load_queue_logs, peek_time_range
from ingestion.raw_schema import ensure_raw_schema

# 2024-03-01 13:00:00 UTC = 10:00 in Buenos Aires
T0 = 1709298000

QUIRKS = [
    (f"{T0}|NONE|NONE|NONE|QUEUESTART|".encode(), None),
    (f"{T0 + 1}|MANAGER|atc_ventas|".encode() + "Martín Gómez".encode("latin-1") + b"|ADDMEMBER|", None),
    (f"{T0 + 10}|{T0 + 10}.1|atc_ventas|NONE|ENTERQUEUE||1145678901|1".encode(), None),
    (f"{T0 + 22}|{T0 + 10}.1|atc_ventas|Martín Gómez|CONNECT|12|{T0 + 10}.2|2".encode(), None),
    (f"{T0 + 322}|{T0 + 10}.1|atc_ventas|Martín Gómez|COMPLETECALLER|12|300|1".encode(), None),
    (b"\x00\x00\x00\x00" + f"{T0 + 400}|NONE|NONE|NONE|QUEUESTART|".encode(), "NUL bytes"),
    (f"{T0 + 500}|{T0 + 500}.3|atc_ventas|NONE".encode(), "wrong field count"),
    (f"17O9298600|{T0 + 600}.4|atc_ventas|NONE|ENTERQUEUE||1|1".encode(), "epoch is not an integer"),
    (f"{T0 + 700}|{T0 + 700}.5|atc_ventas|NONE|ABANDON|1|1|-4".encode(), "impossible data"),
    (f"{T0 + 800}|NONE|atc_ventas|NONE|ENTERQUEUE||1|1".encode(), "without a call id"),
    (f"{T0 + 900}|{T0 + 900}.6|atc_ventas|NONE|DID|0810".encode(), None),
    (b"", "empty line"),
    (f"{T0 + 950}|{T0 + 950}.7|atc_ventas|NONE|ENTERQUEUE||1155512345|1".encode(), None),
    (f"{T0 + 1000}|{T0 + 950}.7|atc_ventas|NONE|ABANDON|1|1|50".encode(), None),
    (b"99|NONE|NONE|NONE|QUEUESTART|", "time out of range"),
    (f"{T0 + 960}|{T0 + 960}.8|atc_ventas|Ana|CONNECT|5|x|1|1|1|1".encode(), "wrong field count"),
]


def write(path: Path, lines: list[bytes], newline: bytes = b"\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(newline.join(lines) + newline)
    return path


def table_digest(db: duckdb.DuckDBPyConnection) -> str:
    rows = []
    for table in ("asterisk_queue_log", "quarantine", "landing_files"):
        cols = "* exclude (quarantined_at)" if table == "quarantine" else (
            "* exclude (loaded_at)" if table == "landing_files" else "*")
        rows.append(db.execute(f"select {cols} from raw.{table} order by all").fetchall())
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_each_bad_line_is_quarantined_with_its_reason_and_the_rest_loads(tmp_path, con):
    write(tmp_path / "queue_log", [line for line, _ in QUIRKS])
    [result] = load_queue_logs(con, tmp_path)
    expected_bad = {i + 1: reason for i, (_, reason) in enumerate(QUIRKS) if reason}
    assert result.rows_read == len(QUIRKS)
    assert result.rows_rejected == len(expected_bad)
    assert result.rows_loaded == len(QUIRKS) - len(expected_bad)
    quarantined = dict(con.execute(
        "select line_no, reason from raw.quarantine where file_path = 'queue_log'").fetchall())
    assert set(quarantined) == set(expected_bad)
    for line_no, fragment in expected_bad.items():
        assert fragment in quarantined[line_no], (line_no, quarantined[line_no])
    loaded = {r[0] for r in con.execute("select line_no from raw.asterisk_queue_log").fetchall()}
    assert loaded.isdisjoint(quarantined) and len(loaded | set(quarantined)) == len(QUIRKS)


def test_latin1_names_are_decoded_not_rejected(tmp_path, con):
    write(tmp_path / "queue_log", [line for line, _ in QUIRKS])
    load_queue_logs(con, tmp_path)
    agents = {r[0] for r in con.execute(
        "select agent from raw.asterisk_queue_log where agent <> 'NONE'").fetchall()}
    # the Latin-1 ADDMEMBER and the UTF-8 CONNECT name the same agent
    assert "Martín Gómez" in agents
    assert not any("\ufffd" in a for a in agents)


def test_unknown_events_are_kept_and_flagged(tmp_path, con):
    write(tmp_path / "queue_log", [line for line, _ in QUIRKS])
    load_queue_logs(con, tmp_path)
    assert con.execute(
        "select is_known_event, data1 from raw.asterisk_queue_log where event = 'DID'"
    ).fetchall() == [(False, "0810")]
    assert con.execute(
        "select bool_and(is_known_event) from raw.asterisk_queue_log where event <> 'DID'"
    ).fetchone()[0]


def test_fields_epoch_and_data_are_split_as_logged(tmp_path, con):
    write(tmp_path / "queue_log", [line for line, _ in QUIRKS], newline=b"\r\n")
    load_queue_logs(con, tmp_path)
    row = con.execute(
        "select event_time_utc, callid, queuename, agent, data, data1, data2, data3, data4 "
        "from raw.asterisk_queue_log where event = 'COMPLETECALLER'"
    ).fetchone()
    assert str(row[0]) == "2024-03-01 13:05:22"
    assert row[1:] == (f"{T0 + 10}.1", "atc_ventas", "Martín Gómez", "12|300|1", "12", "300", "1", None)
    # a line with no data keeps no data, whatever the trailing '|' or CRLF
    assert con.execute(
        "select data, data1 from raw.asterisk_queue_log where event = 'QUEUESTART'"
    ).fetchall() == [("", None)]


def test_realtime_table_layout_with_quoted_fields(tmp_path, con):
    csv = (
        "id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
        '1,2024-03-01 13:00:10.250000,1709298010.1,atc_ventas,NONE,ENTERQUEUE,,1145678901,1,,\n'
        '2,2024-03-01 13:00:22,1709298010.1,atc_ventas,"Gómez, Martín",CONNECT,12,1709298010.2,2,,\n'
        '3,2024-03-01 13:05:22,1709298010.1,atc_ventas,"Gómez, Martín",COMPLETEAGENT,12,300,1,,\n'
        '4,not a time,1709298010.1,atc_ventas,NONE,ABANDON,1,1,3,,\n'
        '5,2024-03-01 13:06:00,NONE,NONE,NONE,QUEUESTART,,,,,\n'
    )
    (tmp_path / "realtime_queue_log.csv").write_text(csv, encoding="utf-8")
    [result] = load_queue_logs(con, tmp_path, realtime_time_zone="America/Argentina/Buenos_Aires")
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == ("realtime", 5, 4, 1)
    # local 10:00:10.25 in Buenos Aires is 13:00:10.25 UTC
    enter = con.execute(
        "select event_time_utc, data, data2 from raw.asterisk_queue_log where event = 'ENTERQUEUE'"
    ).fetchone()
    assert (str(enter[0]), enter[1], enter[2]) == ("2024-03-01 16:00:10.250000", "|1145678901|1", "1145678901")
    assert con.execute(
        "select agent, data from raw.asterisk_queue_log where event = 'COMPLETEAGENT'"
    ).fetchone() == ("Gómez, Martín", "12|300|1")
    assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [
        (5, 'time is not a timestamp: "not a time"')
    ]


def test_loading_twice_changes_nothing_and_a_changed_file_replaces_its_rows(tmp_path):
    path = write(tmp_path / "landing" / "queue_log-20240301", [line for line, _ in QUIRKS])
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))
    first = load_queue_logs(db, tmp_path / "landing")
    digest = table_digest(db)
    second = load_queue_logs(db, tmp_path / "landing")
    assert [r.status for r in first] == ["loaded"] and [r.status for r in second] == ["unchanged"]
    assert table_digest(db) == digest

    write(path, [QUIRKS[0][0], QUIRKS[2][0]])
    [third] = load_queue_logs(db, tmp_path / "landing")
    assert (third.status, third.rows_read, third.rows_loaded, third.rows_rejected) == ("replaced", 2, 2, 0)
    assert db.execute("select count(*) from raw.asterisk_queue_log").fetchone()[0] == 2
    assert db.execute("select count(*) from raw.quarantine").fetchone()[0] == 0
    assert db.execute("select rows_read from raw.landing_files").fetchall() == [(2,)]


def test_gzipped_rotation_and_discovery(tmp_path):
    import gzip

    (tmp_path / "queue_log-20240301.gz").write_bytes(gzip.compress(QUIRKS[0][0] + b"\n"))
    (tmp_path / "messages").write_text("not a queue log\n")
    (tmp_path / "cdr.csv").write_text("accountcode,src,dst\n")
    assert [p.name for p in discover_queue_log_files(tmp_path)] == ["queue_log-20240301.gz"]
    db = duckdb.connect()
    [result] = load_queue_logs(db, tmp_path)
    assert (result.rows_read, result.rows_loaded) == (1, 1)
    assert peek_time_range(tmp_path / "queue_log-20240301.gz")[0].isoformat() == "2024-03-01T13:00:00"


def test_peek_reads_the_two_ends_of_a_long_plain_file_and_a_whole_gzip(tmp_path):
    import gzip

    # 2,000 lines (~80 kB, ten times the peek): first event 2024-03-01 12:00:00 UTC, one a
    # minute after; the last line is half written (no epoch), so the last event is line 1,999
    lines = [f"{1709294400 + 60 * i}|call{i}|q1|SIP/1|ENTERQUEUE||1145678901|1".encode() for i in range(2000)]
    body = b"\n".join(lines[:-1]) + b"\n|half"
    (tmp_path / "queue_log").write_bytes(body)
    (tmp_path / "queue_log-20240301.gz").write_bytes(gzip.compress(body))
    for name in ("queue_log", "queue_log-20240301.gz"):
        first, last = peek_time_range(tmp_path / name)
        assert first.isoformat() == "2024-03-01T12:00:00"
        assert last.isoformat() == "2024-03-02T21:18:00"  # 1,998 minutes later


def _independent_line_counts(path: Path) -> tuple[int, int]:
    """Lines and lines containing NUL, counted from the bytes without the loader."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return len(lines), sum(b"\x00" in line for line in lines)


def test_every_reference_queue_log_balances(reference_data):
    folder = reference_data / "asterisk_queue_log"
    files = discover_queue_log_files(folder)
    assert len(files) == 6
    db = duckdb.connect()
    results = {r.file_path: r for r in load_queue_logs(db, folder)}
    for path in files:
        result = results[path.relative_to(folder).as_posix()]
        lines, nul_lines = _independent_line_counts(path)
        expected_read = lines - (1 if path.suffix == ".csv" else 0)  # the CSV header
        assert result.rows_read == expected_read, path
        assert result.rows_loaded + result.rows_rejected == result.rows_read, path
        assert result.rows_rejected == nul_lines, path  # the NUL runs and nothing else
    in_table = dict(db.execute(
        "select file_path, count(*) from raw.asterisk_queue_log group by 1").fetchall())
    assert in_table == {k: r.rows_loaded for k, r in results.items()}


def test_reference_nul_file_keeps_its_good_lines(reference_data):
    folder = reference_data / "asterisk_queue_log"
    db = duckdb.connect()
    load_queue_logs(db, folder)
    reasons = db.execute(
        "select line_no, reason from raw.quarantine where file_path = 'issabel_lab_2022/queue_log-20220801'"
    ).fetchall()
    assert [(n, r.split(" (")[0]) for n, r in reasons] == [(189, "NUL bytes in line")]
    # the lines around the damaged one are loaded
    assert db.execute(
        "select count(*) from raw.asterisk_queue_log where file_path = "
        "'issabel_lab_2022/queue_log-20220801' and line_no in (188, 190)"
    ).fetchone()[0] == 2


def test_reference_realtime_table_times_are_utc(reference_data):
    """The realtime sample's callids are channel-creation epochs: with the configured UTC
    they agree with the logged `time` of ENTERQUEUE to within a few seconds."""
    db = duckdb.connect()
    load_queue_logs(db, reference_data / "asterisk_queue_log", realtime_time_zone="UTC")
    gaps = db.execute(
        "select epoch(event_time_utc) - cast(split_part(callid, '.', 1) as bigint) "
        "from raw.asterisk_queue_log where file_path = 'realtime_table_2023.csv' and event = 'ENTERQUEUE'"
    ).fetchall()
    assert len(gaps) == 8 and all(0 <= g[0] <= 60 for g in gaps)


def test_schema_creation_is_idempotent(con):
    ensure_raw_schema(con)
    ensure_raw_schema(con)
    assert con.execute("select count(*) from raw.landing_files").fetchone()[0] == 0
