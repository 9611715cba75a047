"""Hoy: the inbound lines' day so far, for managers watching it happen.

"Today" is the data's today, the day of the queue_log's last event in the published copy,
never the clock's: per inbound line, that day's offered and answered calls, service level,
ASA and abandon rate against the contract targets, the calls waiting at the last event, and
the day by interval. The page says how old the data is against the clock and warns when it
is too old at an hour calls usually arrive.

The live part is a fragment that reruns by itself every REFRESH_SECONDS, without reloading
the browser; its reads are cached on the published file's identity, so a rerun with no new
publication only stat()s the file. Outbound, back-office and social lines have no live
queue: the page names them and sends the reader to Resumen.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import charts, freshness
from dashboards.app_pages import hoy_queries as queries
from dashboards.app_pages import resumen_queries
from dashboards.cards import period_target, today_cards
from dashboards.layout import metric_row, no_data
from dashboards.serving import ServingConnection, ServingUnavailable, serving
from presentation.es_ar import fmt_long_date, fmt_time, is_missing

REFRESH_SECONDS = freshness.PAGE_REFRESH_SECONDS
LIVE_DIRECTION = "inbound"
NO_DATA_END = (
    "La copia publicada no indica hasta qué hora llegan los datos de la central "
    "(no tiene kpi_line_now): no se muestran las llamadas en espera ni la antigüedad."
)


def _header(conn: ServingConnection, day: dt.date, end: dict[str, dt.datetime] | None) -> None:
    published = resumen_queries.published_at(conn)
    published_text = f"publicado el {published} (hora de Buenos Aires)" if published else ""
    if end is None:
        st.markdown(f"Se muestra el **{fmt_long_date(day)}**, el último día con datos.")
        if published_text:
            st.caption(published_text[0].upper() + published_text[1:] + ".")
        st.info(NO_DATA_END, icon=":material/schedule:")
        return
    age = freshness.data_age(
        end["local"], end["utc"], freshness.now_utc(), queries.usual_hours(conn, day)
    )
    text = (
        f"Se muestra el **{fmt_long_date(day)}** hasta las **{fmt_time(end['local'])}**, "
        "el último evento de la central."
    )
    if age.clock_local.date() > day:
        text += f" Todavía no hay datos del {fmt_long_date(age.clock_local.date())}."
    st.markdown(text)
    parts = [freshness.last_event_text(age), published_text,
             f"la página se actualiza sola cada {REFRESH_SECONDS} s"]
    st.caption(" · ".join(p for p in parts if p) + ".")
    warning = freshness.stale_warning(age)
    if warning:
        st.warning(warning, icon=":material/warning:")


def _live_lines(
    lines: list[dict[str, Any]],
    kpis: dict[str, dict[str, Any]],
    now: dict[str, dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The lines this page shows (inbound; the unmapped-queues line only when it has calls
    today or waiting) and the others, which it names as out of its scope."""

    def busy(code: str) -> bool:
        offered = (kpis.get(code) or {}).get("offered")
        waiting = (now.get(code) or {}).get("waiting_calls")
        return any(not is_missing(v) and v > 0 for v in (offered, waiting))

    shown, others = [], []
    for line in lines:
        if line["direction"] != LIVE_DIRECTION:
            others.append(line)
        elif line["line_code"] != resumen_queries.UNMAPPED_LINE or busy(line["line_code"]):
            shown.append(line)
    # A queue no line claims whose first call is still waiting has no KPI row yet.
    listed = {line["line_code"] for line in lines}
    for code, row in now.items():
        if code not in listed and busy(code):
            shown.append({**row, "in_contract": False})
    return shown, others


def _first_busy_hour(intervals: pd.DataFrame) -> dt.datetime | None:
    """The hour of the day's first interval with calls offered on any line: every line's
    chart starts there, so the charts line up and skip the quiet night."""
    busy = intervals[intervals["offered"].fillna(0) > 0]
    if busy.empty:
        return None
    return pd.Timestamp(busy["interval_start"].min()).floor("h").to_pydatetime()


def _line_block(
    line: dict[str, Any],
    kpis: dict[str, Any] | None,
    now: dict[str, Any] | None,
    intervals: pd.DataFrame,
    end: dict[str, dt.datetime] | None,
) -> None:
    code = line["line_code"]
    st.subheader(line["line_name"])
    notes = ["Llamadas entrantes"]
    if code == resumen_queries.UNMAPPED_LINE:
        notes.append("llamadas de colas que ninguna línea del contrato tiene asignadas")
    elif not line.get("in_contract", True):
        notes.append("línea sin objetivos de contrato cargados")
    st.caption(" · ".join(notes) + ".")
    metric_row(today_cards(kpis, line, now))

    offered = (kpis or {}).get("offered")
    line_intervals = intervals[intervals["line_code"] == code]
    if is_missing(offered) or offered == 0 or line_intervals.empty:
        until = "" if end is None else f" hasta las {fmt_time(end['local'])}"
        st.caption(f"Sin llamadas ofrecidas hoy{until}.")
        return
    st.plotly_chart(
        charts.intraday_chart(
            line_intervals,
            period_target(kpis, line, "service_level_target"),
            None if end is None else end["local"],
            _first_busy_hour(intervals),
        ),
        width="stretch",
        key=f"hoy_intervalos_{code}",
        config={"displaylogo": False},
    )


def render(conn: ServingConnection) -> None:
    resumen_queries.check_available(conn)
    now = queries.now_by_line(conn)
    end = queries.data_end(now)
    day = queries.data_today(conn, end)
    if day is None:
        no_data("kpi_line_daily está vacía")
        return
    _header(conn, day, end)

    kpis = resumen_queries.period_kpis(conn, day, day)
    intervals = resumen_queries.interval_kpis(conn, day)
    shown, others = _live_lines(resumen_queries.lines(conn), kpis, now)
    for line in shown:
        _line_block(line, kpis.get(line["line_code"]), now.get(line["line_code"]), intervals, end)
        st.divider()
    if others:
        names = ", ".join(line["line_name"] for line in others)
        st.caption(
            f"Fuera de esta vista: {names}. No atienden una cola en vivo (campañas salientes, "
            "casos de back office, redes sociales): sus indicadores del día están en Resumen."
        )


st.title("Hoy")


@st.fragment(run_every=REFRESH_SECONDS)
def _live() -> None:
    try:
        render(serving())
    except ServingUnavailable as exc:
        # Also covers a publication that replaces the file mid-render.
        no_data(str(exc))


_live()
