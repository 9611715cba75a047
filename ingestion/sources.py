"""What every landing-file source shares: discovery, the file manifest, batching, the
read = loaded + rejected invariant and the all-or-nothing replacement of a file's rows.

A source (Asterisk queue_log, CDR, CRM cases, ...) only says which files are its own, which
raw tables hold its rows (each with a `file_path` column) and how to parse a batch of files
into them, quarantining bad records in raw.quarantine with file, line and reason.

The manifest (raw.landing_files) records each file's size, SHA-256 and row counts. A file
whose hash is already recorded is skipped; a file whose hash changed has its rows deleted and
reloaded in one transaction, so a crash never leaves half a file. Files that vanished from the
landing folder keep their rows: archiving old logs must not erase history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.raw_schema import ensure_raw_schema
from ingestion.text_decoding import decode, read_bytes

# Files parsed together in one set of statements: large enough to amortise the per-statement
# cost over many small daily files, small enough to bound memory.
DEFAULT_BATCH_BYTES = 64 * 2**20


@dataclass(frozen=True)
class ParseResult:
    layout: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    first_event_utc: datetime | None = None
    last_event_utc: datetime | None = None


@dataclass
class PendingFile:
    """A landing file about to be (re)loaded: its bytes (gunzipped) and their text."""

    path: Path
    file_path: str  # relative to the landing folder: the key in every raw table
    data: bytes
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """UTF-8, with stray Latin-1 bytes decoded rather than rejected."""
        if self._text is None:
            self._text = decode(self.data)
        return self._text


ParseBatch = Callable[[duckdb.DuckDBPyConnection, list[PendingFile], dict], dict[str, ParseResult]]


@dataclass(frozen=True)
class Source:
    name: str
    tables: tuple[str, ...]  # raw tables (schema-qualified) with a file_path column
    ddl: str
    matches: Callable[[Path], bool]
    parse: ParseBatch
    batch_bytes: int = DEFAULT_BATCH_BYTES  # 0: one file per batch


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


def relative_path(path: Path, landing: Path) -> str:
    try:
        return path.resolve().relative_to(landing.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def discover(landing: Path, source: Source) -> list[Path]:
    if not landing.exists():
        return []
    return [
        path
        for path in sorted(landing.rglob("*"))
        if path.is_file() and not path.name.startswith(".") and source.matches(path)
    ]


def ensure_source_schema(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    ensure_raw_schema(con)
    con.execute(source.ddl)


def _commit_batch(con, source: Source, batch: list[PendingFile], meta: dict, options: dict) -> list[FileLoad]:
    paths = [p.file_path for p in batch]
    con.execute("begin transaction")
    try:
        for table in source.tables:
            con.execute(f"delete from {table} where list_contains(?, file_path)", [paths])
        con.execute("delete from raw.quarantine where source = ? and list_contains(?, file_path)",
                    [source.name, paths])
        parsed = source.parse(con, batch, options)
        for pending in batch:
            result = parsed[pending.file_path]
            if result.rows_read != result.rows_loaded + result.rows_rejected:
                raise InvariantBroken(
                    f"{source.name} {pending.file_path}: read {result.rows_read} records but loaded "
                    f"{result.rows_loaded} and rejected {result.rows_rejected}"
                )
        con.execute("delete from raw.landing_files where list_contains(?, file_path)", [paths])
        con.executemany(
            "insert into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [
                [p.file_path, source.name, parsed[p.file_path].layout, *meta[p.file_path][:3],
                 parsed[p.file_path].rows_read, parsed[p.file_path].rows_loaded,
                 parsed[p.file_path].rows_rejected, parsed[p.file_path].first_event_utc,
                 parsed[p.file_path].last_event_utc]
                for p in batch
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return [
        FileLoad(p.file_path, "replaced" if meta[p.file_path][3] else "loaded",
                 parsed[p.file_path].layout, parsed[p.file_path].rows_read,
                 parsed[p.file_path].rows_loaded, parsed[p.file_path].rows_rejected)
        for p in batch
    ]


def load_source(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    source: Source,
    files: list[Path] | None = None,
    options: dict | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[FileLoad]:
    """Load every file of `source` under `landing` (or just `files`): one FileLoad each, in
    file order. Unchanged files (same SHA-256 as in the manifest) are not parsed again."""
    ensure_source_schema(con, source)
    options = options or {}
    paths = discover(landing, source) if files is None else files
    known = {
        row[0]: row[1:]
        for row in con.execute(
            "select file_path, sha256, layout, rows_read, rows_loaded, rows_rejected "
            "from raw.landing_files where source = ?", [source.name]).fetchall()
    }
    results: dict[str, FileLoad] = {}
    order: list[str] = []
    batch: list[PendingFile] = []
    meta: dict[str, list] = {}
    batch_bytes = 0

    def report(loads: list[FileLoad]) -> None:
        for load in loads:
            results[load.file_path] = load
            if progress:
                progress(f"{source.name} [{len(results)}/{len(paths)}] {load.file_path}: {load.status}, "
                         f"read {load.rows_read}, loaded {load.rows_loaded}, rejected {load.rows_rejected}")

    def flush() -> None:
        nonlocal batch, batch_bytes
        if batch:
            report(_commit_batch(con, source, batch, meta, options))
        batch, batch_bytes = [], 0

    for path in paths:
        file_path = relative_path(path, landing)
        order.append(file_path)
        stored = path.read_bytes()
        sha256 = hashlib.sha256(stored).hexdigest()
        previous = known.get(file_path)
        if previous and previous[0] == sha256:
            report([FileLoad(file_path, "unchanged", previous[1], *previous[2:])])
            continue
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None)
        meta[file_path] = [len(stored), sha256, modified, previous is not None]
        pending = PendingFile(path, file_path, read_bytes(path) if stored[:2] == b"\x1f\x8b" else stored)
        batch.append(pending)
        batch_bytes += len(pending.data)
        if not source.batch_bytes or batch_bytes >= source.batch_bytes:
            flush()
    flush()
    return [results[file_path] for file_path in order]
