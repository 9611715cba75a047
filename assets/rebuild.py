"""What a dbt build rebuilds: the days a run's data changed, or everything.

The incremental models (dbt_project/macros/rebuild_days.sql) rebuild the local days whose raw
data changed since the last complete build, plus the run's partitions, passed once as the
vars window_start / window_end. What the data cannot tell them is a change of the rules: the
contract file, a mapping or a model's SQL. Those are fingerprinted here; a build whose
fingerprint differs from the one the last complete build recorded is a full refresh, so a
new target or a corrected rule reaches every day, and a run that crashed before recording
is simply redone in full.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date
from pathlib import Path

import duckdb

from ingestion import settings
from ingestion.raw_schema import ensure_raw_schema

DBT_PROJECT_DIR = settings.PROJECT_ROOT / "dbt_project"

# Where the on-run-end hook (remember_built_days) records the rules of a complete build.
BUILT_RULES = ("intermediate", "built_rules")


def rule_files(config_path: Path) -> list[Path]:
    """The files whose content decides the figures besides the data: the contract folder
    (contract file and mappings) and the dbt project's models, macros and settings."""
    folders = [config_path.parent, DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "macros"]
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    for folder in folders:
        files += [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return sorted(set(files))


def build_fingerprint(config_path: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in rule_files(config_path or settings.config_path()):
        digest.update(path.as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def recorded_fingerprint(warehouse: Path) -> str | None:
    """The fingerprint of the last complete build, None when there is none."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            list(BUILT_RULES)).fetchone()[0]
        if not found:
            return None
        rows = con.execute("select build_fingerprint from {}.{}".format(*BUILT_RULES)).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def dbt_vars(config) -> dict:
    """Contract settings the SQL needs, from the same file the loaders read, and the reaches
    of the incremental models that follow from them (docs/incremental.md): how many days a
    call can wait to become a lost record, how many days a repeat-contact window spans, how
    long an agent's membership can last (the longest shift). A change of any of them changes
    the contract's fingerprint, so the build that sees it is full."""
    repeat_days = [line.repeat_contact_days for line in config.lines if line.repeat_contact_days]
    return {
        "timezone": config.timezone,
        "interval_minutes": config.interval_minutes,
        "unmapped_line": config.unmapped_line,
        "lost_record_reach_days": math.ceil(config.lost_record_after_minutes / 1440),
        "repeat_contact_reach_days": max(repeat_days, default=0),
        "longest_shift_hours": config.longest_shift_hours,
    }


def write_window(warehouse: Path, window: tuple[date, date] | None) -> None:
    """The run's partition days for dbt (raw.build_window), replacing the last run's: passed
    in a table, not as vars, because changed vars make dbt parse the whole project again."""
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        con.execute("begin transaction")
        con.execute("delete from raw.build_window")
        if window is not None:
            con.execute("insert into raw.build_window values (?, ?)", list(window))
        con.execute("commit")


def dbt_build_args(
    dbt_vars: dict,
    warehouse: Path,
    window: tuple[date, date] | None = None,
    config_path: Path | None = None,
    unit_tests: bool = True,
) -> list[str]:
    """`dbt build` arguments, after writing the run's window: the contract's vars and the
    fingerprint the hook records; `--full-refresh` when the rules changed since the last complete build.
    Without `unit_tests` the SQL's unit tests are left out: they test the code on fixtures,
    not the data, so the test suite runs them and the pipeline's frequent runs need not."""
    fingerprint = build_fingerprint(config_path)
    write_window(warehouse, window)
    build_vars = {**dbt_vars, "build_fingerprint": fingerprint}
    args = ["build", "--vars", json.dumps(build_vars, sort_keys=True)]
    if recorded_fingerprint(warehouse) != fingerprint:
        args.append("--full-refresh")
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args
