"""The project's own style gates, so that a red lint is a red build: ruff on the Python,
sqlfluff with the dbt templater on the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ingestion import settings

BIN = Path(sys.executable).parent


def test_ruff_finds_nothing():
    result = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=settings.PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]


def test_sqlfluff_finds_nothing_in_the_models(tmp_path):
    result = subprocess.run(
        # two processes: about 38 s instead of 58 s on this 2-core machine
        [str(BIN / "sqlfluff"), "lint", "models", "--processes", "2"],
        cwd=settings.PROJECT_ROOT / "dbt_project", capture_output=True, text=True,
        env={**os.environ, "SLA_WAREHOUSE_DB": str(tmp_path / "lint.duckdb")},
    )
    assert result.returncode == 0, result.stdout[-4000:]
