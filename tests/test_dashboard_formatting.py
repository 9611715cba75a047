"""Spanish number formats and the green/red rule of the KPI cards."""

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards.cards import kpi_cards
from dashboards.formatting import (
    fmt_int,
    fmt_pct,
    fmt_pct_target,
    fmt_seconds,
    fmt_signed_pp,
    fmt_signed_seconds,
)


def test_spanish_number_formats():
    assert fmt_int(1234567) == "1.234.567"
    assert fmt_pct(0.834) == "83,4 %"
    assert fmt_pct(1.0) == "100,0 %"
    assert fmt_pct(None) == "—"
    assert fmt_pct(math.nan) == "—"
    assert fmt_pct_target(0.80) == "80 %"
    assert fmt_pct_target(0.075) == "7,5 %"
    assert fmt_seconds(12.4) == "12 s"
    assert fmt_seconds(12.5) == "13 s"
    assert fmt_seconds(1234.0) == "1.234 s"


def test_signed_deltas_carry_the_unrounded_sign():
    assert fmt_signed_pp(0.034) == "+3,4 pp"
    assert fmt_signed_pp(-0.0004) == "-0,0 pp"
    assert fmt_signed_seconds(-18.2) == "-18 s"
    assert fmt_signed_seconds(0) == "+0 s"


LINE = {
    "service_level_seconds": 20,
    "service_level_target": 0.80,
    "asa_target_seconds": 30,
    "abandon_rate_target": 0.05,
}


def _by_label(kpis):
    return {c.label: c for c in kpi_cards(kpis, LINE)}


def test_service_level_is_green_at_or_above_target_and_red_below():
    at_target = _by_label({"service_level": 0.80})["Nivel de servicio"]
    below = _by_label({"service_level": 0.799})["Nivel de servicio"]
    assert (at_target.delta_color, below.delta_color) == ("green", "red")
    assert at_target.description == "objetivo 80 % en 20 s"


def test_asa_and_abandon_rate_are_green_at_or_below_target():
    ok = _by_label({"asa_seconds": 30.0, "abandon_rate": 0.05})
    bad = _by_label({"asa_seconds": 30.4, "abandon_rate": 0.051})
    assert ok["ASA"].delta_color == ok["Tasa de abandono"].delta_color == "green"
    assert bad["ASA"].delta_color == bad["Tasa de abandono"].delta_color == "red"
    assert bad["ASA"].delta == "+0 s"


def test_targets_of_the_period_win_over_dim_lines():
    card = _by_label(
        {
            "service_level": 0.85,
            "service_level_target": 0.90,
            "service_level_seconds": 30,
        }
    )["Nivel de servicio"]
    assert (card.delta, card.delta_color) == ("-5,0 pp", "red")
    assert card.description == "objetivo 90 % en 30 s"


def test_a_line_without_rows_shows_zero_calls_and_no_ratios():
    cards = _by_label(None)
    assert cards["Ofrecidas"].value == "0"
    assert cards["Nivel de servicio"].value == "—"
    assert cards["Nivel de servicio"].delta is None
