"""What every landing-file source shares: discovery, the file manifest, batching, the
read = loaded + rejected invariant, the all-or-nothing replacement of a file's rows and the
reading of a growing file as appends.

A source (Asterisk queue_log, CDR, CRM cases, ...) only says which files are its own, which
raw tables hold its rows (each with a `file_path` column), how to parse a batch of files
into them, quarantining bad records in raw.quarantine with file, line and reason, and
whether its files grow in place.

The manifest (raw.landing_files) records each file's size, SHA-256 and row counts, and what
the loads consumed of it. A file whose hash is already recorded is skipped. A file of an
appendable source (a live log, a CSV a program keeps adding to) whose consumed part is still
its beginning, byte for byte, is read on from there: only the new lines are parsed, numbered
after the old ones. Any other change deletes the file's rows and reloads it whole. Either way
one transaction, so a crash never leaves half a load. Each load's counts are kept in
raw.landing_file_appends.

A plain file's bytes after its last line end are a line still being written: they wait for
the next load, uncounted (bytes_waiting). A gzipped file, or one under a name its source says
no longer grows (a rotated queue_log-20240301), is closed: all of it is read.

A new file whose beginning is the consumed part of a known file that no longer holds it (the
known file is gone, truncated or restarted) is that file rotated: logrotate renamed it,
perhaps compressed it, or copied and truncated it. Its rows, quarantine and manifest move to
the new name and the rest of it is appended, so no line is loaded twice or lost; the live
file under the old name is then new. Files that vanished from the landing folder keep their
rows: archiving old logs must not erase history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from dataclasses import replace as copy_with
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.raw_schema import ensure_raw_schema
from ingestion.text_decoding import content, decode, is_gzip, read_bytes

# Files parsed together in one set of statements: large enough to amortise the per-statement
# cost over many small daily files, small enough to bound memory.
DEFAULT_BATCH_BYTES = 64 * 2**20
# A growing file's new part larger than this (a year of Master.csv loaded at once) is parsed in
# line-aligned pieces, each as an append of the one before it: the parse's memory is bounded
# by the piece, not by the file (a 770 MB Master.csv took 8 GB parsed in one statement). At
# about 200 k lines a piece fills two of DuckDB's row groups, so both cores parse it (32 MB
# pieces, one row group each, took 61 s for that file against 37 s whole; 64 MB, 42 s).
PIECE_BYTES = 64 * 2**20


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
    """A landing file about to be parsed: its (gunzipped) bytes, whole or, for an append,
    the part after what earlier loads consumed, and their text."""

    path: Path
    file_path: str  # relative to the landing folder: the key in every raw table
    data: bytes
    line_offset: int = 0  # physical lines of the file before `data`: line numbers go on from there
    head: str | None = None  # the file's first line, when `data` does not start the file
    layout_so_far: str | None = None  # the manifest's layout of the part loaded before `data`
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """UTF-8, with stray Latin-1 bytes decoded rather than rejected."""
        if self._text is None:
            self._text = decode(self.data)
        return self._text

    @property
    def first_line(self) -> str:
        """The file's first line (line end excluded, a CR kept): a header, when the file has
        one, decides the layout and the columns of an appended part as of the whole file."""
        if self.head is not None:
            return self.head
        end = self.text.find("\n")
        return self.text if end < 0 else self.text[:end]


ParseBatch = Callable[[duckdb.DuckDBPyConnection, list[PendingFile], dict], dict[str, ParseResult]]


@dataclass(frozen=True)
class Source:
    name: str
    tables: tuple[str, ...]  # raw tables (schema-qualified) with a file_path column
    ddl: str
    matches: Callable[[Path], bool]
    parse: ParseBatch
    batch_bytes: int = DEFAULT_BATCH_BYTES  # 0: one file per batch
    # Files grow in place (a live log, an export appended to): read on from where the last
    # load stopped. The parser must number lines from PendingFile.line_offset, read the
    # layout from PendingFile.first_line and give a record the same outcome whether the
    # file is parsed whole or in parts.
    appendable: bool = False
    # A record may hold a quoted line break ('"' parity tells where it ends): an append must
    # start where the quotes consumed so far are balanced, else the file is reloaded whole.
    quoted_records: bool = False
    # Files under such a name no longer grow (a rotated log): a last line without its line end
    # is read, not left waiting for an end that will never come. Should one grow after all
    # (written to in the moment between the rename and the writer reopening its log), its
    # consumed part no longer ends a line and it is reloaded whole.
    is_closed: Callable[[Path], bool] | None = None


@dataclass(frozen=True)
class FileLoad:
    file_path: str
    status: str  # 'loaded', 'replaced', 'appended', 'unchanged'
    layout: str | None
    rows_read: int  # the file's totals after this load, as in the manifest
    rows_loaded: int
    rows_rejected: int
    first_line_no: int | None = None  # the first line this load parsed; None: it parsed none
    new_rows_read: int = 0  # of this load alone: for an append, its new lines
    new_rows_loaded: int = 0
    new_rows_rejected: int = 0
    rotated_from: str | None = None  # the known file this one continues under a new name


@dataclass(frozen=True)
class ManifestRow:
    """A file's row of raw.landing_files (the columns a load reads back)."""

    file_path: str
    layout: str
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    first_event_utc: datetime | None
    last_event_utc: datetime | None
    loaded_bytes: int | None  # NULL: loaded before appends were tracked, never appended to
    loaded_sha256: str | None
    lines_loaded: int | None


