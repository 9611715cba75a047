"""Spanish (Argentina) number and date formatting, independent of the OS locale, and the
Spanish wording of compliance states: one rendering of each figure for the dashboards and
the audit report."""

from __future__ import annotations

import datetime as dt
import numbers
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pandas as pd

MISSING = "—"
_WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def is_missing(value: Any) -> bool:
    # None, NaN, NaT and pd.NA all arrive from DuckDB/pandas as "no value".
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _spanish(text: str) -> str:
    # Swap separators of a Python-formatted number: 1,234.5 -> 1.234,5
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def exact(value: Any) -> Decimal:
    """The exact value of a number (a double's every digit), for quotients that must
    round as the true figure does: 5043 s / 60 is 84.05 min, a tie that rounds up,
    while the double 5043 / 60 lies just below it."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, numbers.Integral):  # numpy integers too
        return Decimal(int(value))
    return Decimal(float(value))


def _fixed(value: Any, decimals: int, scale: int = 1) -> str:
    """`value` × `scale` with `decimals` decimals and Python's separators (1,234.5),
    rounded half away from zero on the exact value: 131.25 -> '131.3' and 12.5 -> '13',
    where format() and round() round half to even ('131.2', '12'). A result that rounds
    to zero carries no sign."""
    with localcontext() as ctx:
        # every digit of a double times the scale: no rounding before the one below
        ctx.prec = 1100
        rounded = (exact(value) * scale).quantize(
            Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
        )
    if rounded.is_zero():
        rounded = abs(rounded)
    return f"{rounded:,.{decimals}f}"


def fmt_int(value: Any) -> str:
    if is_missing(value):
        return MISSING
    return _spanish(_fixed(value, 0))


def fmt_pct(ratio: Any, decimals: int = 1) -> str:
    """0.834 -> '83,4 %'"""
    if is_missing(ratio):
        return MISSING
    return _spanish(_fixed(ratio, decimals, 100)) + " %"


def fmt_pct_target(ratio: Any) -> str:
    """Targets are usually whole percents: 0.80 -> '80 %', 0.075 -> '7,5 %'."""
    if is_missing(ratio):
        return MISSING
    pct = ratio * 100
    return fmt_pct(ratio, 0 if abs(pct - round(pct)) < 1e-9 else 1)


def fmt_seconds(seconds: Any) -> str:
    """12.4 -> '12 s'"""
    if is_missing(seconds):
        return MISSING
    return fmt_int(seconds) + " s"


def fmt_minutes(seconds: Any) -> str:
    """Seconds shown as whole minutes: 1036.4 -> '17 min'"""
    if is_missing(seconds):
        return MISSING
    return fmt_int(exact(seconds) / 60) + " min"


def fmt_signed_pp(delta_ratio: float) -> str:
    """Difference of two ratios in percentage points: 0.034 -> '+3,4 pp'.

    The sign is an ASCII '-' because st.metric picks the arrow from it, and it
    follows the unrounded value: 79,96 % against 80 % reads '-0,0 pp', not '+'.
    """
    return _sign(delta_ratio) + _spanish(_fixed(abs(delta_ratio), 1, 100)) + " pp"


def fmt_signed_seconds(delta_seconds: float) -> str:
    return _sign(delta_seconds) + fmt_int(abs(delta_seconds)) + " s"


def _sign(value: float) -> str:
    return "-" if value < 0 else "+"


def fmt_wait(seconds: Any) -> str:
    """A call's wait to the second, rounded half away from zero: 45 -> '45 s',
    95 -> '1 min 35 s', 120 -> '2 min', 3725 -> '1 h 02 min' (seconds dropped past an hour)."""
    if is_missing(seconds):
        return MISSING
    total = max(int(exact(seconds).quantize(Decimal(1), rounding=ROUND_HALF_UP)), 0)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min" + (f" {secs:02d} s" if secs else "")
    hours, minutes = divmod(minutes, 60)
    return f"{fmt_int(hours)} h {minutes:02d} min"


def fmt_age(delta: dt.timedelta) -> str:
    """How old something is, in whole elapsed minutes (never rounded up): 40 s ->
    'menos de 1 min', 4 min 59 s -> '4 min', 2 h 5 min -> '2 h 05 min', 3 days 4 h ->
    '3 días 4 h'. A negative age (a clock behind the data) reads as none."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 1:
        return "menos de 1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes:02d} min" if minutes else "")
    days, hours = divmod(hours, 24)
    text = f"{fmt_int(days)} día{'' if days == 1 else 's'}"
    return text + (f" {hours} h" if hours else "")


def fmt_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def fmt_long_date(day: dt.date) -> str:
    """'lunes 03/11/2025'"""
    return f"{_WEEKDAYS[day.weekday()]} {fmt_date(day)}"


