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


def register(con: duckdb.DuckDBPyConnection) -> None:
    # a native (row by row) function: as fast as an Arrow one here (the HMAC is the cost), and
    # DuckDB imports pandas on the first call of an Arrow function, a second of every dbt run.
    # The key is read at each call, so a connection follows a change of SLA_PSEUDONYM_KEY.
    con.create_function(
        "pseudonym", lambda value: pseudonym(value), [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"), type="native", null_handling="special", side_effects=False,
    )


class Plugin(BasePlugin):
    """dbt-duckdb plugin (profiles.yml `plugins:`) adding pseudonym() to dbt's connection."""

    def configure_connection(self, conn) -> None:
        register(conn)
