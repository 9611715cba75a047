"""The landing folder of one bench size, cut from one simulation as the files would arrive: the
year first, then the next day's files (set aside until their stage), then the live queue_log of
the day after that as read mid-morning, and the lines the PBX appends to it next.

The simulation covers the year and those two days in one run, so the next day continues the
year's operation (same agents, callers, case numbers) instead of starting a new one."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from simulator.run import outages_csv_path
from simulator.sources import SOURCE_GLOBS

# the measured days end here: the same calendar days on every run, in the past of any partition
YEAR_END = date(2026, 6, 30)
# per-day files of every source: queue_log-20260701, cases-20260701.csv, feed-20260701.json...
DAY_FILE = re.compile(r"-(\d{8})(?:\.\w+)?$")
# the `end` field of a cdr_csv row: the quoted local time right before the bare duration and billsec
CDR_END = re.compile(rb'"(\d{4}-\d\d-\d\d) \d\d:\d\d:\d\d",\d+,\d+,"')
CDR_FILE = Path("cdr") / SOURCE_GLOBS["cdr"][0]
# rows set aside for a later day, one file per day: <day>.rows beside the source's name
ROWS_SUFFIX = ".rows"


def next_day(days_end: date = YEAR_END) -> date:
    return days_end + timedelta(days=1)


def live_day(days_end: date = YEAR_END) -> date:
    return days_end + timedelta(days=2)


def simulate_command(python: str, landing: Path, days: int, scale: float, seed: int) -> list[str]:
    """The simulator run writing `days` days to YEAR_END plus the next and the live day, every
    source, into `landing` (the file after the live day holds only tails: set aside unused)."""
    return [python, "-m", "simulator", "--out", str(landing / "queue_log"), "--days", str(days + 2),
            "--end", live_day().isoformat(), "--seed", str(seed), "--positions-scale", f"{scale:g}",
            "--live-until", "none"]


def _outages_file(landing: Path) -> Path:
    return outages_csv_path(landing / "queue_log")


def _cdr_day(line: bytes, path: Path) -> str:
    found = CDR_END.search(line)
    if found is None:
        raise ValueError(f"{path}: a row without a cdr_csv end time: {line[:200]!r}")
    return found.group(1).decode()


def cut_sorted_tail(path: Path, is_later: Callable[[bytes], bool], block: int = 1 << 20) -> bytes:
    """Removes from `path` its last lines for which `is_later` holds (the file is sorted so that
    they come last) and returns them; reads only the file's tail."""
    size = path.stat().st_size
    while True:
        start = max(0, size - block)
        with path.open("rb") as handle:
            handle.seek(start)
            chunk = handle.read()
        # a chunk that starts mid-line begins at its first whole line
        offset = 0 if start == 0 else chunk.index(b"\n") + 1
        lines = chunk[offset:].splitlines(keepends=True)
        if start > 0 and (not lines or is_later(lines[0])):
            block *= 4  # the cut is further back
            continue
        cut = start + offset
        for line in lines:
            if is_later(line):
                break
            cut += len(line)
        tail = chunk[cut - start:]
        with path.open("r+b") as handle:
            handle.truncate(cut)
        return tail


def set_aside(landing: Path, later: Path, first_later: date) -> None:
    """Moves everything of `first_later` and after out of `landing` into `later`: per-day files
    as they are, the CDR rows of calls ending then and the outages starting then as one
    <day>.rows file per day."""
    first = first_later.isoformat()
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        found = DAY_FILE.search(path.name)
        if found and date.fromisoformat(_iso(found.group(1))) >= first_later:
            target = later / path.relative_to(landing)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
    cdr = landing / CDR_FILE
    if cdr.exists():
        tail = cut_sorted_tail(cdr, lambda line: _cdr_day(line, cdr) >= first)
        _write_rows(later / CDR_FILE.parent, tail.splitlines(keepends=True), lambda line: _cdr_day(line, cdr))
    outages = _outages_file(landing)
    if outages.exists():
        header, *rows = outages.read_bytes().splitlines(keepends=True)
        outages.write_bytes(b"".join([header, *(row for row in rows if _outage_day(row) < first)]))
        _write_rows(later / outages.parent.relative_to(landing), [row for row in rows if _outage_day(row) >= first],
                    _outage_day)


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


def _outage_day(row: bytes) -> str:
    # outage_id,start_local,...: the local day the outage starts
    return next(csv.reader(io.StringIO(row.decode())))[1][:10]


def _write_rows(folder: Path, rows: list[bytes], day_of: Callable[[bytes], str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        with (folder / f"{day_of(row)}{ROWS_SUFFIX}").open("ab") as handle:
            handle.write(row)


def _day_files(later: Path, day: date) -> list[Path]:
    stamp = day.strftime("%Y%m%d")
    return sorted(p.relative_to(later) for p in later.rglob("*")
                  if p.is_file() and (found := DAY_FILE.search(p.name)) and found.group(1) == stamp)


def _day_rows(later: Path, relative: Path, day: date) -> bytes:
    path = later / relative.parent / f"{day.isoformat()}{ROWS_SUFFIX}"
    return path.read_bytes() if path.exists() else b""


def add_day(landing: Path, later: Path, day: date) -> list[str]:
    """The files of `day` arrive in `landing`: its per-day files, its CDR rows appended to
    Master.csv, its outages to the outage list. Returns what changed (relative paths)."""
    changed = []
    for relative in _day_files(later, day):
        (landing / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(later / relative, landing / relative)
        changed.append(str(relative))
    outages = _outages_file(landing)
    for relative in (CDR_FILE, outages.relative_to(landing)):
        rows = _day_rows(later, relative, day)
        if rows:
            with (landing / relative).open("ab") as handle:
                handle.write(rows)
            changed.append(str(relative))
    return changed


def day_only_landing(landing: Path, later: Path, day: date, dest: Path) -> None:
    """A landing folder holding only the files of `day` (an empty warehouse's first day)."""
    for relative in _day_files(later, day):
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(later / relative, dest / relative)
    cdr_rows = _day_rows(later, CDR_FILE, day)
    if cdr_rows:
        (dest / CDR_FILE).parent.mkdir(parents=True, exist_ok=True)
        (dest / CDR_FILE).write_bytes(cdr_rows)
    outages = _outages_file(landing)
    outage_rows = _day_rows(later, outages.relative_to(landing), day)
    if outage_rows:
        target = dest / outages.relative_to(landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(outages.read_bytes().splitlines(keepends=True)[0] + outage_rows)


def queue_log_name(day: date) -> Path:
    return Path("queue_log") / f"queue_log-{day:%Y%m%d}"


def live_parts(later: Path, day: date, cut_epoch: int, lines: int) -> tuple[bytes, bytes]:
    """The queue_log of `day` as read at `cut_epoch` (its lines are in time order), and the
    next `lines` lines the PBX appends to it."""
    data = (later / queue_log_name(day)).read_bytes().splitlines(keepends=True)
    cut = next((i for i, line in enumerate(data) if int(line.split(b"|", 1)[0]) >= cut_epoch), len(data))
    appended = data[cut:cut + lines]
    if len(appended) < lines:
        raise ValueError(f"{later / queue_log_name(day)}: only {len(appended)} lines after the live cut, "
                         f"{lines} wanted (fewer --append-lines, or a bigger --scale)")
    return b"".join(data[:cut]), b"".join(appended)
