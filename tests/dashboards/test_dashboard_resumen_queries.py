"""The Resumen page's queries against a hand-built serving file (tests/dashboards/dashboard_fixtures.py)."""

import datetime as dt
import os

import duckdb
import pandas as pd
import pytest
import streamlit as st

from dashboards.app_pages import resumen_queries as queries
from dashboards.serving import ServingUnavailable
from dashboards.serving import serving as serving_connection
from tests.dashboards import dashboard_fixtures as fx


def test_month_to_date_sums_numerators_and_denominators(serving):
    mtd = queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)
    for line, expected in fx.EXPECTED_MTD.items():
        for name, value in expected.items():
            assert mtd[line][name] == pytest.approx(value), (line, name)


def _mean_of_daily(line: str, ratio: str) -> float:
    days = [
        queries.period_kpis(serving_connection(), day, day)[line][ratio]
        for day in (fx.FIRST_DAY, fx.LATEST_DAY)
    ]
    return sum(days) / len(days)


@pytest.mark.parametrize(
    "line, ratio",
    [
        ("atc", "service_level"),
        ("atc", "asa_seconds"),
        ("atc", "repeat_contact_rate"),
        ("satisfaccion", "contact_rate"),
        ("satisfaccion", "retention_rate"),
        ("bo_atc", "resolution_within_target_share"),
        ("bo_atc", "reopen_rate"),
        ("bo_social", "first_response_within_target_share"),
        ("bo_social", "social_first_response_avg_seconds"),
        ("bo_social", "hidden_share"),
    ],
)
def test_month_to_date_is_not_the_mean_of_daily_ratios(serving, line, ratio):
    # Guards the fixture itself: the two days must disagree with averaging.
    mtd = queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)[line][ratio]
    assert mtd == pytest.approx(fx.EXPECTED_MTD[line][ratio])
    assert mtd != pytest.approx(_mean_of_daily(line, ratio))


def test_backlog_is_the_stock_of_the_last_day_not_a_sum(serving):
    mtd = queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)["bo_atc"]
    assert mtd["last_report_date"] == fx.LATEST_DAY
    assert mtd["backlog_end"] == 50  # not 60 + 50
    assert [mtd[f"backlog_age_{b}"] for b in ("0_8h", "8_24h", "24_72h", "over_72h")] == [
        10,
        15,
        20,
        5,
    ]
    # A later end date moves the stock to that day even without any flow.
    later = queries.period_kpis(serving_connection(), fx.MONTH_START, fx.EMPTY_DAY)["bo_atc"]
    assert later["backlog_end"] == 50
    assert later["backlog_age_over_72h"] == 15
    assert later["cases_in"] == 50
    # Lines of other families have no stock.
    assert queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)["atc"]["backlog_end"] is None


def test_first_response_average_uses_each_familys_count(serving):
    day = queries.period_kpis(serving_connection(), fx.LATEST_DAY, fx.LATEST_DAY)
    # back office: seconds / first responses; social: seconds / responded
    assert day["bo_atc"]["case_first_response_avg_seconds"] == pytest.approx(3600)
    assert day["bo_social"]["social_first_response_avg_seconds"] == pytest.approx(3000)


def test_social_average_leaves_the_social_lines_cases_out(serving):
    # bo_social also has a CRM queue: two cases answered in 2 h each on the same day must
    # not move the posts' average (8 posts, 3000 s each), and have their own.
    with duckdb.connect(str(serving)) as con:
        con.execute(
            "update kpi_line_daily set first_responses = 2, first_response_business_seconds_total = 14400 "
            "where line_code = 'bo_social' and report_date = ?",
            [fx.LATEST_DAY],
        )
    day = queries.period_kpis(serving_connection(), fx.LATEST_DAY, fx.LATEST_DAY)["bo_social"]
    assert day["social_first_response_avg_seconds"] == pytest.approx(8 * 3000 / 8)
    assert day["case_first_response_avg_seconds"] == pytest.approx(14400 / 2)


