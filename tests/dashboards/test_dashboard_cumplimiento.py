"""The "Cumplimiento SLA" page (AppTest against tests/dashboards/sla_dashboard_fixtures.py)
and its pure builders: formats, tables and charts."""

import base64
import datetime as dt
import importlib.util
import json
import sys
import types
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

from dashboards import charts, tables
from dashboards.app_pages import cumplimiento_queries as queries
from presentation import es_ar
from tests.dashboards import dashboard_fixtures as fx
from tests.dashboards import sla_dashboard_fixtures as sfx

APP = ROOT / "dashboards" / "app.py"
PAGE = ROOT / "dashboards" / "app_pages" / "cumplimiento.py"
NOT_BUILT = "Los marts de cumplimiento SLA todavía no están en la base publicada"
REPORTS_UNAVAILABLE = "Los informes de auditoría no están disponibles"


def _run(script: Path = PAGE) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60).run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _selectbox(at: AppTest, label: str):
    (box,) = [s for s in at.selectbox if s.label == label]
    return box


def _choose(at: AppTest, label: str, value) -> AppTest:
    _selectbox(at, label).set_value(value).run()
    _ok(at)
    return at


def _choose_term(at: AppTest, line: str, term: str) -> AppTest:
    return _choose(at, "Término", f"{line}|{term}")


# A column only each table of the page has (st.dataframe without selection keeps
# no key in AppTest); the terms are an st.table.
TABLE_MARKERS = {"sla_intervals_table": "Intervalo", "sla_units_table": "Numerador"}


def _dataframe(at: AppTest, key: str) -> pd.DataFrame:
    if key == "sla_terms":
        (table,) = at.table
        return table.value
    (df,) = [d.value for d in at.dataframe if TABLE_MARKERS[key] in d.value.columns]
    return df


def _rows(df: pd.DataFrame) -> list[list[str]]:
    return [list(row) for row in df.itertuples(index=False)]


