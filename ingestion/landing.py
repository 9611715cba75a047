"""Asterisk queue_log files in the landing folder: discovery, loading through the shared
manifest (ingestion/sources.py), and a cheap peek at the days a file covers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion import queue_log
from ingestion.sources import FileLoad, InvariantBroken, discover, load_source  # noqa: F401
from ingestion.text_decoding import is_gzip, read_bytes

PEEK_BYTES = 8192


def discover_queue_log_files(landing: Path) -> list[Path]:
    return discover(landing, queue_log.SOURCE_SPEC)


def load_queue_logs(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    files: list[Path] | None = None,
    realtime_time_zone: str = "UTC",
    progress=None,
) -> list[FileLoad]:
    """Load every queue_log file under `landing` (or just `files`); one FileLoad each."""
    return load_source(con, landing, queue_log.SOURCE_SPEC, files,
                       {"realtime_time_zone": realtime_time_zone}, progress)


def peek_time_range(path: Path) -> tuple[datetime, datetime] | None:
    """First and last event time (UTC) of a flat queue_log file from its head and tail
    lines only, so a sensor or a partition can pick files without parsing them.
    None when neither end has a readable epoch (the file is then always loaded)."""
    with path.open("rb") as stream:
        start = stream.read(PEEK_BYTES)
        if is_gzip(start):
            data = read_bytes(path)  # a compressed file's end is only reached by reading it all
            start, end = data[:PEEK_BYTES], data[-PEEK_BYTES:]
        else:
            # a plain file: its two ends only, however long (every run peeks at every file)
            stream.seek(max(0, path.stat().st_size - PEEK_BYTES))
            end = stream.read(PEEK_BYTES)
    head, tail = start.split(b"\n"), end.split(b"\n")

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
