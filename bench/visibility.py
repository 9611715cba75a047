"""Whether queue_log lines show in the published serving copy: every queue entry they open is a
row of fct_calls there, every answer they log has its answer time, and every entry they end has
its end time. Queue-log call ids are published as they are (fct_calls.callid), so the lines can
be found call by call; a count that happens to match would prove nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb

# the events that end a queue entry (int_queue_calls: `terminals`)
END_EVENTS = frozenset({
    "COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER",
    "ABANDON", "EXITEMPTY", "EXITWITHTIMEOUT", "EXITWITHKEY", "WITHDRAW",
})
KIND_OF_EVENT = {"ENTERQUEUE": "entered", "CONNECT": "answered", **{event: "ended" for event in END_EVENTS}}

MISSING_SQL = """
with expected as (
    select unnest(?::varchar[]) as callid, unnest(?::varchar[]) as queue_name, unnest(?::varchar[]) as kind
)
select count(*) from expected
where not exists (
    select 1 from served.main.fct_calls as calls
    where calls.direction = 'inbound'
        and calls.callid = expected.callid
        and calls.queue_name = expected.queue_name
        and (expected.kind = 'entered'
            or (expected.kind = 'answered' and calls.answered_at_local is not null)
            or (expected.kind = 'ended' and calls.ended_at_local is not null))
)
"""


def expectations(lines: list[str]) -> list[tuple[str, str, str]]:
    """(callid, queue, entered / answered / ended) for every call event of queue_log `lines`
    (`epoch|callid|queue|agent|EVENT|data...`)."""
    found = []
    for line in lines:
        fields = line.split("|")
        if len(fields) >= 5 and fields[4] in KIND_OF_EVENT and fields[1] != "NONE":
            found.append((fields[1], fields[2], KIND_OF_EVENT[fields[4]]))
    return sorted(set(found))


def missing(serving: Path, expected: list[tuple[str, str, str]]) -> int:
    """How many of `expected` the serving copy does not show yet (all of them while it has no
    fct_calls to read)."""
    if not serving.exists():
        return len(expected)
    con = duckdb.connect()
    try:
        con.execute("attach ? as served (read_only)", [str(serving)])
        columns = [list(column) for column in zip(*expected)] or [[], [], []]
        return con.execute(MISSING_SQL, columns).fetchone()[0]
    except duckdb.CatalogException:
        return len(expected)
    finally:
        con.close()
