"""generate(): plans staffing, simulates day after day and writes the queue_log files."""

from __future__ import annotations

import math
import time
from datetime import date, timedelta
from itertools import count
from pathlib import Path

import numpy as np

from contract import load_config
from ingestion.settings import config_path

from .clock import day_start_epoch, get_tz, holiday_checker, local_text, yesterday
from .contract import contract_spec
from .demand import CallerPopulation, draw_arrivals, forecast_rates
from .engine import LineEngine
from .housekeeping import (
    CRASHES_PER_30_DAYS,
    crash_days,
    crash_moment,
    find_quiet_moment,
    restart_days,
    system_events,
)
from .names import agent_names
from .outages import day_multipliers, pick_outages, write_outages_csv
from .profiles import build_line_model, keyword_queue
from .sources import OtherSources, clean_sources
from .staffing import Roster, Shift, pause_plan, plan_shifts, required_positions
from .writer import DayStats, QueueLogWriter

DEFAULT_SEED = 20130527
DEFAULT_DAYS = 90
OUTAGES_PER_90_DAYS = 3
POPULATION_PER_POSITION_SCALE = 300_000
# shifts of the next day that start this soon after midnight are logged in early
# enough to take the calls still waiting at midnight
LOOKAHEAD_S = 6 * 3600

# Purposes of the independent random streams; a day's draws depend on (seed, purpose,
# day, line) only, so they do not shift when the range or another stream changes.
_ARRIVALS, _ENGINE, _PAUSES, _WRITER, _NAMES, _CALLERS, _SYSTEM = 1, 2, 3, 4, 5, 6, 7


def outages_csv_path(out_dir: str | Path) -> Path:
    """The outage list lives in a sibling folder of the queue_log folder."""
    return Path(out_dir).resolve().parent / "outages" / "outages.csv"


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _live_seconds(live_until: str | None) -> int | None:
    """'HH:MM' -> seconds after midnight; None for no live day."""
    if live_until is None:
        return None
    hours, minutes = (int(x) for x in str(live_until).split(":"))
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"live_until must be HH:MM, got {live_until!r}")
    return hours * 3600 + minutes * 60


def _handoff_targets(models) -> list[tuple[int, int] | None]:
    """Per line, the (line, queue) its agents hand calls to (LineTraits.queue_transfer_to).
    Only a line simulated later in the day can take them (lines run in contract order)."""
    targets = []
    for li, m in enumerate(models):
        target = None
        if m.traits.queue_transfer_share > 0:
            for lj in range(li + 1, len(models)):
                qj = keyword_queue(models[lj].queues, m.traits.queue_transfer_to)
                if qj >= 0:
                    target = (lj, qj)
                    break
        targets.append(target)
    return targets


def _deliver(engines, li: int, targets) -> None:
    """Hands the calls line li's agents transferred to the target line's engine."""
    eng = engines[li]
    if targets[li] is not None:
        lj, qj = targets[li]
        for t, token, caller in eng.handoffs:
            engines[lj].accept(t, qj, caller, token)
    eng.handoffs.clear()