def test_targets_come_with_the_period(serving):
    mtd = queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)
    assert mtd["satisfaccion"]["contact_rate_target"] == pytest.approx(0.60)
    assert mtd["satisfaccion"]["retention_rate_target"] == pytest.approx(0.35)
    assert mtd["bo_atc"]["resolution_target_share"] == pytest.approx(0.90)
    assert mtd["bo_social"]["first_response_target_share"] == pytest.approx(0.90)


def test_abandon_rate_denominator_is_offered_minus_short_abandons(serving):
    # helpdesk's SL denominator is `offered` (70), the abandon rate's is 70 - 7.
    hd = queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)["helpdesk"]
    assert hd["service_level_denominator_calls"] == 70
    assert hd["abandon_rate"] == pytest.approx(5 / 63)


def test_a_single_day_matches_the_daily_row(serving):
    day = queries.period_kpis(serving_connection(), fx.LATEST_DAY, fx.LATEST_DAY)
    assert day["atc"]["service_level"] == pytest.approx(0.10)
    assert day["atc"]["asa_seconds"] == pytest.approx(40.0)
    assert day["helpdesk"]["abandon_rate"] == pytest.approx(0.0)
    assert day["sin_mapear"]["service_level"] is None
    assert day["sin_mapear"]["asa_seconds"] is None
    assert day["sin_mapear"]["abandon_rate"] is None


def test_previous_month_does_not_leak_into_month_to_date(serving):
    assert queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)["atc"]["offered"] == 110
    assert (
        queries.period_kpis(serving_connection(), dt.date(2025, 10, 1), dt.date(2025, 10, 31))["atc"][
            "offered"
        ]
        == 1000
    )


def test_default_day_is_the_last_one_with_activity(serving):
    bounds = queries.date_bounds(serving_connection())
    assert bounds == {
        "first_date": dt.date(2025, 10, 31),
        "last_date": fx.EMPTY_DAY,
        "last_date_with_activity": fx.LATEST_DAY,
    }


def test_activity_of_any_family_counts_for_the_default_day(serving):
    with duckdb.connect(str(serving)) as con:
        con.execute(
            "UPDATE kpi_line_daily SET interactions = 1 "
            "WHERE line_code = 'bo_social' AND report_date = $day",
            {"day": fx.EMPTY_DAY},
        )
    st.cache_data.clear()
    assert queries.date_bounds(serving_connection())["last_date_with_activity"] == fx.EMPTY_DAY


def test_lines_by_family_then_unmapped(serving):
    lines = queries.lines(serving_connection())
    assert [line["line_code"] for line in lines] == fx.LINE_ORDER
    assert [line["line_name"] for line in lines] == [
        fx.EXPECTED[c]["name"] for c in fx.LINE_ORDER
    ]
    assert [line["direction"] for line in lines] == [
        fx.EXPECTED[c]["direction"] for c in fx.LINE_ORDER
    ]
    assert [line["in_contract"] for line in lines] == [True] * 6 + [False]
    assert lines[0]["service_level_target"] == pytest.approx(0.80)
    assert lines[0]["repeat_contact_days"] == 7
    assert lines[2]["contact_rate_target"] == pytest.approx(0.60)


def test_direction_comes_from_dim_lines_not_the_line_code(serving):
    with duckdb.connect(str(serving)) as con:
        con.execute("UPDATE dim_lines SET direction = 'social' WHERE line_code = 'atc'")
    st.cache_data.clear()
    lines = queries.lines(serving_connection())
    assert [line["line_code"] for line in lines if line["direction"] == "social"] == [
        "atc",
        "bo_social",
    ]


def test_unmapped_line_is_hidden_when_no_call_fell_into_it(serving):
    with duckdb.connect(str(serving)) as con:
        con.execute("update kpi_line_daily set offered = 0 where line_code = 'sin_mapear'")
    st.cache_data.clear()
    assert [line["line_code"] for line in queries.lines(serving_connection())] == fx.LINE_ORDER[:-1]


