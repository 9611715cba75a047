"""The bench's bookkeeping without running a stage: sizes, targets, the table and the JSON lines."""

from __future__ import annotations

import json

import pytest

from bench.process import StageResult
from bench.report import append_jsonl, records, run_history, table
from bench.sizes import Size, estimate_seconds, fit_run_seconds, parse_sizes
from bench.targets import evaluate


def result(stage: str, seconds: float, peak_mb: float = 100.0, **extra) -> StageResult:
    return StageResult(stage=stage, seconds=seconds, peak_mb=peak_mb, max_rss_mb=peak_mb, cpu_seconds=seconds,
                       process_seconds=seconds + 1, log=f"/tmp/{stage}.log", extra=extra)


RESULTS = [
    result("simulate", 60.0), result("floor_query", 2.0), result("full_build", 80.0, 3000.0),
    result("add_day", 30.0, 900.0), result("empty_day", 12.0), result("live_setup", 20.0),
    result("live_append", 25.0, 1200.0, sensor_interval_s=60, page_refresh_s=7, lines_appended=1000),
]


def test_sizes_parse_and_name_themselves():
    assert parse_sizes("365x1, 365x10,7x0.5") == [Size(365, 1.0), Size(365, 10.0), Size(7, 0.5)]
    assert Size(365, 10.0).label == "365 d x 10" and Size(7, 0.5).slug == "7d-x0.5"
    with pytest.raises(ValueError, match="'365' is not DAYSxSCALE"):
        parse_sizes("365x1,365")


def test_targets_speak_of_their_sizes_only():
    by_stage = {r.stage: r for r in RESULTS}
    year = {(t["target"]): t for t in evaluate(Size(365, 1), by_stage)}
    assert year["a year at 1x from scratch <= 90 s"] | {} == {
        "stage": "full_build", "target": "a year at 1x from scratch <= 90 s", "limit": 90, "unit": "s",
        "value": 80.0, "applies": True, "met": True}
    assert year["a day onto a year at 1x <= 20 s"]["met"] is False
    assert year["a day onto a year at 10x <= 60 s"]["applies"] is False
    assert year["<= 3x the same day on an empty warehouse"]["value"] == 2.5
    # lines appended just after a tick wait for the next one, and a page that looked just before
    # the publication for its next refresh: 25 + 60 + 7
    assert year["lines on the Hoy page <= 60 s, sensor tick and page refresh incl."]["value"] == 92.0
    assert year["peak memory at 10x <= 4 GB"] | {} == {
        "stage": "peak_memory", "target": "peak memory at 10x <= 4 GB", "limit": 4096, "unit": "MB",
        "value": 3000.0, "applies": False, "met": True}
    ten = {t["target"]: t for t in evaluate(Size(365, 10), by_stage)}
    assert ten["a day onto a year at 10x <= 60 s"] | {} == {**ten["a day onto a year at 10x <= 60 s"], "applies": True}
    assert ten["peak memory at 10x <= 4 GB"]["applies"] is True
    assert {t["applies"] for t in evaluate(Size(7, 1), by_stage) if "year" in t["target"]} == {False}


def test_the_table_shows_ratios_to_the_floor_and_the_targets():
    size = Size(365, 1)
    text = table(size, RESULTS, evaluate(size, {r.stage: r for r in RESULTS}), ["a note"])
    lines = text.splitlines()
    assert lines[0] == "365 d x 1"
    row = {line.split()[0]: line for line in lines[2:] if line.startswith("  ") and line.split()[0].isidentifier()}
    assert row["full_build"].split()[1:4] == ["80.00", "3000.0", "40.0"]
    assert row["full_build"].endswith(" yes")
    assert row["simulate"].split()[3] == "-" and row["floor_query"].split()[3] == "1.0"
    assert row["add_day"].endswith(" NO")
    assert any("(2.5 x)" in line and line.endswith(" yes") for line in lines)
    assert "(92 s)" in row["live_append"] and row["live_append"].endswith(" NO")
    assert row["peak_memory"].split()[1:3] == ["-", "3000.0"] and row["peak_memory"].endswith(" n/a")
    assert lines[-1] == "  a note"


def test_json_lines_one_per_stage_with_the_run_and_machine(tmp_path):
    size = Size(7, 2)
    meta = {"run_id": "r1", "commit": "abc", "machine": {"cores": 2}}
    targets = evaluate(size, {r.stage: r for r in RESULTS})
    lines = records(meta, size, RESULTS, targets, {"landing_mb": 12.5})
    assert [line["stage"] for line in lines] == [r.stage for r in RESULTS] + ["peak_memory"]
    add_day = lines[3]
    assert add_day["days"] == 7 and add_day["scale"] == 2 and add_day["commit"] == "abc"
    assert add_day["ratio_to_floor"] == 15.0 and add_day["landing_mb"] == 12.5
    assert [t["target"] for t in add_day["targets"]][-1] == "<= 3x the same day on an empty warehouse"
    assert lines[0]["ratio_to_floor"] is None and lines[-1]["peak_mb"] == 3000.0
    path = tmp_path / "results" / "results.jsonl"
    append_jsonl(path, lines)
    append_jsonl(path, [{**line, "run_id": "r2", "days": 14} for line in lines])
    kept = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(kept) == 2 * len(lines) and kept[6]["sensor_interval_s"] == 60
    # each complete size run: (days x scale, its stages' process seconds)
    total = sum(r.process_seconds for r in RESULTS)
    assert sorted(run_history(path, cores=2)) == [(14.0, total), (28.0, total)]
    assert run_history(path, cores=8) == []


def test_estimates_fit_recorded_runs_once_two_sizes_are_known():
    assert fit_run_seconds([(3.0, 400.0)]) is None
    assert estimate_seconds(Size(10, 1), [(3.0, 400.0)])[1] == "rough default model"
    fixed, per_unit = fit_run_seconds([(2.0, 300.0), (4.0, 340.0), (6.0, 380.0)])
    assert (round(fixed, 6), round(per_unit, 6)) == (260.0, 20.0)
    seconds, source = estimate_seconds(Size(10, 2), [(2.0, 300.0), (6.0, 380.0)])
    assert round(seconds, 6) == 660.0 and source.startswith("fitted to 2 recorded runs")
