"""The call-detail CSV importer: the Anonymous Bank log through its shipped mapping, and
hand-made files through other mappings, to prove the mapping (not the code) knows the format."""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from ingestion.call_detail import SOURCE_SPEC, MappingError, load_mapping, make_source
from ingestion.sources import discover, load_source

# --- the Anonymous Bank reference file ------------------------------------------------

BANK_FILE = "call_detail/anonymous_bank/february_1999.txt"


@pytest.fixture(scope="module")
def bank(reference_data, tmp_path_factory):
    """The bank file in a landing folder where the shipped mapping's glob finds it, loaded
    once; and its rows split by plain Python, for independent counts."""
    landing = tmp_path_factory.mktemp("landing")
    (landing / BANK_FILE).parent.mkdir(parents=True)
    shutil.copy(reference_data / "anonymous_bank_1999" / "february_1999.txt", landing / BANK_FILE)
    db = duckdb.connect()
    [result] = load_source(db, landing, SOURCE_SPEC)
    lines = (landing / BANK_FILE).read_bytes().decode("ascii").split("\r\n")
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]
    return db, result, rows


def test_bank_file_loads_every_call(bank):
    db, result, rows = bank
    assert len(rows) == 33_344
    # nothing is rejected: the file's quirks are all handled as documented, none is damage
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "mapping:anonymous_bank", 33_344, 33_344, 0)
    assert db.execute("select count(*), count(distinct call_id) from raw.call_detail").fetchone() == (33_344, 33_344)
    assert db.execute("select count(*) from raw.quarantine").fetchone() == (0,)


def test_bank_outcomes_match_an_independent_count(bank):
    db, _, rows = bank
    source = Counter(r["outcome"] for r in rows)
    never_queued_hangups = sum(r["outcome"] == "HANG" and r["q_start"] == "0:00:00" and r["q_time"] == "0"
                               for r in rows)
    loaded = dict(db.execute("select outcome, count(*) from raw.call_detail group by 1").fetchall())
    assert loaded == {
        "answered": source["AGENT"],
        "abandoned": source["HANG"] - never_queued_hangups,
        "no_queue": never_queued_hangups,  # hung up in the VRU: never offered to a queue
        "phantom": source["PHANTOM"],      # kept, for the KPI models to exclude
    }
    assert source["PHANTOM"] == 278 and never_queued_hangups > 0


def test_bank_times_are_local_israel_converted_to_utc(bank):
    db, _, rows = bank
    first = rows[0]
    assert (first["date"], first["vru_entry"], first["ser_start"]) == ("990201", "7:02:47", "7:02:55")
    # February 1999 in Israel: UTC+2, no daylight saving
    assert db.execute(
        "select arrived_at_utc::varchar, answered_at_utc::varchar, entered_queue_at_utc, wait_seconds, "
        "service_seconds, agent, customer_id from raw.call_detail where line_no = 2").fetchone() == (
        "1999-02-01 05:02:47", "1999-02-01 05:02:55", None, 0, 166, "DORIT", None)
    # calls across midnight: times after 0:00 are on the next day, so no stage ends before it starts
    assert db.execute(
        "select count(*) from raw.call_detail where ended_at_utc < answered_at_utc "
        "or ended_at_utc < entered_queue_at_utc").fetchone() == (0,)
    crossing = [r for r in rows if r["ser_start"] > r["ser_exit"] and r["ser_exit"].startswith("0:")]
    assert crossing and db.execute(
        "select count(*) from raw.call_detail where date_diff('day', arrived_at_utc + interval 2 hour, "
        "ended_at_utc + interval 2 hour) = 1").fetchone()[0] >= len(crossing)


