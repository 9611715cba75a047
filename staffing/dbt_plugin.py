"""dbt-duckdb plugin: `required_agents(calls, aht_seconds, interval_seconds, target_sl,
target_answer_seconds)` in dbt's SQL, the same function analysts import from `staffing`."""

from __future__ import annotations

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from staffing.erlang_c import required_agents


def _required(calls, aht, interval, target, answer):
    if calls is None or aht is None or target is None or answer is None or not aht > 0 or not 0 < target < 1:
        return None
    return required_agents(calls, aht, interval, target, answer)


def register(con: duckdb.DuckDBPyConnection) -> None:
    double = duckdb.sqltype("DOUBLE")
    con.create_function("required_agents", _required, [double] * 5, duckdb.sqltype("INTEGER"),
                        null_handling="special", side_effects=False)


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        register(conn)
