"""The interval chart: bars are the counts, SL is in percent on y2, target dashed."""

import math
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards.charts import interval_chart


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