def test_bank_quirks_are_loaded_as_documented(bank):
    db, _, rows = bank

    def ids(predicate) -> set[str]:
        return {f"{r['vru+line']}-{r['call_id']}" for r in rows if predicate(r)}

    def loaded(where: str) -> set[str]:
        return {r[0] for r in db.execute(f"select call_id from raw.call_detail where {where}").fetchall()}

    # negative vru_time (vru_exit logged before vru_entry): kept, times as logged
    negative = ids(lambda r: int(r["vru_time"]) < 0)
    assert len(negative) == 25
    assert loaded("entered_queue_at_utc < arrived_at_utc") >= negative
    # AGENT with server NO_SERVER: answered, agent unknown
    agentless = ids(lambda r: r["outcome"] == "AGENT" and r["server"] == "NO_SERVER")
    assert agentless and loaded("outcome = 'answered' and agent is null") == agentless
    # q_start 0:00:00 = never queued ... unless q_time says the call queued at midnight
    unqueued = ids(lambda r: r["q_start"] == "0:00:00" and r["q_time"] == "0")
    midnight = ids(lambda r: r["q_start"] == "0:00:00" and int(r["q_time"]) > 0)
    assert loaded("entered_queue_at_utc is null") == unqueued
    assert len(midnight) == 1
    assert db.execute(
        "select strftime(timezone('Asia/Jerusalem', timezone('UTC', entered_queue_at_utc)), '%H:%M:%S'), "
        "date_diff('day', timezone('Asia/Jerusalem', timezone('UTC', arrived_at_utc))::date, "
        "timezone('Asia/Jerusalem', timezone('UTC', entered_queue_at_utc))::date) "
        "from raw.call_detail where call_id = ?", [midnight.pop()]).fetchone() == ("00:00:00", 1)
    # PHANTOM rows keep everything they logged
    assert db.execute(
        "select count(*) from raw.call_detail where outcome = 'phantom' and raw_record like '%\tPHANTOM\t%'"
    ).fetchone() == (278,)


# --- a second, hand-made ACD export -------------------------------------------------------

ACD_MAPPING = """
description: a hand-made ACD export, semicolon-separated, Latin-1, dd/mm/yyyy times
files: ["acd/*.csv"]
delimiter: ";"
header: true
encoding: latin-1
time_zone: America/Argentina/Buenos_Aires
line_code: atc
columns:
  call_id: {column: "Interaction ID"}
  queue: {column: Cola}
  agent: {column: Agente}
  customer_id: {column: Cliente}
  arrived_at_utc: {column: Inicio, format: "%d/%m/%Y %H:%M:%S"}
  entered_queue_at_utc: {column: En cola, format: "%d/%m/%Y %H:%M:%S"}
  answered_at_utc: {column: Atendida, format: "%d/%m/%Y %H:%M:%S"}
  ended_at_utc: {column: Fin, format: "%d/%m/%Y %H:%M:%S"}
  wait_seconds: {column: Espera, unit: hms}
  service_seconds: {column: Conversación, unit: hms}
  outcome: {column: Resultado, values: {Atendida: answered, Abandonada: abandoned, Desborde: other}}
"""

PIPE_MAPPING = """
files: ["pbx2/calls-*.log"]
delimiter: "|"
quoting: false
header: false
column_names: [id, queue, t_arrive, t_answer, t_end, wait, talk, status]
time_zone: UTC
columns:
  call_id: {column: id}
  queue: {constant: soporte}
  arrived_at_utc: {column: t_arrive, format: epoch}
  entered_queue_at_utc: {column: t_arrive, format: epoch}
  answered_at_utc: {column: t_answer, format: epoch, missing: "0"}
  ended_at_utc: {column: t_end, format: epoch}
  wait_seconds: {column: wait}
  service_seconds: {column: talk}
  outcome: {column: status, values: {"1": answered, "2": abandoned}}
"""

