"""Spanish (Argentina) number and date formatting, independent of the OS locale."""

from __future__ import annotations

import datetime as dt
import math
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


def fmt_int(value: Any) -> str:
    if is_missing(value):
        return MISSING
    # Half away from zero; round() would give 12 for 12.5 s.
    whole = math.floor(abs(value) + 0.5)
    return ("-" if value < 0 and whole else "") + _spanish(f"{whole:,d}")


def fmt_pct(ratio: Any, decimals: int = 1) -> str:
    """0.834 -> '83,4 %'"""
    if is_missing(ratio):
        return MISSING
    return _spanish(f"{ratio * 100:,.{decimals}f}") + " %"


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
    return fmt_int(seconds / 60) + " min"


def fmt_signed_pp(delta_ratio: float) -> str:
    """Difference of two ratios in percentage points: 0.034 -> '+3,4 pp'.

    The sign is an ASCII '-' because st.metric picks the arrow from it, and it
    follows the unrounded value: 79,96 % against 80 % reads '-0,0 pp', not '+'.
    """
    return _sign(delta_ratio) + _spanish(f"{abs(delta_ratio) * 100:,.1f}") + " pp"


def fmt_signed_seconds(delta_seconds: float) -> str:
    return _sign(delta_seconds) + fmt_int(abs(delta_seconds)) + " s"


def _sign(value: float) -> str:
    return "-" if value < 0 else "+"


def fmt_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def fmt_long_date(day: dt.date) -> str:
    """'lunes 03/11/2025'"""
    return f"{_WEEKDAYS[day.weekday()]} {fmt_date(day)}"
