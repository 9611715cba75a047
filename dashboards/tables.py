"""Small tables shown beside the cards: DataFrames of Spanish-formatted strings,
built without Streamlit calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from presentation.es_ar import (
    MISSING,
    UNIT_STATES,
    exact,
    fmt_compliance,
    fmt_date,
    fmt_datetime,
    fmt_decimal,
    fmt_int,
    fmt_pct,
    fmt_percent_value,
    fmt_seconds,
    fmt_term_margin,
    fmt_term_target,
    fmt_term_value,
    fmt_time,
    is_missing,
)

TIER_LABELS = {"alto": "Alto", "medio": "Medio", "bajo": "Bajo"}
TIER_TABLE_COLUMNS = ["Interacciones", "Respondidas", "Dentro de objetivo", "Objetivo"]


def social_tier_table(tiers: pd.DataFrame) -> pd.DataFrame:
    """One row per influence tier of one line and day, indexed by "Influencia":
    alto, medio and bajo always (zero when the tier had no interactions), then any
    other tier the data holds.

    `tiers` needs influence_tier, interactions, responded, responded_within_target
    and first_response_target_minutes. "Dentro de objetivo" is responded within
    the tier's target over interactions, like the line's card.
    """
    by_tier = {row["influence_tier"]: row for row in tiers.to_dict(orient="records")}
    order = list(TIER_LABELS) + [t for t in by_tier if t not in TIER_LABELS]
    rows = []
    for tier in order:
        row = by_tier.get(tier, {})
        interactions = row.get("interactions", 0)
        within = row.get("responded_within_target")
        minutes = row.get("first_response_target_minutes")
        share = (
            within / interactions
            if not is_missing(within) and not is_missing(interactions) and interactions
            else None
        )
        rows.append(
            {
                "Influencia": TIER_LABELS.get(tier, str(tier)),
                "Interacciones": fmt_int(interactions),
                "Respondidas": fmt_int(row.get("responded", 0)),
                "Dentro de objetivo": fmt_pct(share),
                "Objetivo": MISSING if is_missing(minutes) else f"{fmt_int(minutes)} min",
            }
        )
    return pd.DataFrame(rows, columns=["Influencia", *TIER_TABLE_COLUMNS]).set_index(
        "Influencia"
    )


# ---------------------------------------------------------------- SLA compliance

ADJUSTED_LABEL = "Ajustado (sin fallas masivas)"
SLA_TERM_COLUMNS = [
    "Línea",
    "Término",
    "Objetivo",
    "Bruto",
    ADJUSTED_LABEL,
    "Excluidas",
    "Volumen",
    "Pendientes",
    "Estado",
    "Margen",
    "Penalidad",
]
SLA_PERIOD_COLUMNS = [
    "Bruto",
    ADJUSTED_LABEL,
    "Excluidas",
    "Volumen",
    "Pendientes",
    "Estado",
    "Margen",
]


def sla_terms_table(terms: pd.DataFrame) -> pd.DataFrame:
    """The contract terms of sla_compliance_monthly as Spanish strings, one row
    per line and term in the order given: target with its comparison, raw and
    adjusted value, units excluded for massive outages, volume, units pending (not due
    yet: in no figure), Cumple / No cumple / Pendiente / Sin volumen, margin over the
    target and penalty (% of the invoice)."""
    rows = []
    for t in terms.to_dict(orient="records"):
        unit = t.get("unit")
        rows.append(
            {
                "Línea": t.get("line_name") or t.get("line_code"),
                "Término": t.get("term_name") or t.get("term_code"),
                "Objetivo": fmt_term_target(t.get("target"), t.get("comparison"), unit),
                "Bruto": fmt_term_value(t.get("raw_value"), unit),
                ADJUSTED_LABEL: fmt_term_value(t.get("adjusted_value"), unit),
                "Excluidas": fmt_int(t.get("excluded_units")),
                "Volumen": fmt_int(t.get("volume")),
                "Pendientes": fmt_int(t.get("pending_units")),
                "Estado": fmt_compliance(t.get("is_met"), t.get("pending_units")),
                "Margen": fmt_term_margin(t.get("margin"), unit),
                "Penalidad": fmt_percent_value(t.get("penalty_percent")),
            }
        )
    return pd.DataFrame(rows, columns=SLA_TERM_COLUMNS)


def sla_terms_csv(table: pd.DataFrame) -> bytes:
    """A formatted table as CSV for a Spanish spreadsheet: ';' separated (the
    values hold decimal commas), UTF-8 with BOM so Excel reads the accents."""
    return table.to_csv(index=False, sep=";").encode("utf-8-sig")


def sla_period_table(periods: pd.DataFrame, *, by_interval: bool = False) -> pd.DataFrame:
    """A term's days (report_date) or intervals (interval_start) of
    sla_compliance_daily / _interval as Spanish strings; "Volumen" is the
    adjusted denominator."""
    rows = []
    for p in periods.to_dict(orient="records"):
        unit = p.get("unit")
        when = (
            fmt_time(p.get("interval_start"))
            if by_interval
            else fmt_date(pd.Timestamp(p.get("report_date")).date())
        )
        rows.append(
            {
                "Intervalo" if by_interval else "Día": when,
                "Bruto": fmt_term_value(p.get("raw_value"), unit),
                ADJUSTED_LABEL: fmt_term_value(p.get("adjusted_value"), unit),
                "Excluidas": fmt_int(p.get("excluded_units")),
                "Volumen": fmt_decimal(p.get("adjusted_denominator")),
                "Pendientes": fmt_int(p.get("pending_units")),
                "Estado": fmt_compliance(p.get("is_met"), p.get("pending_units")),
                "Margen": fmt_term_margin(p.get("margin"), unit),
            }
        )
    first = "Intervalo" if by_interval else "Día"
    return pd.DataFrame(rows, columns=[first, *SLA_PERIOD_COLUMNS])


CALL_OUTCOMES = {
    "answered": "atendida",
    "abandoned": "abandonada",
    "timeout": "tiempo de espera agotado",
    "exit_with_key": "salida con tecla",
    "exit_empty": "salida por cola vacía",
    "withdrawn": "retirada",
    "unknown": "desconocido",
    # no answer and no ending event: still in progress at the data's end, or never logged
    "pending": "en curso (sin fin aún)",
    "lost_record": "registro perdido (sin fin)",
    # call-detail logs of other ACDs
    "phantom": "virtual (no se cuenta)",
    "no_queue": "cortó antes de la cola",
    # outbound attempts (CDR disposition)
    "no_answer": "sin respuesta",
    "busy": "ocupado",
    "failed": "fallida",
    "congestion": "congestión",
    "cancelled": "cancelada",
}
PLATFORMS = {"twitter": "Twitter", "facebook": "Facebook"}


def _label(labels: dict[str, str]) -> Callable[[Any], str]:
    return lambda v: MISSING if is_missing(v) else labels.get(v, str(v))


def _text(value: Any) -> str:
    return MISSING if is_missing(value) else str(value)


def _hours(seconds: Any) -> str:
    return MISSING if is_missing(seconds) else fmt_decimal(exact(seconds) / 3600) + " h"


def _minutes(seconds: Any) -> str:
    return MISSING if is_missing(seconds) else fmt_decimal(exact(seconds) / 60) + " min"


def _yes_no(value: Any) -> str:
    return MISSING if is_missing(value) else ("Sí" if value else "No")


# Per unit_kind of fct_sla_units: (column of queries.sla_units, header, format).
UNIT_KIND_COLUMNS: dict[str, list[tuple[str, str, Callable[[Any], str]]]] = {
    "call": [
        ("unit_key", "Llamada", _text),
        ("call_entered_at_local", "Ingreso a la cola", fmt_datetime),
        ("call_queue_name", "Cola", _text),
        ("call_wait_seconds", "Espera", fmt_seconds),
        ("call_outcome", "Resultado", _label(CALL_OUTCOMES)),
        ("call_agent", "Agente", _text),
    ],
    "case": [
        ("unit_key", "Caso", _text),
        ("case_created_at_local", "Creado", fmt_datetime),
        ("case_motive", "Motivo", _text),
        ("case_first_response_business_seconds", "Primera respuesta (horas hábiles)", _hours),
        ("case_resolution_business_seconds", "Resolución (horas hábiles)", _hours),
        ("case_status", "Estado", _text),
    ],
    "interaction": [
        ("unit_key", "Interacción", _text),
        ("interaction_platform", "Plataforma", _label(PLATFORMS)),
        ("interaction_created_at_local", "Creada", fmt_datetime),
        ("interaction_influence_tier", "Influencia", _label(TIER_LABELS)),
        (
            "interaction_first_response_business_seconds",
            "Primera respuesta (hábil)",
            _minutes,
        ),
    ],
    "interval": [
        ("interval_start", "Intervalo", fmt_datetime),
        ("unit_key", "Clave del intervalo", _text),
    ],
}
UNIT_COMMON_COLUMNS: list[tuple[str, str, Callable[[Any], str]]] = [
    ("numerator", "Numerador", fmt_decimal),
    ("denominator", "Denominador", fmt_decimal),
    ("unit_state", "Estado SLA", _label(UNIT_STATES)),
    ("is_excluded", "Excluida", _yes_no),
    ("outage_id", "Falla masiva", _text),
]


def sla_units_table(units: pd.DataFrame) -> pd.DataFrame:
    """The units behind a term's day or interval (queries.sla_units) as Spanish
    strings: the detail columns of their unit_kind (call, case, interaction or
    staffing interval), then numerator, denominator, state (met, missed, pending,
    excluded), excluded and outage. Units
    of several kinds (not expected) get a "Tipo" column and the union of details."""
    kinds = [k for k in dict.fromkeys(units["unit_kind"]) if not is_missing(k)]
    spec: list[tuple[str, str, Callable[[Any], str]]] = []
    if len(kinds) == 1 and kinds[0] in UNIT_KIND_COLUMNS:
        spec += UNIT_KIND_COLUMNS[kinds[0]]
    else:
        spec.append(("unit_kind", "Tipo", _text))
        spec.append(("unit_key", "Unidad", _text))
        for kind in kinds:
            spec += [c for c in UNIT_KIND_COLUMNS.get(kind, []) if c[0] != "unit_key"]
    spec += UNIT_COMMON_COLUMNS
    rows = [
        {header: fmt(row.get(column)) for column, header, fmt in spec}
        for row in units.to_dict(orient="records")
    ]
    return pd.DataFrame(rows, columns=[header for _, header, _ in spec])
