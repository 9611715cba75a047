"""The Dagster code location loads, names every asset as agreed, and its sensor turns new
landing files into a run for the days they cover."""

from __future__ import annotations

from dagster import AssetKey, DagsterInstance, DagsterRunStatus, RunRequest, SkipReason, build_sensor_context

from assets.definitions import defs

MARTS = {"dim_lines", "fct_calls", "fct_agent_sessions", "fct_agent_intervals",
         "kpi_line_interval", "kpi_line_daily"}


def test_definitions_load_with_the_whole_graph():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert MARTS <= keys
    assert {"raw/asterisk_queue_log", "raw/contract_lines", "raw/contract_queues",
            "stg_asterisk__queue_events", "int_queue_calls", "serving_database"} <= keys
    job = defs.resolve_job_def("warehouse_job")
    assert job.partitions_def is not None
    assert defs.resolve_sensor_def("landing_sensor") and defs.resolve_schedule_def("nightly_warehouse")


def test_every_asset_has_a_group_kinds_and_a_description():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_external:
            continue
        assert node.group_name and node.group_name != "default", key
        assert node.kinds, key
        assert node.description, key


def test_dbt_models_depend_on_the_loader_assets():
    graph = defs.resolve_asset_graph()
    assert AssetKey(["raw", "asterisk_queue_log"]) in graph.get(AssetKey("stg_asterisk__queue_events")).parent_keys
    assert AssetKey("kpi_line_daily") in graph.get(AssetKey("serving_database")).parent_keys


def test_every_contract_source_of_dbt_has_a_producing_asset():
    """The raw.contract_* tables (and the business calendar the contract implies) that dbt reads
    are each declared by the asset that writes them, so the terms have a producer in the graph."""
    import json

    from assets.dbt import WarehouseTranslator, manifest_path
    from assets.raw import contract_config

    translator = WarehouseTranslator()
    sources = {translator.get_asset_key(source) for source in json.loads(manifest_path().read_text())["sources"].values()
               if source["source_name"] == "raw"
               and (source["name"].startswith("contract_") or source["name"] == "business_calendar")}
    assert {AssetKey(["raw", "contract_terms"]), AssetKey(["raw", "contract_staffing"]),
            AssetKey(["raw", "contract_penalties"])} <= sources
    graph = defs.resolve_asset_graph()
    for key in sources:
        assert key in graph.get_all_asset_keys() and not graph.get(key).is_external, key
    assert sources <= set(contract_config.keys)


def test_sensor_requests_the_days_of_new_files_then_skips(tmp_path, monkeypatch):
    # 2024-03-01 23:59:50 and 2024-03-02 00:10:00 in Buenos Aires
    (tmp_path / "queue_log-20240302").write_text(
        "1709348390|c1|q|NONE|ENTERQUEUE||1|1\n1709348990|c1|q|NONE|ABANDON|1|1|600\n")
    monkeypatch.setenv("SLA_LANDING_DIR", str(tmp_path))
    sensor = defs.resolve_sensor_def("landing_sensor")
    context = build_sensor_context(instance=DagsterInstance.ephemeral())
    first = sensor(context)
    assert isinstance(first, RunRequest)
    assert first.tags["dagster/asset_partition_range_start"] == "2024-03-01"
    assert first.tags["dagster/asset_partition_range_end"] == "2024-03-02"
    again = sensor(build_sensor_context(cursor=context.cursor))
    assert isinstance(again, SkipReason)


def test_sensor_adds_no_run_while_one_already_waits(tmp_path, monkeypatch):
    from dagster._core.storage.dagster_run import DagsterRun

    (tmp_path / "queue_log-20240302").write_text("1709348390|c1|q|NONE|ENTERQUEUE||1|1\n")
    monkeypatch.setenv("SLA_LANDING_DIR", str(tmp_path))
    sensor = defs.resolve_sensor_def("landing_sensor")
    with DagsterInstance.ephemeral() as instance:
        instance.add_run(DagsterRun(job_name="warehouse_job", run_id="a" * 36, status=DagsterRunStatus.NOT_STARTED))
        waiting = sensor(build_sensor_context(instance=instance))
        assert isinstance(waiting, SkipReason) and "already waits" in waiting.skip_message
        # once that run has started, the files it may not have covered are asked for
        instance.add_run(DagsterRun(job_name="other_job", run_id="b" * 36, status=DagsterRunStatus.NOT_STARTED))
        instance.report_run_canceled(instance.get_run_by_id("a" * 36))
        assert isinstance(sensor(build_sensor_context(instance=instance)), RunRequest)


def test_the_monthly_audit_schedule_asks_for_the_previous_month():
    import datetime as dt

    from dagster import build_schedule_context

    from assets.definitions import monthly_audit_report

    context = build_schedule_context(scheduled_execution_time=dt.datetime(2026, 1, 2, 8, 0))
    request = monthly_audit_report(context)
    assert request.partition_key == "2025-12-01"


def test_only_the_newest_run_target_folders_are_kept(tmp_path):
    """Each dbt run leaves a ~24 MB folder; a live day runs every minute or so."""
    import os

    from assets.dbt import RUN_TARGETS_KEPT, prune_run_targets

    (tmp_path / "partial_parse.msgpack").write_bytes(b"kept parse")
    runs = []
    for age in range(RUN_TARGETS_KEPT + 3):
        run = tmp_path / f"warehouse_dbt_models-run{age:02d}-abc"
        (run / "compiled").mkdir(parents=True)
        (run / "manifest.json").write_text("{}")
        os.utime(run, (10_000 - age, 10_000 - age))  # run00 the newest
        runs.append(run)
    # the current run's folder is older than the kept ones (a long build): it stays
    removed = prune_run_targets(tmp_path, keep=runs[-1])
    assert sorted(p.name for p in removed) == [r.name for r in runs[RUN_TARGETS_KEPT:-1]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [r.name for r in runs[:RUN_TARGETS_KEPT]] + [runs[-1].name, "partial_parse.msgpack"])
    assert prune_run_targets(tmp_path, keep=runs[-1]) == []
