"""The Streamlit app, run headless with AppTest against the fixture serving file."""

import base64
import json
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import dashboard_fixtures as fx

APP = ROOT / "dashboards" / "app.py"
PAGE = ROOT / "dashboards" / "app_pages" / "resumen.py"
LABELS = ["Ofrecidas", "Atendidas", "Nivel de servicio", "ASA", "Tasa de abandono"]
NO_DATA = "Todavía no hay datos publicados: ejecute `make build`"


@pytest.fixture
def serving(tmp_path, monkeypatch) -> Path:
    path = fx.build_serving_db(tmp_path / "serving.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    return path


def _run(script: Path) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics_by_line(at: AppTest) -> dict[str, dict[str, list]]:
    """Per line (in page order): the day's and month-to-date metrics."""
    metrics = list(at.metric)
    assert len(metrics) == 10 * len(fx.LINE_ORDER)
    out = {}
    for i, code in enumerate(fx.LINE_ORDER):
        block = metrics[10 * i : 10 * (i + 1)]
        assert [m.label for m in block] == LABELS * 2
        out[code] = {"day": block[:5], "mtd": block[5:]}
    return out


def _check_metrics(at: AppTest) -> None:
    assert [h.value for h in at.subheader] == [
        fx.EXPECTED[c]["name"] for c in fx.LINE_ORDER
    ]
    for code, blocks in _metrics_by_line(at).items():
        expected = fx.EXPECTED[code]
        for period in ("day", "mtd"):
            got = [m.value for m in blocks[period]]
            assert got == expected[period], (code, period)
            if f"{period}_deltas" in expected:
                ratios = blocks[period][2:]
                assert [m.delta for m in ratios] == expected[f"{period}_deltas"], (
                    code,
                    period,
                )
                colors = [
                    MetricProto.MetricColor.Name(m.proto.color).lower() for m in ratios
                ]
                assert colors == expected[f"{period}_colors"], (code, period)


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
    atc_sl = _metrics_by_line(at)["atc"]["day"][2]
    assert atc_sl.proto.delta_description == "objetivo 80 % en 20 s"


def test_resumen_page_through_switch_page(serving):
    at = _run(APP)
    at.switch_page("app_pages/resumen.py").run()
    assert not at.exception
    _check_metrics(at)


def test_resumen_page_on_its_own(serving):
    _check_metrics(_run(PAGE))


def test_one_interval_chart_per_line_with_the_days_counts(serving):
    at = _run(APP)
    charts = at.get("plotly_chart")
    assert len(charts) == len(fx.LINE_ORDER)
    atc = json.loads(charts[0].proto.spec)
    offered = next(t for t in atc["data"] if t["name"] == "Ofrecidas")
    y = _array(offered["y"])
    assert len(y) == 48
    assert sum(y) == 10
    assert {i: int(v) for i, v in enumerate(y) if v} == {18: 6, 19: 4}  # 09:00, 09:30


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
    assert [m.value for m in by_line["atc"]["day"]] == ["0", "0", "—", "—", "—"]
    # 05/11 adds no calls, so month-to-date is unchanged.
    assert [m.value for m in by_line["atc"]["mtd"]] == fx.EXPECTED["atc"]["mtd"]


def test_freshness_caption(serving):
    captions = " ".join(c.value for c in _run(APP).caption)
    assert "Datos hasta el 05/11/2025" in captions
    assert f"publicado el {fx.PUBLISHED_AT_LOCAL}" in captions


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
