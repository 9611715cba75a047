"""Keyed pseudonyms for personal data (phone numbers, e-mails, names, social handles).

HMAC-SHA256 with a secret key: the same value always gives the same pseudonym (so repeat
contacts still match across calls, cases and posts), and without the key nobody can test a
guessed phone number against it, which a plain hash would allow. The key comes from
SLA_PSEUDONYM_KEY; the demo default below is public and only fit for demo data.

Raw values stay in the `raw` schema; dbt's staging models call the `pseudonym()` SQL
function that `Plugin` registers on dbt's DuckDB connection.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import duckdb
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin

DEMO_KEY = "telecentro-demo-pseudonym-key-NOT-SECRET"


def key() -> bytes:
    return (os.environ.get("SLA_PSEUDONYM_KEY") or DEMO_KEY).encode("utf-8")


def normalize(value: str) -> str:
    """One person, one spelling: trimmed, case-folded (e-mails and handles are
    case-insensitive), a leading '@' of a handle dropped."""
    return value.strip().casefold().lstrip("@")


def pseudonym(value: str | None, secret: bytes | None = None) -> str | None:
    if value is None or not value.strip():
        return None
    digest = hmac.new(secret or key(), normalize(value).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()


def _pseudonym_arrow(values: pa.Array) -> pa.Array:
    secret = key()
    return pa.array([pseudonym(v, secret) for v in values.to_pylist()], type=pa.string())


def register(con: duckdb.DuckDBPyConnection) -> None:
    con.create_function(
        "pseudonym", _pseudonym_arrow, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR"),
        type="arrow", null_handling="special", side_effects=False,
    )


class Plugin(BasePlugin):
    """dbt-duckdb plugin (profiles.yml `plugins:`) adding pseudonym() to dbt's connection."""

    def configure_connection(self, conn) -> None:
        register(conn)