# ---------------------------------------------------------------- SLA compliance

_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
# sla_compliance_*.comparison
COMPARISON_SIGNS = {"at_least": "≥", "at_most": "≤"}
MET, NOT_MET, NO_VOLUME, PENDING = "Cumple", "No cumple", "Sin volumen", "Pendiente"


def fmt_month(month: dt.date) -> str:
    """date(2025, 10, 1) -> 'octubre 2025'"""
    return f"{_MONTHS[month.month - 1]} {month.year}"


def fmt_decimal(value: Any, decimals: int = 1) -> str:
    """A number with thousands dots and `decimals` decimals, shown as a whole
    number when it is one: 33.75 -> '33,8', 1200.0 -> '1.200'."""
    if is_missing(value):
        return MISSING
    if abs(value - round(value)) < 1e-9:
        return fmt_int(value)
    return _spanish(_fixed(value, decimals))


def fmt_percent_value(percent: Any, decimals: int = 1) -> str:
    """A figure already in percent (penalties: % of the monthly invoice):
    3.5 -> '3,5 %'."""
    if is_missing(percent):
        return MISSING
    return _spanish(_fixed(percent, decimals)) + " %"


def fmt_number(value: Any, decimals: int = 1) -> str:
    """A number with thousands dots and always `decimals` decimals: 33.0 -> '33,0'."""
    if is_missing(value):
        return MISSING
    return _spanish(_fixed(value, decimals))


def fmt_term_value(value: Any, unit: str | None) -> str:
    """A contract term's value by its unit: share 0.805 -> '80,5 %', seconds
    33.75 -> '33,8 s' (one decimal, so 30,4 s does not read as the 30 s target)."""
    if is_missing(value):
        return MISSING
    if unit == "share":
        return fmt_pct(value)
    if unit == "seconds":
        return fmt_number(value) + " s"
    return fmt_number(value)


def fmt_term_target(target: Any, comparison: str | None, unit: str | None) -> str:
    """'≥ 80,0 %', '≤ 5,0 %', '≤ 30 s' (seconds: whole unless the contract says otherwise)."""
    if is_missing(target):
        return MISSING
    if unit == "share":
        text = fmt_pct(target)
    else:
        text = fmt_decimal(target) + (" s" if unit == "seconds" else "")
    sign = COMPARISON_SIGNS.get(comparison or "")
    return f"{sign} {text}" if sign else text


def fmt_term_margin(margin: Any, unit: str | None) -> str:
    """Margin over the target, positive = better: '+2,0 pp' for shares,
    '-3,0 s' for seconds. The sign follows the unrounded value."""
    if is_missing(margin):
        return MISSING
    if unit == "share":
        return fmt_signed_pp(margin)
    suffix = " s" if unit == "seconds" else ""
    return _sign(margin) + fmt_number(abs(margin)) + suffix


def fmt_compliance(is_met: Any, pending_units: Any = None) -> str:
    """is_met -> 'Cumple' / 'No cumple'; null -> 'Pendiente' when units are pending
    (none of them due yet, so nothing to measure), else 'Sin volumen'."""
    if is_missing(is_met):
        return PENDING if not is_missing(pending_units) and pending_units > 0 else NO_VOLUME
    return MET if is_met else NOT_MET


def fmt_pending(pending_units: Any) -> str:
    """' · 3 pendientes' beside a figure; '' when none (or the copy has no count)."""
    if is_missing(pending_units) or pending_units <= 0:
        return ""
    return f" · {fmt_int(pending_units)} pendiente{'' if pending_units == 1 else 's'}"


def fmt_datetime(value: Any) -> str:
    """'02/10/2025 09:31:05'"""
    if is_missing(value):
        return MISSING
    return pd.Timestamp(value).strftime("%d/%m/%Y %H:%M:%S")


def fmt_time(value: Any) -> str:
    """'09:30'"""
    if is_missing(value):
        return MISSING
    return pd.Timestamp(value).strftime("%H:%M")


def fmt_iso_dates(text: Any) -> str:
    """Comma-separated ISO dates as Spanish dates: '2025-11-01,2025-11-02' ->
    '01/11/2025, 02/11/2025'; '' or null -> ''. A part that is not a date is
    kept as it is rather than failing the page."""
    if is_missing(text):
        return ""
    out = []
    for part in (p.strip() for p in str(text).split(",")):
        if not part:
            continue
        try:
            out.append(fmt_date(dt.date.fromisoformat(part)))
        except ValueError:
            out.append(part)
    return ", ".join(out)


# fct_sla_units.unit_state in Spanish: one wording for the dashboard and the audit report
UNIT_STATES = {
    "met": "cumplida",
    "missed": "incumplida",
    "pending": "pendiente",
    "excluded": "excluida",
}
