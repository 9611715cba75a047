"""Local days of the contract's time zone, as UTC epoch boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Buenos Aires has had no DST since 2009; used only when the tz database is missing.
_BUENOS_AIRES_FALLBACK = timezone(timedelta(hours=-3))


@cache
def get_tz(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return _BUENOS_AIRES_FALLBACK


def day_start_epoch(day: date, tz: tzinfo) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())


def local_date(epoch: float, tz: tzinfo) -> date:
    return datetime.fromtimestamp(epoch, tz).date()


def local_text(epoch: float, tz: tzinfo) -> str:
    return datetime.fromtimestamp(epoch, tz).strftime("%Y-%m-%d %H:%M:%S")


def yesterday(tz: tzinfo) -> date:
    return datetime.now(tz).date() - timedelta(days=1)


def holiday_checker(first: date, last: date):
    """Returns day -> bool for Argentine national holidays (none if the package is absent)."""
    try:
        import holidays
    except ImportError:
        return lambda day: False
    ar = holidays.country_holidays("AR", years=range(first.year, last.year + 1))
    return lambda day: day in ar