_MANIFEST_COLUMNS = ("file_path", "layout", "sha256", "rows_read", "rows_loaded", "rows_rejected",
                     "first_event_utc", "last_event_utc", "loaded_bytes", "loaded_sha256", "lines_loaded")


@dataclass
class _Plan:
    """What one load does with one changed file."""

    pending: PendingFile
    status: str  # 'loaded', 'replaced' or 'appended'
    start: int  # first byte of the gunzipped content parsed; 0: the file is (re)loaded whole
    cut: int  # end of its last complete record: the bytes after it wait
    data_length: int
    lines_loaded: int  # physical lines consumed, the earlier loads' included
    loaded_sha256: str
    stored_size: int
    stored_sha256: str
    modified_at: datetime
    previous: ManifestRow | None
    rotated_from: str | None


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


def _manifest(con, source: Source) -> dict[str, ManifestRow]:
    return {
        row[0]: ManifestRow(*row)
        for row in con.execute(
            f"select {', '.join(_MANIFEST_COLUMNS)} from raw.landing_files where source = ?", [source.name]
        ).fetchall()
    }


def _sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def _holds_loaded_part(data: bytes, known: ManifestRow) -> bool:
    """The content still begins with exactly the bytes the earlier loads consumed."""
    length = known.loaded_bytes
    return (length is not None and len(data) >= length
            and _sha256(memoryview(data)[:length]) == known.loaded_sha256)


def _landing_path(landing: Path, file_path: str) -> Path:
    return Path(file_path) if Path(file_path).is_absolute() else landing / file_path


def _rotations(landing: Path, paths: list[Path], known: dict[str, ManifestRow]) -> dict[str, str]:
    """New files (not in the manifest) that continue a known file: new file_path -> old.

    A new file continues a known one when it begins with the known file's consumed part and
    the known file no longer does (gone, truncated, restarted); if it still does, the new
    file is a copy. Every known length is checked in one pass over the new file's bytes."""
    by_length: dict[int, dict[str, list[str]]] = {}
    for row in known.values():
        if row.loaded_bytes:
            by_length.setdefault(row.loaded_bytes, {}).setdefault(row.loaded_sha256, []).append(row.file_path)
    found: dict[str, str] = {}
    if not by_length:
        return found
    for path in paths:
        file_path = relative_path(path, landing)
        if file_path in known:
            continue
        data = read_bytes(path)
        view, digest, done, matches = memoryview(data), hashlib.sha256(), 0, []
        for length in sorted(n for n in by_length if n <= len(data)):
            digest.update(view[done:length])
            done = length
            matches += by_length[length].get(digest.copy().hexdigest(), [])
        for old in reversed(matches):  # the longest consumed part first
            if old in found.values():
                continue
            old_path = _landing_path(landing, old)
            if not old_path.is_file() or not _holds_loaded_part(read_bytes(old_path), known[old]):
                found[file_path] = old
                break
    return found


