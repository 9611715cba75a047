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


def load_queue_log_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    landing: Path,
    realtime_time_zone: str = "UTC",
) -> FileLoad:
    file_path = _relative(path, landing)
    stored = path.read_bytes()
    sha256 = hashlib.sha256(stored).hexdigest()
    previous = con.execute(
        "select sha256, layout, rows_read, rows_loaded, rows_rejected "
        "from raw.landing_files where file_path = ?",
        [file_path],
    ).fetchone()
    if previous and previous[0] == sha256:
        return FileLoad(file_path, "unchanged", previous[1], *previous[2:])

    text = decode(read_bytes(path))
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.asterisk_queue_log where file_path = ?", [file_path])
        con.execute(
            "delete from raw.quarantine where source = ? and file_path = ?",
            [queue_log.SOURCE, file_path],
        )
        result = queue_log.parse_into_raw(con, text, file_path, realtime_time_zone)
        if result.rows_read != result.rows_loaded + result.rows_rejected:
            raise InvariantBroken(
                f"{file_path}: read {result.rows_read} lines but loaded {result.rows_loaded} "
                f"and rejected {result.rows_rejected}"
            )
        first, last = con.execute(
            "select min(event_time_utc), max(event_time_utc) "
            "from raw.asterisk_queue_log where file_path = ?",
            [file_path],
        ).fetchone()
        con.execute("delete from raw.landing_files where file_path = ?", [file_path])
        con.execute(
            "insert into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [
                file_path, queue_log.SOURCE, result.layout, len(stored), sha256,
                datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None),
                result.rows_read, result.rows_loaded, result.rows_rejected, first, last,
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return FileLoad(
        file_path,
        "replaced" if previous else "loaded",
        result.layout,
        result.rows_read,
        result.rows_loaded,
        result.rows_rejected,
    )


def load_queue_logs(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    files: list[Path] | None = None,
    realtime_time_zone: str = "UTC",
    progress=None,
) -> list[FileLoad]:
    """Load every queue_log file under `landing` (or just `files`); returns one FileLoad each."""
    ensure_raw_schema(con)
    paths = discover_queue_log_files(landing) if files is None else files
    results = []
    for i, path in enumerate(paths, 1):
        try:
            results.append(load_queue_log_file(con, path, landing, realtime_time_zone))
        except queue_log.UnsupportedFile as exc:
            if progress:
                progress(f"skipped {path}: {exc}")
            continue
        if progress:
            r = results[-1]
            progress(
                f"[{i}/{len(paths)}] {r.file_path}: {r.status}, read {r.rows_read}, "
                f"loaded {r.rows_loaded}, rejected {r.rows_rejected}"
            )
    return results


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
