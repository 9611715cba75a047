"""Spanish number formats, the cards of each line family and their green/red rule,
the per-tier table."""

import datetime as dt
import math

import pandas as pd

from dashboards import tables
from dashboards.cards import kpi_cards
from dashboards.tables import social_tier_table
from presentation.es_ar import (
    fmt_decimal,
    fmt_int,
    fmt_minutes,
    fmt_number,
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


def test_rounding_is_half_away_from_zero_on_the_exact_value():
    # ties, exact in binary: format() and round() would give 6,2 %, 131,2 and -12
    assert fmt_pct(0.0625) == "6,3 %"
    assert fmt_decimal(131.25) == "131,3"
    assert fmt_decimal(-131.25) == "-131,3"
    assert fmt_int(-12.5) == "-13"
    assert fmt_pct(0.0624999) == "6,2 %"
    # not a tie: the double nearest 2.675 lies below it
    assert fmt_number(2.675, 2) == "2,67"
    # a quotient that is a tie only exactly: 5043 s = 84.05 min, the double 5043 / 60 is below
    assert tables._minutes(5043.0) == "84,1 min"
    assert tables._hours(5580) == "1,6 h"  # 1.55 h
    assert fmt_minutes(90.0) == "2 min"
    # a figure that rounds to zero has no sign
    assert fmt_pct(-0.00001) == "0,0 %"
    assert fmt_int(-0.4) == "0"


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


def test_minutes_are_whole_business_minutes():
    assert fmt_minutes(45600 / 44) == "17 min"
    assert fmt_minutes(3000.0) == "50 min"
    assert fmt_minutes(None) == "—"


def _family(direction, kpis, **line):
    return {c.label: c for c in kpi_cards(kpis, {"direction": direction, **line})}


def test_cards_follow_the_lines_direction():
    labels = {d: list(_family(d, None)) for d in ("inbound", "outbound", "backoffice", "social")}
    assert labels["inbound"][:5] == [
        "Ofrecidas",
        "Atendidas",
        "Nivel de servicio",
        "ASA",
        "Tasa de abandono",
    ]
    assert labels["inbound"][5] == "Recontacto"
    assert labels["outbound"][0] == "Intentos"
    assert labels["backoffice"][3] == "Backlog al cierre"
    assert labels["social"][-1] == "Escaladas al CRM"
    # No direction: a call line, as every line was before the other families.
    assert list(_by_label(None)) == labels["inbound"]
    assert kpi_cards(None, {"direction": "chat"}) == []


def test_outbound_rates_are_green_at_or_above_target():
    line = {"contact_rate_target": 0.60, "retention_rate_target": 0.35}
    ok = _family("outbound", {"contact_rate": 0.60, "retention_rate": 0.35}, **line)
    bad = _family("outbound", {"contact_rate": 0.599, "retention_rate": 0.349}, **line)
    assert ok["Tasa de contacto"].delta_color == ok["Tasa de retención"].delta_color == "green"
    assert bad["Tasa de contacto"].delta_color == bad["Tasa de retención"].delta_color == "red"
    assert ok["Tasa de contacto"].description == "objetivo 60 %"


def test_outbound_retained_and_cancelled_share_a_card():
    cards = _family("outbound", {"retained": 31, "cancelled": 29, "retention_closed": 60})
    assert cards["Retenidos / Bajas"].value == "31 / 29"
    assert cards["Retenidos / Bajas"].description == "60 cerradas"


def test_backoffice_share_against_the_kpi_target_and_backlog_date():
    cards = _family(
        "backoffice",
        {
            "resolution_within_target_share": 0.95,
            "resolution_target_share": 0.90,
            "backlog_end": 3,
            "last_report_date": dt.date(2025, 11, 4),
        },
        resolution_target_share=0.80,
    )
    within = cards["Dentro de objetivo"]
    assert (within.delta, within.delta_color) == ("+5,0 pp", "green")
    assert within.description == "objetivo 90 % de los resueltos"
    assert cards["Backlog al cierre"].value == "3"
    assert cards["Backlog al cierre"].description == "abiertos al 04/11/2025"
    assert cards["Tasa de reapertura"].delta is None


def test_social_cards_without_rows_show_zero_and_no_ratios():
    cards = _family("social", None, first_response_target_share=0.90)
    assert cards["Interacciones"].value == "0"
    assert cards["Dentro de objetivo"].value == "—"
    assert cards["Dentro de objetivo"].delta is None
    assert cards["Dentro de objetivo"].description == "objetivo 90 % en plazo"
    assert cards["Tiempo medio de primera respuesta"].value == "—"
    assert cards["Ocultos"].description is None


def test_tier_table_lists_alto_medio_bajo_even_without_interactions():
    tiers = pd.DataFrame(
        {
            "influence_tier": ["bajo", "alto"],
            "interactions": [5, 2],
            "responded": [3, 2],
            "responded_within_target": [1, 2],
            "first_response_target_minutes": [120, 30],
        }
    )
    table = social_tier_table(tiers)
    assert table.index.name == "Influencia"
    assert table.to_dict(orient="index") == {
        "Alto": {
            "Interacciones": "2",
            "Respondidas": "2",
            "Dentro de objetivo": "100,0 %",
            "Objetivo": "30 min",
        },
        "Medio": {
            "Interacciones": "0",
            "Respondidas": "0",
            "Dentro de objetivo": "—",
            "Objetivo": "—",
        },
        "Bajo": {
            "Interacciones": "5",
            "Respondidas": "3",
            "Dentro de objetivo": "20,0 %",
            "Objetivo": "120 min",
        },
    }
