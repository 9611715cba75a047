"""Resumen: the day's and month-to-date KPIs per line, and the day by interval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from dashboards import charts, queries
from dashboards.cards import Card, kpi_cards
from dashboards.formatting import fmt_date, fmt_long_date, is_missing

NO_DATA = "Todavía no hay datos publicados: ejecute `make build`."
# Wider cards for the ratios, whose delta carries the target text.
CARD_WIDTHS = [1, 1, 1.5, 1.2, 1.3]


def _no_data(reason: str) -> None:
    st.info(NO_DATA, icon=":material/database_off:")
    st.caption(f"Base consultada: `{queries.serving_db()}` ({reason}).")


def _pick_day(bounds: dict[str, dt.date | None]) -> dt.date:
    # The demo data ends yesterday, so "today" is usually empty: open on the
    # last day that had calls.
    default_day = bounds["last_date_with_calls"] or bounds["last_date"]
    # Not required=True: that prints an English "(required)" by the label; a
    # cleared field falls back to the default instead.
    day = st.date_input(
        "Día",
        value=default_day,
        min_value=bounds["first_date"],
        max_value=bounds["last_date"],
        format="DD/MM/YYYY",
        help="Por defecto, el último día con llamadas.",
    )
    return day or default_day


def _freshness(bounds: dict[str, dt.date | None]) -> str:
    text = f"Datos hasta el {fmt_date(bounds['last_date'])}"
    last_calls = bounds["last_date_with_calls"]
    if last_calls and last_calls != bounds["last_date"]:
        text += f" (último día con llamadas: {fmt_date(last_calls)})"
    published = queries.published_at()
    if published:
        text += f" · publicado el {published} (hora de Buenos Aires)"
    return text + "."


def _metric_row(cards: list[Card]) -> None:
    for col, card in zip(st.columns(CARD_WIDTHS), cards, strict=True):
        col.metric(
            card.label,
            card.value,
            delta=card.delta,
            delta_color=card.delta_color,
            delta_description=card.description,
            help=card.help,
            border=True,
        )


def _line_block(
    line: dict[str, Any], day: dt.date, day_kpis, mtd_kpis, intervals
) -> None:
    code = line["line_code"]
    st.subheader(line["line_name"])
    if code == queries.UNMAPPED_LINE:
        st.caption("Llamadas de colas que ninguna línea del contrato tiene asignadas.")
    elif not line["in_contract"]:
        st.caption("Línea sin objetivos de contrato cargados.")
    st.markdown("**Día**")
    _metric_row(kpi_cards(day_kpis.get(code), line))
    st.markdown("**Mes hasta la fecha**")
    _metric_row(kpi_cards(mtd_kpis.get(code), line))

    line_intervals = intervals[intervals["line_code"] == code]
    if line_intervals.empty:
        st.caption(f"Sin intervalos para el {fmt_date(day)}.")
        return
    target = (day_kpis.get(code) or {}).get("service_level_target")
    if is_missing(target):
        target = line["service_level_target"]
    st.plotly_chart(
        charts.interval_chart(line_intervals, target),
        width="stretch",
        key=f"intervalos_{code}",
        config={"displaylogo": False},
    )


def render() -> None:
    queries.check_available()
    bounds = queries.date_bounds()
    if bounds["last_date"] is None:
        _no_data("kpi_line_daily está vacía")
        return

    day = _pick_day(bounds)
    month_start = day.replace(day=1)
    st.markdown(
        f"Se muestra el **{fmt_long_date(day)}** y el mes hasta ese día "
        f"(**{fmt_date(month_start)} – {fmt_date(day)}**)."
    )
    st.caption(_freshness(bounds))

    day_kpis = queries.period_kpis(day, day)
    mtd_kpis = queries.period_kpis(month_start, day)
    intervals = queries.interval_kpis(day)
    if not day_kpis:
        st.warning(f"No hay registros para el {fmt_date(day)}.")

    for line in queries.lines():
        _line_block(line, day, day_kpis, mtd_kpis, intervals)
        st.divider()


st.title("Resumen")
try:
    render()
except queries.ServingUnavailable as exc:
    # Also covers a publication that replaces the file mid-render.
    _no_data(str(exc))
