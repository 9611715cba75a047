"""What each KPI card shows: value, delta against the contract target, colour.

One card builder per line family (`dim_lines.direction`); `kpi_cards` picks it.
Pure functions, so the green/red logic is testable without Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contract import metric_label
from dashboards.families import DEFAULT_DIRECTION
from presentation.es_ar import (
    fmt_date,
    fmt_int,
    fmt_minutes,
    fmt_pct,
    fmt_pct_target,
    fmt_seconds,
    fmt_signed_pp,
    fmt_signed_seconds,
    fmt_wait,
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
    # Relative width in the row: ratio cards carry the target text and need more.
    width: float = 1.0


def period_target(kpis: dict[str, Any] | None, line: dict[str, Any], name: str) -> Any:
    """Target from the KPI rows (in force on the period's last day); dim_lines
    when the line had no row."""
    value = (kpis or {}).get(name)
    return line.get(name) if is_missing(value) else value


def _count(k: dict[str, Any], name: str) -> str:
    # 0 when the line had no row in the period; "—" when the column is empty.
    return fmt_int(k.get(name, 0))


def _ratio_card(
    label: str,
    value: Any,
    target: Any,
    *,
    help: str,
    goal: str = "",
    width: float = 1.5,
) -> Card:
    """A share against a 'higher is better' target, the goal under the delta."""
    return Card(
        label,
        fmt_pct(value),
        *_vs_target(value, target, fmt_signed_pp, higher_is_better=True),
        description=None if is_missing(target) else f"objetivo {fmt_pct_target(target)}{goal}",
        help=help,
        width=width,
    )


# ---------------------------------------------------------------- inbound


# What a ratio card's figure sums, said in its help: the days of a period (Resumen), or the
# data's today so far (Hoy).
PERIOD_SUMS = "suma de los días, no promedio de porcentajes diarios"
TODAY_SUMS = "en lo que va del día"


def _service_level_card(kpis: dict[str, Any] | None, line: dict[str, Any], sums: str) -> Card:
    sl = (kpis or {}).get("service_level")
    sl_target = period_target(kpis, line, "service_level_target")
    sl_seconds = period_target(kpis, line, "service_level_seconds")
    sl_goal = None
    if not is_missing(sl_target) and not is_missing(sl_seconds):
        sl_goal = f"objetivo {fmt_pct_target(sl_target)} en {fmt_seconds(sl_seconds)}"
    return Card(
        metric_label("service_level"),
        fmt_pct(sl),
        *_vs_target(sl, sl_target, fmt_signed_pp, higher_is_better=True),
        description=sl_goal,
        help=f"Atendidas dentro del umbral sobre ofrecidas menos abandonos cortos ({sums}).",
        width=1.5,
    )


def _asa_card(kpis: dict[str, Any] | None, line: dict[str, Any]) -> Card:
    asa = (kpis or {}).get("asa_seconds")
    asa_target = period_target(kpis, line, "asa_target_seconds")
    return Card(
        "ASA",
        fmt_seconds(asa),
        *_vs_target(asa, asa_target, fmt_signed_seconds, higher_is_better=False),
        description=None if is_missing(asa_target) else f"objetivo {fmt_seconds(asa_target)}",
        help=f"{metric_label('average_speed_of_answer')}: espera total de las atendidas / atendidas.",
        width=1.2,
    )


def _abandon_card(kpis: dict[str, Any] | None, line: dict[str, Any]) -> Card:
    abandon = (kpis or {}).get("abandon_rate")
    abandon_target = period_target(kpis, line, "abandon_rate_target")
    return Card(
        metric_label("abandon_rate"),
        fmt_pct(abandon),
        *_vs_target(abandon, abandon_target, fmt_signed_pp, higher_is_better=False),
        description=None if is_missing(abandon_target) else f"objetivo ≤ {fmt_pct_target(abandon_target)}",
        help="Abandonos no cortos sobre ofrecidas menos abandonos cortos.",
        width=1.3,
    )


def inbound_cards(kpis: dict[str, Any] | None, line: dict[str, Any]) -> list[Card]:
    k = kpis or {}
    repeat_days = line.get("repeat_contact_days")
    return [
        Card("Ofrecidas", _count(k, "offered")),
        Card("Atendidas", _count(k, "answered")),
        _service_level_card(kpis, line, PERIOD_SUMS),
        _asa_card(kpis, line),
        _abandon_card(kpis, line),
        Card(
            "Recontacto",
            fmt_pct(k.get("repeat_contact_rate")),
            description=None
            if is_missing(repeat_days)
            else f"otra llamada en {fmt_int(repeat_days)} días",
            help="Atendidas de clientes identificados que volvieron a llamar dentro de "
            "la ventana / atendidas de clientes identificados. Sin objetivo de contrato.",
            width=1.1,
        ),
    ]


# ---------------------------------------------------------------- today (Hoy)

WAITING_LABEL = "En espera ahora"


def waiting_card(now: dict[str, Any] | None) -> Card:
    """The calls waiting in the line's queues at the end of the queue_log data (a row of
    kpi_line_now; None when the copy does not publish it)."""
    help_text = (
        "Llamadas que entraron a una cola de la línea y, al último evento de la central, "
        "no fueron atendidas ni cortaron; la espera es desde que entraron a esa cola."
    )
    if now is None:
        return Card(
            WAITING_LABEL, fmt_int(None), description="sin datos de la cola", help=help_text, width=1.6
        )
    waiting = now.get("waiting_calls")
    if is_missing(waiting) or waiting == 0:
        description = None if is_missing(waiting) else "ninguna llamada en cola"
    else:
        description = f"la más larga: {fmt_wait(now.get('longest_wait_seconds'))}"
    return Card(WAITING_LABEL, fmt_int(waiting), description=description, help=help_text, width=1.6)


def today_cards(
    kpis: dict[str, Any] | None, line: dict[str, Any], now: dict[str, Any] | None
) -> list[Card]:
    """An inbound line's day so far (`kpis`: its kpi_line_daily row of the data's today,
    None without calls) and the calls waiting at the data's end (`now`). No repeat-contact
    card: its window of days cannot close within the day."""
    k = kpis or {}
    return [
        # narrow: a day's counts are short, and the waiting card's wait needs the room
        Card("Ofrecidas", _count(k, "offered"), width=0.8),
        Card("Atendidas", _count(k, "answered"), width=0.8),
        _service_level_card(kpis, line, TODAY_SUMS),
        _asa_card(kpis, line),
        _abandon_card(kpis, line),
        waiting_card(now),
    ]


# ---------------------------------------------------------------- outbound


def outbound_cards(kpis: dict[str, Any] | None, line: dict[str, Any]) -> list[Card]:
    k = kpis or {}
    closed = k.get("retention_closed", 0)
    return [
        Card("Intentos", _count(k, "attempts")),
        Card("Contactos", _count(k, "contacts")),
        _ratio_card(
            metric_label("contact_rate"),
            k.get("contact_rate"),
            period_target(kpis, line, "contact_rate_target"),
            help="Contactos (atendidas con conversación) / intentos, "
            "suma de los días (no promedio de porcentajes diarios).",
        ),
        Card(
            "Retenidos / Bajas",
            f"{_count(k, 'retained')} / {_count(k, 'cancelled')}",
            description=None if is_missing(closed) else f"{fmt_int(closed)} cerradas",
            help="Gestiones de retención cerradas: cliente retenido / baja confirmada.",
            width=1.1,
        ),
        _ratio_card(
            metric_label("retention_rate"),
            k.get("retention_rate"),
            period_target(kpis, line, "retention_rate_target"),
            help="Retenidos / (retenidos + bajas), suma de los días.",
        ),
    ]


# ---------------------------------------------------------------- back office


def backoffice_cards(kpis: dict[str, Any] | None, line: dict[str, Any]) -> list[Card]:
    k = kpis or {}
    stock_day = k.get("last_report_date")
    return [
        Card("Casos ingresados", _count(k, "cases_in")),
        Card("Resueltos", _count(k, "cases_resolved")),
        _ratio_card(
            "Dentro de objetivo",
            k.get("resolution_within_target_share"),
            period_target(kpis, line, "resolution_target_share"),
            goal=" de los resueltos",
            help="Resueltos dentro del plazo de su motivo (horas hábiles) / resueltos, "
            "suma de los días.",
        ),
        Card(
            "Backlog al cierre",
            fmt_int(k.get("backlog_end")),
            description=None if stock_day is None else f"abiertos al {fmt_date(stock_day)}",
            help="Casos abiertos al final del último día del período (un stock: "
            "no se suma entre días).",
            width=1.2,
        ),
        Card(
            "Tasa de reapertura",
            fmt_pct(k.get("reopen_rate")),
            help="Resueltos que se reabrieron / resueltos. Sin objetivo de contrato.",
            width=1.1,
        ),
    ]


# ---------------------------------------------------------------- social


def social_cards(kpis: dict[str, Any] | None, line: dict[str, Any]) -> list[Card]:
    k = kpis or {}
    hidden_share = k.get("hidden_share")
    return [
        Card("Interacciones", _count(k, "interactions"), width=0.9),
        Card("Respondidas", _count(k, "responded"), width=0.9),
        _ratio_card(
            "Dentro de objetivo",
            k.get("first_response_within_target_share"),
            period_target(kpis, line, "first_response_target_share"),
            goal=" en plazo",
            help="Respondidas dentro del plazo de su nivel de influencia (minutos "
            "hábiles) / interacciones, suma de los días.",
            width=1.6,
        ),
        Card(
            "Tiempo medio de primera respuesta",
            fmt_minutes(k.get("social_first_response_avg_seconds")),
            description="minutos hábiles",
            help="Tiempo hábil total hasta la primera respuesta / respondidas.",
            width=1.9,
        ),
        Card(
            "Ocultos",
            _count(k, "hidden"),
            description=None
            if is_missing(hidden_share)
            else f"{fmt_pct(hidden_share)} del total",
            help="Interacciones ocultadas / interacciones.",
            width=1.2,
        ),
        Card(
            "Escaladas al CRM",
            _count(k, "escalated"),
            help="Interacciones derivadas como caso al CRM.",
            width=1.1,
        ),
    ]


CardBuilder = Callable[[dict[str, Any] | None, dict[str, Any]], list[Card]]
CARD_BUILDERS: dict[str, CardBuilder] = {
    "inbound": inbound_cards,
    "outbound": outbound_cards,
    "backoffice": backoffice_cards,
    "social": social_cards,
}


def kpi_cards(kpis: dict[str, Any] | None, line: dict[str, Any]) -> list[Card]:
    """Cards for one line over one period, by the line's direction; `kpis` is None
    when it had no rows. Empty for a direction the dashboard does not know."""
    builder = CARD_BUILDERS.get(line.get("direction") or DEFAULT_DIRECTION)
    return builder(kpis, line) if builder else []


def _vs_target(
    value: Any, target: Any, fmt, *, higher_is_better: bool
) -> tuple[str | None, str]:
    if is_missing(value) or is_missing(target):
        return None, "off"
    meets = value >= target if higher_is_better else value <= target
    return fmt(value - target), GOOD if meets else BAD
