"""What each KPI card shows: value, delta against the contract target, colour.

Pure functions, so the green/red logic is testable without Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboards.formatting import (
    fmt_int,
    fmt_pct,
    fmt_pct_target,
    fmt_seconds,
    fmt_signed_pp,
    fmt_signed_seconds,
    is_missing,
)

GOOD, BAD = "green", "red"


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "off"
    description: str | None = None
    help: str | None = None


def _target(kpis: dict[str, Any] | None, line: dict[str, Any], name: str) -> Any:
    # Targets from the KPI rows (in force that day); dim_lines when the line had no row.
    value = (kpis or {}).get(name)
    return line.get(name) if is_missing(value) else value


def kpi_cards(kpis: dict[str, Any] | None, line: dict[str, Any]) -> list[Card]:
    """Cards for one line over one period; `kpis` is None when it had no rows."""
    k = kpis or {}
    sl, asa, abandon = (
        k.get("service_level"),
        k.get("asa_seconds"),
        k.get("abandon_rate"),
    )
    sl_target = _target(kpis, line, "service_level_target")
    sl_seconds = _target(kpis, line, "service_level_seconds")
    asa_target = _target(kpis, line, "asa_target_seconds")
    abandon_target = _target(kpis, line, "abandon_rate_target")

    sl_goal = None
    if not is_missing(sl_target) and not is_missing(sl_seconds):
        sl_goal = f"objetivo {fmt_pct_target(sl_target)} en {fmt_seconds(sl_seconds)}"

    return [
        Card("Ofrecidas", fmt_int(k.get("offered", 0))),
        Card("Atendidas", fmt_int(k.get("answered", 0))),
        Card(
            "Nivel de servicio",
            fmt_pct(sl),
            *_vs_target(sl, sl_target, fmt_signed_pp, higher_is_better=True),
            description=sl_goal,
            help="Atendidas dentro del umbral sobre ofrecidas menos abandonos cortos "
            "(suma de los días, no promedio de porcentajes diarios).",
        ),
        Card(
            "ASA",
            fmt_seconds(asa),
            *_vs_target(asa, asa_target, fmt_signed_seconds, higher_is_better=False),
            description=None
            if is_missing(asa_target)
            else f"objetivo {fmt_seconds(asa_target)}",
            help="Velocidad media de respuesta: espera total de las atendidas / atendidas.",
        ),
        Card(
            "Tasa de abandono",
            fmt_pct(abandon),
            *_vs_target(abandon, abandon_target, fmt_signed_pp, higher_is_better=False),
            description=None
            if is_missing(abandon_target)
            else f"objetivo ≤ {fmt_pct_target(abandon_target)}",
            help="Abandonos no cortos sobre ofrecidas menos abandonos cortos.",
        ),
    ]


def _vs_target(
    value: Any, target: Any, fmt, *, higher_is_better: bool
) -> tuple[str | None, str]:
    if is_missing(value) or is_missing(target):
        return None, "off"
    meets = value >= target if higher_is_better else value <= target
    return fmt(value - target), GOOD if meets else BAD
