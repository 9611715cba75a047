"""The words of the contract file: line directions, service-level denominators, the SLA
metrics, comparisons and periods of a term, the resolution classes of a case state, and the
defaults a file may leave out (time zone, interval length, the line of unclaimed queues).

Every other module spells these through here, so a metric or a direction is named once.
"""

from __future__ import annotations

from dataclasses import dataclass

# The contract's local time (timezone:) and the zone of the sources that write local times
# (CDR, CRM, OTRS, outages) when the file or the source's options name none. Argentina has
# kept UTC-3 without DST since 2009.
DEFAULT_TIME_ZONE = "America/Argentina/Buenos_Aires"
# interval_minutes: the length of the intervals of the interval figures; it divides a day
DEFAULT_INTERVAL_MINUTES = 30
# unmapped_line: the line that reports the calls of queues no line claims
DEFAULT_UNMAPPED_LINE = "sin_mapear"
UNMAPPED_LINE_NAME = "Colas sin línea asignada"

DIRECTIONS = ("inbound", "outbound", "backoffice", "social")

DEFAULT_DENOMINATOR = "offered_minus_short_abandons"
DENOMINATORS = {
    DEFAULT_DENOMINATOR: "calls offered minus short abandons (DESIGN.md §5 default)",
    "offered": "every call offered, short abandons included",
    "answered": "answered calls only",
    "answered_plus_abandoned": "answered plus abandoned (not short) calls",
}

# What a ticket or case state means for the SLA (contract file, measurement.case_states):
# resolved counts as a resolution; closed_unresolved closes the case without one (it counts in
# the resolution term's denominator, not its numerator); open is still being worked;
# not_counted is not a case of its own (a ticket merged into another, a removed one).
RESOLUTION_CLASSES = ("resolved", "closed_unresolved", "open", "not_counted")
CASE_STATE_SOURCES = ("crm", "otrs")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Metric:
    unit: str  # share | seconds
    comparison: str  # at_least | at_most
    directions: tuple[str, ...]
    threshold_key: str | None  # the term key that carries its threshold, if any
    threshold_unit: str | None
    threshold_required: bool
    label: str  # a term's name when the file gives none (raw.contract_terms.term_name)
    # the metric's name in the report's tables, where the term's own name stands beside it
    short_label: str


METRICS = {
    "service_level": Metric("share", "at_least", ("inbound",), "threshold_seconds", "seconds", True,
                            "Nivel de servicio", "Nivel de servicio"),
    "abandon_rate": Metric("share", "at_most", ("inbound",), None, None, False, "Tasa de abandono",
                           "Tasa de abandono"),
    "average_speed_of_answer": Metric("seconds", "at_most", ("inbound",), None, None, False,
                                      "Velocidad media de atención", "Velocidad media de atención"),
    "staffed_positions": Metric("share", "at_least", ("inbound",), None, None, False,
                                "Posiciones contratadas cubiertas", "Posiciones cubiertas"),
    "contact_rate": Metric("share", "at_least", ("outbound",), None, None, False, "Tasa de contacto",
                           "Tasa de contacto"),
    "retention_rate": Metric("share", "at_least", ("outbound",), None, None, False, "Tasa de retención",
                             "Tasa de retención"),
    "resolution_within_target": Metric("share", "at_least", ("backoffice",), "threshold_business_hours",
                                       "business_hours", False, "Resolución dentro del plazo",
                                       "Resolución en plazo"),
    "first_response_within_target": Metric("share", "at_least", ("backoffice", "social"), None, None, False,
                                           "Primera respuesta dentro del plazo", "Primera respuesta en plazo"),
}
COMPARISONS = {"at_least": "at_least", ">=": "at_least", "at_most": "at_most", "<=": "at_most"}
PERIODS = ("month",)


def metric_label(metric: str | None) -> str | None:
    """The metric's short label; an unknown code as it is (None stays None)."""
    return METRICS[metric].short_label if metric in METRICS else metric