def _move_rotated(con, source: Source, rotations: dict[str, str]) -> None:
    """Rename a rotated file's rows, quarantine, loads and manifest row, in one transaction:
    a crash leaves either the old name or the new one, and the next load goes on from it."""
    con.execute("begin transaction")
    try:
        for new, old in rotations.items():
            for table in (*source.tables, "raw.landing_files", "raw.landing_file_appends"):
                con.execute(f"update {table} set file_path = ? where file_path = ?", [new, old])
            con.execute("update raw.quarantine set file_path = ? where source = ? and file_path = ?",
                        [new, source.name, old])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _complete_end(data: bytes, closed: bool) -> int:
    """End of the last complete record: after the last line end, or all of a closed file."""
    return len(data) if closed else data.rfind(b"\n") + 1


def _lines(data: bytes) -> int:
    """Physical lines, a last one without its line end included."""
    return data.count(b"\n") + (data[-1:] not in (b"", b"\n"))


def _can_append(source: Source, data: bytes, previous: ManifestRow | None) -> bool:
    if not (source.appendable and previous is not None and _holds_loaded_part(data, previous)):
        return False
    length = previous.loaded_bytes
    # a consumed part without its line end (a closed file read to its end) may end inside a
    # line that the append would then split; unless nothing follows it (the same file, renamed
    # or compressed)
    if length and data[length - 1:length] != b"\n" and len(data) > length:
        return False
    return not (source.quoted_records and data.count(b'"', 0, length) % 2)


def _plan(source: Source, path: Path, file_path: str, stored: bytes, sha256: str,
          previous: ManifestRow | None, rotated_from: str | None) -> _Plan:
    data = content(stored)
    closed = is_gzip(stored) or not source.appendable or bool(source.is_closed and source.is_closed(path))
    cut = _complete_end(data, closed=closed)
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None)
    if _can_append(source, data, previous):
        start = previous.loaded_bytes
        status, lines_before = "appended", previous.lines_loaded if start else 0
    else:
        start, lines_before = 0, 0
        status = "loaded" if previous is None else "replaced"
    # the consumed part of an append ends with a line end, so holds the file's first line
    head = decode(data[:data.find(b"\n")]) if start else None
    pending = PendingFile(path, file_path, data[start:cut], line_offset=lines_before, head=head,
                          layout_so_far=previous.layout if start else None)
    loaded_sha256 = sha256 if cut == len(stored) and not is_gzip(stored) else _sha256(memoryview(data)[:cut])
    return _Plan(pending, status, start, cut, len(data), lines_before + _lines(pending.data), loaded_sha256,
                 len(stored), sha256, modified, previous, rotated_from)


def _earliest(a, b):
    return b if a is None else a if b is None else min(a, b)


def _latest(a, b):
    return b if a is None else a if b is None else max(a, b)


def _piece_end(data: bytes, start: int, quoted: bool) -> int:
    """End of the piece of `data` that starts at `start`: after the last line end within
    PIECE_BYTES where the quotes since `start` are balanced, else (one record longer than a
    piece) after the first such line end beyond, else the end of the data."""
    limit = start + PIECE_BYTES
    if limit >= len(data):
        return len(data)
    cut = data.rfind(b"\n", start, limit) + 1
    while cut > start and quoted and data.count(b'"', start, cut) % 2:
        cut = data.rfind(b"\n", start, cut - 1) + 1
    if cut > start:
        return cut
    cut = data.find(b"\n", limit) + 1
    while cut and quoted and data.count(b'"', start, cut) % 2:
        cut = data.find(b"\n", cut) + 1
    return cut or len(data)


