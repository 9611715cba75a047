"""The dashboards' room: hand-built serving copies, published where the pages read them.

`serving` is the Resumen fixture set (dashboard_fixtures), `sla_serving` the Cumplimiento
SLA one (sla_dashboard_fixtures), `hoy_serving` the first of the Hoy page's two publications
(hoy_fixtures); each sets SLA_SERVING_DB for the test, as the pipeline's publish step would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboards import dashboard_fixtures as fx
from tests.dashboards import hoy_fixtures as hfx
from tests.dashboards import sla_dashboard_fixtures as sfx


@pytest.fixture
def serving(tmp_path, monkeypatch) -> Path:
    path = fx.build_serving_db(tmp_path / "serving.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    return path


@pytest.fixture
def sla_serving(tmp_path, monkeypatch) -> Path:
    path = sfx.build_sla_serving_db(tmp_path / "serving.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    return path


@pytest.fixture
def hoy_serving(tmp_path, monkeypatch) -> Path:
    path = hfx.build_hoy_db(tmp_path / "serving.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    return path
