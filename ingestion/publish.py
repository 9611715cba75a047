"""Publish the read-only serving copy that dashboards and analysts open.

DuckDB allows one writing process and no readers from other processes meanwhile, so
readers never open the warehouse file. The marts (schema `main`, no raw personal data)
are copied into a fresh file next to the serving path, which then replaces the old copy
with an atomic rename: a reader holding the old file keeps reading it, the next query
sees the new one, nobody sees half a copy.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# Schemas never published: `raw` keeps personal data; staging/intermediate are internals.
PUBLISHED_SCHEMA = "main"


def publish(warehouse: Path, serving: Path, code_version: str = "", marts: list[str] | None = None) -> dict:
    """Copy `marts` (every table of the published schema when None) into a fresh serving copy."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("attach ? as wh (read_only)", [str(warehouse)])
        tables = marts if marts is not None else [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where database_name = 'wh' "
                "and schema_name = ? order by table_name",
                [PUBLISHED_SCHEMA],
            ).fetchall()
        ]
        rows = {}
        for table in tables:
            con.execute(f'create table main."{table}" as select * from wh.main."{table}"')
            rows[table] = con.execute(f'select count(*) from main."{table}"').fetchone()[0]
        # an instant, not a wall-clock reading: readers show it in their own zone
        published_at = datetime.now(UTC)
        con.execute(
            "create table main.publish_log as select ?::timestamptz as published_at, "
            "?::varchar as code_version, ?::integer as tables_published",
            [published_at, code_version, len(tables)],
        )
        con.execute("detach wh")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, serving)
    return {"tables": rows, "published_at": published_at.isoformat(), "path": str(serving)}
