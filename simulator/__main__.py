"""CLI: python -m simulator --out data/landing/queue_log --days 90 --seed 20130527 [--end YYYY-MM-DD]"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ingestion.settings import landing_dir

from .run import DEFAULT_DAYS, DEFAULT_SEED, generate

# the demo's data ends mid-morning of the day after --end, with calls still in progress
DEFAULT_LIVE_UNTIL = "10:30"


def _pct(x) -> str:
    return "  n/a" if x is None else f"{100 * x:5.1f}%"


def _progress(day, done, total, calls, totals) -> None:
    sl = "  ".join(
        f"{code} SL {_pct(k['service_level'])} (20s {_pct(k['service_level_20s'])})"
        for code, k in totals.items()
    )
    print(f"{day}  day {done:>3}/{total}  {calls:>5} calls  so far: {sl}", flush=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    p.add_argument(
        "--out",
        default=None,
        help="folder for queue_log-YYYYMMDD files (default: SLA_LANDING_DIR/queue_log)",
    )
    p.add_argument("--days", type=int, default=DEFAULT_DAYS)
    p.add_argument(
        "--end",
        type=date.fromisoformat,
        default=None,
        help="last local day simulated (default: yesterday in Buenos Aires)",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument(
        "--positions-scale",
        type=float,
        default=1.0,
        help="multiplies contracted positions and demand together",
    )
    p.add_argument(
        "--load-factor", type=float, default=1.0, help="multiplies arrivals only"
    )
    p.add_argument(
        "--outage-days", type=int, default=None, help="default: 3 per 90 days"
    )
    p.add_argument(
        "--config",
        default=None,
        help="contract file (default: SLA_CONFIG or config/contract.yml)",
    )
    p.add_argument(
        "--clean",
        action="store_true",
        help="delete existing queue_log-* files in --out (and the other sources' files) first",
    )
    p.add_argument(
        "--no-sources",
        action="store_true",
        help="write only the queue_log and the outage CSV (no CDR, CRM, OTRS, social files)",
    )
    p.add_argument(
        "--crashes",
        type=int,
        default=None,
        help="PBX restarts in office hours that cut the calls up (default: 1 per 30 days)",
    )
    p.add_argument(
        "--live-until",
        default=DEFAULT_LIVE_UNTIL,
        metavar="HH:MM",
        help="the queue_log also holds the live file of the day after --end as read at "
        f"this local time (default {DEFAULT_LIVE_UNTIL}); 'none' writes only the tail of "
        "the calls running past the last midnight",
    )
    a = p.parse_args(argv)
    s = generate(
        a.out or landing_dir() / "queue_log",
        days=a.days,
        end=a.end,
        seed=a.seed,
        positions_scale=a.positions_scale,
        load_factor=a.load_factor,
        outage_days=a.outage_days,
        config=a.config,
        clean=a.clean,
        progress=_progress,
        sources=not a.no_sources,
        crashes=a.crashes,
        live_until=None if a.live_until.lower() == "none" else a.live_until,
    )
    print(
        f"\n{s['days']} days {s['first_day']}..{s['last_day']}, seed {s['seed']}: "
        f"{len(s['files'])} files, {s['lines_written']} lines, {s['calls']} calls in {s['elapsed_s']} s"
    )
    for code, k in s["lines"].items():
        print(
            f"  {code:<9} positions {s['positions'][code]:>3}  offered {k['offered']:>7}  "
            f"SL {_pct(k['service_level'])}  SL20 {_pct(k['service_level_20s'])}  "
            f"abandon {_pct(k['abandon_rate'])}  lost {_pct(k['lost_rate'])}  "
            f"ASA {k['asa_s']} s  AHT {k['aht_s']} s"
        )
    for o in s["outages"]:
        print(
            f"  outage {o['outage_id']}: {o['start_local']} .. {o['end_local']}  {o['area']}  "
            f"{'+'.join(o['services'])}  x{o['multipliers'][0]}"
        )
    print(f"  outages -> {s['outages_csv']}")
    for moment in s["crashes"]:
        print(f"  PBX crash at {moment}: the calls up then have no end in the queue_log")
    if s["live_until"]:
        print(f"  live queue_log as read at {s['live_until']}")
    src = s["sources"]
    if src:
        landing = Path(s["out_dir"]).resolve().parent
        cdr, crm, otrs = src["cdr"], src["crm"], src["otrs"]
        print(
            f"  cdr/Master.csv: {cdr['rows']} rows ({cdr['inbound_rows']} inbound, "
            f"{cdr['outbound_rows']} outbound dials)"
        )
        lines = "  ".join(f"{k} {v}" for k, v in crm["by_line"].items())
        print(f"  crm/: {crm['cases']} cases in {crm['files']} files: {lines}")
        print(f"  otrs/: {otrs['tickets']} tickets in {otrs['files']} files")
        if "twitter" in src:
            tw, fb = src["twitter"], src["facebook"]
            print(
                f"  social/twitter/: {tw['mentions']} mentions, {tw['replies']} brand replies, "
                f"{tw['unanswered']} unanswered, {tw['pages']} pages"
            )
            print(
                f"  social/facebook/: {fb['posts']} posts, {fb['comments']} comments "
                f"({fb['hidden']} hidden), {fb['replies']} replies"
            )
        print(f"  other sources -> {landing} ({src['elapsed_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