def _cards(at: AppTest) -> list[list[str]]:
    """Per line in page order: the three header cards' values, then the contract version
    shown in the caption under them."""
    metrics = list(at.metric)
    versions = [c.value.removeprefix("Versión del contrato: ") for c in at.caption
                if c.value.startswith("Versión del contrato: ")]
    assert len(metrics) == 3 * len(versions)
    for i in range(0, len(metrics), 3):
        assert [m.label for m in metrics[i : i + 3]] == sfx.CARD_LABELS[:3]
    return [[m.value for m in metrics[i : i + 3]] + [versions[i // 3]] for i in range(0, len(metrics), 3)]


def _chart(at: AppTest, key: str) -> dict:
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-" + key)]
    return json.loads(chart.proto.spec)


def _trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t["name"] == name)


def _array(value) -> list:
    # Plotly serialises numeric arrays as base64 typed buffers ({"dtype", "bdata"}).
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _days(values) -> list[str]:
    return [str(v)[:10] for v in values]


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


# ---------------------------------------------------------------- month and table


def test_opens_on_the_latest_complete_month(sla_serving):
    at = _run()
    month = _selectbox(at, "Mes")
    # November is later but not certifiable: October is the latest complete month.
    assert month.value == sfx.OCTOBER
    assert month.options == ["noviembre 2025 (no certificable)", "octubre 2025"]
    line = _selectbox(at, "Línea")
    assert line.value is None
    assert line.options == ["Todas las líneas", sfx.ATC, sfx.BO_ATC, sfx.BO_SOCIAL]


def test_terms_table_shows_raw_adjusted_and_penalties(sla_serving):
    table = _dataframe(_run(), "sla_terms")
    assert list(table.columns) == sfx.TERM_HEADERS
    assert _rows(table) == sfx.EXPECTED_TERMS[sfx.OCTOBER]
    # the term whose outage exclusion turns 75 % into 82 %
    sl = table.iloc[0]
    assert (sl["Bruto"], sl["Ajustado (sin fallas masivas)"], sl["Estado"]) == (
        "75,0 %",
        "82,0 %",
        "Cumple",
    )
    abandon = table.iloc[1]
    assert (abandon["Estado"], abandon["Penalidad"]) == ("No cumple", "1,5 %")


def test_header_cards_per_line(sla_serving):
    at = _run()
    assert _cards(at) == list(sfx.EXPECTED_CARDS[sfx.OCTOBER].values())
    assert not at.warning


def test_non_certifiable_month_shows_the_warning_with_its_days(sla_serving):
    at = _choose(_run(), "Mes", sfx.NOVEMBER)
    assert _cards(at) == list(sfx.EXPECTED_CARDS[sfx.NOVEMBER].values())
    assert _rows(_dataframe(at, "sla_terms")) == sfx.EXPECTED_TERMS[sfx.NOVEMBER]
    (warning,) = at.warning
    text = warning.value
    assert sfx.ATC in text and "noviembre 2025" in text
    assert "Días sin datos: 01/11/2025, 02/11/2025." in text
    assert "Días con registros rechazados: 04/11/2025." in text
    # the mart's own sentence too
    assert "No certificable: 2 días sin datos" in text
    certification = [m for m in at.metric if m.label == "Certificación"][0]
    assert certification.proto.help.startswith("No certificable")


def test_line_picker_filters_the_rows(sla_serving):
    at = _choose(_run(), "Línea", "bo_atc")
    assert _rows(_dataframe(at, "sla_terms")) == [
        row for row in sfx.EXPECTED_TERMS[sfx.OCTOBER] if row[0] == sfx.BO_ATC
    ]
    assert _cards(at) == [sfx.EXPECTED_CARDS[sfx.OCTOBER]["bo_atc"]]
    assert _selectbox(at, "Término").options == [
        f"{sfx.BO_ATC} · Resolución en 24 h hábiles (Cumple)"
    ]
    at = _choose(at, "Línea", "atc")
    assert [row[1] for row in _rows(_dataframe(at, "sla_terms"))] == [
        "Nivel de servicio 80/20",
        "Tasa de abandono",
        "Velocidad media de respuesta",
    ]
    assert _cards(at) == [sfx.EXPECTED_CARDS[sfx.OCTOBER]["atc"]]


def test_terms_csv_download_is_offered(sla_serving):
    at = _run()
    assert [b.label for b in at.download_button][0] == "Descargar tabla (CSV)"


# ---------------------------------------------------------------- drill-down


def test_drill_down_opens_on_the_first_missed_term(sla_serving):
    term = _selectbox(_run(), "Término")
    assert term.value == "atc|abandon_rate"
    assert term.options[1] == f"{sfx.ATC} · Tasa de abandono (No cumple)"


def test_drill_down_shows_the_days_of_the_term(sla_serving):
    at = _choose_term(_run(), "atc", "service_level")
    spec = _chart(at, "sla_daily_chart")
    met, missed = _trace(spec, "Ajustado: cumple"), _trace(spec, "Ajustado: no cumple")
    days = {d.isoformat(): v for d, v in sfx.EXPECTED_SL_DAYS.items()}
    assert _days(met["x"]) == [d for d, (_, _, ok) in days.items() if ok]
    assert _days(missed["x"]) == [d for d, (_, _, ok) in days.items() if not ok]
    assert _array(met["y"]) == pytest.approx([adj for _, adj, ok in days.values() if ok])
    assert _array(_trace(spec, "Bruto")["y"]) == pytest.approx([raw for raw, _, _ in days.values()])
    target = _trace(spec, "Objetivo ≥ 80,0 %")
    assert _array(target["y"]) == pytest.approx([80.0, 80.0])
    assert "Días que no cumplen (ajustado): 03/10/2025." in _captions(at)
    day = _selectbox(at, "Día")
    assert day.options == [
        "miércoles 01/10/2025 · ajustado 85,0 % · Cumple",
        "jueves 02/10/2025 · ajustado 85,0 % · Cumple",
        "viernes 03/10/2025 · ajustado 70,0 % · No cumple",
    ]
    # opens on the day that missed
    assert day.value == dt.date(2025, 10, 3)


def test_a_day_shows_its_intervals_and_units(sla_serving):
    at = _choose_term(_run(), "atc", "service_level")
    at = _choose(at, "Día", sfx.OUTAGE_DAY)
    intervals = _dataframe(at, "sla_intervals_table")
    assert _rows(intervals) == sfx.EXPECTED_OUTAGE_DAY_INTERVALS
    spec = _chart(at, "sla_interval_chart")
    assert _array(_trace(spec, "Ajustado: no cumple")["y"]) == pytest.approx([70.0])
    # the whole day: 400 calls, the 200 of the outage excluded
    units = _dataframe(at, "sla_units_table")
    assert list(units.columns) == [
        "Llamada",
        "Ingreso a la cola",
        "Cola",
        "Espera",
        "Resultado",
        "Agente",
        "Numerador",
        "Denominador",
        "Estado SLA",
        "Excluida",
        "Falla masiva",
    ]
    assert len(units) == 400
    assert set(units.loc[units["Excluida"] == "Sí", "Estado SLA"]) == {"excluida"}
    assert (units["Excluida"] == "Sí").sum() == 200
    assert set(units.loc[units["Excluida"] == "Sí", "Falla masiva"]) == {sfx.OUTAGE_ID}
    assert set(units.loc[units["Excluida"] == "No", "Falla masiva"]) == {"—"}
    assert units.iloc[0]["Ingreso a la cola"] == "02/10/2025 09:00:00"
    assert "400 unidades. 200 de las mostradas están excluidas por falla masiva." in _captions(at)
    # one interval: 09:30 holds 200 calls, 150 of them excluded, 35 + 65 within
    (start,) = [o for o in _selectbox(at, "Unidades de").options if o.startswith("09:30")]
    assert start == "09:30 · ajustado 70,0 % · No cumple"
    at = _choose(at, "Unidades de", dt.datetime(2025, 10, 2, 9, 30))
    units = _dataframe(at, "sla_units_table")
    assert len(units) == 200
    assert (units["Excluida"] == "Sí").sum() == 150
    assert (units["Numerador"] == "1").sum() == 100
    entered = units["Ingreso a la cola"]
    assert entered.str.startswith("02/10/2025 09:").all()
    assert entered.iloc[0] == "02/10/2025 09:30:00"


def test_units_are_limited(sla_serving):
    at = _choose_term(_run(), "atc", "service_level")
    at = _choose(at, "Día", dt.date(2025, 10, 1))
    assert len(_dataframe(at, "sla_units_table")) == queries.SLA_UNIT_LIMIT == 500
    assert "Se muestran las primeras 500 de 600 unidades." in _captions(at)


def test_case_units_come_from_fct_cases(sla_serving):
    at = _choose(_run(), "Línea", "bo_atc")
    assert _selectbox(at, "Día").value == dt.date(2025, 10, 1)
    units = _dataframe(at, "sla_units_table")
    assert list(units.columns)[:6] == [
        "Caso",
        "Creado",
        "Motivo",
        "Primera respuesta (horas hábiles)",
        "Resolución (horas hábiles)",
        "Estado",
    ]
    assert len(units) == 100
    assert set(units["Primera respuesta (horas hábiles)"]) == {"0,5 h"}
    assert set(units["Resolución (horas hábiles)"]) == {"20 h", "30 h"}
    assert (units["Numerador"] == "1").sum() == 95


def test_interaction_units_come_from_fct_social_interactions(sla_serving):
    at = _choose(_run(), "Mes", sfx.NOVEMBER)
    at = _choose(at, "Línea", "bo_social")
    units = _dataframe(at, "sla_units_table")
    assert list(units.columns)[:5] == [
        "Interacción",
        "Plataforma",
        "Creada",
        "Influencia",
        "Primera respuesta (hábil)",
    ]
    assert len(units) == 20
    assert set(units["Plataforma"]) == {"Twitter"}
    assert set(units["Primera respuesta (hábil)"]) == {"30 min", "120 min"}


def test_a_term_without_volume_says_so(sla_serving):
    at = _choose(_run(), "Línea", "bo_social")
    assert "Sin días con volumen en octubre 2025 para este término." in _captions(at)
    assert not at.get("plotly_chart")


def test_drill_down_without_its_marts_says_so(tmp_path, monkeypatch):
    path = sfx.build_sla_serving_db(
        tmp_path / "partial.duckdb",
        without=("sla_compliance_interval", "fct_sla_units"),
    )
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    at = _choose_term(_run(), "atc", "service_level")
    captions = _captions(at)
    assert "La base publicada todavía no tiene `sla_compliance_interval`." in captions
    assert "La base publicada todavía no tiene `fct_sla_units`." in captions
    assert len(at.get("plotly_chart")) == 1  # the daily chart only
    assert _rows(_dataframe(at, "sla_terms")) == sfx.EXPECTED_TERMS[sfx.OCTOBER]


def test_units_without_their_detail_table_still_list(tmp_path, monkeypatch):
    path = sfx.build_sla_serving_db(tmp_path / "nocalls.duckdb", without=("fct_calls",))
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    at = _choose_term(_run(), "atc", "service_level")
    units = _dataframe(at, "sla_units_table")
    assert len(units) == 200  # 03/10, the day that missed
    assert set(units["Cola"]) == {"—"}
    assert units["Llamada"].str.endswith(":atc_general:1").all()


# ---------------------------------------------------------------- serving copies


def test_serving_copy_without_the_sla_marts_shows_a_notice(tmp_path, monkeypatch):
    path = fx.build_serving_db(tmp_path / "old.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    at = _run()
    assert any(NOT_BUILT in i.value for i in at.info), [i.value for i in at.info]
    assert not at.table and not at.dataframe and not at.metric and not at.selectbox


def test_page_through_the_navigation(tmp_path, monkeypatch):
    path = fx.build_serving_db(tmp_path / "old.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    at = _run(APP)
    at.switch_page("app_pages/cumplimiento.py").run()
    _ok(at)
    assert at.title[0].value == "Cumplimiento SLA"
    assert any(NOT_BUILT in i.value for i in at.info)


def test_page_through_the_navigation_with_the_marts(sla_serving):
    at = _run(APP)
    at.switch_page("app_pages/cumplimiento.py").run()
    _ok(at)
    assert _rows(_dataframe(at, "sla_terms")) == sfx.EXPECTED_TERMS[sfx.OCTOBER]


def test_empty_monthly_mart_shows_a_notice(sla_serving):
    with duckdb.connect(str(sla_serving)) as con:
        con.execute("DELETE FROM sla_compliance_monthly")
    at = _run()
    assert any("Todavía no hay meses evaluados" in i.value for i in at.info)
    assert not at.table


def test_missing_serving_file_shows_the_spanish_message(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_SERVING_DB", str(tmp_path / "missing.duckdb"))
    at = _run()
    assert any("Todavía no hay datos publicados" in i.value for i in at.info)


# ---------------------------------------------------------------- audit report


class _FakeReport:
    html = "<html><body>Informe</body></html>"
    fingerprint = "f" * 64

    def __init__(self, fail_pdf: bool = False):
        self.fail_pdf = fail_pdf

    def pdf_bytes(self) -> bytes:
        if self.fail_pdf:
            raise RuntimeError("sin motor de PDF")
        return b"%PDF-1.7 falso"

    def csv_bytes(self) -> bytes:
        return b"line_code;term_code\n"

    def xlsx_bytes(self) -> bytes:
        return b"PK\x03\x04"


def _fake_reports(monkeypatch, calls: list, *, fail_pdf: bool = False) -> None:
    """A stand-in `reports.audit` (whatever the real one does), recording each
    call and whether the connection it got was read-only."""

    def build_audit_report(con, month, line_code=None):
        try:
            con.execute("CREATE TABLE probe (i INTEGER)")
            read_only = False
        except duckdb.Error:
            read_only = True
        rows = con.execute(
            "SELECT count(*) FROM sla_compliance_monthly WHERE report_month = ?", [month]
        ).fetchone()[0]
        calls.append((month, line_code, read_only, rows))
        return _FakeReport(fail_pdf)

    audit = types.ModuleType("reports.audit")
    audit.build_audit_report = build_audit_report
    package = types.ModuleType("reports")
    package.__path__ = []
    package.audit = audit
    monkeypatch.setitem(sys.modules, "reports", package)
    monkeypatch.setitem(sys.modules, "reports.audit", audit)


def _report_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.download_button if b.key and b.key.startswith("sla_report_")]


def test_report_is_prepared_on_demand_and_kept_per_month_and_line(sla_serving, monkeypatch):
    calls: list = []
    _fake_reports(monkeypatch, calls)
    at = _run()
    assert not calls and not _report_buttons(at)
    at.button(key="sla_prepare_report").click().run()
    _ok(at)
    assert calls == [(sfx.OCTOBER, None, True, 5)]
    assert _report_buttons(at) == ["HTML", "PDF", "CSV", "Excel"]
    assert any(_FakeReport.fingerprint in m.value for m in at.markdown)
    # another run (any widget) keeps it without building it again
    at = _choose_term(at, "atc", "service_level")
    assert _report_buttons(at) == ["HTML", "PDF", "CSV", "Excel"]
    assert len(calls) == 1
    # another line is another report: not shown until prepared
    at = _choose(at, "Línea", "atc")
    assert not _report_buttons(at)
    assert "pulse «Preparar informe»" in _captions(at)
    at.button(key="sla_prepare_report").click().run()
    _ok(at)
    assert calls[-1] == (sfx.OCTOBER, "atc", True, 5)
    assert _report_buttons(at) == ["HTML", "PDF", "CSV", "Excel"]


def test_a_failing_report_format_leaves_the_others(sla_serving, monkeypatch):
    _fake_reports(monkeypatch, [], fail_pdf=True)
    at = _run()
    at.button(key="sla_prepare_report").click().run()
    _ok(at)
    assert _report_buttons(at) == ["HTML", "CSV", "Excel"]
    assert "PDF: no disponible (RuntimeError: sin motor de PDF)." in _captions(at)


def test_without_the_report_module_the_page_says_so(sla_serving, monkeypatch):
    # None in sys.modules makes the import fail, as on an install without reports/.
    monkeypatch.setitem(sys.modules, "reports.audit", None)
    at = _run()
    assert any(REPORTS_UNAVAILABLE in i.value for i in at.info)
    assert not at.button
    # the table's own CSV does not depend on it
    assert [b.label for b in at.download_button] == ["Descargar tabla (CSV)"]


@pytest.mark.skipif(
    importlib.util.find_spec("reports") is None, reason="reports/ is not in this checkout"
)
def test_the_real_audit_report_downloads(sla_serving):
    if importlib.util.find_spec("reports.audit") is None:
        pytest.skip("reports.audit is not in this checkout")
    at = _run()
    at.button(key="sla_prepare_report").click().run()
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    assert _report_buttons(at) == ["HTML", "PDF", "CSV", "Excel"]
    assert any(m.value.startswith("Huella del informe: `") for m in at.markdown)


# ---------------------------------------------------------------- pure builders


def test_default_month_is_the_latest_all_certifiable_month():
    m = [
        {"report_month": dt.date(2025, 11, 1), "is_certifiable": False},
        {"report_month": dt.date(2025, 9, 1), "is_certifiable": True},
        {"report_month": dt.date(2025, 10, 1), "is_certifiable": True},
    ]
    assert queries.default_sla_month(m) == dt.date(2025, 10, 1)
    none_complete = [{**row, "is_certifiable": False} for row in m]
    assert queries.default_sla_month(none_complete) == dt.date(2025, 11, 1)
    assert queries.default_sla_month([]) is None


@pytest.mark.parametrize(
    ("target", "comparison", "unit", "text"),
    [
        (0.80, "at_least", "share", "≥ 80,0 %"),
        (0.05, "at_most", "share", "≤ 5,0 %"),
        (30, "at_most", "seconds", "≤ 30 s"),
        (22.5, "at_most", "seconds", "≤ 22,5 s"),
        (0.9, None, "share", "90,0 %"),
        (None, "at_least", "share", "—"),
    ],
)
def test_term_target(target, comparison, unit, text):
    assert es_ar.fmt_term_target(target, comparison, unit) == text


def test_term_values_margins_and_status():
    assert es_ar.fmt_term_value(0.805, "share") == "80,5 %"
    assert es_ar.fmt_term_value(33.75, "seconds") == "33,8 s"
    assert es_ar.fmt_term_value(1234.5, None) == "1.234,5"
    assert es_ar.fmt_term_value(float("nan"), "share") == "—"
    assert es_ar.fmt_term_margin(0.02, "share") == "+2,0 pp"
    assert es_ar.fmt_term_margin(-3.0, "seconds") == "-3,0 s"
    assert es_ar.fmt_term_margin(None, "seconds") == "—"
    assert es_ar.fmt_compliance(True) == "Cumple"
    assert es_ar.fmt_compliance(False) == "No cumple"
    assert es_ar.fmt_compliance(pd.NA) == "Sin volumen"
    # nothing measured because every unit is still pending, not for want of volume
    assert es_ar.fmt_compliance(None, 3) == "Pendiente"
    assert es_ar.fmt_compliance(None, 0) == "Sin volumen"
    assert es_ar.fmt_compliance(False, 3) == "No cumple"
    assert es_ar.fmt_pending(1) == " · 1 pendiente"
    assert es_ar.fmt_pending(1234) == " · 1.234 pendientes"
    assert es_ar.fmt_pending(0) == es_ar.fmt_pending(None) == ""
    assert es_ar.fmt_percent_value(3.5) == "3,5 %"
    assert es_ar.fmt_percent_value(5.000000000000004) == "5,0 %"
    assert es_ar.fmt_decimal(1200.0) == "1.200"
    assert es_ar.fmt_decimal(12.5) == "12,5"
    assert es_ar.fmt_month(dt.date(2025, 9, 1)) == "septiembre 2025"
    assert es_ar.fmt_datetime(pd.Timestamp("2025-10-02 09:31:05")) == "02/10/2025 09:31:05"
    assert es_ar.fmt_iso_dates("2025-11-01, 2025-11-02") == "01/11/2025, 02/11/2025"
    assert es_ar.fmt_iso_dates("") == es_ar.fmt_iso_dates(None) == ""
    assert es_ar.fmt_iso_dates("2025-11-01,ayer") == "01/11/2025, ayer"


def test_terms_table_from_the_mart_rows():
    monthly = sfx.frame("sla_compliance_monthly")
    october = monthly[monthly["report_month"] == sfx.OCTOBER]
    # in the page's order: by family (here the same as by line code), then metric
    order = {code: i for i, code in enumerate(queries.SLA_METRICS)}
    october = october.assign(order=october["metric"].map(order)).sort_values(
        ["line_code", "order"]
    )
    assert _rows(tables.sla_terms_table(october)) == sfx.EXPECTED_TERMS[sfx.OCTOBER]


def test_terms_csv_is_semicolon_separated_with_a_bom():
    monthly = sfx.frame("sla_compliance_monthly")
    sl = monthly[(monthly["compliance_key"] == "atc|2025-10|service_level")]
    table = tables.sla_terms_table(sl)
    data = tables.sla_terms_csv(table)
    assert data.startswith("\ufeff".encode())
    header, first, *_ = data.decode("utf-8-sig").splitlines()
    assert header.split(";") == sfx.TERM_HEADERS
    assert ";82,0 %;" in first and ";75,0 %;" in first


def test_units_table_picks_the_columns_of_the_unit_kind():
    units = pd.DataFrame(
        {
            "unit_kind": ["interval", "interval"],
            "unit_key": ["atc|2025-10-02T09:00", "atc|2025-10-02T09:30"],
            "interval_start": pd.to_datetime(["2025-10-02 09:00", "2025-10-02 09:30"]),
            "numerator": [15.0, 12.5],
            "denominator": [15.0, 15.0],
            "unit_state": ["met", "excluded"],
            "is_excluded": pd.array([False, True], dtype="boolean"),
            "outage_id": [None, "FM-1"],
        }
    )
    table = tables.sla_units_table(units)
    assert _rows(table) == [
        ["02/10/2025 09:00:00", "atc|2025-10-02T09:00", "15", "15", "cumplida", "No", "—"],
        ["02/10/2025 09:30:00", "atc|2025-10-02T09:30", "12,5", "15", "excluida", "Sí", "FM-1"],
    ]
    pending = units.assign(unit_state=["pending", "missed"], numerator=[0.0, 0.0])
    assert list(tables.sla_units_table(pending)["Estado SLA"]) == ["pendiente", "incumplida"]
    # a copy published before unit states
    assert set(tables.sla_units_table(units.drop(columns="unit_state"))["Estado SLA"]) == {"—"}
    mixed = units.assign(unit_kind=["interval", "call"], call_outcome=[None, "abandoned"])
    table = tables.sla_units_table(mixed)
    assert list(table.columns)[:2] == ["Tipo", "Unidad"]
    assert "Resultado" in table.columns
    assert list(table["Resultado"]) == ["—", "abandonada"]


def test_period_table_of_intervals():
    intervals = sfx.frame("sla_compliance_interval")
    day = intervals[
        (intervals["report_date"] == sfx.OUTAGE_DAY) & (intervals["line_code"] == "atc")
    ]
    assert _rows(tables.sla_period_table(day, by_interval=True)) == (
        sfx.EXPECTED_OUTAGE_DAY_INTERVALS
    )


@pytest.fixture
def days() -> pd.DataFrame:
    # Out of order on purpose: the chart plots by date.
    return pd.DataFrame(
        {
            "report_date": pd.to_datetime(["2025-10-03", "2025-10-01", "2025-10-02"]),
            "raw_value": [0.70, 0.85, 0.625],
            "adjusted_value": [0.70, 0.85, None],
            "is_met": pd.array([False, True, None], dtype="boolean"),
        }
    )


def test_daily_chart_highlights_the_days_that_miss(days):
    fig = charts.sla_daily_chart(days, target=0.80, comparison="at_least", unit="share")
    names = [t.name for t in fig.data]
    assert names == ["Ajustado: cumple", "Ajustado: no cumple", "Bruto", "Objetivo ≥ 80,0 %"]
    met, missed, raw, target = fig.data
    assert met.type == missed.type == "bar"
    assert [pd.Timestamp(x).day for x in met.x] == [1]
    assert [pd.Timestamp(x).day for x in missed.x] == [3]
    assert list(missed.y) == pytest.approx([70.0])
    assert missed.marker.color == charts.MISSED_COLOR != met.marker.color
    # raw on every day, the day without adjusted volume too, in date order
    assert [pd.Timestamp(x).day for x in raw.x] == [1, 2, 3]
    assert list(raw.y) == pytest.approx([85.0, 62.5, 70.0])
    assert list(target.y) == pytest.approx([80.0, 80.0])
    assert target.line.dash == "dash"
    assert fig.layout.yaxis.range == (0, 100)
    # bars one day wide at most, whatever the spacing of each trace's days
    assert met.width == missed.width == pytest.approx(0.8 * 86_400_000)


def test_daily_chart_of_a_share_that_must_stay_low_is_not_flattened(days):
    low = days.assign(raw_value=[0.08, 0.10, 0.05], adjusted_value=[0.08, 0.10, 0.05])
    fig = charts.sla_daily_chart(low, target=0.05, comparison="at_most", unit="share")
    assert fig.layout.yaxis.range is None
    assert fig.layout.yaxis.ticksuffix == " %"
    assert fig.data[-1].name == "Objetivo ≤ 5,0 %"


def test_daily_chart_in_seconds_without_target(days):
    seconds = days.assign(raw_value=[40.0, 30.0, 36.0], adjusted_value=[40.0, 30.0, 34.0])
    fig = charts.sla_daily_chart(seconds, target=None, comparison="at_most", unit="seconds")
    assert [t.name for t in fig.data] == ["Ajustado: cumple", "Ajustado: no cumple", "Bruto"]
    assert list(fig.data[1].y) == [40.0]
    assert fig.layout.yaxis.title.text == "Segundos"


def test_interval_chart_by_time():
    intervals = sfx.frame("sla_compliance_interval")
    day = intervals[
        (intervals["report_date"] == sfx.OUTAGE_DAY) & (intervals["line_code"] == "atc")
    ]
    fig = charts.sla_interval_chart(day, target=0.8, comparison="at_least", unit="share")
    met, missed, raw, target = fig.data
    assert [pd.Timestamp(x).strftime("%H:%M") for x in met.x] == ["09:00"]
    assert [pd.Timestamp(x).strftime("%H:%M") for x in missed.x] == ["09:30"]
    assert list(raw.y) == pytest.approx([75.0, 50.0])
    assert fig.layout.xaxis.tickformat == "%H:%M"
    # the target spans both bars, half an interval beyond each
    assert [pd.Timestamp(x).strftime("%H:%M") for x in target.x] == ["08:45", "09:45"]
