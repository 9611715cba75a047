"""One bench stage as a child process: its wall time, CPU time and the peak memory of its whole
process tree (a Dagster run starts dbt as a subprocess of its own, and the live stage starts a
run), sampled from /proc, beside the largest single process that rusage reports."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# often enough to catch a dbt model's peak, rarely enough to cost nothing measurable
SAMPLE_EVERY_S = 0.2
# a child reports figures of its own (e.g. the seconds until appended lines were visible) on a
# line of its output starting with this word, then a JSON object
REPORT_PREFIX = "BENCH "


class StageFailed(RuntimeError):
    def __init__(self, stage: str, detail: str, log: Path):
        super().__init__(f"stage {stage} failed: {detail}; log: {log}")
        self.stage, self.detail, self.log = stage, detail, log


@dataclass
class StageResult:
    stage: str
    seconds: float  # what a user waits; the process's life unless the child reports otherwise
    peak_mb: float  # the tree's sampled peak, or the largest single process when that is higher
    max_rss_mb: float
    cpu_seconds: float
    process_seconds: float
    log: str
    extra: dict = field(default_factory=dict)


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process now running."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # gone meanwhile
            continue
        # the command name is in parentheses and may itself hold spaces or parentheses
        fields = stat[stat.rindex(b")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def tree_rss_bytes(root: int) -> int:
    """Resident memory of `root` and all its descendants now (shared pages counted in each
    process: an upper bound, the figure `ps` and `top` show)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE_BYTES
        except (OSError, IndexError, ValueError):
            continue
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self.done.wait(SAMPLE_EVERY_S)


def child_reports(output: str) -> dict:
    """The figures a child printed on its REPORT_PREFIX lines, later lines winning."""
    found: dict = {}
    for line in output.splitlines():
        if line.startswith(REPORT_PREFIX):
            found.update(json.loads(line[len(REPORT_PREFIX):]))
    return found


def run_stage(stage: str, command: list[str], env: dict, cwd: Path, log: Path) -> StageResult:
    """Run `command` to the end, its output into `log`; StageFailed when it exits non-zero."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        out.write(f"$ {' '.join(command)}\n(cwd {cwd})\n\n")
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        # /usr/bin/time is not on every machine: the child's rusage straight from wait4
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise StageFailed(stage, f"exit status {code}", log)
    reported = child_reports(log.read_text(errors="replace"))
    max_rss_mb = usage.ru_maxrss / 1024
    return StageResult(
        stage=stage,
        seconds=round(float(reported.pop("seconds", seconds)), 2),
        peak_mb=round(max(sampler.peak / 2**20, max_rss_mb), 1),
        max_rss_mb=round(max_rss_mb, 1),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        process_seconds=round(seconds, 2),
        log=str(log),
        extra=reported,
    )