def test_interval_kpis_has_every_interval_of_the_day(serving):
    df = queries.interval_kpis(serving_connection(), fx.LATEST_DAY)
    atc = df[df["line_code"] == "atc"]
    assert len(atc) == 48
    assert atc["offered"].sum() == 10
    assert atc["interval_start"].is_monotonic_increasing
    df["hhmm"] = df["interval_start"].dt.strftime("%H:%M")
    out = df[df["line_code"] == "satisfaccion"].set_index("hhmm")
    assert out["attempts"].sum() == 20
    assert out.loc["10:00", "contact_rate"] == pytest.approx(3 / 12)
    assert pd.isna(out.loc["09:00", "contact_rate"])
    bo = df[df["line_code"] == "bo_atc"]
    assert bo["backlog_end"].tolist()[-1] == 50
    social = df[df["line_code"] == "bo_social"].set_index("hhmm")
    assert social.loc["12:00", "first_response_within_target_share"] == pytest.approx(0.5)


def test_social_tiers_of_the_day_alto_medio_bajo(serving):
    df = queries.social_tiers(serving_connection(), fx.LATEST_DAY)
    assert df["influence_tier"].tolist() == ["alto", "medio", "bajo"]
    assert df["interactions"].tolist() == [2, 3, 5]
    assert df["first_response_target_minutes"].tolist() == [30, 60, 120]


def test_a_copy_without_the_new_families_reads_them_as_missing(tmp_path, monkeypatch):
    path = fx.build_serving_db(tmp_path / "old.duckdb", legacy_schema=True)
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    queries.check_available(serving_connection())
    lines = queries.lines(serving_connection())
    assert [line["line_code"] for line in lines] == ["atc", "helpdesk", "sin_mapear"]
    assert {line["direction"] for line in lines} == {"inbound"}
    mtd = queries.period_kpis(serving_connection(), fx.MONTH_START, fx.LATEST_DAY)["atc"]
    assert mtd["service_level"] == pytest.approx(fx.EXPECTED_MTD["atc"]["service_level"])
    assert mtd["repeat_contact_rate"] is None
    assert mtd["backlog_end"] is None
    assert queries.date_bounds(serving_connection())["last_date_with_activity"] == fx.LATEST_DAY
    assert queries.interval_kpis(serving_connection(), fx.LATEST_DAY)["attempts"].isna().all()
    assert queries.social_tiers(serving_connection(), fx.LATEST_DAY).empty


def test_published_at_in_buenos_aires_time(serving):
    assert queries.published_at(serving_connection()) == fx.PUBLISHED_AT_LOCAL


def test_published_at_tolerates_missing_publish_log(tmp_path, monkeypatch):
    path = fx.build_serving_db(tmp_path / "s.duckdb", with_publish_log=False)
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    assert queries.published_at(serving_connection()) is None


def test_missing_file_is_reported_not_crashed(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_SERVING_DB", str(tmp_path / "nope.duckdb"))
    with pytest.raises(ServingUnavailable):
        queries.check_available(serving_connection())
    assert not (tmp_path / "nope.duckdb").exists(), (
        "a read-only reader must not create the file"
    )


def test_file_without_kpi_tables_is_unavailable(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("SLA_SERVING_DB", str(path))
    with pytest.raises(ServingUnavailable, match="kpi_line_daily"):
        queries.check_available(serving_connection())


def test_a_republished_file_is_read_again_despite_the_cache(serving, tmp_path):
    assert queries.period_kpis(serving_connection(), fx.LATEST_DAY, fx.LATEST_DAY)["atc"]["offered"] == 10
    # Publish like the pipeline: build a new copy aside, then atomically replace,
    # keeping the old mtime to show the cache does not rely on it alone.
    new = fx.build_serving_db(tmp_path / "new.duckdb")
    with duckdb.connect(str(new)) as con:
        con.execute("UPDATE kpi_line_daily SET offered = 99 WHERE line_code = 'atc'")
    old = serving.stat()
    os.utime(new, ns=(old.st_atime_ns, old.st_mtime_ns))
    os.replace(new, serving)
    assert queries.period_kpis(serving_connection(), fx.LATEST_DAY, fx.LATEST_DAY)["atc"]["offered"] == 99
