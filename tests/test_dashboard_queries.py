"""Query module against a hand-built serving file (tests/dashboard_fixtures.py)."""

import datetime as dt
import os
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards import queries
from tests import dashboard_fixtures as fx


@pytest.fixture
def serving(tmp_path, monkeypatch) -> Path:
    path = fx.build_serving_db(tmp_path / "serving.duckdb")
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    return path


def test_month_to_date_sums_numerators_and_denominators(serving):
    mtd = queries.period_kpis(fx.MONTH_START, fx.LATEST_DAY)
    for line, expected in fx.EXPECTED_MTD.items():
        got = mtd[line]
        assert got["offered"] == expected["offered"], line
        assert got["answered"] == expected["answered"], line
        assert got["service_level"] == pytest.approx(expected["service_level"]), line
        assert got["asa_seconds"] == pytest.approx(expected["asa_seconds"]), line
        assert got["abandon_rate"] == pytest.approx(expected["abandon_rate"]), line


def test_month_to_date_is_not_the_mean_of_daily_ratios(serving):
    # Guards the fixture itself: the two days must disagree with averaging.
    mtd = queries.period_kpis(fx.MONTH_START, fx.LATEST_DAY)["atc"]
    assert mtd["service_level"] != pytest.approx((0.8 + 0.1) / 2)
    assert mtd["asa_seconds"] != pytest.approx((10 + 40) / 2)


def test_abandon_rate_denominator_is_offered_minus_short_abandons(serving):
    # helpdesk's SL denominator is `offered` (70), the abandon rate's is 70 - 7.
    hd = queries.period_kpis(fx.MONTH_START, fx.LATEST_DAY)["helpdesk"]
    assert hd["service_level_denominator_calls"] == 70
    assert hd["abandon_rate"] == pytest.approx(5 / 63)


def test_a_single_day_matches_the_daily_row(serving):
    day = queries.period_kpis(fx.LATEST_DAY, fx.LATEST_DAY)
    assert day["atc"]["service_level"] == pytest.approx(0.10)
    assert day["atc"]["asa_seconds"] == pytest.approx(40.0)
    assert day["helpdesk"]["abandon_rate"] == pytest.approx(0.0)
    assert day["sin_mapear"]["service_level"] is None
    assert day["sin_mapear"]["asa_seconds"] is None
    assert day["sin_mapear"]["abandon_rate"] is None


def test_previous_month_does_not_leak_into_month_to_date(serving):
    assert queries.period_kpis(fx.MONTH_START, fx.LATEST_DAY)["atc"]["offered"] == 110
    assert (
        queries.period_kpis(dt.date(2025, 10, 1), dt.date(2025, 10, 31))["atc"][
            "offered"
        ]
        == 1000
    )


def test_default_day_is_the_last_one_with_calls(serving):
    bounds = queries.date_bounds()
    assert bounds == {
        "first_date": dt.date(2025, 10, 31),
        "last_date": fx.EMPTY_DAY,
        "last_date_with_calls": fx.LATEST_DAY,
    }


def test_lines_contract_lines_first_then_unmapped(serving):
    lines = queries.lines()
    assert [line["line_code"] for line in lines] == fx.LINE_ORDER
    assert [line["line_name"] for line in lines] == [
        fx.EXPECTED[c]["name"] for c in fx.LINE_ORDER
    ]
    assert [line["in_contract"] for line in lines] == [True, True, False]
    assert lines[0]["service_level_target"] == pytest.approx(0.80)


def test_unmapped_line_is_hidden_when_no_call_fell_into_it(serving):
    with duckdb.connect(str(serving)) as con:
        con.execute("update kpi_line_daily set offered = 0 where line_code = 'sin_mapear'")
    queries.st.cache_data.clear()
    assert [line["line_code"] for line in queries.lines()] == ["atc", "helpdesk"]


def test_interval_kpis_has_every_interval_of_the_day(serving):
    df = queries.interval_kpis(fx.LATEST_DAY)
    atc = df[df["line_code"] == "atc"]
    assert len(atc) == 48
    assert atc["offered"].sum() == 10
    assert atc["interval_start"].is_monotonic_increasing


def test_published_at_in_buenos_aires_time(serving):
    assert queries.published_at() == fx.PUBLISHED_AT_LOCAL


def test_published_at_tolerates_missing_publish_log(tmp_path, monkeypatch):
    path = fx.build_serving_db(tmp_path / "s.duckdb", with_publish_log=False)
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    assert queries.published_at() is None


def test_missing_file_is_reported_not_crashed(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_SERVING_DB", str(tmp_path / "nope.duckdb"))
    with pytest.raises(queries.ServingUnavailable):
        queries.check_available()
    assert not (tmp_path / "nope.duckdb").exists(), (
        "a read-only reader must not create the file"
    )


def test_file_without_kpi_tables_is_unavailable(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    with pytest.raises(queries.ServingUnavailable, match="kpi_line_daily"):
        queries.check_available()


def test_a_republished_file_is_read_again_despite_the_cache(serving, tmp_path):
    assert queries.period_kpis(fx.LATEST_DAY, fx.LATEST_DAY)["atc"]["offered"] == 10
    # Publish like the pipeline: build a new copy aside, then atomically replace,
    # keeping the old mtime to show the cache does not rely on it alone.
    new = fx.build_serving_db(tmp_path / "new.duckdb")
    with duckdb.connect(str(new)) as con:
        con.execute("UPDATE kpi_line_daily SET offered = 99 WHERE line_code = 'atc'")
    old = serving.stat()
    os.utime(new, ns=(old.st_atime_ns, old.st_mtime_ns))
    os.replace(new, serving)
    assert queries.period_kpis(fx.LATEST_DAY, fx.LATEST_DAY)["atc"]["offered"] == 99
