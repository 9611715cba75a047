"""The Hoy page (dashboards/app_pages/hoy.py) on the two publications of
tests/dashboards/hoy_fixtures.py, run headless with AppTest with the clock set by the test,
and its pure parts: the data's age, the waiting card, the intraday chart."""

import base64
import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from dashboards import charts, freshness
from dashboards import serving as serving_module
from dashboards.app_pages import hoy_queries
from dashboards.cards import today_cards, waiting_card
from dashboards.layout import NO_DATA
from dashboards.serving import serving
from presentation.es_ar import fmt_age, fmt_wait
from tests.dashboards import hoy_fixtures as hfx

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"
PAGE = ROOT / "dashboards" / "app_pages" / "hoy.py"
# 4 min 10 s after the first publication's last event, during calling hours
FRESH = hfx.DATA_END_UTC["first"] + dt.timedelta(minutes=4, seconds=10)


@pytest.fixture
def clock(monkeypatch):
    """Sets the page's wall clock: call it with an aware instant."""
    def set_to(instant: dt.datetime) -> None:
        monkeypatch.setattr(freshness, "now_utc", lambda: instant)

    set_to(FRESH)
    return set_to


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(script: Path = PAGE) -> AppTest:
    return _run(AppTest.from_file(script, default_timeout=60))


def _color(metric) -> str:
    return MetricProto.MetricColor.Name(metric.proto.color).lower()


def _check_cards(at: AppTest, publication: str) -> None:
    expected = hfx.EXPECTED[publication]
    assert [h.value for h in at.subheader] == [e["name"] for e in expected.values()]
    metrics = list(at.metric)
    assert len(metrics) == len(hfx.LABELS) * len(expected)
    for i, (code, want) in enumerate(expected.items()):
        cards = metrics[i * len(hfx.LABELS) : (i + 1) * len(hfx.LABELS)]
        assert [m.label for m in cards] == hfx.LABELS, code
        assert [m.value for m in cards] == want["values"], code
        by_label = {m.label: m for m in cards}
        for label, (delta, color) in want["deltas"].items():
            assert (by_label[label].delta, _color(by_label[label])) == (delta, color), (code, label)
        for label, text in want["descriptions"].items():
            assert by_label[label].proto.delta_description == text, (code, label)


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def _chart(at: AppTest, key: str) -> dict:
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-" + key)]
    return json.loads(chart.proto.spec)


def _array(value) -> list:
    # Plotly serialises numeric arrays as base64 typed buffers ({"dtype", "bdata"}).
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


# ---------------------------------------------------------------- the page


def test_hoy_is_a_page_of_the_app_beside_resumen(hoy_serving, clock):
    at = _run(AppTest.from_file(APP, default_timeout=60))
    assert at.title[0].value == "Resumen"  # still the default page
    at.switch_page("app_pages/hoy.py")
    _run(at)
    assert at.title[0].value == "Hoy"
    _check_cards(at, "first")


def test_cards_show_the_datas_today_so_far_against_the_targets(hoy_serving, clock):
    at = _open()
    assert any("miércoles 05/11/2025" in m.value and "10:12" in m.value for m in at.markdown)
    _check_cards(at, "first")


def test_the_page_says_how_old_its_data_is(hoy_serving, clock):
    at = _open()
    assert (
        "Último evento de la central a las 10:12 · datos de hace 4 min · "
        f"publicado el {hfx.PUBLISHED_AT_LOCAL['first']} (hora de Buenos Aires) · "
        "la página se actualiza sola cada 5 s."
    ) in _captions(at)
    assert not at.warning


def test_old_data_at_an_hour_with_calls_is_a_visible_warning(hoy_serving, clock):
    # 10:40 local: calls arrived at 10 today, and the last event is 27 min 30 s old
    clock(hfx.DATA_END_UTC["first"] + dt.timedelta(minutes=27, seconds=30))
    at = _open()
    (warning,) = at.warning
    assert warning.value.startswith("Datos de hace 27 min: el último evento de la central es de "
                                    "las 10:12 del 05/11/2025")
    _check_cards(at, "first")  # the figures are the data's, whatever the clock


def test_at_night_old_data_is_no_fault_and_today_stays_the_datas(hoy_serving, clock):
    # 00:30 local on Thursday: no calls at that hour this week, and the data is Wednesday's
    clock(dt.datetime(2025, 11, 6, 3, 30, tzinfo=dt.UTC))
    at = _open()
    assert not at.warning
    header = " ".join(m.value for m in at.markdown)
    assert "**miércoles 05/11/2025** hasta las **10:12**" in header
    assert "Todavía no hay datos del jueves 06/11/2025." in header
    assert "a las 10:12 del 05/11/2025 · datos de hace 14 h 17 min" in _captions(at)
    _check_cards(at, "first")


