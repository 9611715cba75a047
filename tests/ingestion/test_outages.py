"""The NOC outage windows loader: values, local-to-UTC times, every rejection reason, reloads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from ingestion import outages
from ingestion.sources import discover, load_source

HEADER = "outage_id,start_local,end_local,area,services"
RECORDS = [
    ("OUT-1,2026-08-28 10:00:00,2026-08-28 14:05:00,Tres de Febrero,internet", None),
    ('OUT-2,2026-09-14 17:20,2026-09-14 20:45,"Lanús, Oeste",internet; CATV ;telefonia', None),
    ("OUT-3,2026-10-13 10:20:00,,CABA - Flores,catv", None),  # still open
    (",2026-10-13 10:20:00,2026-10-13 12:00:00,Morón,catv", "missing outage_id"),
    ("OUT-1,2026-10-14 10:00:00,2026-10-14 12:00:00,Morón,catv", 'duplicate outage_id "OUT-1" (first at line 2)'),
    ("OUT-5,2026-10-15 12:00:00,2026-10-15 11:00:00,Morón,catv", "end_local is not after start_local"),
    ("OUT-6,15/10/2026 12:00,2026-10-15 13:00:00,Morón,catv", 'start_local is not a timestamp: "15/10/2026 12:00"'),
    ("OUT-7,2026-10-15 12:00:00,mañana,Morón,catv", 'end_local is not a timestamp: "mañana"'),
    ("OUT-8,,2026-10-15 13:00:00,Morón,catv", "missing start_local"),
    ("OUT-9,2026-10-15 12:00:00,2026-10-15 13:00:00,Morón,internet;movil", 'unknown service "movil"'),
    ("OUT-10,2026-10-15 12:00:00,2026-10-15 13:00:00,Morón,", "no services"),
    ("OUT-11,2026-10-15 12:00:00,2026-10-15 13:00:00,Morón", "wrong field count"),
    ("", "empty line"),
]


def write(path: Path, records=RECORDS, header=HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *(r for r, _ in records)]) + "\n", encoding="utf-8")
    return path


def load(con, landing: Path, **options):
    return load_source(con, landing, outages.SOURCE_SPEC, options=options)


def test_good_windows_load_and_each_bad_one_is_quarantined(tmp_path, con):
    write(tmp_path / "outages" / "outages.csv")
    [result] = load(con, tmp_path)
    expected_bad = {i + 2: reason for i, (_, reason) in enumerate(RECORDS) if reason}
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "outages_csv", len(RECORDS), len(RECORDS) - len(expected_bad), len(expected_bad))
    quarantined = dict(con.execute("select line_no, reason from raw.quarantine where source = 'outages'").fetchall())
    assert set(quarantined) == set(expected_bad)
    for line_no, fragment in expected_bad.items():
        assert fragment in quarantined[line_no], (line_no, quarantined[line_no])


def test_values_and_times(tmp_path, con):
    write(tmp_path / "outages" / "outages.csv")
    load(con, tmp_path)
    rows = con.execute("select outage_id, line_no, start_utc::varchar, end_utc::varchar, start_local::varchar, "
                       "end_local::varchar, area, services from raw.outages order by line_no").fetchall()
    assert rows == [
        # Buenos Aires is UTC-3 all year
        ("OUT-1", 2, "2026-08-28 13:00:00", "2026-08-28 17:05:00", "2026-08-28 10:00:00", "2026-08-28 14:05:00",
         "Tres de Febrero", ["internet"]),
        ("OUT-2", 3, "2026-09-14 20:20:00", "2026-09-14 23:45:00", "2026-09-14 17:20:00", "2026-09-14 20:45:00",
         "Lanús, Oeste", ["internet", "catv", "telefonia"]),
        ("OUT-3", 4, "2026-10-13 13:20:00", None, "2026-10-13 10:20:00", None, "CABA - Flores", ["catv"]),
    ]


def test_a_file_of_another_shape_is_refused_record_by_record(tmp_path, con):
    write(tmp_path / "outages" / "noc.csv", header="id,start,end,area,services")
    [result] = load(con, tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (len(RECORDS), 0, len(RECORDS))
    assert con.execute("select distinct reason from raw.quarantine").fetchone()[0].startswith(
        "header lacks columns outage_id, start_local, end_local")


def test_columns_found_by_name_and_crlf(tmp_path, con):
    path = tmp_path / "outages" / "o.csv"
    path.parent.mkdir()
    path.write_bytes(b"services,area,outage_id,end_local,start_local\r\n"
                     b"catv,Quilmes,OUT-1,2026-08-28 11:00:00,2026-08-28 10:00:00\r\n")
    [result] = load(con, tmp_path)
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert con.execute("select area, services, end_utc::varchar from raw.outages").fetchone() == (
        "Quilmes", ["catv"], "2026-08-28 14:00:00")


def test_discovery_takes_only_the_outages_folder(tmp_path):
    write(tmp_path / "outages" / "outages.csv")
    write(tmp_path / "outages" / "old" / "2025.csv")
    write(tmp_path / "crm" / "outages.csv")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path, outages.SOURCE_SPEC)] == [
        "outages/outages.csv"]


def test_reload_is_idempotent_and_a_changed_file_replaces_its_rows(tmp_path):
    path = write(tmp_path / "landing" / "outages" / "outages.csv")
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))

    def digest() -> str:
        rows = [db.execute("select * from raw.outages order by all").fetchall(),
                db.execute("select * exclude (quarantined_at) from raw.quarantine order by all").fetchall()]
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    first = load(db, tmp_path / "landing")
    before = digest()
    second = load(db, tmp_path / "landing")
    assert [r.status for r in first] == ["loaded"] and [r.status for r in second] == ["unchanged"]
    assert digest() == before
    write(path, RECORDS[:2])
    [third] = load(db, tmp_path / "landing")
    assert (third.status, third.rows_read, third.rows_loaded, third.rows_rejected) == ("replaced", 2, 2, 0)
    assert db.execute("select count(*) from raw.quarantine").fetchone()[0] == 0


def test_the_simulator_file_loads_whole(tmp_path, con):
    """The shape the demo simulator writes (simulator/outages.py)."""
    from simulator.outages import CSV_COLUMNS

    assert ",".join(CSV_COLUMNS) == HEADER
    write(tmp_path / "outages" / "outages.csv", RECORDS[:1])
    [result] = load(con, tmp_path)
    assert (result.rows_read, result.rows_loaded) == (1, 1)
