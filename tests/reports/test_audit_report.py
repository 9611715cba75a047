"""The monthly SLA audit report, on a small DuckDB file built here with the column contract of
the SLA marts (sla_compliance_*, fct_sla_units, dim_contract_versions, dim_outages,
data_quality_*) and hand-made rows whose figures are worked out below.

October 2026, two lines:
- atc: service level 80/20 admits outage exclusion. 900 calls, 660 answered within 20 s; the
  outage NOC-2026-041 covers 100 of them (40 within 20 s): adjusted 620/800 = 77,5 %, 2,5 points
  under 80 % at 1 % per point = 2,5 % penalty (cap 5 %), line penalty 2,5 % (cap 10 %).
  Abandon rate 36/900 = 4,0 % <= 5 %: met. Certifiable.
- helpdesk: service level 850/1000 = 85 % met; ASA 33600 s / 1200 = 28 s <= 30 s met, margin
  +2 s. Not certifiable: no data on 2026-10-03 and 2026-10-04, rejects on 2026-10-10.

The inputs fingerprint is also checked end to end: hand-made queue_log files around the end of
October 2026 are built with dbt, a call's completing event is moved into the next day's file,
a later unrelated file is loaded, and the fingerprint is compared with one computed here from
the files' bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from ingestion import settings
from reports.audit import (
    AuditReport,
    NoComplianceData,
    build_audit_report,
    report_summary,
    write_month_report,
    write_report_files,
)
from reports.fingerprint import inputs_fingerprint, overall_fingerprint

OCTOBER = dt.date(2026, 10, 1)
CONTRACT_SHA = "5" * 64

SCHEMA = """
create table sla_compliance_monthly (
  compliance_key varchar, line_code varchar, line_name varchar, direction varchar, report_month date,
  term_code varchar, term_name varchar, metric varchar, unit varchar, comparison varchar, threshold double,
  threshold_unit varchar, target double, denominator_variant varchar, outage_exclusion boolean,
  contract_version varchar, term_effective_from date, raw_numerator double, raw_denominator double,
  raw_value double, excluded_units bigint, adjusted_numerator double, adjusted_denominator double,
  adjusted_value double, volume bigint, is_met boolean, margin double, shortfall_points double,
  penalty_percent_per_point double, penalty_cap_percent double, penalty_percent double,
  line_penalty_cap_percent double, line_penalty_percent double, is_certifiable boolean,
  days_without_data varchar, days_with_rejects varchar, completeness_note varchar);
create table sla_compliance_daily (
  compliance_day_key varchar, line_code varchar, report_month date, report_date date, term_code varchar,
  term_name varchar, metric varchar, unit varchar, comparison varchar, target double, raw_numerator double,
  raw_denominator double, raw_value double, excluded_units bigint, adjusted_numerator double,
  adjusted_denominator double, adjusted_value double, is_met boolean, margin double);
create table sla_compliance_interval (
  compliance_interval_key varchar, line_code varchar, report_month date, report_date date, term_code varchar,
  term_name varchar, metric varchar, unit varchar, comparison varchar, target double, raw_numerator double,
  raw_denominator double, raw_value double, excluded_units bigint, adjusted_numerator double,
  adjusted_denominator double, adjusted_value double, is_met boolean, margin double, interval_start timestamp);
create table fct_sla_units (
  sla_unit_key varchar, line_code varchar, term_code varchar, metric varchar, report_month date,
  report_date date, interval_start timestamp, unit_kind varchar, unit_key varchar, numerator double,
  denominator double, is_excluded boolean, outage_id varchar);
create table dim_contract_terms (
  line_code varchar, term_code varchar, term_name varchar, metric varchar, unit varchar, comparison varchar,
  threshold double, threshold_unit varchar, target double, period varchar, denominator_variant varchar,
  outage_exclusion boolean, effective_from date, effective_to date, assumption varchar,
  contract_file_sha256 varchar);
create table dim_contract_versions (
  contract_version varchar, effective_from date, effective_to date, description varchar,
  contract_name varchar, contract_file_sha256 varchar);
create table dim_outages (
  outage_id varchar, start_local timestamp, end_local timestamp, area varchar, services varchar);
create table data_quality_files (
  source varchar, file_path varchar, sha256 varchar, size_bytes bigint, rows_read bigint,
  rows_loaded bigint, rows_rejected bigint, first_event_date date, last_event_date date);
create table data_quality_daily (
  data_quality_key varchar, source varchar, report_date date, files bigint, rows_rejected bigint,
  is_covered boolean);
create table sla_input_files (
  sla_input_file_key varchar, line_code varchar, report_month date, role varchar, source varchar,
  file_path varchar, sha256 varchar, units bigint);
