"""The CRM case loader: the documented CSV format with every rejection reason, a real
Salesforce Case export through its mapping, mapping files, and idempotent reloads."""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from ingestion import crm_cases
from ingestion.crm_cases import MappingError, load_mapping
from ingestion.sources import discover, load_source

HEADER = ("case_id,line_code,crm_queue,motive,channel,created_at,first_response_at,resolved_at,"
          "closed_at,status,reopen_count,customer_id,customer_phone,customer_email,agent,"
          "origin_call_id,outcome")

# (record, reason fragment or None); one record per entry, in file order after the header
RECORDS = [
    ("C-1,,bo_atc,cambio_velocidad,phone,2024-03-01 10:00:00,2024-03-01 10:30:00,2024-03-01 12:00:00,"
     "2024-03-01 12:05:00,closed,0,A100,1145678901,ana@example.com,Martín Gómez,1709298010.1,", None),
    ("C-2,bo_helpdesk,,sin_senal,email,2024-03-01 11:00:00,,,,open,,A101,,,,,", None),
    ('C-3,,satisfaccion,retencion,outbound,2024-03-01 12:00:00,,,2024-03-01 12:10:00,closed,1,A102,,,'
     '"Pérez, Juan",,retained', None),
    # a quoted field holding a line break is one record over two lines
    ('C-4,,bo_social,"queja\nen dos líneas",social,2024-03-01 13:00:00,,,,in_progress,2,A103,,,,,', None),
    (",,bo_atc,nota_credito,phone,2024-03-01 10:00:00,,,,open,0,A104,,,,,", "missing case_id"),
    ("C-1,,bo_atc,nota_credito,phone,2024-03-01 10:00:00,,,,open,0,A105,,,,,", "duplicate case_id"),
    ("C-6,,bo_atc,reintegro,phone,2024-03-01 25:00:00,,,,open,0,A106,,,,,", "created_at is not a timestamp"),
    ("C-7,,bo_atc,reintegro,phone,,,,,open,0,A107,,,,,", "missing created_at"),
    ("C-8,,bo_atc,reintegro,phone,2024-03-01 10:00:00,ayer,,,open,0,A108,,,,,",
     "first_response_at is not a timestamp"),
    ("C-9,,bo_atc,reintegro,phone,2024-03-01 10:00:00,,2024-03-01 09:00:00,,resolved,0,A109,,,,,",
     "resolved_at before created_at"),
    ("C-10,,bo_atc,reintegro,phone,2024-03-01 10:00:00,,,2024-02-28 10:00:00,closed,0,A110,,,,,",
     "closed_at before created_at"),
    ("C-11,,bo_atc,reintegro,phone,2024-03-01 10:00:00,,,,reopened,-1,A111,,,,,", "reopen_count"),
    ("C-12,,bo_atc,reintegro,phone,2024-03-01 10:00:00,,,,reopened,dos,A112,,,,,", "reopen_count"),
    ("C-13,,bo_atc,reintegro,carrier pigeon,2024-03-01 10:00:00,,,,open,0,A113,,,,,", "unknown channel"),
    ("C-14,,bo_atc,reintegro,phone,2024-03-01 10:00:00,,,,pending,0,A114,,,,,", "unknown status"),
    ("C-15,,satisfaccion,retencion,outbound,2024-03-01 10:00:00,,,,closed,0,A115,,,,,maybe", "unknown outcome"),
    ("C-16,,bo_atc,reintegro,phone,2024-03-01 10:00:00", "wrong field count"),
    ('C-17,,bo_atc,re"in"tegro,phone,2024-03-01 10:00:00,,,,open,0,A117,,,,,', "malformed CSV quoting"),
    ("", "empty line"),
]


def write_native(path: Path, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = newline.join([HEADER, *(r for r, _ in RECORDS)]) + newline
    path.write_bytes(text.encode("utf-8"))
    return path


# what ContractConfig.crm_queue_to_line() gives for the shipped contract file
QUEUES = {"satisfaccion": "satisfaccion", "bo_atc": "bo_atc", "bo_helpdesk": "bo_helpdesk", "bo_social": "bo_social"}


def load(con, landing: Path, **options):
    options.setdefault("crm_queue_to_line", QUEUES)
    return load_source(con, landing, crm_cases.SOURCE_SPEC, options=options)


def start_lines() -> list[int]:
    """The line each record starts on: the header is line 1; C-4 spans two lines."""
    lines, line = [], 2
    for record, _ in RECORDS:
        lines.append(line)
        line += record.count("\n") + 1
    return lines


def test_documented_format_loads_good_cases_and_quarantines_each_bad_one(tmp_path, con):
    write_native(tmp_path / "crm" / "cases_20240301.csv")
    [result] = load(con, tmp_path)
    expected_bad = {n: reason for n, (_, reason) in zip(start_lines(), RECORDS) if reason}
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "native", len(RECORDS), len(RECORDS) - len(expected_bad), len(expected_bad))
    quarantined = dict(con.execute(
        "select line_no, reason from raw.quarantine where source = 'crm_cases'").fetchall())
    assert set(quarantined) == set(expected_bad)
    for line_no, fragment in expected_bad.items():
        assert fragment in quarantined[line_no], (line_no, quarantined[line_no])
    assert "first at line 2" in quarantined[start_lines()[5]]


def test_an_unclosed_quote_swallows_the_rest_of_the_file_into_one_rejected_record(tmp_path, con):
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "cases.csv").write_text("\n".join([
        HEADER, RECORDS[1][0], 'C-20,,bo_atc,"sin cerrar,phone,2024-03-01 10:00:00,,,,open,0,A1,,,,,',
        RECORDS[0][0]]) + "\n", encoding="utf-8")
    [result] = load(con, tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [(3, "malformed CSV quoting")]


def test_documented_format_values_times_and_lines(tmp_path, con):
    write_native(tmp_path / "crm" / "cases.csv", newline="\r\n")
    load(con, tmp_path)
    rows = {r[0]: r[1:] for r in con.execute(
        "select case_id, line_no, mapping, line_code, created_at_utc, first_response_at_utc, "
        "closed_at_utc, status, reopen_count, agent, outcome, motive from raw.crm_cases").fetchall()}
    assert set(rows) == {"C-1", "C-2", "C-3", "C-4"}
    c1 = rows["C-1"]
    # Buenos Aires is UTC-3: 10:00 local is 13:00 UTC
    assert (c1[0], c1[1], c1[2], str(c1[3]), str(c1[4]), str(c1[5])) == (
        2, "native", "bo_atc", "2024-03-01 13:00:00", "2024-03-01 13:30:00", "2024-03-01 15:05:00")
    assert rows["C-2"][2] == "bo_helpdesk"  # explicit line_code, no queue
    assert rows["C-3"][-3:] == ("Pérez, Juan", "retained", "retencion")
    assert rows["C-4"][0] == 5 and rows["C-4"][-1] == "queja\nen dos líneas"
    assert con.execute("select customer_phone, customer_email from raw.crm_cases where case_id = 'C-1'"
                       ).fetchone() == ("1145678901", "ana@example.com")


def test_without_the_contract_map_line_code_stays_empty(tmp_path, con):
    write_native(tmp_path / "crm" / "cases.csv")
    load(con, tmp_path, crm_queue_to_line={})
    assert con.execute("select line_code from raw.crm_cases where case_id = 'C-1'").fetchone() == (None,)


def test_reload_is_idempotent_and_a_changed_file_replaces_its_rows(tmp_path):
    path = write_native(tmp_path / "landing" / "crm" / "2024" / "cases.csv")
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))

    def digest() -> str:
        rows = [db.execute("select * from raw.crm_cases order by all").fetchall(),
                db.execute("select * exclude (quarantined_at) from raw.quarantine order by all").fetchall()]
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    first = load(db, tmp_path / "landing")
    before = digest()
    second = load(db, tmp_path / "landing")
    assert [r.status for r in first] == ["loaded"] and [r.status for r in second] == ["unchanged"]
    assert digest() == before
    path.write_text(HEADER + "\n" + RECORDS[1][0] + "\n", encoding="utf-8")
    [third] = load(db, tmp_path / "landing")
    assert (third.status, third.rows_read, third.rows_loaded, third.rows_rejected) == ("replaced", 1, 1, 0)
    assert db.execute("select count(*) from raw.crm_cases").fetchone()[0] == 1
    assert db.execute("select count(*) from raw.quarantine").fetchone()[0] == 0


