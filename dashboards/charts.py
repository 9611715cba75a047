"""Plotly figure builders: DataFrames in, go.Figure out, no Streamlit calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from contract import metric_label
from presentation.es_ar import (
    fmt_int,
    fmt_pct_target,
    fmt_term_target,
    fmt_time,
    is_missing,
)

OFFERED_COLOR = "#9db4d3"
ANSWERED_COLOR = "#1f4e8c"
SL_COLOR = "#e07b00"
TARGET_COLOR = "#c62828"


AGE_COLORS = ("#c8e6c9", "#ffe082", "#ffb74d", "#e53935")
LINE_COLOR = SL_COLOR
INTERVAL_AXIS_TITLE = "Intervalo (30 min, hora de Buenos Aires)"

# Open cases at the end of the period by age in business hours.
BACKLOG_AGE_BUCKETS = (
    ("backlog_age_0_8h", "0–8 h"),
    ("backlog_age_8_24h", "8–24 h"),
    ("backlog_age_24_72h", "24–72 h"),
    ("backlog_age_over_72h", "más de 72 h"),
)


def interval_chart(
    intervals: pd.DataFrame, service_level_target: float | None
) -> go.Figure:
    """Inbound: offered and answered calls per 30-minute interval as bars,
    service level (in %) on a secondary axis and the target as a dashed line.

    `intervals` needs interval_start, offered, answered and service_level (a
    ratio, null for intervals without calls to measure).
    """
    return _interval_figure(
        intervals,
        bars=[("offered", "Ofrecidas"), ("answered", "Atendidas")],
        y_title="Llamadas",
        line=("service_level", metric_label("service_level")),
        target=service_level_target,
    )


DATA_END_COLOR = "#616161"


def intraday_chart(
    intervals: pd.DataFrame,
    service_level_target: float | None,
    data_end_local: dt.datetime | None,
    day_start: dt.datetime | None = None,
) -> go.Figure:
    """Inbound, the data's today so far: `interval_chart` over the intervals that began by
    the data's end (the later ones have not happened), on an axis from `day_start` (the
    day's midnight when None; the page passes its first busy interval, the same for every
    line) to the end of the day, with a dotted line at the last event. Without a known end,
    every interval is drawn."""
    df = intervals.sort_values("interval_start")
    starts = pd.to_datetime(df["interval_start"])
    # bars are centred on their interval's start: half an interval of margin shows the first whole
    half = starts.diff().min() / 2 if len(df) > 1 else pd.Timedelta(0)
    if data_end_local is not None:
        df = df[starts <= pd.Timestamp(data_end_local)]
    fig = interval_chart(df, service_level_target)
    if len(df):
        midnight = pd.Timestamp(df["interval_start"].iloc[0]).normalize()
        start = midnight if day_start is None else pd.Timestamp(day_start)
        fig.update_xaxes(range=[start - half, midnight + pd.Timedelta(days=1)])
    if data_end_local is not None:
        end = pd.Timestamp(data_end_local)
        # A shape and an annotation rather than add_vline, whose label cannot sit on a date
        # axis; the label goes right of the line, over the part of the day still to come.
        fig.add_shape(
            type="line", x0=end, x1=end, xref="x", y0=0, y1=1, yref="paper",
            line={"color": DATA_END_COLOR, "dash": "dot", "width": 1.5},
        )
        fig.add_annotation(
            x=end, y=1, xref="x", yref="paper", text=f"último evento {fmt_time(end)}",
            showarrow=False, xanchor="left", yanchor="top", xshift=4,
            font={"color": DATA_END_COLOR},
        )
    return fig


def outbound_interval_chart(
    intervals: pd.DataFrame, contact_rate_target: float | None
) -> go.Figure:
    """Outbound: attempts and contacts per interval as bars, the contact rate (in
    %, null where nothing was dialled) on a secondary axis and its target."""
    return _interval_figure(
        intervals,
        bars=[("attempts", "Intentos"), ("contacts", "Contactos")],
        y_title="Llamadas salientes",
        line=("contact_rate", metric_label("contact_rate")),
        target=contact_rate_target,
    )


def backoffice_interval_chart(intervals: pd.DataFrame) -> go.Figure:
    """Back office: cases in and resolved per interval as bars, the open cases
    at the end of each interval (backlog) as a line on a secondary axis."""
    return _interval_figure(
        intervals,
        bars=[("cases_in", "Ingresados"), ("cases_resolved", "Resueltos")],
        y_title="Casos",
        line=("backlog_end", "Backlog"),
        percent=False,
        y2_title="Casos abiertos",
    )


def social_interval_chart(
    intervals: pd.DataFrame, first_response_target_share: float | None
) -> go.Figure:
    """Social: interactions and responded per interval as bars, the share
    answered within target (in %) on a secondary axis and its target."""
    return _interval_figure(
        intervals,
        bars=[("interactions", "Interacciones"), ("responded", "Respondidas")],
        y_title="Interacciones",
        line=("first_response_within_target_share", "Dentro de objetivo"),
        target=first_response_target_share,
    )


def _interval_figure(
    intervals: pd.DataFrame,
    *,
    bars: list[tuple[str, str]],
    y_title: str,
    line: tuple[str, str],
    percent: bool = True,
    target: float | None = None,
    y2_title: str | None = None,
) -> go.Figure:
    """Two count series as grouped bars by interval and one line on a secondary
    axis: a ratio in % (0-100, with an optional dashed target) or a count."""
    df = intervals.sort_values("interval_start")
    x = df["interval_start"]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for (column, name), color in zip(bars, (OFFERED_COLOR, ANSWERED_COLOR), strict=True):
        fig.add_trace(
            go.Bar(
                x=x,
                y=df[column],
                name=name,
                marker_color=color,
                hovertemplate=f"%{{y}}<extra>{name}</extra>",
            ),
            secondary_y=False,
        )
    column, name = line
    y = df[column].astype("float64")
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y * 100 if percent else y,
            name=name,
            mode="lines+markers",
            line={"color": LINE_COLOR, "width": 2},
            # A gap, not a line through zero, where nothing was measurable.
            connectgaps=False,
            hovertemplate=(
                f"%{{y:.1f}} %<extra>{name}</extra>"
                if percent
                else f"%{{y}}<extra>{name}</extra>"
            ),
        ),
        secondary_y=True,
    )
    if percent and not is_missing(target) and len(df):
        # A trace rather than a layout shape so it appears in the legend.
        fig.add_trace(
            go.Scatter(
                x=[x.iloc[0], x.iloc[-1]],
                y=[target * 100] * 2,
                name=f"Objetivo {fmt_pct_target(target)}",
                mode="lines",
                line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
                hoverinfo="skip",
            ),
            secondary_y=True,
        )
    fig.update_layout(
        barmode="group",
        separators=",.",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=360,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified",
    )
    fig.update_xaxes(
        title_text=INTERVAL_AXIS_TITLE,
        tickformat="%H:%M",
        hoverformat="%H:%M",
    )
    fig.update_yaxes(title_text=y_title, rangemode="tozero", secondary_y=False)
    if percent:
        fig.update_yaxes(
            title_text=y2_title or f"{name} (%)",
            range=[0, 100],
            # Explicit ticks: otherwise the axis inherits the count axis's tick
            # spacing and reads 15,8 % / 31,7 % ...
            tickmode="array",
            tickvals=list(range(0, 101, 20)),
            ticktext=[f"{v} %" for v in range(0, 101, 20)],
            showgrid=False,
            secondary_y=True,
        )
    else:
        fig.update_yaxes(
            title_text=y2_title or name,
            rangemode="tozero",
            # Its own whole-number ticks, not ones synced to the bar axis (50,8 ...).
            tickmode="auto",
            tickformat=",d",
            showgrid=False,
            secondary_y=True,
        )
    return fig


def backlog_age_chart(stock: Mapping[str, Any]) -> go.Figure:
    """Open cases at the end of the period by age in business hours, one bar per
    bucket (youngest first); `stock` holds the backlog_age_* columns."""
    labels = [label for _, label in BACKLOG_AGE_BUCKETS]
    values = [
        None if is_missing(stock.get(column)) else stock.get(column)
        for column, _ in BACKLOG_AGE_BUCKETS
    ]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            marker_color=list(AGE_COLORS),
            text=[fmt_int(v) for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y}<extra>Backlog</extra>",
            name="Backlog",
        )
    )
    fig.update_layout(
        separators=",.",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=260,
        showlegend=False,
    )
    fig.update_xaxes(title_text="Antigüedad (horas hábiles)", type="category")
    known = [v for v in values if v is not None]
    fig.update_yaxes(
        title_text="Casos abiertos",
        rangemode="tozero",
        # Whole cases: a step of 1 for small stocks instead of 0,5.
        dtick=1 if known and max(known) <= 5 else None,
        tickformat=",d",
    )
    return fig


# ---------------------------------------------------------------- SLA compliance

MET_COLOR = ANSWERED_COLOR
MISSED_COLOR = "#e53935"
RAW_COLOR = SL_COLOR
SLA_DAY_AXIS_TITLE = "Día"


def sla_daily_chart(
    daily: pd.DataFrame,
    *,
    target: float | None,
    comparison: str | None,
    unit: str | None,
) -> go.Figure:
    """One contract term by day: the adjusted value (without declared massive
    outages) as bars, blue on days that meet the target and red on days that
    miss it, the raw value as markers and the target as a dashed line. Shares
    are in %, on 0-100 % when they must reach the target and from 0 up to the
    data when they must stay under it.

    `daily` needs report_date, raw_value, adjusted_value and is_met (null on a
    day without adjusted volume); values are shares (shown in %) or seconds.
    """
    df = daily.sort_values("report_date")
    return _sla_figure(
        df,
        x=pd.to_datetime(df["report_date"]),
        x_title=SLA_DAY_AXIS_TITLE,
        tickformat="%d/%m",
        hoverformat="%d/%m/%Y",
        period=pd.Timedelta(days=1),
        target=target,
        comparison=comparison,
        unit=unit,
        dtick="D1" if len(df) <= 16 else None,
    )


def sla_interval_chart(
    intervals: pd.DataFrame,
    *,
    target: float | None,
    comparison: str | None,
    unit: str | None,
) -> go.Figure:
    """One contract term by 30-minute interval of a day, drawn like
    `sla_daily_chart`; `intervals` needs interval_start instead of report_date."""
    df = intervals.sort_values("interval_start")
    return _sla_figure(
        df,
        x=pd.to_datetime(df["interval_start"]),
        x_title=INTERVAL_AXIS_TITLE,
        tickformat="%H:%M",
        hoverformat="%H:%M",
        period=pd.Timedelta(minutes=30),
        target=target,
        comparison=comparison,
        unit=unit,
        # every interval labelled when a few are busy; Plotly picks otherwise
        dtick=30 * 60 * 1000 if len(df) <= 16 else None,
    )


def _sla_scale(unit: str | None) -> tuple[float, str, str]:
    """Factor to plot a value, its hover format and the axis title."""
    if unit == "share":
        return 100.0, "%{y:.1f} %", "%"
    if unit == "seconds":
        return 1.0, "%{y:.1f} s", "Segundos"
    return 1.0, "%{y:.1f}", "Valor"


def _sla_figure(
    df: pd.DataFrame,
    *,
    x: pd.Series,
    x_title: str,
    tickformat: str,
    hoverformat: str,
    period: pd.Timedelta,
    target: float | None,
    comparison: str | None,
    unit: str | None,
    dtick: str | int | None = None,
) -> go.Figure:
    factor, hover, y_title = _sla_scale(unit)
    adjusted = df["adjusted_value"].astype("float64") * factor
    raw = df["raw_value"].astype("float64") * factor
    met = df["is_met"].astype("object")
    fig = go.Figure()
    # Two bar traces rather than one with per-bar colours, so that the legend
    # says what red means; each period is in one of them only. An explicit width
    # (ms on a date axis): each trace would otherwise size its bars on its own
    # spacing, and two missed days apart would hide the met day between them.
    width = period.total_seconds() * 1000 * 0.8
    for name, color, keep in (
        ("Ajustado: cumple", MET_COLOR, met.map(lambda v: not is_missing(v) and bool(v))),
        ("Ajustado: no cumple", MISSED_COLOR, met.map(lambda v: not is_missing(v) and not v)),
    ):
        keep = keep.astype(bool).to_numpy()
        fig.add_trace(
            go.Bar(
                x=x[keep],
                y=adjusted[keep],
                name=name,
                marker_color=color,
                width=width,
                hovertemplate=f"{hover}<extra>{name}</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=raw,
            name="Bruto",
            mode="markers",
            marker={"color": RAW_COLOR, "size": 9, "symbol": "diamond"},
            hovertemplate=f"{hover}<extra>Bruto</extra>",
        )
    )
    if not is_missing(target) and len(df):
        # Half a period beyond the first and last bars, so the line spans them.
        fig.add_trace(
            go.Scatter(
                x=[x.iloc[0] - period / 2, x.iloc[-1] + period / 2],
                y=[target * factor] * 2,
                name=f"Objetivo {fmt_term_target(target, comparison, unit)}",
                mode="lines",
                line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        barmode="overlay",
        separators=",.",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=340,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified",
    )
    fig.update_xaxes(
        title_text=x_title, tickformat=tickformat, hoverformat=hoverformat, dtick=dtick
    )
    if unit == "share" and comparison == "at_least":
        fig.update_yaxes(
            title_text=y_title,
            range=[0, 100],
            tickmode="array",
            tickvals=list(range(0, 101, 20)),
            ticktext=[f"{v} %" for v in range(0, 101, 20)],
        )
    elif unit == "share":
        # Shares that must stay low (abandons: 5 %) would be flat on 0-100 %.
        fig.update_yaxes(title_text=y_title, rangemode="tozero", ticksuffix=" %")
    else:
        fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return fig

