"""Resumen: the day's and month-to-date KPIs per line, and the day by interval.

Each line's block follows its family (`direction`): inbound calls, outbound
campaigns, back-office cases or social interactions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from dashboards import charts
from dashboards.app_pages import resumen_queries as queries
from dashboards.cards import kpi_cards, period_target
from dashboards.layout import metric_row, no_data
from dashboards.serving import ServingConnection, ServingUnavailable, serving
from dashboards.tables import social_tier_table
from presentation.es_ar import fmt_date, fmt_long_date, is_missing

FAMILY_CAPTIONS = {
    "inbound": "Llamadas entrantes",
    "outbound": "Llamadas salientes (campañas)",
    "backoffice": "Casos de back office (CRM)",
    "social": "Redes sociales",
}


def _pick_day(bounds: dict[str, dt.date | None]) -> dt.date:
    # The demo data ends yesterday, so "today" is usually empty: open on the
    # last day that had calls.
    default_day = bounds["last_date_with_activity"] or bounds["last_date"]
    # Not required=True: that prints an English "(required)" by the label; a
    # cleared field falls back to the default instead.
    day = st.date_input(
        "Día",
        value=default_day,
        min_value=bounds["first_date"],
        max_value=bounds["last_date"],
        format="DD/MM/YYYY",
        help="Por defecto, el último día con actividad.",
    )
    return day or default_day


def _freshness(conn: ServingConnection, bounds: dict[str, dt.date | None]) -> str:
    text = f"Datos hasta el {fmt_date(bounds['last_date'])}"
    last_active = bounds["last_date_with_activity"]
    if last_active and last_active != bounds["last_date"]:
        text += f" (último día con actividad: {fmt_date(last_active)})"
    published = queries.published_at(conn)
    if published:
        text += f" · publicado el {published} (hora de Buenos Aires)"
    return text + "."


def _interval_figure(direction: str, intervals, line, kpis):
    if direction == "outbound":
        return charts.outbound_interval_chart(
            intervals, period_target(kpis, line, "contact_rate_target")
        )
    if direction == "backoffice":
        return charts.backoffice_interval_chart(intervals)
    if direction == "social":
        return charts.social_interval_chart(
            intervals, period_target(kpis, line, "first_response_target_share")
        )
    return charts.interval_chart(intervals, period_target(kpis, line, "service_level_target"))


def _backlog_ages(line: dict[str, Any], day: dt.date, kpis) -> None:
    stock = kpis or {}
    closing = stock.get("last_report_date") or day
    st.markdown(f"**Backlog al cierre del {fmt_date(closing)} por antigüedad**")
    if all(is_missing(stock.get(c)) for c, _ in charts.BACKLOG_AGE_BUCKETS):
        st.caption("Sin datos de antigüedad del backlog.")
        return
    st.plotly_chart(
        charts.backlog_age_chart(stock),
        width="stretch",
        key=f"backlog_{line['line_code']}",
        config={"displaylogo": False},
    )


def _social_tiers(line: dict[str, Any], day: dt.date, tiers) -> None:
    st.markdown(f"**Primera respuesta por nivel de influencia, {fmt_date(day)}**")
    line_tiers = tiers[tiers["line_code"] == line["line_code"]]
    if line_tiers.empty:
        st.caption("Sin datos por nivel de influencia.")
        return
    st.table(social_tier_table(line_tiers))


def _line_block(
    line: dict[str, Any], day: dt.date, day_kpis, mtd_kpis, intervals, tiers
) -> None:
    code, direction = line["line_code"], line["direction"]
    st.subheader(line["line_name"])
    notes = [FAMILY_CAPTIONS.get(direction, f"Tipo de línea «{direction}»")]
    if code == queries.UNMAPPED_LINE:
        notes.append("llamadas de colas que ninguna línea del contrato tiene asignadas")
    elif not line["in_contract"]:
        notes.append("línea sin objetivos de contrato cargados")
    st.caption(" · ".join(notes) + ".")

    day_cards = kpi_cards(day_kpis.get(code), line)
    if not day_cards:
        st.caption("El tablero todavía no tiene indicadores para este tipo de línea.")
        return
    st.markdown("**Día**")
    metric_row(day_cards)
    st.markdown("**Mes hasta la fecha**")
    metric_row(kpi_cards(mtd_kpis.get(code), line))

    line_intervals = intervals[intervals["line_code"] == code]
    if direction == "backoffice":
        aside, main = st.columns([1, 2])
        with aside:
            # The same stock closes the day and the month to date.
            _backlog_ages(line, day, day_kpis.get(code))
    elif direction == "social":
        aside, main = st.columns([1, 2])
        with aside:
            _social_tiers(line, day, tiers)
    else:
        main = st.container()
    with main:
        if line_intervals.empty:
            st.caption(f"Sin intervalos para el {fmt_date(day)}.")
            return
        st.plotly_chart(
            _interval_figure(direction, line_intervals, line, day_kpis.get(code)),
            width="stretch",
            key=f"intervalos_{code}",
            config={"displaylogo": False},
        )


def render(conn: ServingConnection) -> None:
    queries.check_available(conn)
    bounds = queries.date_bounds(conn)
    if bounds["last_date"] is None:
        no_data("kpi_line_daily está vacía")
        return

    day = _pick_day(bounds)
    month_start = day.replace(day=1)
    st.markdown(
        f"Se muestra el **{fmt_long_date(day)}** y el mes hasta ese día "
        f"(**{fmt_date(month_start)} – {fmt_date(day)}**)."
    )
    st.caption(_freshness(conn, bounds))

    day_kpis = queries.period_kpis(conn, day, day)
    mtd_kpis = queries.period_kpis(conn, month_start, day)
    intervals = queries.interval_kpis(conn, day)
    tiers = queries.social_tiers(conn, day)
    if not day_kpis:
        st.warning(f"No hay registros para el {fmt_date(day)}.")

    for line in queries.lines(conn):
        _line_block(line, day, day_kpis, mtd_kpis, intervals, tiers)
        st.divider()


st.title("Resumen")
try:
    render(serving())
except ServingUnavailable as exc:
    # Also covers a publication that replaces the file mid-render.
    no_data(str(exc))