def test_only_csv_files_under_a_crm_folder_are_cases(tmp_path):
    write_native(tmp_path / "crm" / "a.csv")
    write_native(tmp_path / "crm" / "sub" / "b.csv")
    write_native(tmp_path / "outages" / "c.csv")
    (tmp_path / "crm" / "notes.txt").write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path, crm_cases.SOURCE_SPEC)]
    assert found == ["crm/a.csv", "crm/sub/b.csv"]


def test_an_unknown_header_quarantines_every_record(tmp_path, con):
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "other.csv").write_text("ticket,opened\n1,2024-03-01\n2,2024-03-02\n")
    [result] = load(con, tmp_path)
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == ("unknown", 2, 0, 2)
    reasons = {r[0] for r in con.execute("select reason from raw.quarantine").fetchall()}
    assert len(reasons) == 1 and "matches neither the documented format" in reasons.pop()


def test_a_mapping_with_constants_value_maps_and_a_local_zone(tmp_path, con):
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "legacy.yml").write_text(
        "name: legacy_crm\n"
        "detect: {header_has: [Nro, Alta]}\n"
        "time_zone: America/Argentina/Buenos_Aires\n"
        'timestamp_formats: ["%d/%m/%Y %H:%M"]\n'
        "columns:\n"
        "  case_id: Nro\n"
        "  created_at: Alta\n"
        "  line_code: {constant: bo_atc}\n"
        '  status: {from: Estado, values: {"Abierto": "open", "Cerrado": "closed"}}\n'
        "  channel: {constant: phone}\n", encoding="utf-8")
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "legacy.csv").write_text(
        "Nro,Alta,Estado\n7,01/03/2024 10:00,Abierto\n8,01/03/2024 11:00,Suspendido\n", encoding="utf-8")
    [result] = load(con, tmp_path, crm_mappings_dir=str(mappings))
    assert (result.layout, result.rows_loaded, result.rows_rejected) == ("legacy_crm", 1, 1)
    assert con.execute("select mapping, case_id, line_code, status, channel, created_at_utc::varchar "
                       "from raw.crm_cases").fetchone() == (
        "legacy_crm", "7", "bo_atc", "open", "phone", "2024-03-01 13:00:00")
    assert con.execute("select reason from raw.quarantine").fetchone()[0] == 'unknown status: "Suspendido"'


@pytest.mark.parametrize(
    "text, key, words",
    [
        ("name: x\ncolumns: {case_id: A, created_at: B}\n", "detect", "header_has"),
        ("name: x\ndetect: {header_has: [A]}\ncolumns: {case_id: A}\n", "columns.created_at", "missing"),
        ("name: x\ndetect: {header_has: [A]}\ncolumns: {case_id: A, created_at: B, opened: C}\n",
         "columns.opened", "not a column"),
        ("name: x\ndetect: {header_has: [A]}\ntime_zone: Buenos Aires\ncolumns: {case_id: A, created_at: B}\n",
         "time_zone", "unknown time zone"),
        ("name: x\ndetect: {header_has: [A]}\ncolumns: {case_id: A, created_at: B, status: {from: S, values: {Yes: open}}}\n",
         "columns.status.values", "quoted strings"),
        ("name: x\ndetect: {header_has: [A]}\nallow: [anything_goes]\ncolumns: {case_id: A, created_at: B}\n",
         "allow", "unknown check"),
    ],
)
def test_a_malformed_mapping_names_file_key_and_fix(tmp_path, text, key, words):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as excinfo:
        load_mapping(path)
    message = str(excinfo.value)
    assert str(path) in message and f"'{key}'" in message and words in message and "Fix:" in message


