"""dbt models as Dagster assets; one translator owns their keys and groups."""


import importlib.metadata
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from assets.partitions import run_days
from assets.rebuild import dbt_build_args, dbt_vars
from contract import load_config
from ingestion import settings

DBT_PROJECT_DIR = settings.PROJECT_ROOT / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# the level of dbt's own log file (target/<run>/dbt.log) in the pipeline's runs
DBT_FILE_LOG_LEVEL = "warn"


class WarehouseTranslator(DagsterDbtTranslator):
    """Sources keep their raw table's key (raw/<table>), matching the loader assets;
    models are keyed by name and grouped by layer (staging, intermediate, marts)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a venv works without being on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


class WarehouseDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two costs paid on every invocation that this
    project does not need (about 4.5 s of a 1-day run, measured at a year of data, docs/incremental.md):
    running `dbt --version` in a subprocess to learn a version the installed package states,
    and opening a dbt adapter in Dagster's process, used only to fetch column metadata."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # dbt_executable() is the dbt installed beside this Python, so its package's version
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def _manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "tests", "seeds"):
        sources += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


def manifest_path() -> Path:
    """The manifest the assets are built from, re-parsed when a model, macro or YAML file
    is newer (a fresh clone has none): definitions never describe stale models."""
    if _manifest_is_stale():
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", "target"],
            cwd=DBT_PROJECT_DIR, check=True,
        )
    return dbt_project.manifest_path


@dbt_assets(
    manifest=manifest_path(),
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(),
)
def warehouse_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """dbt build (models and data tests; the unit tests run in the test suite) of the staging,
    intermediate and mart models, with the contract's time zone and interval length as vars.
    The run's partition range is the dbt window: the incremental models rebuild those days
    and every day whose raw data changed since the last complete build (a full refresh when
    the rules changed). The models are not partitioned assets themselves: a run over a year
    of partitions would record a materialization per model and day, and the days a model
    rebuilds are decided by the data (docs/incremental.md), not by the partitions alone."""
    # dbt runs inside dbt_project/: a relative SLA_WAREHOUSE_DB must name the same file there
    warehouse = settings.warehouse_db()
    os.environ["SLA_WAREHOUSE_DB"] = str(warehouse)
    config = load_config(settings.config_path())
    args = dbt_build_args(dbt_vars(config), warehouse, run_days(context), settings.config_path(),
                          unit_tests=False)
    # every event reaches Dagster's log through dbt's output already; dbt's own file log at its
    # default debug level was 5.6 MB and about 2.5 s of every run (DBT_LOG_LEVEL_FILE=debug
    # brings it back for a dbt issue)
    args += ["--log-level-file", os.environ.get("DBT_LOG_LEVEL_FILE") or DBT_FILE_LOG_LEVEL]
    context.log.info(f"dbt {' '.join(args)}")
    invocation = dbt.cli(args, context=context)
    yield from invocation.stream()
    keep_partial_parse(invocation.target_path)
    prune_run_targets(DBT_PROJECT_DIR / "target", keep=invocation.target_path)


def keep_partial_parse(run_target: Path) -> None:
    """Keep the run's parse for the next run (dagster-dbt seeds each run's target folder from
    the project's): with the same vars and profile, dbt then parses only what changed."""
    parsed = run_target / "partial_parse.msgpack"
    if parsed.exists():
        kept = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
        kept.parent.mkdir(exist_ok=True)
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}")
        shutil.copyfile(parsed, tmp)
        os.replace(tmp, kept)


# dagster-dbt gives every run a target folder of its own (manifest, compiled SQL, run results,
# dbt.log: about 24 MB); the landing sensor starts a run every minute or so all day
RUN_TARGETS_KEPT = 5


def prune_run_targets(target: Path, keep: Path | None = None) -> list[Path]:
    """Remove all but the RUN_TARGETS_KEPT newest run folders (`warehouse_dbt_models-*`) under
    `target`, never `keep` (this run's); the rest of `target` (the kept parse) stays. Returns
    the folders removed. A folder another process removes meanwhile is no error."""
    runs = sorted((p for p in target.glob("warehouse_dbt_models-*") if p.is_dir()),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for old in runs[RUN_TARGETS_KEPT:]:
        if keep is not None and old.resolve() == Path(keep).resolve():
            continue
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed
