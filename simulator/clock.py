"""Local days of the contract's time zone, as UTC epoch boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover - Python 3.11 always has it
    ZoneInfo = None  # type: ignore[assignment]

# Buenos Aires has had no DST since 2009; used only when the tz database is missing.
_BUENOS_AIRES_FALLBACK = timezone(timedelta(hours=-3))


@lru_cache(maxsize=None)
def get_tz(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except Exception:
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

        ar = holidays.country_holidays("AR", years=range(first.year, last.year + 1))
    except Exception:
        return lambda day: False
    return lambda day: day in ar