def test_the_shipped_mappings_load():
    assert [m.name for m in crm_cases.load_mappings(crm_cases.DEFAULT_MAPPINGS_DIR)] == ["salesforce_case"]


# --- the real Salesforce export ---------------------------------------------------------

SF_STATUS = {"New": "open", "Working": "in_progress", "Escalated": "in_progress", "Closed": "closed"}
SF_ORIGIN = {"Phone": "phone", "Email": "email", "Web": "web"}


@pytest.fixture
def salesforce_landing(reference_data, tmp_path) -> Path:
    source = reference_data / "helpdesk" / "salesforce_case_export.csv"
    (tmp_path / "crm").mkdir()
    shutil.copy(source, tmp_path / "crm" / "salesforce_case_export.csv")
    return tmp_path


def test_the_salesforce_export_loads_through_its_mapping(salesforce_landing, con):
    with (salesforce_landing / "crm" / "salesforce_case_export.csv").open(newline="", encoding="utf-8") as fh:
        source = list(csv.DictReader(fh))
    [result] = load(con, salesforce_landing)
    assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "salesforce_case", 26, 26, 0) and len(source) == 26
    statuses = Counter(r[0] for r in con.execute("select status from raw.crm_cases").fetchall())
    channels = Counter(r[0] for r in con.execute("select channel from raw.crm_cases").fetchall())
    assert statuses == Counter(SF_STATUS[r["Status"]] for r in source)
    assert channels == Counter(SF_ORIGIN[r["Origin"]] for r in source)

    loaded = {r[0]: r[1:] for r in con.execute(
        "select case_id, motive, created_at_utc::varchar, closed_at_utc::varchar, customer_id, agent, "
        "customer_email, customer_phone, anomaly, mapping from raw.crm_cases").fetchall()}
    for row in source:
        motive, created, closed, customer, agent, email, phone, anomaly, mapping = loaded[row["CaseNumber"]]
        assert motive == (row["Reason"] or row["Type"])
        assert created == row["CreatedDate"]  # exported in UTC: stored unchanged
        assert closed == (row["ClosedDate"] or None)
        assert customer == (None if row["ContactId"] == "000000000000000AAA" else row["ContactId"])
        assert (agent, email, phone, mapping) == (row["OwnerId"], row["SuppliedEmail"] or None,
                                                  row["SuppliedPhone"] or None, "salesforce_case")
        # the migrated cases closed "before" they were created: loaded, flagged
        assert (anomaly is not None) == bool(row["ClosedDate"] and row["ClosedDate"] < row["CreatedDate"])


def test_salesforce_null_lookups_and_deleted_rows(salesforce_landing, con):
    path = salesforce_landing / "crm" / "salesforce_case_export.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[1][header.index("ContactId")] = "000000000000000AAA"
    rows[2][header.index("IsDeleted")] = "1"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    [result] = load(con, salesforce_landing)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (26, 25, 1)
    assert con.execute("select customer_id from raw.crm_cases where line_no = 2").fetchone() == (None,)
    assert con.execute("select line_no, reason from raw.quarantine").fetchall() == [
        (3, "excluded by mapping salesforce_case: IsDeleted = 1")]


def test_salesforce_export_without_a_mapped_column_is_refused_loudly(salesforce_landing, con):
    path = salesforce_landing / "crm" / "salesforce_case_export.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r[:10] + r[11:] for r in csv.reader(fh)]  # drop SuppliedPhone
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    [result] = load(con, salesforce_landing)
    assert (result.rows_loaded, result.rows_rejected) == (0, 26)
    assert con.execute("select distinct reason from raw.quarantine").fetchall() == [
        ("mapping salesforce_case: header lacks columns SuppliedPhone",)]
