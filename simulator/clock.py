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


class LocalText:
    """local_text() for many epochs: caches the local date and hour of each 15-minute
    bucket (every UTC offset and transition is a multiple of 15 minutes)."""

    def __init__(self, tz: tzinfo):
        self.tz = tz
        self.cache: dict[int, tuple[str, int]] = {}

    def __call__(self, epoch: float) -> str:
        e = int(epoch)
        r = e % 900
        bucket = e - r
        hit = self.cache.get(bucket)
        if hit is None:
            local = datetime.fromtimestamp(bucket, self.tz)
            hit = self.cache[bucket] = (local.strftime("%Y-%m-%d %H:"), local.minute)
        m, s = divmod(r, 60)
        return f"{hit[0]}{hit[1] + m:02d}:{s:02d}"
