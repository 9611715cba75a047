"""Massive network outages: a few days where help-desk demand multiplies for some hours.

Nobody staffs for them, so the queues overflow; the windows are also written to a
CSV so the warehouse can explain the bad days.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from .clock import day_start_epoch, local_text
from .demand import BIN_S, BINS
from .profiles import LineModel

AREAS = (
    "CABA - Caballito",
    "CABA - Flores",
    "CABA - Palermo",
    "CABA - Villa Urquiza",
    "CABA - Barracas",
    "La Matanza - San Justo",
    "Lomas de Zamora",
    "Avellaneda",
    "Quilmes",
    "Lanús",
    "Morón",
    "Tres de Febrero",
    "Almirante Brown",
)
# kind -> (probability, services hit, multiplier of each service relative to the main one)
KINDS = {
    "hfc_node": (0.55, ("internet", "catv", "telefonia"), (1.0, 0.85, 0.35)),
    "internet_core": (0.35, ("internet",), (1.0,)),
    "catv_headend": (0.10, ("catv",), (1.0,)),
}
CSV_COLUMNS = ("outage_id", "start_local", "end_local", "area", "services")


@dataclass(frozen=True)
class Outage:
    outage_id: str
    day: date
    start: int  # epoch
    end: int  # epoch
    area: str
    services: tuple[str, ...]
    multipliers: tuple[float, ...]  # per service, same order


def pick_outages(days: list[date], count: int, seed: int, tz) -> list[Outage]:
    """`count` outage days among `days`, deterministic for the seed and date range."""
    if count <= 0 or not days:
        return []
    rng = np.random.default_rng([seed, 17, days[0].toordinal(), len(days)])
    chosen = sorted(
        rng.choice(len(days), size=min(count, len(days)), replace=False).tolist()
    )
    kinds = list(KINDS)
    probs = np.array([KINDS[k][0] for k in kinds])
    out = []
    for i in chosen:
        day = days[i]
        kind = kinds[rng.choice(len(kinds), p=probs / probs.sum())]
        _, services, rel = KINDS[kind]
        main = rng.uniform(4.0, 8.0)
        start_min = int(rng.uniform(9 * 60, 18 * 60)) // 5 * 5
        dur_min = int(rng.uniform(150, 300)) // 5 * 5
        start = day_start_epoch(day, tz) + start_min * 60
        out.append(
            Outage(
                outage_id=f"OUT-{day:%Y%m%d}",
                day=day,
                start=start,
                end=start + dur_min * 60,
                area=AREAS[int(rng.integers(len(AREAS)))],
                services=services,
                multipliers=tuple(round(1.0 + (main - 1.0) * r, 2) for r in rel),
            )
        )
    return out


def day_multipliers(
    model: LineModel, outages: list[Outage], day_start: int
) -> np.ndarray | None:
    """(queues, bins) arrival multipliers of one local day, or None when no outage touches it."""
    day_end = day_start + BINS * BIN_S
    hits = [o for o in outages if o.start < day_end and o.end > day_start]
    if not hits:
        return None
    mult = np.ones((len(model.queues), BINS))
    centres = day_start + (np.arange(BINS) + 0.5) * BIN_S
    for o in hits:
        window = (centres >= o.start) & (centres < o.end)
        for qi, qt in enumerate(model.queue_traits):
            if qt.service in o.services:
                factor = o.multipliers[o.services.index(qt.service)]
            else:
                factor = qt.outage_spill
            mult[qi, window] *= factor
    return mult


def write_outages_csv(path: Path, outages: list[Outage], tz) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for o in outages:
            w.writerow(
                (
                    o.outage_id,
                    local_text(o.start, tz),
                    local_text(o.end, tz),
                    o.area,
                    ";".join(o.services),
                )
            )