"""

NOTE_HD = "No certificable: 2 días sin datos (2026-10-03, 2026-10-04); 1 día con rechazos (2026-10-10)"


def _monthly(line, line_name, month, term, name, metric, unit, comparison, threshold, target, outage_exclusion,
             raw, excluded, adjusted, is_met, margin, shortfall, penalty, line_penalty, certifiable,
             without="", rejects="", note="Certificable"):
    return (f"{line}|{month:%Y-%m}|{term}", line, line_name, "inbound", month, term, name, metric, unit,
            comparison, threshold, "seconds" if threshold is not None else None, target,
            "offered_minus_short_abandons" if metric == "service_level" else None, outage_exclusion,
            "2013-06 anexo original", dt.date(2013, 6, 1),
            raw[0], raw[1], raw[0] / raw[1], excluded, adjusted[0], adjusted[1], adjusted[0] / adjusted[1],
            int(adjusted[1]), is_met, margin, shortfall, 1.0, 5.0, penalty, 10.0, line_penalty, certifiable,
            without, rejects, note)


MONTHLY = [
    _monthly("atc", "Atención al cliente", OCTOBER, "service_level", "Nivel de servicio 80/20", "service_level",
             "share", "at_least", 20.0, 0.80, True, (660, 900), 100, (620, 800), False, 0.775 - 0.80, 2.5, 2.5,
             2.5, True),
    _monthly("atc", "Atención al cliente", OCTOBER, "abandon_rate", "Tasa de abandono", "abandon_rate",
             "share", "at_most", None, 0.05, False, (36, 900), 0, (36, 900), True, 0.05 - 0.04, 0.0, 0.0,
             2.5, True),
    _monthly("helpdesk", "Help Desk", OCTOBER, "service_level", "Nivel de servicio 80/30", "service_level",
             "share", "at_least", 30.0, 0.80, False, (850, 1000), 0, (850, 1000), True, 0.85 - 0.80, 0.0, 0.0,
             0.0, False, "2026-10-03,2026-10-04", "2026-10-10", NOTE_HD),
    _monthly("helpdesk", "Help Desk", OCTOBER, "average_speed_of_answer", "Velocidad media de atención (ASA)",
             "average_speed_of_answer", "seconds", "at_most", None, 30.0, False, (33600, 1200), 0, (33600, 1200),
             True, 2.0, 0.0, 0.0, 0.0, False, "2026-10-03,2026-10-04", "2026-10-10", NOTE_HD),
    # September: another month, never in October's report
    _monthly("atc", "Atención al cliente", dt.date(2026, 9, 1), "service_level", "Nivel de servicio 80/20",
             "service_level", "share", "at_least", 20.0, 0.80, True, (100, 200), 0, (100, 200), False, -0.3, 30.0,
             5.0, 5.0, True),
]

# atc service level, October: six missed days (the sixth-worst, 2026-10-15, is left out) and a met one
ATC_DAYS = [(7, 65, 100, -0.15), (8, 75, 100, -0.05), (12, 76, 100, -0.04), (13, 77, 100, -0.03),
            (14, 78, 100, -0.02), (15, 79, 100, -0.01), (9, 82, 100, 0.02)]


def _daily_rows():
    rows = []
    for day, num, den, margin in ATC_DAYS:
        date = dt.date(2026, 10, day)
        rows.append((f"atc|{date}|service_level", "atc", OCTOBER, date, "service_level", "Nivel de servicio 80/20",
                     "service_level", "share", "at_least", 0.80, num, den, num / den, 0, num, den, num / den,
                     margin >= 0, margin))
    return rows


def _interval_rows():
    rows = []
    for hhmm, num, den in (("10:00", 20, 40), ("10:30", 28, 40), ("11:00", 34, 40)):
        start = dt.datetime.fromisoformat(f"2026-10-07 {hhmm}")
        value = num / den
        rows.append((f"atc|2026-10-07T{hhmm}|service_level", "atc", OCTOBER, start.date(), "service_level",
                     "Nivel de servicio 80/20", "service_level", "share", "at_least", 0.80, num, den, value, 0,
                     num, den, value, value >= 0.80, value - 0.80, start))
    return rows


FILES = [
    # source, path, sha256, size, read, loaded, rejected, first event, last event
    ("asterisk_queue_log", "queue_log/queue_log-20260801", "a" * 64, 1000, 10, 10, 0, "2026-08-01", "2026-08-01"),
    ("asterisk_queue_log", "queue_log/queue_log-20261001", "b" * 64, 1000, 10, 10, 0, "2026-09-30", "2026-10-01"),
    ("asterisk_queue_log", "queue_log/queue_log-20261015", "c" * 64, 1000, 10, 10, 0, "2026-10-15", "2026-10-15"),
    ("crm_cases", "crm/cases-2026-10.csv", "d" * 64, 500, 20, 17, 3, "2026-10-10", "2026-10-31"),
    ("asterisk_queue_log", "queue_log/queue_log-20261102", "e" * 64, 1000, 10, 10, 0, "2026-11-01", "2026-11-02"),
]

# sla_input_files: (line, month, role, file index in FILES, units). October's atc calls come from
# the 1 and 15 October files and one ends in the November file, which also closes the month;
# helpdesk's month is covered by the 15 October file and the CRM export. August's file only
# backs September.
INPUT_ROLES = [
    ("atc", OCTOBER, "unit", 1, 60), ("atc", OCTOBER, "unit", 2, 40), ("atc", OCTOBER, "unit", 4, 1),
    ("atc", OCTOBER, "coverage", 1, None), ("atc", OCTOBER, "coverage", 2, None),
    ("atc", OCTOBER, "closing", 4, None),
    ("helpdesk", OCTOBER, "coverage", 2, None), ("helpdesk", OCTOBER, "coverage", 3, None),
    ("helpdesk", OCTOBER, "unit", 2, 7), ("helpdesk", OCTOBER, "closing", 4, None),
    ("atc", dt.date(2026, 9, 1), "coverage", 0, None),
]


def make_db(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    con.executemany(f"insert into sla_compliance_monthly values ({', '.join(['?'] * 37)})", MONTHLY)
    con.executemany(f"insert into sla_compliance_daily values ({', '.join(['?'] * 19)})", _daily_rows())
    con.executemany(f"insert into sla_compliance_interval values ({', '.join(['?'] * 20)})", _interval_rows())
    # 100 atc calls of 2026-10-07 inside the outage (excluded) and 3 outside it
    con.execute("""
        insert into fct_sla_units
        select 'service_level|call' || i, 'atc', 'service_level', 'service_level', date '2026-10-01',
               date '2026-10-07', timestamp '2026-10-07 10:00', 'call', 'call' || i,
               case when i < 40 then 1 else 0 end, 1, i < 100, case when i < 100 then 'NOC-2026-041' end
        from range(103) t(i)
    """)
    # the unit states and pending counts (issue 8), added after the positional inserts above
    for table, column, kind, default in (
        ("sla_compliance_monthly", "met_units", "bigint", "0"), ("sla_compliance_monthly", "missed_units", "bigint", "0"),
        ("sla_compliance_monthly", "pending_units", "bigint", "0"),
        ("sla_compliance_monthly", "line_pending_units", "bigint", "0"),
        ("sla_compliance_monthly", "lost_records", "bigint", "0"),
        ("sla_compliance_monthly", "queued_calls", "bigint", "0"),
        ("sla_compliance_monthly", "lost_record_max_share", "double", "0.001"),
        ("sla_compliance_daily", "pending_units", "bigint", "0"),
        ("sla_compliance_interval", "pending_units", "bigint", "0"),
        ("sla_compliance_daily", "volume", "bigint", "null"), ("sla_compliance_interval", "volume", "bigint", "null"),
        ("fct_sla_units", "unit_state", "varchar", "'met'"), ("fct_sla_units", "due_at_local", "timestamp", "null"),
        ("fct_sla_units", "resolution_class", "varchar", "null"), ("fct_sla_units", "case_status", "varchar", "null"),
    ):
        con.execute(f"alter table {table} add column {column} {kind} default {default}")
    for table in ("sla_compliance_daily", "sla_compliance_interval"):
        con.execute(f"update {table} set volume = adjusted_denominator::bigint")
    con.execute("update fct_sla_units set unit_state = case when is_excluded then 'excluded' "
                "when numerator = 1 then 'met' else 'missed' end")
    # helpdesk's October: 3 pending calls; bo_helpdesk resolution units decided by OTRS states
    con.execute("update sla_compliance_monthly set line_pending_units = 3, lost_records = 2, queued_calls = 2200, "
                "pending_units = case when term_code = 'service_level' then 3 else 0 end "
                "where line_code = 'helpdesk' and report_month = date '2026-10-01'")
    con.execute("""
        insert into fct_sla_units (sla_unit_key, line_code, term_code, metric, report_month, report_date,
                                   unit_kind, unit_key, numerator, denominator, is_excluded, unit_state,
                                   resolution_class, case_status)
        select 'bo_helpdesk|resolution_within_target|otrs:' || i, 'bo_helpdesk', 'resolution_within_target',
               'resolution_within_target', date '2026-10-01', date '2026-10-20', 'case', 'otrs:' || i,
               case when i < 5 then 1 else 0 end, case when i < 12 then 1 else 0 end, false,
               case when i < 5 then 'met' when i < 12 then 'missed' else 'pending' end,
               case when i < 9 then 'resolved' when i < 12 then 'closed_unresolved' else 'open' end,
               case when i < 9 then 'closed successful' when i < 12 then 'closed unsuccessful' else 'open' end
        from range(13) t(i)
    """)
    con.executemany("insert into dim_contract_versions values (?, ?, ?, ?, ?, ?)", [
        ("2013-06 anexo original", dt.date(2013, 6, 1), dt.date(2026, 11, 1), "Anexo del 27/05/2013, primera etapa",
         "Anexo Telecentro S.A. - DINATECH S.A. (27/05/2013)", CONTRACT_SHA),
        ("2026-11 enmienda", dt.date(2026, 11, 1), None, "Segunda etapa",
         "Anexo Telecentro S.A. - DINATECH S.A. (27/05/2013)", CONTRACT_SHA),
    ])
    con.executemany("insert into dim_outages values (?, ?, ?, ?, ?)", [
        ("NOC-2026-041", dt.datetime(2026, 10, 7, 9), dt.datetime(2026, 10, 7, 13), "CABA & GBA", "internet,catv"),
        ("NOC-2026-030", dt.datetime(2026, 9, 2, 9), dt.datetime(2026, 9, 2, 11), "Zona Sur", "internet"),
    ])
    con.executemany("insert into data_quality_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)", FILES)
    con.executemany("insert into sla_input_files values (?, ?, ?, ?, ?, ?, ?, ?)", [
        (f"{line}|{month:%Y-%m}|{role}|{FILES[i][1]}", line, month, role, FILES[i][0], FILES[i][1], FILES[i][2],
         units) for line, month, role, i, units in INPUT_ROLES])
    con.executemany("insert into data_quality_daily values (?, ?, ?, ?, ?, ?)", [
        ("asterisk_queue_log|2026-10-02", "asterisk_queue_log", dt.date(2026, 10, 2), 1, 0, True),
        ("asterisk_queue_log|2026-10-03", "asterisk_queue_log", dt.date(2026, 10, 3), 0, 0, False),
        ("asterisk_queue_log|2026-10-04", "asterisk_queue_log", dt.date(2026, 10, 4), 0, 0, False),
        ("crm_cases|2026-10-10", "crm_cases", dt.date(2026, 10, 10), 1, 3, True),
        ("crm_cases|2026-09-10", "crm_cases", dt.date(2026, 9, 10), 0, 0, False),
    ])
    con.close()
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    return make_db(tmp_path / "marts.duckdb")


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory) -> Path:
    """One database for the tests that only read it."""
    return make_db(tmp_path_factory.mktemp("shared") / "marts.duckdb")


@pytest.fixture(scope="module")
def report(shared_db) -> AuditReport:
    with duckdb.connect(str(shared_db), read_only=True) as con:
        return build_audit_report(con, dt.date(2026, 10, 17))


def test_report_lists_what_each_case_state_decided_and_the_pending_units(report):
    """bo_helpdesk October: 5 closed successful within target, 4 late, 3 closed unsuccessful
    (missed: not a resolution), 1 open and pending; helpdesk has 3 pending calls and 2 calls
    whose end the PBX never logged."""
    mapping = {(r.case_status, r.resolution_class, r.unit_state): r.units
               for r in report.state_mapping.itertuples(index=False)}
    assert mapping == {("closed successful", "resolved", "met"): 5, ("closed successful", "resolved", "missed"): 4,
                       ("closed unsuccessful", "closed_unresolved", "missed"): 3, ("open", "open", "pending"): 1}
    html = report.html
    section = html[html.index("Estados de casos"):html.index("Peores días")]
    assert "closed unsuccessful</td><td>cerrado sin resolver</td><td>incumplida</td><td class=\"num\">3<" in section
    assert "open</td><td>abierto</td><td>pendiente</td><td class=\"num\">1<" in section
    completeness = html[html.index("Completitud de los datos"):]
    assert "<td class=\"num\">3</td><td class=\"num\">2 de 2.200</td>" in completeness


def test_html_shows_versions_penalty_exclusions_worst_day_and_completeness(report):
    html = report.html
    assert html.startswith("<!DOCTYPE html>") and "<link" not in html and "<script" not in html
    assert report.contract_versions == ["2013-06 anexo original"]  # the amendment starts in November
    assert "2013-06 anexo original" in html and "2026-11 enmienda" not in html
    assert CONTRACT_SHA in html
    assert "Todas las líneas" in html
    # atc service level: raw 660/900, adjusted 620/800, 2,5 points under target
    assert "73,3 %" in html and "77,5 %" in html and "-2,5 pp" in html
    assert "2,5 %" in html and "No cumple" in html
    # helpdesk ASA in seconds, margin +2 s; abandon target is a cap
    assert "28 s" in html and "+2 s" in html and "máx. 5 %" in html and "máx. 30 s" in html
    # the outage and its 100 excluded calls; September's outage is not listed; text is escaped
    assert "NOC-2026-041" in html and "NOC-2026-030" not in html and "CABA &amp; GBA" in html
    assert ">100<" in html
    # worst days: 2026-10-07 at -15,0 pp first; the sixth missed day (2026-10-15) is cut
    assert "2026-10-07" in html and "-15,0 pp" in html and "2026-10-15" not in html.split("Peores días")[1].split(
        "Peores intervalos")[0]
    # worst interval 10:00 with its 40 calls at 50,0 %
    assert "2026-10-07 10:00" in html and "50,0 %" in html
    assert NOTE_HD in html and "2026-10-03, 2026-10-04" in html
    assert report.inputs_fingerprint in html and report.code_fingerprint in html and report.fingerprint in html


def test_figures_as_data(report):
    assert list(report.compliance["compliance_key"]) == [
        "atc|2026-10|abandon_rate", "atc|2026-10|service_level",
        "helpdesk|2026-10|average_speed_of_answer", "helpdesk|2026-10|service_level"]
    lines = report.lines.set_index("line_code")
    assert lines.loc["atc", "line_penalty_percent"] == 2.5 and bool(lines.loc["atc", "is_certifiable"])
    assert lines.loc["helpdesk", "line_penalty_percent"] == 0.0 and not bool(lines.loc["helpdesk", "is_certifiable"])
    assert (lines.loc["atc", "terms_met"], lines.loc["atc", "terms_missed"]) == (1, 1)
    assert report.exclusions[["line_code", "term_code", "outage_id", "excluded_units"]].values.tolist() == [
        ["atc", "service_level", "NOC-2026-041", 100]]
    assert list(report.worst_days["report_date"]) == [dt.date(2026, 10, d) for d in (7, 8, 12, 13, 14)]
    assert list(report.worst_intervals["adjusted_denominator"]) == [40.0, 40.0]  # 11:00 met (85 %)
    assert list(report.data_quality["report_date"]) == [dt.date(2026, 10, d) for d in (3, 4, 10)]
    # the files sla_input_files names for October, each once; August's backs September only
    assert sorted(report.input_files["sha256"]) == ["b" * 64, "c" * 64, "d" * 64, "e" * 64]
    expected = inputs_fingerprint([(f[0], f[1], f[2]) for f in FILES[1:]])
    assert report.inputs_fingerprint == expected
    assert report.fingerprint == overall_fingerprint(expected, CONTRACT_SHA, report.code_fingerprint)


def test_csv_parses_back_to_the_rows(report, shared_db):
    csv = report.csv_bytes()
    back = pd.read_csv(io.BytesIO(csv), keep_default_na=False, dtype=str)
    assert list(back.columns)[:3] == ["compliance_key", "line_code", "line_name"]
    assert len(back) == 4
    assert list(back["report_month"]) == ["2026-10-01"] * 4
    with duckdb.connect(str(shared_db), read_only=True) as con:
        expected = con.execute(
            "select compliance_key, raw_value, adjusted_value, excluded_units, is_met, penalty_percent, "
            "days_without_data from sla_compliance_monthly where report_month = date '2026-10-01' "
            "order by line_code, term_code").fetchall()
    for row, (key, raw_value, adjusted_value, excluded, is_met, penalty, without) in zip(
            back.to_dict("records"), expected):
        assert row["compliance_key"] == key
        assert float(row["raw_value"]) == raw_value and float(row["adjusted_value"]) == adjusted_value
        assert int(row["excluded_units"]) == excluded and float(row["penalty_percent"]) == penalty
        assert row["is_met"] == ("true" if is_met else "false")
        assert row["days_without_data"] == without


def test_xlsx_and_pdf(report):
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes()), read_only=True)
    assert book.sheetnames == ["cumplimiento", "peores_dias", "peores_intervalos", "exclusiones",
                               "estados", "completitud", "huella"]
    rows = list(book["cumplimiento"].iter_rows(values_only=True))
    assert rows[0][0] == "compliance_key" and len(rows) == 5
    huella = {r[0]: r[1] for r in book["huella"].iter_rows(values_only=True) if r and r[0]}
    assert huella["fingerprint"] == report.fingerprint
    pdf = report.pdf_bytes()
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Informe de auditoría de SLA" in text and "NOC-2026-041" in text


def test_the_same_database_gives_the_same_files_at_any_time(shared_db, tmp_path):
    """No file says when it was written: two reports three seconds apart (more than the
    two-second resolution of a zip entry's time) are equal byte for byte; the workbook
    carries neither a creation nor a modification date, the PDF reportlab's fixed one."""
    with duckdb.connect(str(shared_db), read_only=True) as con:
        one = write_report_files(build_audit_report(con, OCTOBER), tmp_path / "one")
        time.sleep(3)
        two = write_report_files(build_audit_report(con, OCTOBER), tmp_path / "two")
    assert sorted(one) == ["csv", "html", "json", "pdf", "xlsx"]
    assert {kind: one[kind].read_bytes() for kind in one} == {kind: two[kind].read_bytes() for kind in two}
    with zipfile.ZipFile(one["xlsx"]) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml")
    assert b"dcterms:created" not in core and b"dcterms:modified" not in core
    assert openpyxl.load_workbook(one["xlsx"]).sheetnames[0] == "cumplimiento"  # still a valid workbook
    assert b"/CreationDate (D:20000101000000" in one["pdf"].read_bytes()
    assert "generated_at" not in json.loads(one["json"].read_text(encoding="utf-8"))


def test_input_files_merge_the_roles_of_each_file_and_follow_the_line(shared_db):
    with duckdb.connect(str(shared_db), read_only=True) as con:
        every = build_audit_report(con, OCTOBER).input_files.set_index("file_path")
        atc = build_audit_report(con, OCTOBER, line_code="atc").input_files.set_index("file_path")
    # all lines: the 15 October file is a unit and coverage file of both lines (40 + 7 units)
    assert every.loc["queue_log/queue_log-20261015", "roles"] == "unit, coverage"
    assert every.loc["queue_log/queue_log-20261015", "units"] == 47
    assert every.loc["queue_log/queue_log-20261102", "roles"] == "unit, closing"
    assert every.loc["crm/cases-2026-10.csv", "roles"] == "coverage"
    assert every.loc["crm/cases-2026-10.csv", "rows_rejected"] == 3  # its manifest row beside it
    # atc alone: not the CRM export, which only helpdesk's month stands on
    assert sorted(atc.index) == ["queue_log/queue_log-20261001", "queue_log/queue_log-20261015",
                                 "queue_log/queue_log-20261102"]
    assert atc.loc["queue_log/queue_log-20261015", "units"] == 40


def test_one_line_and_empty_month(shared_db):
    with duckdb.connect(str(shared_db), read_only=True) as con:
        report = build_audit_report(con, OCTOBER, line_code="helpdesk")
        assert set(report.compliance["line_code"]) == {"helpdesk"}
        assert "Help Desk (helpdesk)" in report.html and "No certificable" in report.html
        assert report.exclusions.empty and "No se excluyó ninguna unidad" in report.html
        with pytest.raises(ValueError, match="2026-12"):
            build_audit_report(con, dt.date(2026, 12, 1))
        with pytest.raises(NoComplianceData, match="nolinea"):
            build_audit_report(con, OCTOBER, line_code="nolinea")


def test_write_report_files(report, tmp_path):
    paths = write_report_files(report, tmp_path / "out")
    assert {k: p.name for k, p in paths.items()} == {
        kind: f"audit-2026-10-todas.{kind}" for kind in ("html", "pdf", "csv", "xlsx", "json")}
    assert paths["csv"].read_bytes() == report.csv_bytes()
    manifest = pd.read_json(paths["json"], typ="series")
    assert manifest["fingerprint"] == report.fingerprint and manifest["month"] == "2026-10"


def _cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "reports", *args]


