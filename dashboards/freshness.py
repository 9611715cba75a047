"""How old the published data is against the wall clock, and whether that age is a fault.

The intraday page shows the data's own today (the day of the queue_log's last event), so its
figures never depend on the clock; only this age does. Old data is a fault only while calls
are expected: a quiet queue_log at night is normal. "Expected" is read from the data itself,
the hours of the day in which the queue lines were offered calls on their recent days, since
the contract file gives the inbound lines no opening hours. Pure functions but `now_utc`,
the one clock reading (tests replace it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from presentation.es_ar import fmt_age, fmt_date, fmt_time

# Older than this while the queues usually take calls, the page warns: the pipeline aims to
# show a queue_log line within a minute of its writing.
STALE_AFTER = dt.timedelta(minutes=10)
# How often the Hoy page looks for a new publication. The aim is a queue_log line on the page
# within a minute of its writing: the page's share of that minute is at most one refresh
# period, the rest is the sensor's tick (5 s, assets/sensors.py) and the pipeline's run (load,
# build, publish: about 45 s at a year of data, make bench, which counts this period too).
PAGE_REFRESH_SECONDS = 5


def now_utc() -> dt.datetime:
    """The wall clock, an aware UTC instant."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DataAge:
    data_end_local: dt.datetime
    age: dt.timedelta
    # the clock in the data's local time (the offset the data itself carries at its end)
    clock_local: dt.datetime
    # older than STALE_AFTER at an hour in which the queues usually take calls
    stale: bool


def data_age(
    data_end_local: dt.datetime,
    data_end_utc: dt.datetime,
    now: dt.datetime,
    usual_hours: set[int],
) -> DataAge:
    """The age of data ending at `data_end_*` (naive local and UTC timestamps of one
    instant) at the aware instant `now`; `usual_hours` are the local hours (0-23) in which
    calls usually arrive. A clock behind the data reads as age 0."""
    end = data_end_utc.replace(tzinfo=dt.UTC)
    age = max(now - end, dt.timedelta(0))
    clock_local = (now.astimezone(dt.UTC).replace(tzinfo=None)) + (data_end_local - data_end_utc)
    return DataAge(
        data_end_local=data_end_local,
        age=age,
        clock_local=clock_local,
        stale=age > STALE_AFTER and clock_local.hour in usual_hours,
    )


def last_event_text(a: DataAge) -> str:
    """'último evento de la central a las 10:12 · datos de hace 4 min'; the date joins the
    time when the last event is not of the clock's day."""
    when = f"a las {fmt_time(a.data_end_local)}"
    if a.data_end_local.date() != a.clock_local.date():
        when += f" del {fmt_date(a.data_end_local.date())}"
    return f"Último evento de la central {when} · datos de hace {fmt_age(a.age)}"


def stale_warning(a: DataAge) -> str | None:
    """The warning of data too old while calls are expected; None when it is fresh or the
    queues are usually quiet at this hour."""
    if not a.stale:
        return None
    return (
        f"Datos de hace {fmt_age(a.age)}: el último evento de la central es de las "
        f"{fmt_time(a.data_end_local)} del {fmt_date(a.data_end_local.date())} y a esta hora "
        "las colas suelen recibir llamadas. La carga puede estar detenida: revise el sensor "
        "de archivos nuevos en Dagster."
    )
