"""The published marts' columns and types, read from their dbt model contracts.

Every mart declares its columns (name, order, data_type) in the YAML beside its SQL
(dbt_project/models/marts/<area>/<model>.yml) and dbt enforces that declaration at build
time, so it is the one place the dashboards' queries and the test fixtures take column
types from: a page names the columns it reads, the contract says what they are.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

MARTS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts"


@cache
def contracts(marts_dir: Path = MARTS_DIR) -> dict[str, dict[str, str]]:
    """{model: {column: DuckDB type}} for every mart with an enforced contract, columns
    in the YAML's order (the published order)."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(marts_dir.glob("**/*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in doc.get("models") or []:
            enforced = ((model.get("config") or {}).get("contract") or {}).get("enforced", True)
            if not enforced:
                # dbt_project.yml enforces every mart's contract; a model that opts out
                # has no declared shape to read
                continue
            columns: dict[str, str] = {}
            for column in model.get("columns") or []:
                if not column.get("data_type"):
                    raise ValueError(
                        f"{path}: model {model['name']!r}, column {column.get('name')!r} has no "
                        "data_type; the marts' contract needs one for every column (add "
                        "`data_type: <duckdb type>` to it)"
                    )
                columns[column["name"]] = str(column["data_type"]).upper()
            if columns:
                found[model["name"]] = columns
    return found


def columns(model: str) -> dict[str, str]:
    """{column: DuckDB type} of one published mart, in contract order."""
    try:
        return contracts()[model]
    except KeyError:
        raise KeyError(
            f"no contracted mart {model!r} under {MARTS_DIR}: the caller names a model that "
            "is not published (name one of the marts' <model>.yml models)"
        ) from None


def typed(model: str, names: tuple[str, ...]) -> dict[str, str]:
    """{column: DuckDB type} of the named columns of a published mart, in the order given;
    a name the contract lacks is an error naming the mart, so a page cannot ask for a
    column the warehouse never publishes."""
    declared = columns(model)
    missing = [name for name in names if name not in declared]
    if missing:
        raise KeyError(f"{model} publishes no column {', '.join(missing)} (its contract: "
                       f"{MARTS_DIR}/**/{model}.yml)")
    return {name: declared[name] for name in names}


def ddl(model: str) -> str:
    """`CREATE TABLE` column list of a mart as its contract declares it."""
    return ", ".join(f"{name} {sql_type}" for name, sql_type in columns(model).items())
