"""Business-hours calendars: the contract's opening hours per weekday, minus Argentine
national holidays. Back-office work (first responses, resolutions, outbound dialling)
only advances while the calendar is open, so targets in business hours come out right.

The exception is the on-call duty ("guardia") of a closed day: a share of what arrives
on a weekend day or holiday the line does not work is answered (and sometimes closed)
before the next working day begins. Such a span holds no business window at all, so it
is worth 0 business seconds: the edge the warehouse must not count as wall-clock time.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from .clock import day_start_epoch

# share of the items arriving on a closed day that the on-call duty answers that same stretch
ON_CALL_SHARE = 0.4


def _seconds(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


class BusinessCalendar:
    """Open spans (epochs) from `first` to `last`; hours None means every hour counts."""

    def __init__(self, hours: dict | None, is_holiday, tz, first: date, last: date):
        self.opens: list[int] = []
        self.closes: list[int] = []
        self.day_starts: list[int] = []  # every local day of the calendar
        self.day_open: list[bool] = []  # whether that day has a business window
        d = first
        while d <= last:
            self.day_starts.append(day_start_epoch(d, tz))
            if hours is None:
                span = (0, 86400)
            elif is_holiday(d) or d.weekday() not in hours:
                span = None
            else:
                o, c = hours[d.weekday()]
                span = (_seconds(o), _seconds(c))
            self.day_open.append(span is not None)
            if span is not None:
                ds = self.day_starts[-1]
                self.opens.append(ds + span[0])
                self.closes.append(ds + span[1])
            d += timedelta(days=1)
        self.cum = [0]  # business seconds before span i
        for o, c in zip(self.opens, self.closes):
            self.cum.append(self.cum[-1] + c - o)

    def position(self, t: float) -> float:
        """Business seconds elapsed from the calendar's start to `t`."""
        i = bisect_right(self.opens, t) - 1
        if i < 0:
            return 0.0
        return self.cum[i] + min(t, self.closes[i]) - self.opens[i]

    def add(self, t: float, seconds: float) -> float:
        """The moment `seconds` business seconds after `t` (t itself if seconds <= 0)."""
        if seconds <= 0:
            return t
        target = self.position(t) + seconds
        cum = self.cum
        j = bisect_right(cum, target) - 1  # cum[j] <= target < cum[j+1]
        if j >= len(self.opens):  # past the calendar: keep counting calendar time
            return self.closes[-1] + (target - cum[-1]) if self.closes else t + seconds
        if cum[j] == target and j > 0:
            return self.closes[j - 1]  # exactly used up at the previous span's close
        return self.opens[j] + (target - cum[j])

    def elapsed(self, a: float, b: float) -> float:
        """Business seconds between a and b."""
        return self.position(b) - self.position(a)

    def is_open(self, t: float) -> bool:
        i = bisect_right(self.opens, t) - 1
        return i >= 0 and t < self.closes[i]

    def next_open(self, t: float) -> float | None:
        """t when open, else the next opening (None past the calendar)."""
        i = bisect_right(self.opens, t) - 1
        if i >= 0 and t < self.closes[i]:
            return t
        return self.opens[i + 1] if i + 1 < len(self.opens) else None

    def span_of_day(self, day_start: int, day_end: int) -> tuple[int, int] | None:
        """(open, close) of the span that starts inside the local day, if any."""
        i = bisect_right(self.opens, day_start - 1)
        if i < len(self.opens) and self.opens[i] < day_end:
            return self.opens[i], self.closes[i]
        return None

    def closed_until(self, t: float) -> int | None:
        """When t falls on a day without a business window (a weekend day the line does not
        work, a holiday): the start of the next day that has one, the end of the closed
        stretch. None on a working day, outside the calendar, or with no working day after."""
        i = bisect_right(self.day_starts, t) - 1
        if i < 0 or i >= len(self.day_starts) or self.day_open[i]:
            return None
        j = i + 1
        while j < len(self.day_starts) and not self.day_open[j]:
            j += 1
        return self.day_starts[j] if j < len(self.day_starts) else None

    def on_call(self, t: float, seconds: float, u: float) -> float | None:
        """t + seconds (wall clock) when the on-call duty takes an item created at t on a
        closed day (drawn u < ON_CALL_SHARE) and finishes before the stretch ends; else None."""
        end = self.closed_until(t)
        if end is None or u >= ON_CALL_SHARE or t + seconds >= end:
            return None
        return t + seconds
