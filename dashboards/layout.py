"""Streamlit pieces the pages share: the no-data notice and a row of KPI cards."""

from __future__ import annotations

import streamlit as st

from dashboards.cards import Card
from dashboards.serving import serving

NO_DATA = "Todavía no hay datos publicados: ejecute `make build`."


def no_data(reason: str) -> None:
    """The notice of a serving copy that is missing or lacks what the page reads."""
    st.info(NO_DATA, icon=":material/database_off:")
    st.caption(f"Base consultada: `{serving().database}` ({reason}).")


def metric_row(cards: list[Card]) -> None:
    """One row of cards, each as wide as its `width` says."""
    columns = st.columns([card.width for card in cards])
    for col, card in zip(columns, cards, strict=True):
        col.metric(
            card.label,
            card.value,
            delta=card.delta,
            delta_color=card.delta_color,
            delta_description=card.description,
            help=card.help,
            border=True,
        )
