"""The Streamlit app, run headless with AppTest against the fixture serving file."""

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

from tests.dashboards import dashboard_fixtures as fx

APP = ROOT / "dashboards" / "app.py"
PAGE = ROOT / "dashboards" / "app_pages" / "resumen.py"
NO_DATA = "Todavía no hay datos publicados: ejecute `make build`"
# Charts: one by interval per line, plus the backlog-age chart of each back-office line.
CHART_COUNT = len(fx.LINE_ORDER) + sum(
    fx.EXPECTED[c]["direction"] == "backoffice" for c in fx.LINE_ORDER
)


def _run(script: Path) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics_by_line(at: AppTest, order=fx.LINE_ORDER) -> dict[str, dict[str, dict]]:
    """Per line (in page order): the day's and month-to-date metrics by label."""
    metrics = list(at.metric)
    sizes = [len(fx.LABELS[fx.EXPECTED[c]["direction"]]) for c in order]
    assert len(metrics) == 2 * sum(sizes)
    out, i = {}, 0
    for code, size in zip(order, sizes, strict=True):
        labels = fx.LABELS[fx.EXPECTED[code]["direction"]]
        day, mtd = metrics[i : i + size], metrics[i + size : i + 2 * size]
        i += 2 * size
        assert [m.label for m in day] == [m.label for m in mtd] == labels, code
        out[code] = {
            "day": dict(zip(labels, day, strict=True)),
            "mtd": dict(zip(labels, mtd, strict=True)),
        }
    return out


def _color(metric) -> str:
    return MetricProto.MetricColor.Name(metric.proto.color).lower()


def _check_metrics(at: AppTest) -> None:
    assert [h.value for h in at.subheader] == [
        fx.EXPECTED[c]["name"] for c in fx.LINE_ORDER
    ]
    for code, blocks in _metrics_by_line(at).items():
        expected = fx.EXPECTED[code]
        for period in ("day", "mtd"):
            got = [m.value for m in blocks[period].values()]
            assert got == expected[period], (code, period)
            for label, (delta, color) in expected.get(f"{period}_deltas", {}).items():
                metric = blocks[period][label]
                assert (metric.delta, _color(metric)) == (delta, color), (
                    code,
                    period,
                    label,
                )
            for label, text in expected.get(f"{period}_descriptions", {}).items():
                assert blocks[period][label].proto.delta_description == text


def test_app_with_navigation_shows_the_latest_day_with_calls(serving):
    at = _run(APP)
    assert at.date_input[0].label == "Día"
    assert at.date_input[0].value == fx.LATEST_DAY
    assert any(
        "martes 04/11/2025" in m.value and "01/11/2025" in m.value for m in at.markdown
    )
    _check_metrics(at)


def test_service_level_card_states_the_target(serving):
    at = _run(APP)
    atc_sl = _metrics_by_line(at)["atc"]["day"]["Nivel de servicio"]
    assert atc_sl.proto.delta_description == "objetivo 80 % en 20 s"


def test_backlog_card_states_the_day_of_the_stock(serving):
    bo = _metrics_by_line(_run(APP))["bo_atc"]
    for period in ("day", "mtd"):
        card = bo[period]["Backlog al cierre"]
        assert card.proto.delta_description == "abiertos al 04/11/2025"


def test_resumen_page_through_switch_page(serving):
    at = _run(APP)
    at.switch_page("app_pages/resumen.py").run()
    assert not at.exception
    _check_metrics(at)


def test_resumen_page_on_its_own(serving):
    _check_metrics(_run(PAGE))


def _chart(at: AppTest, key: str) -> dict:
    # Element ids end with "-<key>" for keyed elements.
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-" + key)]
    return json.loads(chart.proto.spec)


def _trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t["name"] == name)


def test_one_interval_chart_per_line_with_the_days_counts(serving):
    at = _run(APP)
    assert len(at.get("plotly_chart")) == CHART_COUNT
    y = _array(_trace(_chart(at, "intervalos_atc"), "Ofrecidas")["y"])
    assert len(y) == 48
    assert sum(y) == 10
    assert {i: int(v) for i, v in enumerate(y) if v} == {18: 6, 19: 4}  # 09:00, 09:30