HEADER = "Interaction ID;Cola;Agente;Cliente;Inicio;En cola;Atendida;Fin;Espera;Conversación;Resultado"
ACD_ROWS = [
    ('C-1;Ventas;"Gómez; Martín";1234;01/03/2024 10:00:00;01/03/2024 10:00:05;01/03/2024 10:00:25;'
     "01/03/2024 10:05:25;0:00:20;0:05:00;Atendida", None),
    ("C-2;Ventas;;;01/03/2024 10:01:00;01/03/2024 10:01:02;;01/03/2024 10:01:50;0:00:48;;Abandonada", None),
    ("C-3;Ventas;;;01/03/2024 10:02:00;;;01/03/2024 10:02:10;;;Abandonada", None),
    ("C-4;Ventas;;;01/03/2024 10:03:00;01/03/2024 10:03:01;;01/03/2024 10:04:00;0:00:59;;Transferida",
     'unknown outcome "Transferida" (mapping acd_export knows Atendida, Abandonada, Desborde)'),
    ("C-5;Ventas;;;2024-03-01 10:04;;;01/03/2024 10:04:10;;;Abandonada",
     'arrived_at_utc: "2024-03-01 10:04" is not a time in format %d/%m/%Y %H:%M:%S'),
    ("C-6;Ventas;;;01/03/2024 10:05:00;01/03/2024 10:05:01;;01/03/2024 10:05:10;-0:00:09;;Abandonada",
     'wait_seconds: "-0:00:09" is not a non-negative duration'),
    ("C-1;Ventas;;;01/03/2024 10:06:00;;;01/03/2024 10:06:10;;;Abandonada",
     'duplicate call_id "C-1" (first at line 2)'),
    ("C-8;Ventas;;;01/03/2024 10:07:00", "wrong field count: expected 11 fields, found 5"),
    ("", "empty line"),
    ("C-10;Ventas;;;01/03/2024 10:08:00;01/03/2024 10:08:30;;01/03/2024 10:08:10;0:00:00;;Abandonada",
     "impossible data: the call ended before it entered the queue"),
    (";Ventas;;;01/03/2024 10:09:00;;;01/03/2024 10:09:10;;;Abandonada", "missing call_id"),
    ('C-12;Ventas;"Ana "x" Pérez";;01/03/2024 10:10:00;;;01/03/2024 10:10:10;;;Desborde', "malformed CSV quoting"),
    ("C-13;Ventas;\x00\x00;;01/03/2024 10:11:00;;;01/03/2024 10:11:10;;;Desborde", "NUL bytes"),
]
PIPE_ROWS = [
    "p-1|n1|1709298000|1709298012|1709298100|12|88|1",
    "p-2|n1|1709298050|0|1709298080|30|0|2",
    "p-3|n1|1709298060|0|1709298070|x|0|2",
]


@pytest.fixture
def acd(tmp_path):
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "acd_export.yml").write_text(ACD_MAPPING, encoding="utf-8")
    (mappings / "pipe_log.yml").write_text(PIPE_MAPPING, encoding="utf-8")
    landing = tmp_path / "landing"
    (landing / "acd").mkdir(parents=True)
    (landing / "pbx2").mkdir()
    text = "\r\n".join([HEADER, *[row for row, _ in ACD_ROWS]]) + "\r\n"
    (landing / "acd" / "2024-03-01.csv").write_bytes(text.encode("latin-1"))
    (landing / "acd" / "notes.txt").write_text("not a call log\n")
    (landing / "pbx2" / "calls-20240301.log").write_text("\n".join(PIPE_ROWS) + "\n")
    return make_source(mappings), landing, {"call_detail_mappings_dir": str(mappings)}


def test_a_second_mapping_reads_another_format(acd, con):
    source, landing, options = acd
    assert [p.name for p in discover(landing, source)] == ["2024-03-01.csv", "calls-20240301.log"]
    results = {r.file_path: r for r in load_source(con, landing, source, options=options)}
    expected_bad = {i + 2: reason for i, (_, reason) in enumerate(ACD_ROWS) if reason}
    acd_result = results["acd/2024-03-01.csv"]
    assert (acd_result.layout, acd_result.rows_read, acd_result.rows_loaded, acd_result.rows_rejected) == (
        "mapping:acd_export", len(ACD_ROWS), len(ACD_ROWS) - len(expected_bad), len(expected_bad))
    reasons = dict(con.execute(
        "select line_no, reason from raw.quarantine where file_path = 'acd/2024-03-01.csv'").fetchall())
    assert set(reasons) == set(expected_bad)
    for line_no, fragment in expected_bad.items():
        assert fragment in reasons[line_no], (line_no, reasons[line_no])
    assert con.execute(
        "select call_id, mapping, line_code, queue, agent, customer_id, arrived_at_utc::varchar, "
        "entered_queue_at_utc::varchar, answered_at_utc::varchar, ended_at_utc::varchar, wait_seconds, "
        "service_seconds, outcome from raw.call_detail where mapping = 'acd_export' order by line_no"
    ).fetchall() == [
        ("C-1", "acd_export", "atc", "Ventas", "Gómez; Martín", "1234", "2024-03-01 13:00:00",
         "2024-03-01 13:00:05", "2024-03-01 13:00:25", "2024-03-01 13:05:25", 20, 300, "answered"),
        ("C-2", "acd_export", "atc", "Ventas", None, None, "2024-03-01 13:01:00", "2024-03-01 13:01:02", None,
         "2024-03-01 13:01:50", 48, None, "abandoned"),
        ("C-3", "acd_export", "atc", "Ventas", None, None, "2024-03-01 13:02:00", None, None,
         "2024-03-01 13:02:10", None, None, "no_queue"),
    ]
    pipe = results["pbx2/calls-20240301.log"]
    assert (pipe.rows_read, pipe.rows_loaded, pipe.rows_rejected) == (3, 2, 1)
    assert con.execute(
        "select call_id, line_code, queue, arrived_at_utc::varchar, answered_at_utc::varchar, wait_seconds, outcome "
        "from raw.call_detail where mapping = 'pipe_log' order by line_no").fetchall() == [
        ("p-1", "sin_mapear", "soporte", "2024-03-01 13:00:00", "2024-03-01 13:00:12", 12, "answered"),
        ("p-2", "sin_mapear", "soporte", "2024-03-01 13:00:50", None, 30, "abandoned"),
    ]


