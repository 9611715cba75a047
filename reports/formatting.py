"""Spanish (Argentina) formatting of the report's figures, independent of the OS locale:
"80,5 %", "1.234", "25 s", "+0,5 pp"; dates stay ISO (2026-10-03)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

# The es-AR number primitives are shared with the dashboards, so the page and the report
# never render one figure two ways.
from presentation.es_ar import (
    MISSING,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_pct_target,
    fmt_seconds,
    is_missing,
)

THRESHOLD_UNITS = {"seconds": "s", "business_hours": "h hábiles", "business_minutes": "min hábiles"}


def _half_up(value: float, decimals: int = 0) -> float:
    # half away from zero (round() is banker's): 12.5 s -> 13 s
    scale = 10 ** decimals
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def fmt_percent_points(value: Any) -> str:
    """A figure already in percent (penalties): 4.5 -> '4,5 %', 10 -> '10 %', 2.25 -> '2,25 %'."""
    if is_missing(value):
        return MISSING
    text = fmt_number(value, 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + " %"


def fmt_value(value: Any, unit: str | None) -> str:
    """A term's value in its unit: shares as percent, seconds as 'NN s'."""
    return fmt_seconds(value) if unit == "seconds" else fmt_pct(value)


def fmt_target(target: Any, unit: str | None, comparison: str | None) -> str:
    text = fmt_seconds(target) if unit == "seconds" else fmt_pct_target(target)
    if text == MISSING:
        return text
    return ("máx. " if comparison == "at_most" else "mín. ") + text


def fmt_threshold(threshold: Any, threshold_unit: str | None) -> str:
    if is_missing(threshold):
        return MISSING
    number = fmt_int(threshold) if float(threshold).is_integer() else fmt_number(threshold, 1)
    return f"{number} {THRESHOLD_UNITS.get(threshold_unit or '', threshold_unit or '')}".strip()


def fmt_margin(margin: Any, unit: str | None) -> str:
    """Positive = better than target: shares in percentage points ('+0,5 pp'), seconds ('-12 s')."""
    if is_missing(margin):
        return MISSING
    value = float(margin)
    if unit == "seconds":
        rounded = _half_up(value)
        return ("-" if rounded < 0 else "+") + fmt_int(abs(value)) + " s"
    rounded = _half_up(value * 100, 1)
    return ("-" if rounded < 0 else "+") + fmt_number(abs(value) * 100, 1) + " pp"


def fmt_met(is_met: Any) -> str:
    if is_missing(is_met):
        return "Sin volumen"
    return "Cumple" if bool(is_met) else "No cumple"


def fmt_bool(value: Any) -> str:
    if is_missing(value):
        return MISSING
    return "Sí" if bool(value) else "No"


def fmt_date(value: Any) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fmt_text(value: Any) -> str:
    return MISSING if is_missing(value) or value == "" else str(value)
