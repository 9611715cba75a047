"""Find landing files and load them idempotently through the file manifest.

The manifest (raw.landing_files) records each file's size, SHA-256 and row counts. A file
whose hash is already recorded is skipped; a file whose hash changed has its rows deleted
and reloaded in one transaction, so a crash never leaves half a file. Files that vanished
from the landing folder keep their rows: archiving old logs must not erase history.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion import queue_log
from ingestion.raw_schema import ensure_raw_schema
from ingestion.text_decoding import decode, read_bytes


@dataclass(frozen=True)
class FileLoad:
    file_path: str
    status: str  # 'loaded', 'replaced', 'unchanged'
    layout: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int


class InvariantBroken(RuntimeError):
    """read != loaded + rejected: a line went missing, which must never pass silently."""


def _is_queue_log_csv(path: Path) -> bool:
    with path.open("rb") as handle:
        first = handle.readline(4096).decode("utf-8", errors="replace")
    return queue_log.sniff_layout(first) == "realtime"


def discover_queue_log_files(landing: Path) -> list[Path]:
    """queue_log files under `landing`: rotated flat files (queue_log, queue_log-20220707,
    queue_log.1, .gz too) and CSV exports of the realtime queue_log table."""
    if not landing.exists():
        return []
    found = []
    for path in sorted(landing.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.name.startswith("queue_log"):
            found.append(path)
        elif path.suffix.lower() == ".csv" and _is_queue_log_csv(path):
            found.append(path)
    return found


def _relative(path: Path, landing: Path) -> str:
    try:
        return path.resolve().relative_to(landing.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


# Files parsed together in one set of statements: large enough to amortise the per-statement
# cost over many small daily files, small enough to bound memory (text + its split lines).
BATCH_BYTES = 64 * 2**20


@dataclass
class _Pending:
    path: Path
    file_path: str
    size: int
    sha256: str
    modified_at: datetime
    replaces: bool
    text: str = ""
    layout: str = ""


def _commit_batch(con: duckdb.DuckDBPyConnection, batch: list[_Pending], layout: str,
                  realtime_time_zone: str) -> list[FileLoad]:
    paths = [p.file_path for p in batch]
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.asterisk_queue_log where list_contains(?, file_path)", [paths])
        con.execute("delete from raw.quarantine where source = ? and list_contains(?, file_path)",
                    [queue_log.SOURCE, paths])
        parsed = queue_log.parse_into_raw(con, {p.file_path: p.text for p in batch}, layout,
                                          realtime_time_zone)
        spans = dict(
            (row[0], row[1:])
            for row in con.execute(
                "select file_path, min(event_time_utc), max(event_time_utc) from raw.asterisk_queue_log "
                "where list_contains(?, file_path) group by file_path", [paths]).fetchall()
        )
        for pending in batch:
            result = parsed[pending.file_path]
            if result.rows_read != result.rows_loaded + result.rows_rejected:
                raise InvariantBroken(
                    f"{pending.file_path}: read {result.rows_read} lines but loaded "
                    f"{result.rows_loaded} and rejected {result.rows_rejected}"
                )
        con.execute("delete from raw.landing_files where list_contains(?, file_path)", [paths])
        con.executemany(
            "insert into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [
                [p.file_path, queue_log.SOURCE, layout, p.size, p.sha256, p.modified_at,
                 parsed[p.file_path].rows_read, parsed[p.file_path].rows_loaded,
                 parsed[p.file_path].rows_rejected, *spans.get(p.file_path, (None, None))]
                for p in batch
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return [
        FileLoad(p.file_path, "replaced" if p.replaces else "loaded", layout,
                 parsed[p.file_path].rows_read, parsed[p.file_path].rows_loaded,
                 parsed[p.file_path].rows_rejected)
        for p in batch
    ]


def load_queue_logs(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    files: list[Path] | None = None,
    realtime_time_zone: str = "UTC",
    progress=None,
) -> list[FileLoad]:
    """Load every queue_log file under `landing` (or just `files`); one FileLoad each, in
    file order. Unchanged files (same SHA-256 as in the manifest) are not read again."""
    ensure_raw_schema(con)
    paths = discover_queue_log_files(landing) if files is None else files
    known = {
        row[0]: row[1:]
        for row in con.execute(
            "select file_path, sha256, layout, rows_read, rows_loaded, rows_rejected "
            "from raw.landing_files where source = ?", [queue_log.SOURCE]).fetchall()
    }
    results: dict[str, FileLoad] = {}
    order: list[str] = []
    flat_batch: list[_Pending] = []
    batch_bytes = 0

    def report(loads: list[FileLoad]) -> None:
        for load in loads:
            results[load.file_path] = load
            if progress:
                progress(f"[{len(results)}/{len(paths)}] {load.file_path}: {load.status}, read "
                         f"{load.rows_read}, loaded {load.rows_loaded}, rejected {load.rows_rejected}")

    for path in paths:
        file_path = _relative(path, landing)
        order.append(file_path)
        stored = path.read_bytes()
        sha256 = hashlib.sha256(stored).hexdigest()
        previous = known.get(file_path)
        if previous and previous[0] == sha256:
            report([FileLoad(file_path, "unchanged", previous[1], *previous[2:])])
            continue
        text = decode(read_bytes(path))
        try:
            layout = queue_log.layout_of(text)
        except queue_log.UnsupportedFile as exc:
            order.pop()
            if progress:
                progress(f"skipped {file_path}: {exc}")
            continue
        pending = _Pending(
            path, file_path, len(stored), sha256,
            datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None),
            previous is not None, text, layout,
        )
        if layout == "realtime":
            report(_commit_batch(con, [pending], layout, realtime_time_zone))
            continue
        flat_batch.append(pending)
        batch_bytes += len(text)
        if batch_bytes >= BATCH_BYTES:
            report(_commit_batch(con, flat_batch, "flat", realtime_time_zone))
            flat_batch, batch_bytes = [], 0
    if flat_batch:
        report(_commit_batch(con, flat_batch, "flat", realtime_time_zone))
    return [results[file_path] for file_path in order]


def peek_time_range(path: Path) -> tuple[datetime, datetime] | None:
    """First and last event time (UTC) of a flat queue_log file from its head and tail
    lines only, so a sensor or a partition can pick files without parsing them.
    None when neither end has a readable epoch (the file is then always loaded)."""
    data = read_bytes(path)
    head, tail = data[:8192].split(b"\n"), data[-8192:].split(b"\n")

    def epoch(lines):
        for raw in lines:
            field = raw.replace(b"\x00", b"").split(b"|", 1)[0].strip()
            if field.isdigit() and len(field) >= 9:
                return datetime.fromtimestamp(int(field), tz=UTC).replace(tzinfo=None)
        return None

    first, last = epoch(head), epoch(reversed(tail))
    if first is None or last is None:
        return None
    return min(first, last), max(first, last)
