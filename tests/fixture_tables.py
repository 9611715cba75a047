"""Fixture tables of the dashboard tests: CSV rows typed by the marts' contracts, and
tables created with every column of a contract.

The rows live in tests/fixtures/dashboards/<fixture set>/<mart>.csv, one file per table;
a file holds only the columns its fixture gives, each a column of that mart's contract.
An empty cell is NULL; a quoted empty cell ("") is an empty string.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from presentation import marts as mart_contracts

FIXTURES_DIR = Path(__file__).parent / "fixtures" / "dashboards"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_rows(path: Path, model: str) -> list[dict[str, Any]]:
    """The rows of a fixture CSV, each column typed as `model`'s contract declares it
    (never sniffed), as dicts of Python values."""
    contract = mart_contracts.columns(model)
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    unknown = [name for name in header if name not in contract]
    if unknown:
        raise ValueError(
            f"{path}: columns {unknown} are not in the contract of {model} "
            f"({mart_contracts.MARTS_DIR}/**/{model}.yml); rename them to contract columns or drop them"
        )
    columns = "{" + ", ".join(f"{_quoted(name)}: {_quoted(contract[name])}" for name in header) + "}"
    with duckdb.connect() as con:
        relation = con.sql(
            f"SELECT * FROM read_csv({_quoted(str(path))}, header = true, delim = ',', quote = '\"', "
            f"allow_quoted_nulls = false, columns = {columns})"
        )
        names = relation.columns
        return [dict(zip(names, values, strict=True)) for values in relation.fetchall()]


def create_table(con: duckdb.DuckDBPyConnection, model: str, rows: list[dict[str, Any]]) -> None:
    """Table `model` with every column of its contract, in contract order and type, holding
    `rows`; a column a row does not give is NULL."""
    contract = mart_contracts.columns(model)
    unknown = sorted({name for row in rows for name in row} - contract.keys())
    if unknown:
        raise ValueError(f"fixture rows of {model} give columns its contract lacks: {unknown}")
    con.execute(f"CREATE TABLE {model} ({mart_contracts.ddl(model)})")
    if rows:
        # Through a DataFrame: executemany takes seconds for a few hundred rows.
        frame = pd.DataFrame(  # noqa: F841 - read by DuckDB by name
            [{name: row.get(name) for name in contract} for row in rows], dtype=object
        )
        con.execute(f"INSERT INTO {model} SELECT * FROM frame")
