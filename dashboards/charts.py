"""Plotly figure builders: DataFrames in, go.Figure out, no Streamlit calls."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.formatting import fmt_pct_target, is_missing

OFFERED_COLOR = "#9db4d3"
ANSWERED_COLOR = "#1f4e8c"
SL_COLOR = "#e07b00"
TARGET_COLOR = "#c62828"


def interval_chart(
    intervals: pd.DataFrame, service_level_target: float | None
) -> go.Figure:
    """Offered and answered calls per 30-minute interval as bars, service level
    (in %) on a secondary axis and the target as a dashed horizontal line.

    `intervals` needs interval_start, offered, answered and service_level (a
    ratio, null for intervals without calls to measure).
    """
    df = intervals.sort_values("interval_start")
    x = df["interval_start"]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=x,
            y=df["offered"],
            name="Ofrecidas",
            marker_color=OFFERED_COLOR,
            hovertemplate="%{y}<extra>Ofrecidas</extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Bar(
            x=x,
            y=df["answered"],
            name="Atendidas",
            marker_color=ANSWERED_COLOR,
            hovertemplate="%{y}<extra>Atendidas</extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=df["service_level"].astype("float64") * 100,
            name="Nivel de servicio",
            mode="lines+markers",
            line={"color": SL_COLOR, "width": 2},
            # A gap, not a line through zero, where nothing was measurable.
            connectgaps=False,
            hovertemplate="%{y:.1f} %<extra>Nivel de servicio</extra>",
        ),
        secondary_y=True,
    )
    if not is_missing(service_level_target) and len(df):
        # A trace rather than a layout shape so it appears in the legend.
        fig.add_trace(
            go.Scatter(
                x=[x.iloc[0], x.iloc[-1]],
                y=[service_level_target * 100] * 2,
                name=f"Objetivo {fmt_pct_target(service_level_target)}",
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
        title_text="Intervalo (30 min, hora de Buenos Aires)",
        tickformat="%H:%M",
        hoverformat="%H:%M",
    )
    fig.update_yaxes(title_text="Llamadas", rangemode="tozero", secondary_y=False)
    fig.update_yaxes(
        title_text="Nivel de servicio (%)",
        range=[0, 100],
        # Explicit ticks: otherwise the axis inherits the call axis's tick
        # spacing and reads 15,8 % / 31,7 % ...
        tickmode="array",
        tickvals=list(range(0, 101, 20)),
        ticktext=[f"{v} %" for v in range(0, 101, 20)],
        showgrid=False,
        secondary_y=True,
    )
    return fig