def test_a_line_with_no_calls_today_says_so_instead_of_a_chart(hoy_serving, clock):
    at = _open()
    assert "Sin llamadas ofrecidas hoy hasta las 10:12." in _captions(at)
    assert [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")] == ["hoy_intervalos_atc"]


def test_the_interval_chart_runs_up_to_the_last_event_against_the_target(hoy_serving, clock):
    spec = _chart(_open(), "hoy_intervalos_atc")
    offered = next(t for t in spec["data"] if t["name"] == "Ofrecidas")
    starts = [pd.Timestamp(x).strftime("%H:%M") for x in offered["x"]]
    assert starts[-1] == "10:00"  # 10:30 had not begun at 10:12:30
    got = {s: int(v) for s, v in zip(starts, _array(offered["y"]), strict=True) if v}
    assert got == hfx.ATC_OFFERED["first"]
    assert any(t["name"] == "Objetivo 80 %" for t in spec["data"])
    (end,) = spec["layout"]["shapes"]
    assert pd.Timestamp(end["x0"]) == pd.Timestamp("2025-11-05 10:12:30")
    assert spec["layout"]["annotations"][-1]["text"] == "último evento 10:12"
    # from the hour of the day's first call on any line (less half a bar) to the day's end
    assert [pd.Timestamp(x) for x in spec["layout"]["xaxis"]["range"]] == [
        pd.Timestamp("2025-11-05 08:45"), pd.Timestamp("2025-11-06 00:00")
    ]


def test_lines_without_a_live_queue_are_named_out_of_scope(hoy_serving, clock):
    captions = _captions(_open())
    assert "Fuera de esta vista: " + ", ".join(hfx.OUT_OF_SCOPE) + "." in captions
    assert "sus indicadores del día están en Resumen" in captions


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Paths the app opens DuckDB on, read-only, in order."""
    calls: list[str] = []
    real = duckdb.connect

    def counting(database=":memory:", *args, **kwargs):
        if kwargs.get("read_only"):
            calls.append(str(database))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(serving_module.duckdb, "connect", counting)
    return calls


def test_a_new_publication_shows_in_the_same_session_and_a_rerun_without_one_reads_nothing(
    hoy_serving, clock, opened, tmp_path
):
    at = _open()
    _check_cards(at, "first")
    # The fragment's periodic rerun with nothing new published: every read from the cache.
    opened.clear()
    _run(at)
    assert opened == []
    _check_cards(at, "first")

    # The pipeline publishes the later copy by an atomic replace, as ingestion/publish.py does.
    later = hfx.build_hoy_db(tmp_path / ".serving.later.tmp", "later")
    os.replace(later, hoy_serving)
    clock(hfx.DATA_END_UTC["later"] + dt.timedelta(minutes=1))
    _run(at)
    assert opened and set(opened) == {str(hoy_serving)}
    _check_cards(at, "later")
    assert "Último evento de la central a las 10:41 · datos de hace 1 min · " \
           f"publicado el {hfx.PUBLISHED_AT_LOCAL['later']}" in _captions(at)
    offered = next(t for t in _chart(at, "hoy_intervalos_atc")["data"] if t["name"] == "Ofrecidas")
    starts = [pd.Timestamp(x).strftime("%H:%M") for x in offered["x"]]
    assert {s: int(v) for s, v in zip(starts, _array(offered["y"]), strict=True) if v} \
        == hfx.ATC_OFFERED["later"]
    assert "Colas sin línea asignada" in [h.value for h in at.subheader]


def test_a_copy_published_before_kpi_line_now_shows_the_day_without_the_queue(
    tmp_path, monkeypatch, clock
):
    path = hfx.build_hoy_db(tmp_path / "old.duckdb", with_now=False)
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    at = _open()
    assert any("kpi_line_now" in i.value for i in at.info)
    assert f"Publicado el {hfx.PUBLISHED_AT_LOCAL['first']} (hora de Buenos Aires)." in _captions(at)
    assert any("miércoles 05/11/2025" in m.value for m in at.markdown)
    atc = list(at.metric)[: len(hfx.LABELS)]
    assert [m.value for m in atc] == hfx.EXPECTED["first"]["atc"]["values"][:-1] + ["—"]
    assert atc[-1].proto.delta_description == "sin datos de la cola"


def test_a_missing_serving_file_shows_the_spanish_message(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("SLA_SERVING_DB", str(tmp_path / "missing.duckdb"))
    at = _open()
    assert any(NO_DATA in i.value for i in at.info)
    assert not at.metric


# ---------------------------------------------------------------- the queries


def test_data_end_and_usual_hours_come_from_the_copy(hoy_serving):
    conn = serving()
    now = hoy_queries.now_by_line(conn)
    assert now["atc"]["waiting_calls"] == 3 and now["atc"]["longest_wait_seconds"] == 95
    end = hoy_queries.data_end(now)
    assert end == {"local": dt.datetime(2025, 11, 5, 10, 12, 30), "utc": dt.datetime(2025, 11, 5, 13, 12, 30)}
    assert hoy_queries.data_today(conn, end) == hfx.TODAY
    assert hoy_queries.usual_hours(conn, hfx.TODAY) == hfx.USUAL_HOURS


def test_without_kpi_line_now_today_is_the_last_day_with_activity(tmp_path, monkeypatch):
    path = hfx.build_hoy_db(tmp_path / "old.duckdb", with_now=False)
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    conn = serving()
    assert hoy_queries.now_by_line(conn) == {}
    assert hoy_queries.data_end({}) is None
    assert hoy_queries.data_today(conn, None) == hfx.TODAY


# ---------------------------------------------------------------- pure parts


def _age(now: dt.datetime, usual=frozenset({10})) -> freshness.DataAge:
    return freshness.data_age(
        dt.datetime(2025, 11, 5, 10, 0), dt.datetime(2025, 11, 5, 13, 0), now, set(usual)
    )


def test_data_age_is_stale_only_past_the_limit_at_a_usual_hour():
    at_limit = _age(dt.datetime(2025, 11, 5, 13, 10, tzinfo=dt.UTC))
    assert at_limit.age == freshness.STALE_AFTER and not at_limit.stale
    past = _age(dt.datetime(2025, 11, 5, 13, 10, 1, tzinfo=dt.UTC))
    assert past.stale and past.clock_local == dt.datetime(2025, 11, 5, 10, 10, 1)
    assert freshness.stale_warning(past).startswith("Datos de hace 10 min:")
    quiet = _age(dt.datetime(2025, 11, 5, 14, 30, tzinfo=dt.UTC))  # 11:30 local
    assert not quiet.stale and freshness.stale_warning(quiet) is None


def test_a_clock_behind_the_data_reads_as_no_age():
    behind = _age(dt.datetime(2025, 11, 5, 12, 58, tzinfo=dt.UTC))
    assert behind.age == dt.timedelta(0) and not behind.stale
    assert freshness.last_event_text(behind) == (
        "Último evento de la central a las 10:00 · datos de hace menos de 1 min"
    )


def test_waits_and_ages_in_spanish():
    assert [fmt_wait(s) for s in (0, 12.5, 59.4, 95, 120, 3725, None)] == [
        "0 s", "13 s", "59 s", "1 min 35 s", "2 min", "1 h 02 min", "—"
    ]
    assert [fmt_age(dt.timedelta(seconds=s)) for s in (-5, 59, 299, 3600, 7500, 86400, 3 * 86400 + 4 * 3600)] == [
        "menos de 1 min", "menos de 1 min", "4 min", "1 h", "2 h 05 min", "1 día", "3 días 4 h"
    ]


def test_the_waiting_card():
    assert waiting_card({"waiting_calls": 4, "longest_wait_seconds": 61}).description == "la más larga: 1 min 01 s"
    assert waiting_card({"waiting_calls": 0, "longest_wait_seconds": None}).description == (
        "ninguna llamada en cola"
    )
    missing = waiting_card(None)
    assert (missing.value, missing.description) == ("—", "sin datos de la cola")


def test_today_cards_have_no_repeat_contact_and_say_what_they_sum():
    line = {"service_level_target": 0.8, "service_level_seconds": 20}
    cards = today_cards({"service_level": 0.5}, line, None)
    assert [c.label for c in cards] == hfx.LABELS
    assert "en lo que va del día" in cards[2].help


def test_intraday_chart_without_a_known_end_draws_every_interval():
    intervals = pd.DataFrame({
        "interval_start": pd.date_range("2025-11-05", periods=48, freq="30min"),
        "offered": [1] * 48,
        "answered": [1] * 48,
        "service_level": [1.0] * 48,
    })
    fig = charts.intraday_chart(intervals, 0.8, None)
    assert len(fig.data[0].x) == 48 and not fig.layout.shapes
    cut = charts.intraday_chart(intervals, 0.8, dt.datetime(2025, 11, 5, 0, 29, 59))
    assert len(cut.data[0].x) == 1  # only 00:00 had begun
    assert [pd.Timestamp(x) for x in cut.layout.xaxis.range] == [
        pd.Timestamp("2025-11-04 23:45"), pd.Timestamp("2025-11-06")
    ]