@pytest.fixture(scope="module", autouse=True)
def cli_run(tmp_path_factory):
    """The CLI on its own database, started before the other tests and run beside them: the
    process spends seconds importing pandas and the PDF renderer."""
    folder = tmp_path_factory.mktemp("cli")
    db = make_db(folder / "marts.duckdb")
    out = folder / "out"
    proc = subprocess.Popen(_cli_command("--month", "2026-10", "--line", "atc", "--db", str(db), "--out", str(out)),
                            cwd=settings.PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield db, out, proc
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


def test_cli_writes_the_files_and_exits_2_without_data(cli_run, tmp_path):
    db, out, proc = cli_run
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"audit-2026-10-atc.{k}" for k in ("csv", "html", "json", "pdf", "xlsx")]
    assert "fingerprint\t" in stdout and str(out / "audit-2026-10-atc.pdf") in stdout
    assert (out / "audit-2026-10-atc.pdf").read_bytes().startswith(b"%PDF")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(_cli_command(*args), cwd=settings.PROJECT_ROOT, capture_output=True, text=True,
                              timeout=120)

    empty = run("--month", "2026-12", "--db", str(db), "--out", str(tmp_path))
    assert empty.returncode == 2 and "2026-12" in empty.stderr and not any(tmp_path.iterdir())
    missing = run("--month", "2026-10", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "none.duckdb" in missing.stderr


def test_month_report_for_the_asset_writes_or_skips(shared_db, tmp_path):
    # what the Dagster asset sla_audit_report runs for a partition (its registration is in test_definitions)
    written = write_month_report(shared_db, OCTOBER, tmp_path / "2026-10")
    assert written is not None
    summary = report_summary(*written)
    assert summary["line_penalty_percent"] == {"atc": 2.5, "helpdesk": 0.0}
    assert summary["certifiable"] == {"atc": True, "helpdesk": False}
    assert summary["contract_versions"] == ["2013-06 anexo original"] and len(summary["fingerprint"]) == 64
    assert sorted(p.name for p in (tmp_path / "2026-10").iterdir()) == [
        f"audit-2026-10-todas.{k}" for k in ("csv", "html", "json", "pdf", "xlsx")]
    assert write_month_report(shared_db, dt.date(2026, 8, 1), tmp_path / "2026-08") is None
    assert not (tmp_path / "2026-08").exists()


# ---------------------------------------------------------------- the inputs, end to end

BA = ZoneInfo("America/Argentina/Buenos_Aires")
QUEUE = "atc_facturacion"  # an atc queue of the shipped contract file


def _event(local: str, callid: str, agent: str, event: str, *data: object) -> str:
    epoch = int(dt.datetime.fromisoformat(local).replace(tzinfo=BA).timestamp())
    return "|".join([str(epoch), callid, QUEUE, agent, event, *map(str, data)]) + "\n"


def _answered(callid: str, entered: str, wait: int, talk: int) -> list[str]:
    """ENTERQUEUE, CONNECT and COMPLETECALLER of a call answered after `wait` seconds."""
    start = dt.datetime.fromisoformat(entered)
    connect, end = start + dt.timedelta(seconds=wait), start + dt.timedelta(seconds=wait + talk)
    return [_event(entered, callid, "NONE", "ENTERQUEUE", "", "1155550000", 1),
            _event(connect.isoformat(sep=" "), callid, "Agent/1001", "CONNECT", wait, f"{callid}.1", 2),
            _event(end.isoformat(sep=" "), callid, "Agent/1001", "COMPLETECALLER", wait, talk, 1)]


# Call "late" entered the queue at 23:58 on Saturday 31 October and was answered at 23:58:10; the
# caller hung up at 00:03:10 on 1 November. The 30 October file holds a call on every day from
# 1 October, so the two October files cover every day of the month (a day is covered by its own
# events: a day inside the file without one would be a gap).
LATE = _answered("late", "2026-10-31 23:58:00", 10, 300)
F30 = ("queue_log/queue_log-20261030",
       "".join([line for day in range(1, 30) for line in _answered(f"c1_{day:02d}", f"2026-10-{day:02d} 10:00:00", 5, 60)]
               + _answered("c2", "2026-10-30 10:00:00", 30, 60)))
F31_WITH_END = ("queue_log/queue_log-20261031", "".join(_answered("c3", "2026-10-31 10:00:00", 8, 60) + LATE))
F31_WITHOUT_END = (F31_WITH_END[0], "".join(_answered("c3", "2026-10-31 10:00:00", 8, 60) + LATE[:2]))
F01_WITHOUT_END = ("queue_log/queue_log-20261101", "".join(_answered("c4", "2026-11-01 09:00:00", 8, 60)))
F01_WITH_END = (F01_WITHOUT_END[0], LATE[2] + F01_WITHOUT_END[1])
# two weeks after the closing day, nothing of October in it
F15 = ("queue_log/queue_log-20261115", "".join(_answered("c5", "2026-11-15 10:00:00", 8, 60)))


def _expected_fingerprint(*files: tuple[str, str]) -> str:
    """The inputs fingerprint computed here from the files' bytes (reports/fingerprint.py's layout)."""
    import hashlib

    lines = sorted(f"asterisk_queue_log\t{path}\t{hashlib.sha256(text.encode()).hexdigest()}\n"
                   for path, text in files)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _write_landing(landing: Path, *files: tuple[str, str]) -> None:
    for path, text in files:
        target = landing / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


# what the report reads, and everything upstream of it (dbt run: the data tests run elsewhere)
REPORT_MARTS = ("+sla_compliance_monthly", "+sla_compliance_daily", "+sla_compliance_interval", "+sla_input_files",
                "+dim_outages", "+dim_contract_versions", "+data_quality_files", "+data_quality_daily")


def _state(warehouse: Path) -> dict:
    """Load the landing folder beside `warehouse` (changed files replace their rows), rebuild the
    marts the report reads, and return October's atc fingerprints, files and certifiability."""
    from contract import load_config, write_config_tables
    from ingestion.catalog import load_landing
    from tests.conftest import run_dbt

    cfg = load_config(settings.config_path())
    with duckdb.connect(str(warehouse)) as db:
        write_config_tables(db, cfg)
        load_landing(db, warehouse.parent / "landing", cfg)
    run_dbt(warehouse, "run", "--select", *REPORT_MARTS)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        october = build_audit_report(con, OCTOBER, line_code="atc")
        try:
            november = build_audit_report(con, dt.date(2026, 11, 1), line_code="atc").inputs_fingerprint
        except NoComplianceData:
            november = None
    return {"inputs": october.inputs_fingerprint, "fingerprint": october.fingerprint,
            "files": dict(zip(october.input_files["file_path"], october.input_files["roles"])),
            "certifiable": bool(october.lines.set_index("line_code").loc["atc", "is_certifiable"]),
            "november": november}


@pytest.fixture(scope="module")
def rotation(tmp_path_factory) -> dict:
    """October's atc report after each step; one warehouse rebuilt step by step, and one that
    has not received 1 November yet."""
    steps = {}
    one = tmp_path_factory.mktemp("rotation") / "wh.duckdb"
    _write_landing(one.parent / "landing", F30, F31_WITH_END, F01_WITHOUT_END)
    steps["end_in_last_day"] = _state(one)
    _write_landing(one.parent / "landing", F31_WITHOUT_END, F01_WITH_END)
    steps["end_in_next_day"] = _state(one)
    _write_landing(one.parent / "landing", F15)
    steps["later_file"] = _state(one)
    two = tmp_path_factory.mktemp("unclosed") / "wh.duckdb"
    _write_landing(two.parent / "landing", F30, F31_WITHOUT_END)
    steps["next_day_not_delivered"] = _state(two)
    return steps


def test_moving_a_completing_event_into_the_next_days_file_changes_the_fingerprint(rotation):
    before, after = rotation["end_in_last_day"], rotation["end_in_next_day"]
    # the 31 October file holds the whole late call and, ending at 00:03:10 on 1 November, closes
    # the month itself: 1 November's file is behind nothing of October's
    assert before["files"] == {F30[0]: "unit, coverage", F31_WITH_END[0]: "unit, coverage, closing"}
    assert before["inputs"] == _expected_fingerprint(F30, F31_WITH_END)
    # moved: 1 November's file holds the late call's end and is the first to reach the month's end
    assert after["files"] == {F30[0]: "unit, coverage", F31_WITHOUT_END[0]: "unit, coverage",
                              F01_WITH_END[0]: "unit, closing"}
    assert after["inputs"] == _expected_fingerprint(F30, F31_WITHOUT_END, F01_WITH_END)
    assert after["inputs"] != before["inputs"] and after["fingerprint"] != before["fingerprint"]
    assert before["certifiable"] and after["certifiable"]


def test_an_unrelated_later_file_leaves_a_closed_month_as_it_was(rotation):
    closed, later = rotation["end_in_next_day"], rotation["later_file"]
    assert later["files"] == closed["files"] and F15[0] not in later["files"]
    assert later["inputs"] == closed["inputs"] and later["fingerprint"] == closed["fingerprint"]
    # November's report does stand on it
    assert later["november"] is not None and later["november"] != closed["november"]


def test_the_file_that_closes_the_month_is_in_the_fingerprint(rotation):
    waiting, closed = rotation["next_day_not_delivered"], rotation["end_in_next_day"]
    # without 1 November the month is open: the file at the data's end keeps it so
    assert not waiting["certifiable"] and closed["certifiable"]
    assert waiting["files"] == {F30[0]: "unit, coverage", F31_WITHOUT_END[0]: "unit, coverage, closing"}
    assert "closing" in closed["files"][F01_WITH_END[0]]
    # certifiable and not certifiable never share a fingerprint
    assert waiting["inputs"] == _expected_fingerprint(F30, F31_WITHOUT_END) != closed["inputs"]


def test_the_code_fingerprint_covers_every_project_module_the_report_runs():
    from reports.fingerprint import code_files

    script = ("import sys, reports.audit, reports.render, reports.formatting, reports.__main__; "
              "print('\\n'.join(sorted(getattr(m, '__file__', None) or '' for m in list(sys.modules.values()))))")
    loaded = subprocess.run([sys.executable, "-c", script], cwd=settings.PROJECT_ROOT, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    root = settings.PROJECT_ROOT.resolve()
    project = {Path(f).resolve().relative_to(root).as_posix() for f in loaded
               if f and Path(f).resolve().is_relative_to(root) and ".venv" not in Path(f).parts}
    assert "presentation/es_ar.py" in project
    assert project <= {path for path, _ in code_files(settings.PROJECT_ROOT)}
