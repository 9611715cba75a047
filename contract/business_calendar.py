"""The contract's business calendar as rows: per line and day, the business window.

A line's `business_hours` in the contract file give the window per weekday; Argentine
national holidays (the `holidays` package, not a hand-written list) close the day, and so
do the bridge days ("feriados con fines turísticos") and Holy Thursday, which the package
lists with them (docs/contract_defaults.md#business-time-holidays-bridge-days-and-closed-days).
A line without business hours counts every hour of every day. dbt sums the overlap of a
case's life with these windows to get durations in business hours; a life that meets no
window is worth 0.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays

from contract.loader import ContractConfig

FIRST_YEAR = 2012


def calendar_rows(config: ContractConfig, last_year: int) -> list[tuple]:
    """(line_code, day, is_business_day, holiday_name, open_time, close_time) rows."""
    national = holidays.country_holidays("AR", years=range(FIRST_YEAR, last_year + 1), language="es")
    days = [date(FIRST_YEAR, 1, 1) + timedelta(n)
            for n in range((date(last_year, 12, 31) - date(FIRST_YEAR, 1, 1)).days + 1)]
    rows = []
    for line in config.lines:
        for day in days:
            holiday = national.get(day)
            if line.business_hours is None:
                rows.append((line.code, day, True, holiday, "00:00", "24:00"))
                continue
            window = line.business_hours.get(day.weekday())
            if holiday or window is None:
                rows.append((line.code, day, False, holiday, None, None))
            else:
                rows.append((line.code, day, True, None, *window))
    return rows
