"""What a bench run prints and keeps: one table per size (each stage's seconds, peak memory, ratio
to the floor, the targets it has and whether they are met) and one JSON line per stage per
size, with the code's commit and the machine, appended to bench/results/results.jsonl."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

from bench.process import StageResult
from bench.sizes import Size
from bench.targets import PEAK_STAGE

FLOOR_STAGE = "floor_query"
# not the pipeline's work: no ratio to the floor
NO_RATIO = ("simulate", FLOOR_STAGE)
HEADER = f"  {'stage':<13} {'seconds':>9} {'peak MB':>9} {'x floor':>8}  {'target':<62} met?"


def machine() -> dict:
    """Cores, memory and processor of this machine, for comparing runs."""
    info = {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        with open("/proc/meminfo") as handle:
            kb = next(int(line.split()[1]) for line in handle if line.startswith("MemTotal:"))
        info["ram_gb"] = round(kb / 2**20, 1)
        with open("/proc/cpuinfo") as handle:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                               platform.processor())
    except (OSError, StopIteration):
        info["cpu"] = platform.processor() or platform.machine()
    return info


def git_commit(root: Path) -> dict:
    """The commit measured, and whether tracked files differed from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown", "dirty": None}


def _met(target: dict) -> str:
    if not target["applies"]:
        return "n/a"
    return "yes" if target["met"] else "NO"


def _target_text(target: dict, seconds: float | None) -> str:
    value = target["value"]
    shown = "" if target["unit"] == "s" and value == seconds else f" ({value:g} {target['unit']})"
    return f"{target['target']}{shown}"


def table(size: Size, results: list[StageResult], targets: list[dict], notes: list[str] = ()) -> str:
    """The size's figures as a text table; targets that speak of another size say n/a."""
    by_stage = {r.stage: r for r in results}
    floor = by_stage.get(FLOOR_STAGE)
    lines = [f"{size.label}", HEADER]
    rows = [(r.stage, r.seconds, r.peak_mb) for r in results]
    peak = [t for t in targets if t["stage"] == PEAK_STAGE]
    if peak:
        rows.append((PEAK_STAGE, None, peak[0]["value"]))
    for stage, seconds, peak_mb in rows:
        ratio = "-"
        if floor and floor.seconds and seconds is not None and stage not in NO_RATIO:
            ratio = f"{seconds / floor.seconds:.1f}"
        elif stage == FLOOR_STAGE:
            ratio = "1.0"
        own = [t for t in targets if t["stage"] == stage] or [None]
        for i, target in enumerate(own):
            head = (f"  {stage:<13} {'-' if seconds is None else f'{seconds:.2f}':>9} {peak_mb:>9.1f} {ratio:>8}"
                    if i == 0 else " " * 44)
            text = "-" if target is None else _target_text(target, seconds)
            lines.append(f"{head}  {text:<62} {'-' if target is None else _met(target)}")
    lines += [f"  {note}" for note in notes]
    return "\n".join(lines)


def records(meta: dict, size: Size, results: list[StageResult], targets: list[dict], facts: dict) -> list[dict]:
    """One JSON object per stage (and one for the pipeline's peak memory) of a size."""
    by_stage = {r.stage: r for r in results}
    floor = by_stage.get(FLOOR_STAGE)
    base = {**meta, "days": size.days, "scale": size.scale, **facts}
    out = []
    for r in results:
        ratio = round(r.seconds / floor.seconds, 2) if floor and floor.seconds and r.stage not in NO_RATIO else None
        out.append({**base, "stage": r.stage, "seconds": r.seconds, "peak_mb": r.peak_mb, "max_rss_mb": r.max_rss_mb,
                    "cpu_seconds": r.cpu_seconds, "process_seconds": r.process_seconds,
                    "ratio_to_floor": ratio, "log": r.log, **r.extra,
                    "targets": [t for t in targets if t["stage"] == r.stage]})
    peak = [t for t in targets if t["stage"] == PEAK_STAGE]
    if peak:
        out.append({**base, "stage": PEAK_STAGE, "peak_mb": peak[0]["value"], "targets": peak})
    return out


def append_jsonl(path: Path, lines: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line) + "\n")


def run_history(path: Path, cores: int | None) -> list[tuple[float, float]]:
    """(days x scale, seconds of all stages) of the complete sizes recorded on a machine with
    these cores: what the next run's estimate is fitted to."""
    if not path.exists():
        return []
    totals: dict[tuple, list] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if row.get("machine", {}).get("cores") != cores or "process_seconds" not in row or "run_id" not in row:
            continue
        key = (row["run_id"], row["days"], row["scale"])
        entry = totals.setdefault(key, [row["days"] * row["scale"], 0.0, set()])
        entry[1] += row["process_seconds"]
        entry[2].add(row["stage"])
    return [(units, seconds) for units, seconds, stages in totals.values() if "live_append" in stages]
