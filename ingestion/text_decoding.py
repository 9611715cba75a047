"""Decode PBX log bytes without losing a line to a stray encoding.

Asterisk writes whatever bytes the caller-id or member name carried: mostly UTF-8, but
an old phone or trunk can send Latin-1 ("Martín" as b"Mart\\xedn"). Valid UTF-8 is kept as
is and only the bytes that are not UTF-8 are read as Latin-1, so one bad name neither
rejects its line nor turns the rest of the file into mojibake. The work happens inside
the codec machinery (C), not in a Python loop over lines.
"""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

_HANDLER = "sla-latin1-fallback"


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return bad.decode("latin-1"), error.end


codecs.register_error(_HANDLER, _latin1_fallback)


_GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(stored: bytes) -> bool:
    return stored[:2] == _GZIP_MAGIC


def content(stored: bytes) -> bytes:
    """A file's stored bytes, gunzipped for logrotate's `compress` option."""
    return gzip.decompress(stored) if is_gzip(stored) else stored


def read_bytes(path: Path) -> bytes:
    """The file's bytes, transparently gunzipped."""
    return content(path.read_bytes())


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors=_HANDLER)
