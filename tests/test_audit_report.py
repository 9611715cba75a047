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
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

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
        ("fct_sla_units", "unit_state", "varchar", "'met'"), ("fct_sla_units", "due_at_local", "timestamp", "null"),
        ("fct_sla_units", "resolution_class", "varchar", "null"), ("fct_sla_units", "case_status", "varchar", "null"),
    ):
        con.execute(f"alter table {table} add column {column} {kind} default {default}")
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
        return build_audit_report(con, dt.date(2026, 10, 17), generated_at=dt.datetime(2026, 11, 1, 8, 0))


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
    # files dated up to 2026-10-31 enter the fingerprint; the November file does not
    assert sorted(report.input_files["sha256"]) == ["a" * 64, "b" * 64, "c" * 64, "d" * 64]
    expected = inputs_fingerprint([(f[0], f[1], f[2]) for f in FILES[:4]])
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


def test_deterministic_apart_from_the_generation_time(shared_db):
    with duckdb.connect(str(shared_db), read_only=True) as con:
        one = build_audit_report(con, OCTOBER, generated_at=dt.datetime(2026, 11, 1, 8, 0))
        two = build_audit_report(con, OCTOBER, generated_at=dt.datetime(2026, 11, 2, 9, 30))
    assert one.fingerprint == two.fingerprint
    assert one.csv_bytes() == two.csv_bytes()
    assert one.html != two.html
    strip = lambda html: [line for line in html.splitlines() if "Generado:" not in line]  # noqa: E731
    assert strip(one.html) == strip(two.html)


def test_inputs_fingerprint_follows_files_of_the_month_only(db):
    def fingerprints():
        with duckdb.connect(str(db), read_only=True) as con:
            r = build_audit_report(con, OCTOBER, line_code="atc")
        return r.inputs_fingerprint, r.fingerprint

    before = fingerprints()
    with duckdb.connect(str(db)) as con:  # a file after the month changes
        con.execute("update data_quality_files set sha256 = ? where file_path like '%20261102'", ["f" * 64])
    assert fingerprints() == before
    with duckdb.connect(str(db)) as con:  # a file of the month changes
        con.execute("update data_quality_files set sha256 = ? where file_path like '%20261015'", ["f" * 64])
    after = fingerprints()
    assert after[0] != before[0] and after[1] != before[1]


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
