"""Publish the read-only serving copy that dashboards and analysts open.

DuckDB allows one writing process and no readers from other processes meanwhile, so
readers never open the warehouse file. The marts (schema `main`, no raw personal data)
are written into a fresh file next to the serving path, which then replaces the old copy
with an atomic rename: a reader holding the old file keeps reading it, the next query
sees the new one, nobody sees half a copy.

The fresh file starts as a byte copy of the previous serving copy, and only what differs
from the warehouse is rewritten in it: a mart whose rows are all equal is kept, a mart with
a day key (the incremental marts' `rebuild_key`) has just its differing days replaced, any
other changed mart is copied whole. Equal means the same count and the same sum of row
hashes (whole table, then per day), computed on both sides from the data itself, so the copy
converges on the warehouse whatever run, crash or earlier publish came before; a copy that
cannot be opened, or a mart whose columns changed, is written from scratch.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion import settings

# Schemas never published: `raw` keeps personal data; staging/intermediate are internals.
PUBLISHED_SCHEMA = "main"
PUBLISH_LOG = "publish_log"
# past this share of a mart's days differing, copying it whole is cheaper than day by day
REPLACE_WHOLE_SHARE = 0.5


def publish(
    warehouse: Path,
    serving: Path,
    code_version: str = "",
    marts: list[str] | None = None,
    day_keys: dict[str, str] | None = None,
) -> dict:
    """Bring a copy of the serving file up to `marts` of the warehouse (every table of the
    published schema when None) and swap it in. `day_keys` names the day column of the marts
    that can be updated day by day. Returns the rows per mart and how each was written."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    if _reusable(serving):
        shutil.copyfile(serving, tmp)
    con = duckdb.connect(str(tmp), config=settings.duckdb_config())
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
        here = con.execute("select current_database()").fetchone()[0]
        present = set(_tables(con, here))
        for stale in sorted(present - set(tables) - {PUBLISH_LOG}):
            con.execute(f'drop table main."{stale}"')
        rows, written = {}, {}
        for table in tables:
            written[table] = _sync(con, here, table, (day_keys or {}).get(table), table in present)
            rows[table] = con.execute(f'select count(*) from main."{table}"').fetchone()[0]
        # an instant, not a wall-clock reading: readers show it in their own zone
        published_at = datetime.now(UTC)
        con.execute(
            f"create or replace table main.{PUBLISH_LOG} as select ?::timestamptz as published_at, "
            "?::varchar as code_version, ?::integer as tables_published",
            [published_at, code_version, len(tables)],
        )
        con.execute("detach wh")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, serving)
    return {"tables": rows, "written": written, "published_at": published_at.isoformat(), "path": str(serving)}


def _reusable(serving: Path) -> bool:
    """A previous copy this code can update in place: it opens and has its publish log."""
    if not serving.exists():
        return False
    try:
        with duckdb.connect(str(serving), read_only=True) as con:
            return PUBLISH_LOG in _tables(con, con.execute("select current_database()").fetchone()[0])
    except duckdb.Error:
        return False


def _tables(con, database: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ?",
        [database, PUBLISHED_SCHEMA],
    ).fetchall()]


def _columns(con, database: str, table: str) -> list[tuple]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ? order by column_index",
        [database, PUBLISHED_SCHEMA, table],
    ).fetchall()


def _fingerprint(relation: str, key: str | None = None) -> str:
    """Count and exact sum of row hashes, per value of `key` when given."""
    by = f'"{key}" as k, ' if key else ""
    group = " group by all" if key else ""
    return f"select {by}count(*) as n, sum(hash(t)::hugeint) as h from {relation} as t{group}"


def _sync(con, here: str, table: str, key: str | None, present: bool) -> str:
    """Make main.<table> of the copy (catalog `here`) equal wh.main.<table>: 'unchanged',
    'N of M days' or 'copied'."""
    old, new = f'main."{table}"', f'wh.main."{table}"'
    columns = _columns(con, here, table) if present else None
    if columns and columns == _columns(con, "wh", table):
        if con.execute(_fingerprint(old)).fetchone() == con.execute(_fingerprint(new)).fetchone():
            return "unchanged"
        if key and any(name == key for name, _ in columns):
            con.execute(
                f"create or replace temp table changed_days as "
                f"select coalesce(a.k, b.k) as k from ({_fingerprint(old, key)}) as a "
                f"full outer join ({_fingerprint(new, key)}) as b on a.k is not distinct from b.k "
                f"where a.n is distinct from b.n or a.h is distinct from b.h"
            )
            changed = con.execute("select count(*) from changed_days").fetchone()[0]
            # the null day counts as a day: its rows are compared and replaced like any other
            days = con.execute(f'select count(*) from (select distinct "{key}" from {new})').fetchone()[0]
            if changed <= REPLACE_WHOLE_SHARE * max(days, 1):
                in_changed = f'exists (select 1 from changed_days as c where c.k is not distinct from "{key}")'
                con.execute("begin transaction")
                con.execute(f"delete from {old} where {in_changed}")
                con.execute(f"insert into {old} select * from {new} where {in_changed}")
                con.execute("commit")
                con.execute("drop table changed_days")
                return f"{changed} of {days} days"
            con.execute("drop table changed_days")
    con.execute(f"create or replace table {old} as select * from {new}")
    return "copied"