def _staff(plans, plan_days, plan_starts, seed, sim_start) -> tuple[list[list[Shift]], list[str]]:
    """Names the agents of each line and gives every planned shift an agent and breaks.

    The plan includes the day before the simulation, whose late shifts are still on at
    its first midnight; they appear logged in from `sim_start` on."""
    sizes = [Roster.size_for(max(len(p) for p in pl)) for pl in plans]
    names = agent_names(sum(sizes), np.random.default_rng([seed, _NAMES]))
    shifts_by_line, offset = [], 0
    for li, (pl, size) in enumerate(zip(plans, sizes)):
        # agents keep roughly the same start time, spread like the busiest day's shifts
        busiest = sorted(st for st, _ in max(pl, key=len))
        prefs = [
            busiest[(i * len(busiest)) // size] if busiest else 0 for i in range(size)
        ]
        roster = Roster(names[offset : offset + size], prefs)
        offset += size
        shifts = []
        for d, (day, day_plan) in enumerate(zip(plan_days, pl)):
            rng = np.random.default_rng([seed, _PAUSES, day.toordinal(), li])
            for agent, s, e in roster.assign(day, plan_starts[d], day_plan):
                login_paused, pauses = pause_plan(s, e, plan_starts[d], rng)
                if e <= sim_start:
                    continue
                if s < sim_start:
                    login_paused, s = 0.0, float(sim_start)
                    pauses = [p for p in pauses if p[0] >= s]
                shifts.append(Shift(agent, s, e, login_paused, pauses))
        shifts.sort(key=lambda sh: (sh.start, sh.agent))
        shifts_by_line.append(shifts)
    return shifts_by_line, names


def generate(
    out_dir: str | Path,
    days: int = DEFAULT_DAYS,
    end: date | str | None = None,
    seed: int = DEFAULT_SEED,
    positions_scale: float = 1.0,
    load_factor: float = 1.0,
    outage_days: int | None = None,
    config: str | Path | None = None,
    clean: bool = False,
    progress=None,
    sources: bool = True,
    crashes: int | None = None,
    live_until: str | None = None,
) -> dict:
    """Simulates `days` local days ending on `end` (default: yesterday in the contract's
    time zone) and writes `out_dir/queue_log-YYYYMMDD` files plus the outage CSV.

    positions_scale multiplies contracted positions and demand alike (a bigger or
    smaller operation with the same load per position); load_factor multiplies
    arrivals only (an unplanned surge). outage_days defaults to 3 per 90 days.
    config is the contract file (default: SLA_CONFIG, else config/contract.yml).
    sources (default) also writes the other sources of the same operation next to
    out_dir: cdr/Master.csv, crm/, otrs/, social/twitter/, social/facebook/ (sources.py).
    crashes: PBX restarts in office hours that cut the calls up at that moment (their
    queue_log ends are never written); default 1 per 30 days. live_until ("HH:MM"): the
    queue_log also holds the live file of the day after `end` as read at that local time,
    with the calls then still waiting or talking and no line after it; the other sources
    stay as exported at midnight. Without it, the file after `end` holds only the tail of
    the calls and shifts running past the last midnight.
    Returns a summary dict (per-line and per-day KPIs, outages, files written, and under
    "sources" the volumes of each other source).
    """
    if days < 1:
        raise ValueError("days must be >= 1")
    t_start = time.perf_counter()
    loaded = load_config(Path(config) if config is not None else config_path())
    contract = contract_spec(loaded)
    tz = get_tz(contract.timezone)
    end = _as_date(end) or yesterday(tz)
    day_list = [end - timedelta(days=days - 1 - i) for i in range(days)]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if clean:
        for old in out_dir.glob("queue_log-*"):
            old.unlink()
        if sources:
            clean_sources(out_dir.resolve().parent)

    models = [build_line_model(spec, positions_scale) for spec in contract.lines]
    live_s = _live_seconds(live_until)
    live_day = end + timedelta(days=1)
    plan_days = [day_list[0] - timedelta(days=1), *day_list]
    if live_s is not None:
        plan_days.append(live_day)
    is_holiday = holiday_checker(plan_days[0], plan_days[-1])
    if outage_days is None:
        outage_days = round(days * OUTAGES_PER_90_DAYS / DEFAULT_DAYS)
    outages = pick_outages(day_list, outage_days, seed, tz)
    starts_of = [day_start_epoch(d, tz) for d in day_list] + [
        day_start_epoch(end + timedelta(days=1), tz)
    ]

    # --- workforce plan from the forecast --------------------------------------------
    forecasts = [
        [forecast_rates(m, d, is_holiday(d)) for d in plan_days] for m in models
    ]
    plans = [
        [plan_shifts(m, required_positions(m, f)) for f in fc]
        for m, fc in zip(models, forecasts)
    ]
    plan_starts = [day_start_epoch(plan_days[0], tz), *starts_of]
    shifts_by_line, inbound_agents = _staff(plans, plan_days, plan_starts, seed, starts_of[0])

    # --- simulation, one local day at a time ------------------------------------------
    population = CallerPopulation(
        max(1000, int(POPULATION_PER_POSITION_SCALE * positions_scale)),
        np.random.default_rng([seed, _CALLERS]),
    )
    order = count()
    engines = [LineEngine(m, order) for m in models]
    writer = QueueLogWriter(
        out_dir,
        population.numbers,
        first_seq=int(np.random.default_rng([seed, _WRITER]).integers(1000, 60000)),
    )
    others = None
    if sources:
        others = OtherSources(
            out_dir.resolve().parent,
            loaded,
            tz,
            day_list,
            starts_of,
            seed,
            positions_scale,
            population.numbers,
            is_holiday,
            inbound_agents,
            models,
            outages,
        )
    restarts = restart_days(day_list, seed)
    if crashes is None:
        crashes = round(days * CRASHES_PER_30_DAYS / 30)
    crashing = crash_days(day_list, seed, crashes)
    targets = _handoff_targets(models)
    pushed = [0] * len(models)
    totals = {m.code: DayStats() for m in models}
    daily: dict[str, dict] = {}
    files, lines_written, restart_log, crash_log = [], 0, [], []

    for d, day in enumerate(day_list):
        ds, de = starts_of[d], starts_of[d + 1]
        last = d == len(day_list) - 1
        recs_by_line = []
        for li, (m, eng) in enumerate(zip(models, engines)):
            horizon = de if last and live_s is None else de + LOOKAHEAD_S
            shifts = shifts_by_line[li]
            while pushed[li] < len(shifts) and shifts[pushed[li]].start < horizon:
                eng.add_shift(shifts[pushed[li]])
                pushed[li] += 1
            rng = np.random.default_rng([seed, _ARRIVALS, day.toordinal(), li])
            arr_t, arr_q = draw_arrivals(
                m,
                forecasts[li][d + 1],
                ds,
                day_multipliers(m, outages, ds),
                load_factor,
                rng,
            )
            callers = population.draw(len(arr_t), rng)
            recs = eng.run_day(
                ds,
                de,
                arr_t,
                arr_q,
                callers,
                np.random.default_rng([seed, _ENGINE, day.toordinal(), li]),
            )
            eng.flush(de)
            writer.add_events(eng.drain_events())
            _deliver(engines, li, targets)
            recs_by_line.append((m, recs))
        sys_rng = np.random.default_rng([seed, _SYSTEM, day.toordinal()])
        cut_at = None
        if day in crashing:
            restart_at = cut_at = crash_moment(ds, recs_by_line, seed, day)
            crash_log.append(local_text(restart_at, tz))
        else:
            restart_at = find_quiet_moment(ds, recs_by_line) if day in restarts else None
            if restart_at is not None:
                restart_log.append(local_text(restart_at, tz))
        writer.add_events(system_events(ds, restart_at, sys_rng))
        extra = others.before_ids(day, ds, de, recs_by_line) if others else ()
        day_stats = writer.add_calls(
            recs_by_line,
            restart_at,
            np.random.default_rng([seed, _WRITER, day.toordinal()]),
            extra,
            cut_at=cut_at,
        )
        if others:
            others.after_ids(recs_by_line, writer.last_ids)
        path, n = writer.write_day(day, de)
        files.append(path.name)
        lines_written += n
        daily[day.isoformat()] = {code: st.as_dict() for code, st in day_stats.items()}
        for code, st in day_stats.items():
            totals[code].add(st)
        if progress is not None and ((d + 1) % 10 == 0 or last):
            progress(
                day,
                d + 1,
                len(day_list),
                sum(st.offered for st in day_stats.values()),
                {code: st.as_dict() for code, st in totals.items()},
            )

    if live_s is None:
        # Events after the last midnight (calls that straddle it, the end of shifts running
        # past it) go to the next day's file, as the live log would hold them.
        for eng in engines:
            eng.flush(math.inf)
            writer.add_events(eng.drain_events())
        if writer.pending:
            path, n = writer.write_day(live_day, math.inf)
            files.append(path.name)
            lines_written += n
    else:
        path, n, live_stats = _live_day(
            live_day, starts_of[-1], starts_of[-1] + live_s, models, engines, shifts_by_line,
            pushed, forecasts, outages, load_factor, population, writer, targets, seed,
        )
        files.append(path.name)
        lines_written += n
        daily[live_day.isoformat()] = {code: st.as_dict() for code, st in live_stats.items()}
        for code, st in live_stats.items():
            totals[code].add(st)

    csv_path = outages_csv_path(out_dir)
    write_outages_csv(csv_path, outages, tz)
    t_sources = time.perf_counter()
    other = others.finish() if others else None
    if other is not None:
        other["elapsed_s"] = round(time.perf_counter() - t_sources, 2)
    return {
        "out_dir": str(out_dir),
        "outages_csv": str(csv_path),
        "seed": seed,
        "first_day": day_list[0].isoformat(),
        "last_day": end.isoformat(),
        "days": days,
        "positions": {m.code: m.positions for m in models},
        "files": files,
        "lines_written": lines_written,
        "calls": sum(st.offered for st in totals.values()),
        "lines": {code: st.as_dict() for code, st in totals.items()},
        "daily": daily,
        "outages": [
            {
                "outage_id": o.outage_id,
                "day": o.day.isoformat(),
                "start_local": local_text(o.start, tz),
                "end_local": local_text(o.end, tz),
                "area": o.area,
                "services": list(o.services),
                "multipliers": list(o.multipliers),
            }
            for o in outages
        ],
        "restarts": restart_log,
        "crashes": crash_log,
        "live_until": None if live_s is None else f"{live_day.isoformat()} {live_until}",
        "sources": other,
        "elapsed_s": round(time.perf_counter() - t_start, 2),
    }


def _live_day(day, ds, cut, models, engines, shifts_by_line, pushed, forecasts, outages,
              load_factor, population, writer, targets, seed):
    """The live queue_log of `day` as read at `cut`: the day's calls until then, the
    calls of the day before still running, nothing after. Returns the file, its line
    count and the day's stats (entries written)."""
    recs_by_line = []
    for li, (m, eng) in enumerate(zip(models, engines)):
        shifts = shifts_by_line[li]
        while pushed[li] < len(shifts) and shifts[pushed[li]].start < cut:
            eng.add_shift(shifts[pushed[li]])
            pushed[li] += 1
        rng = np.random.default_rng([seed, _ARRIVALS, day.toordinal(), li])
        arr_t, arr_q = draw_arrivals(
            m, forecasts[li][-1], ds, day_multipliers(m, outages, ds), load_factor, rng
        )
        callers = population.draw(len(arr_t), rng)
        before = arr_t < cut  # the day's arrivals as a whole day would draw them, up to the cut
        recs = eng.run_day(
            ds, cut, arr_t[before], arr_q[before], callers[before],
            np.random.default_rng([seed, _ENGINE, day.toordinal(), li]),
        )
        eng.flush(cut)
        writer.add_events(eng.drain_events())
        _deliver(engines, li, targets)
        recs_by_line.append((m, recs))
    writer.add_events(system_events(ds, None, np.random.default_rng([seed, _SYSTEM, day.toordinal()])))
    stats = writer.add_calls(
        recs_by_line, None, np.random.default_rng([seed, _WRITER, day.toordinal()]), until=cut
    )
    path, n = writer.write_day(day, cut)
    writer.pending = []  # what happens after the log was read is not in it
    return path, n, stats