def test_each_family_gets_its_own_interval_chart(serving):
    at = _run(APP)
    outbound = _array(_trace(_chart(at, "intervalos_satisfaccion"), "Intentos")["y"])
    assert {i: int(v) for i, v in enumerate(outbound) if v} == {20: 12, 21: 8}
    bo = _chart(at, "intervalos_bo_atc")
    assert {i: int(v) for i, v in enumerate(_array(_trace(bo, "Resueltos")["y"])) if v} == {
        18: 12,
        28: 8,
    }
    # The backlog is the stock after each interval: 60 -> 54 at 09:00 -> 50 at 14:00.
    backlog = _array(_trace(bo, "Backlog")["y"])
    assert (backlog[0], backlog[18], backlog[28], backlog[-1]) == (60, 54, 50, 50)
    social = _array(_trace(_chart(at, "intervalos_bo_social"), "Interacciones")["y"])
    assert {i: int(v) for i, v in enumerate(social) if v} == {24: 6, 40: 4}


def test_backlog_age_chart_shows_the_stock_at_the_end_of_the_day(serving):
    at = _run(APP)
    ages = _array(_chart(at, "backlog_bo_atc")["data"][0]["y"])
    assert ages == [10, 15, 20, 5]


def test_social_block_has_the_days_table_by_influence_tier(serving):
    at = _run(APP)
    (table,) = at.table
    df = table.value
    assert list(df.index) == list(fx.EXPECTED_TIERS)
    assert {tier: list(row) for tier, row in df.iterrows()} == fx.EXPECTED_TIERS


def test_every_block_says_which_family_it_is(serving):
    captions = [c.value for c in _run(APP).caption]
    for text in (
        "Llamadas entrantes",
        "Llamadas salientes (campañas)",
        "Casos de back office (CRM)",
        "Redes sociales",
    ):
        assert any(c.startswith(text) for c in captions), text


def _array(value) -> list:
    # Plotly serialises numeric arrays as base64 typed buffers ({"dtype", "bdata"}).
    if isinstance(value, dict):
        return np.frombuffer(
            base64.b64decode(value["bdata"]), dtype=value["dtype"]
        ).tolist()
    return list(value)


def test_choosing_another_day_updates_day_and_month(serving):
    at = _run(APP)
    at.date_input[0].set_value(fx.EMPTY_DAY).run()
    assert not at.exception
    by_line = _metrics_by_line(at)
    assert [m.value for m in by_line["atc"]["day"].values()] == ["0", "0"] + ["—"] * 4
    # 05/11 adds no calls, so month-to-date is unchanged.
    assert [m.value for m in by_line["atc"]["mtd"].values()] == fx.EXPECTED["atc"]["mtd"]
    # ...but the open cases are still there, one day older: the stock of 05/11.
    bo = by_line["bo_atc"]
    assert [m.value for m in bo["day"].values()] == fx.EMPTY_DAY_BO_ATC
    mtd = [m.value for m in bo["mtd"].values()]
    assert mtd == fx.EXPECTED["bo_atc"]["mtd"]
    assert bo["mtd"]["Backlog al cierre"].proto.delta_description == "abiertos al 05/11/2025"
    assert _array(_chart(at, "backlog_bo_atc")["data"][0]["y"]) == [0, 10, 25, 15]
    assert not at.table
    assert any("Sin datos por nivel de influencia" in c.value for c in at.caption)


def test_freshness_caption(serving):
    captions = " ".join(c.value for c in _run(APP).caption)
    assert "Datos hasta el 05/11/2025" in captions
    assert f"publicado el {fx.PUBLISHED_AT_LOCAL}" in captions


def test_a_serving_copy_without_the_new_families_still_shows_its_lines(
    tmp_path, monkeypatch
):
    path = fx.build_serving_db(tmp_path / "old.duckdb", legacy_schema=True)
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    at = _run(APP)
    order = ["atc", "helpdesk", "sin_mapear"]
    assert [h.value for h in at.subheader] == [fx.EXPECTED[c]["name"] for c in order]
    by_line = _metrics_by_line(at, order)
    for code in order:
        values = [m.value for m in by_line[code]["mtd"].values()]
        # everything but Recontacto, which that copy does not have
        assert values == fx.EXPECTED[code]["mtd"][:-1] + ["—"], code


def test_missing_serving_file_shows_the_spanish_message(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_SERVING_DB", str(tmp_path / "missing.duckdb"))
    for script in (APP, PAGE):
        at = _run(script)
        assert any(NO_DATA in i.value for i in at.info), [i.value for i in at.info]
        assert not at.metric


def test_serving_file_without_kpi_tables_shows_the_spanish_message(
    tmp_path, monkeypatch
):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    at = _run(APP)
    assert any(NO_DATA in i.value for i in at.info)


def test_serving_file_with_empty_kpis_shows_the_spanish_message(serving):
    with duckdb.connect(str(serving)) as con:
        con.execute("DELETE FROM kpi_line_daily")
    at = _run(APP)
    assert any(NO_DATA in i.value for i in at.info)
    assert not at.metric
