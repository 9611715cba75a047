"""The floor: daily inbound offered, answered, abandoned and answered within 20 s per queue, in one
hand-written DuckDB query over the raw queue_log files (no pseudonyms, no quarantine, no
contract): what any extra work of the pipeline is measured against.

    python -m bench.floor LANDING_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from bench.process import REPORT_PREFIX
from contract import DEFAULT_TIME_ZONE

FLOOR_SQL = """
with f as (
    select string_split(line, '|') as p
    from read_csv(?, columns = {'line': 'VARCHAR'}, delim = chr(31), quote = '', escape = '', header = false)
)
select count(*) from (
    select
        timezone(?, to_timestamp(try_cast(p[1] as double)))::date as day,
        p[3] as queue,
        count(*) filter (where p[5] = 'ENTERQUEUE') as offered,
        count(*) filter (where p[5] = 'CONNECT') as answered,
        count(*) filter (where p[5] = 'ABANDON') as abandoned,
        count(*) filter (where p[5] = 'CONNECT' and try_cast(p[6] as integer) <= 20) as within_20
    from f
    group by all
)
"""


def floor_rows(landing: Path) -> int:
    """The number of (day, queue) rows of daily KPIs computed from every queue_log file."""
    pattern = str(landing / "queue_log" / "queue_log-*")
    return duckdb.connect().execute(FLOOR_SQL, [pattern, DEFAULT_TIME_ZONE]).fetchone()[0]


def main(argv: list[str]) -> int:
    print(REPORT_PREFIX + json.dumps({"rows": floor_rows(Path(argv[0]))}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