def test_a_file_lacking_a_mapped_column_is_rejected_row_by_row(acd, con):
    source, landing, options = acd
    (landing / "acd" / "2024-03-02.csv").write_text(
        "Interaction ID;Agente;Cliente;Inicio;En cola;Atendida;Fin;Espera;Conversación;Resultado\n"
        "D-1;;;02/03/2024 10:00:00;;;02/03/2024 10:00:10;;;Abandonada\n", encoding="latin-1")
    load_source(con, landing, source, files=[landing / "acd" / "2024-03-02.csv"], options=options)
    assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [
        (2, "the file lacks column(s) cola that mapping acd_export reads")]


def test_loading_twice_changes_nothing(acd, tmp_path):
    source, landing, options = acd
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))

    def digest() -> str:
        rows = [db.execute(f"select {columns} from raw.{table} order by all").fetchall()
                for table, columns in (("call_detail", "*"), ("quarantine", "* exclude (quarantined_at)"),
                                       ("landing_files", "* exclude (loaded_at)"))]
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    first = load_source(db, landing, source, options=options)
    before = digest()
    second = load_source(db, landing, source, options=options)
    assert [r.status for r in first] == ["loaded", "loaded"] and [r.status for r in second] == ["unchanged"] * 2
    assert digest() == before


@pytest.mark.parametrize("change, message", [
    (("line_code: atc", "line_code: atc\nunknown_key: 1"), "key 'unknown_key': unknown key"),
    (("  call_id: {column: \"Interaction ID\"}\n", ""), "key 'columns.call_id': missing"),
    (("Desborde: other", "Desborde: overflow"), "key 'columns.outcome.values'"),
    (("time_zone: America/Argentina/Buenos_Aires", "time_zone: Buenos Aires"), "unknown time zone"),
    (("unit: hms}", "unit: minutes}"), "unknown unit 'minutes'"),
    (("agent: {column: Agente}", "agent: {column: Agente, value: x}"), "key 'columns.agent.value'"),
])
def test_mapping_mistakes_name_the_key(tmp_path, change, message):
    path = tmp_path / "bad.yml"
    assert change[0] in ACD_MAPPING
    path.write_text(ACD_MAPPING.replace(*change), encoding="utf-8")
    with pytest.raises(MappingError, match=message) as error:
        load_mapping(path)
    assert str(path) in str(error.value) or "bad.yml" in str(error.value)


def test_two_mappings_claiming_one_file_is_an_error(acd, con):
    source, landing, options = acd
    mappings = Path(options["call_detail_mappings_dir"])
    (mappings / "copy.yml").write_text(ACD_MAPPING, encoding="utf-8")
    with pytest.raises(MappingError, match="matches mappings acd_export, copy"):
        load_source(con, landing, source, options=options)


def test_the_shipped_mapping_claims_only_its_folder(tmp_path):
    for name in (BANK_FILE, "call_detail/other/feb.txt", "queue_log", "february_1999.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path, SOURCE_SPEC)] == [BANK_FILE]