def _pieces(pending: PendingFile, quoted: bool) -> Iterator[PendingFile]:
    """The pending part as consecutive appends of at most about PIECE_BYTES each (the
    appendable contract: a record has the same outcome parsed whole or in parts), one at a
    time so that only one piece's copy is alive."""
    data = pending.data
    newline = data.find(b"\n")
    head = pending.head if pending.head is not None else decode(data if newline < 0 else data[:newline])
    start, lines = 0, pending.line_offset
    while start < len(data):
        end = _piece_end(data, start, quoted)
        yield PendingFile(pending.path, pending.file_path, data[start:end], line_offset=lines,
                          head=head if start else pending.head, layout_so_far=pending.layout_so_far)
        lines += data.count(b"\n", start, end)
        start = end


def _parse(con, source: Source, pendings: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Parse a batch; a growing file's part over PIECE_BYTES piece by piece, each piece's
    layout carried to the next, the counts and event times summed over the pieces."""
    large = [p for p in pendings if source.appendable and len(p.data) > PIECE_BYTES]
    small = [p for p in pendings if not any(p is q for q in large)]
    results = source.parse(con, small, options) if small else {}
    for pending in large:
        total: ParseResult | None = None
        for piece in _pieces(pending, source.quoted_records):
            if total is not None:
                piece.layout_so_far = total.layout
            part = source.parse(con, [piece], options)[pending.file_path]
            total = part if total is None else ParseResult(
                part.layout, total.rows_read + part.rows_read, total.rows_loaded + part.rows_loaded,
                total.rows_rejected + part.rows_rejected,
                _earliest(total.first_event_utc, part.first_event_utc),
                _latest(total.last_event_utc, part.last_event_utc))
        results[pending.file_path] = total
    return results


def _commit_batch(con, source: Source, batch: list[_Plan], options: dict) -> list[FileLoad]:
    """One transaction: earlier rows of the files reloaded whole go, the new records are
    parsed in, every load must balance, and the manifest and the loads log follow."""
    whole = [plan.pending.file_path for plan in batch if not plan.start]
    # a whole load parses even an empty file (the parser names its layout); an append with no
    # complete new record has nothing to parse
    to_parse = [plan.pending for plan in batch if not plan.start or plan.cut > plan.start]
    con.execute("begin transaction")
    try:
        for table in (*source.tables, "raw.landing_file_appends"):
            con.execute(f"delete from {table} where list_contains(?, file_path)", [whole])
        con.execute("delete from raw.quarantine where source = ? and list_contains(?, file_path)",
                    [source.name, whole])
        parsed = _parse(con, source, to_parse, options)
        for file_path, result in parsed.items():
            if result.rows_read != result.rows_loaded + result.rows_rejected:
                raise InvariantBroken(
                    f"{source.name} {file_path}: read {result.rows_read} records but loaded "
                    f"{result.rows_loaded} and rejected {result.rows_rejected}"
                )
        loads, manifest, appends = [], [], []
        for plan in batch:
            file_path, previous = plan.pending.file_path, plan.previous
            new = parsed.get(file_path)
            before = previous if plan.start else None
            totals = [(getattr(before, n) if before else 0) + (getattr(new, n) if new else 0)
                      for n in ("rows_read", "rows_loaded", "rows_rejected")]
            layout = new.layout if new else previous.layout
            first = _earliest(before.first_event_utc if before else None, new.first_event_utc if new else None)
            last = _latest(before.last_event_utc if before else None, new.last_event_utc if new else None)
            manifest.append([file_path, source.name, layout, plan.stored_size, plan.stored_sha256,
                             plan.modified_at, *totals, first, last, plan.cut, plan.loaded_sha256,
                             plan.lines_loaded, plan.data_length - plan.cut])
            first_line = plan.pending.line_offset + 1 if new else None
            if new:
                appends.append([file_path, source.name, plan.start, plan.cut, first_line,
                                new.rows_read, new.rows_loaded, new.rows_rejected])
            loads.append(FileLoad(file_path, plan.status, layout, *totals, first_line,
                                  *((new.rows_read, new.rows_loaded, new.rows_rejected) if new else (0, 0, 0)),
                                  plan.rotated_from))
        con.execute("delete from raw.landing_files where list_contains(?, file_path)",
                    [[plan.pending.file_path for plan in batch]])
        con.executemany(
            "insert into raw.landing_files (file_path, source, layout, size_bytes, sha256, modified_at, "
            "rows_read, rows_loaded, rows_rejected, first_event_utc, last_event_utc, loaded_bytes, "
            "loaded_sha256, lines_loaded, bytes_waiting, loaded_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())", manifest)
        if appends:
            con.executemany(
                "insert into raw.landing_file_appends (file_path, source, from_byte, to_byte, first_line_no, "
                "rows_read, rows_loaded, rows_rejected, loaded_at) values (?, ?, ?, ?, ?, ?, ?, ?, now())",
                appends)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return loads


def load_source(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    source: Source,
    files: list[Path] | None = None,
    options: dict | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[FileLoad]:
    """Load every file of `source` under `landing` (or just `files`): one FileLoad each, in
    file order. Unchanged files (same SHA-256 as in the manifest) are not parsed again; a
    grown file of an appendable source has only its new lines parsed."""
    ensure_source_schema(con, source)
    options = options or {}
    paths = discover(landing, source) if files is None else files
    known = _manifest(con, source)
    # before any file is loaded: the live file under the old name may be about to be
    # replaced, which would delete the rows the rotated file takes over
    rotations = _rotations(landing, paths, known) if source.appendable else {}
    if rotations:
        _move_rotated(con, source, rotations)
        for new, old in rotations.items():
            known[new] = copy_with(known.pop(old), file_path=new)
    results: dict[str, FileLoad] = {}
    order: list[str] = []
    batch: list[_Plan] = []
    batch_bytes = 0

    def report(loads: list[FileLoad]) -> None:
        for load in loads:
            results[load.file_path] = load
            # one line per file that changed; the unchanged ones are counted once at the end
            # (a line each is an event in the Dagster instance: a second per source per run)
            if progress and load.status != "unchanged":
                progress(f"{source.name} [{len(results)}/{len(paths)}] {load.file_path}: {load.status}"
                         + (f" (rotated from {load.rotated_from})" if load.rotated_from else "")
                         + f", read {load.new_rows_read}, loaded {load.new_rows_loaded}, "
                         f"rejected {load.new_rows_rejected}")

    def flush() -> None:
        nonlocal batch, batch_bytes
        if batch:
            report(_commit_batch(con, source, batch, options))
        batch, batch_bytes = [], 0

    for path in paths:
        file_path = relative_path(path, landing)
        order.append(file_path)
        stored = path.read_bytes()
        sha256 = _sha256(stored)
        previous = known.get(file_path)
        rotated_from = rotations.get(file_path)
        if previous and previous.sha256 == sha256 and not rotated_from:
            report([FileLoad(file_path, "unchanged", previous.layout, previous.rows_read,
                             previous.rows_loaded, previous.rows_rejected)])
            continue
        plan = _plan(source, path, file_path, stored, sha256, previous, rotated_from)
        batch.append(plan)
        batch_bytes += len(plan.pending.data)
        if not source.batch_bytes or batch_bytes >= source.batch_bytes:
            flush()
    flush()
    unchanged = sum(load.status == "unchanged" for load in results.values())
    if progress and unchanged:
        progress(f"{source.name}: {unchanged} of {len(paths)} files unchanged (same SHA-256), not read again")
    return [results[file_path] for file_path in order]
