"""The app's one connection to the published serving copy of the warehouse, in Streamlit's
connection pattern: `serving()` returns the `st.connection` of `ServingConnection`, whose
`query` is the only cached read.

Each query opens its own read-only DuckDB connection: the pipeline publishes a new copy by
atomically replacing the file, and a long-lived connection would keep reading the old
(unlinked) copy. Cached results are keyed on the file's identity (inode, mtime, size)
besides the TTL, so a new publication shows up at once instead of after the TTL.

The copy may predate a column family (outbound, back office, social): `columns` reads what a
table lacks as NULL, so an older copy still shows its inbound lines instead of failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st
from streamlit.connections import BaseConnection

from ingestion.settings import serving_db
from presentation.es_ar import is_missing

CONNECTION_NAME = "serving"
CACHE_TTL_SECONDS = 300

Params = Sequence[Any] | Mapping[str, Any]
# (inode, mtime in ns, size): an atomic replace gives a new inode even when the mtime looks unchanged
Identity = tuple[int, int, int]


class ServingUnavailable(Exception):
    """The serving copy is missing or does not hold the tables the app reads."""


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _query(database: str, identity: Identity, sql: str, params: Params) -> pd.DataFrame:
    # `identity` only keys the cache: a republished file is a new entry.
    try:
        with duckdb.connect(database, read_only=True) as con:
            return con.execute(sql, params).df()
    except duckdb.CatalogException as exc:
        raise ServingUnavailable(str(exc)) from exc
    except duckdb.IOException as exc:
        # Also raised when the file vanished between stat() and connect().
        raise ServingUnavailable(str(exc)) from exc


class ServingConnection(BaseConnection[Path]):
    """The serving DuckDB file, read-only. The underlying "connection" is the file's path:
    `query` and `read_only` open DuckDB on it for as long as they need it. The path is the
    `database` keyword of `st.connection` (`serving()` passes SLA_SERVING_DB's).
    """

    def _connect(self, database: str) -> Path:
        return Path(database)

    @property
    def database(self) -> Path:
        return self._instance

    def identity(self) -> Identity:
        """The file's identity, a key for anything derived from one publication."""
        try:
            info = self.database.stat()
        except FileNotFoundError:
            raise ServingUnavailable(f"no existe {self.database}") from None
        return info.st_ino, info.st_mtime_ns, info.st_size

    def query(self, sql: str, params: Params = ()) -> pd.DataFrame:
        """Run a read-only query with bound parameters; cached per publication of the file.
        A missing file or table raises ServingUnavailable."""
        return _query(str(self.database), self.identity(), sql, params)

    def records(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """`query` as a list of rows, NaN read as None so callers test one kind of "missing"."""
        return [
            {k: (None if is_missing(v) else v) for k, v in row.items()}
            for row in self.query(sql, params).to_dict(orient="records")
        ]

    def schema(self) -> dict[str, list[str]]:
        """Columns of each table of the copy, in table order."""
        df = self.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        )
        return {t: g["column_name"].tolist() for t, g in df.groupby("table_name", sort=False)}

    def require(self, tables: Sequence[str]) -> None:
        """Raise ServingUnavailable unless the file exists and holds every one of `tables`."""
        schema = self.schema()
        missing = [t for t in tables if t not in schema]
        if missing:
            raise ServingUnavailable("faltan tablas: " + ", ".join(missing))

    def columns(self, table: str, wanted: Mapping[str, str]) -> str:
        """Select list of `wanted` ({column: SQL type}): each column, or a typed NULL when the
        table (or the whole copy) lacks it. Column names come from the callers' constants only."""
        have = set(self.schema().get(table, ()))
        return ", ".join(
            name if name in have else f"CAST(NULL AS {sql_type}) AS {name}"
            for name, sql_type in wanted.items()
        )

    @contextmanager
    def read_only(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """An uncached read-only DuckDB connection, closed on exit (for the audit report
        builder, which runs its own queries)."""
        self.identity()  # a missing file is ServingUnavailable, not a new empty file
        try:
            con = duckdb.connect(str(self.database), read_only=True)
        except duckdb.IOException as exc:
            raise ServingUnavailable(str(exc)) from exc
        try:
            yield con
        finally:
            con.close()


def as_date(value: Any) -> dt.date | None:
    """A DATE or TIMESTAMP read from the copy as a date; None stays None."""
    if value is None:
        return None
    return pd.Timestamp(value).date()


def serving() -> ServingConnection:
    """The app's connection to the serving copy named by SLA_SERVING_DB now (the path is a
    keyword of `st.connection`, so another path is another cached connection)."""
    return st.connection(CONNECTION_NAME, type=ServingConnection, database=str(serving_db()))
