"""The interval chart: bars are the counts, SL is in percent on y2, target dashed."""

import math

import pandas as pd
import pytest

from dashboards.charts import (
    backlog_age_chart,
    backoffice_interval_chart,
    interval_chart,
    outbound_interval_chart,
    social_interval_chart,
)


@pytest.fixture
def intervals() -> pd.DataFrame:
    # Out of order on purpose: the chart must plot by time.
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(
                ["2025-11-04 09:30", "2025-11-04 09:00", "2025-11-04 10:00"]
            ),
            "offered": [4, 6, 0],
            "answered": [1, 4, 0],
            "service_level": [0.25, 0.835, None],
        }
    )


def _trace(fig, name_prefix):
    matches = [t for t in fig.data if t.name.startswith(name_prefix)]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def test_bars_are_offered_and_answered_per_interval_in_time_order(intervals):
    fig = interval_chart(intervals, 0.80)
    offered, answered = _trace(fig, "Ofrecidas"), _trace(fig, "Atendidas")
    assert offered.type == answered.type == "bar"
    assert list(offered.y) == [6, 4, 0]
    assert list(answered.y) == [4, 1, 0]
    assert [pd.Timestamp(x).strftime("%H:%M") for x in offered.x] == [
        "09:00",
        "09:30",
        "10:00",
    ]
    assert fig.layout.barmode == "group"


def test_service_level_is_a_percent_line_on_the_secondary_axis(intervals):
    fig = interval_chart(intervals, 0.80)
    sl = _trace(fig, "Nivel de servicio")
    assert sl.type == "scatter"
    assert sl.yaxis == "y2"
    assert sl.y[0] == pytest.approx(83.5)
    assert sl.y[1] == pytest.approx(25.0)
    # no calls to measure: a gap, not 0 %
    assert sl.y[2] is None or math.isnan(sl.y[2])
    assert list(fig.layout.yaxis2.range) == [0, 100]
    assert fig.layout.yaxis2.title.text == "Nivel de servicio (%)"
    assert fig.layout.yaxis.title.text == "Llamadas"
    assert fig.layout.xaxis.title.text.startswith("Intervalo")


def test_target_is_a_dashed_horizontal_line_at_the_target(intervals):
    fig = interval_chart(intervals, 0.80)
    target = _trace(fig, "Objetivo")
    assert target.name == "Objetivo 80 %"
    assert target.yaxis == "y2"
    assert target.line.dash == "dash"
    assert list(target.y) == [pytest.approx(80.0)] * len(target.y)
    xs = [pd.Timestamp(x) for x in target.x]
    assert min(xs) == pd.Timestamp("2025-11-04 09:00")
    assert max(xs) == pd.Timestamp("2025-11-04 10:00")


def test_no_target_line_without_a_target(intervals):
    fig = interval_chart(intervals, None)
    assert not [t for t in fig.data if t.name.startswith("Objetivo")]


@pytest.fixture
def family_intervals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(
                ["2025-11-04 14:00", "2025-11-04 09:00", "2025-11-04 10:00"]
            ),
            "attempts": [8, 12, 0],
            "contacts": [2, 3, 0],
            "contact_rate": [0.25, 0.25, None],
            "cases_in": [4, 6, 0],
            "cases_resolved": [8, 12, 0],
            "backlog_end": [50, 54, 54],
            "interactions": [4, 6, 0],
            "responded": [3, 5, 0],
            "first_response_within_target_share": [0.25, 0.5, None],
        }
    )


def test_outbound_chart_is_attempts_and_contacts_with_the_contact_rate(family_intervals):
    fig = outbound_interval_chart(family_intervals, 0.60)
    assert list(_trace(fig, "Intentos").y) == [12, 0, 8]
    assert list(_trace(fig, "Contactos").y) == [3, 0, 2]
    rate = _trace(fig, "Tasa de contacto")
    assert rate.yaxis == "y2"
    assert rate.y[0] == pytest.approx(25.0)
    assert _trace(fig, "Objetivo").name == "Objetivo 60 %"
    assert list(fig.layout.yaxis2.range) == [0, 100]


def test_backoffice_chart_has_the_backlog_as_a_count_not_a_percent(family_intervals):
    fig = backoffice_interval_chart(family_intervals)
    assert list(_trace(fig, "Ingresados").y) == [6, 0, 4]
    assert list(_trace(fig, "Resueltos").y) == [12, 0, 8]
    backlog = _trace(fig, "Backlog")
    assert backlog.yaxis == "y2"
    assert list(backlog.y) == [54, 54, 50]
    assert fig.layout.yaxis2.title.text == "Casos abiertos"
    assert fig.layout.yaxis2.range is None
    assert not [t for t in fig.data if t.name.startswith("Objetivo")]


def test_social_chart_is_interactions_and_responded_with_the_share_in_target(
    family_intervals,
):
    fig = social_interval_chart(family_intervals, 0.90)
    assert list(_trace(fig, "Interacciones").y) == [6, 0, 4]
    assert list(_trace(fig, "Respondidas").y) == [5, 0, 3]
    share = _trace(fig, "Dentro de objetivo")
    assert share.y[0] == pytest.approx(50.0)
    assert _trace(fig, "Objetivo").name == "Objetivo 90 %"


def test_backlog_age_chart_is_one_bar_per_age_bucket_youngest_first():
    fig = backlog_age_chart(
        {
            "backlog_age_0_8h": 10,
            "backlog_age_8_24h": 15,
            "backlog_age_24_72h": 20,
            "backlog_age_over_72h": 5,
            "backlog_end": 50,
        }
    )
    (bars,) = fig.data
    assert list(bars.x) == ["0–8 h", "8–24 h", "24–72 h", "más de 72 h"]
    assert list(bars.y) == [10, 15, 20, 5]
    assert list(bars.text) == ["10", "15", "20", "5"]
