"""The contract file is validated on load; a mistake names the file, the key and the fix."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import yaml

from contract import CONTRACT_TABLES, ConfigError, load_config, write_config_tables
from ingestion import settings


def base() -> dict:
    return yaml.safe_load(settings.config_path().read_text(encoding="utf-8"))


def write(tmp_path, data) -> object:
    path = tmp_path / "contract.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_contract_file_loads():
    config = load_config(settings.config_path())
    assert {"atc", "helpdesk"} <= {line.code for line in config.lines}
    assert config.queue_to_line()["hd_internet"] == "helpdesk"
    assert config.timezone == "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize(
    "mutate, key, words",
    [
        (lambda d: d["lines"]["atc"].update(service_level_seconds="veinte"), "lines.atc.service_level_seconds", "expected int"),
        (lambda d: d["lines"]["atc"].update(service_level_target=80), "lines.atc.service_level_target", "between 0 and 1"),
        (lambda d: d["lines"]["atc"].update(service_level_denominator="all"), "lines.atc.service_level_denominator", "unknown denominator"),
        (lambda d: d["lines"]["atc"].update(servce_level_seconds=20), "lines.atc.servce_level_seconds", "unknown setting"),
        (lambda d: d["lines"]["helpdesk"]["queues"].append("atc_ventas"), "lines.helpdesk.queues", "also belongs"),
        (lambda d: d["lines"]["atc"].update(direction="sideways"), "lines.atc.direction", "unknown direction"),
        (lambda d: d.update(timezone="Buenos Aires"), "timezone", "unknown time zone"),
        (lambda d: d.update(interval_minutes=7), "interval_minutes", "does not divide"),
        (lambda d: d.update(linez={}), "linez", "unknown top-level key"),
        (lambda d: d["terms"]["atc"][0].update(metric="nivel_de_servicio"), "terms.atc[0].metric", "unknown metric"),
        (lambda d: d["terms"].update(atx=[]), "terms.atx", "unknown line"),
        (lambda d: d["terms"]["atc"][0].update(target="ochenta"), "terms.atc[0].target", "expected a number"),
        (lambda d: d["terms"]["atc"][0].update(target=80), "terms.atc[0].target", "between 0 and 1"),
        (lambda d: d["terms"]["atc"][0].update(threshold_seconds="20s"), "terms.atc[0].threshold_seconds",
         "expected a number"),
        (lambda d: d["terms"]["atc"][0].update(outage_exclusion="si"), "terms.atc[0].outage_exclusion",
         "expected true or false"),
        (lambda d: d["terms"]["atc"][0].update(thresold_seconds=20), "terms.atc[0].thresold_seconds",
         "unknown setting"),
        (lambda d: d["terms"]["atc"].append(dict(d["terms"]["atc"][0])), "terms.atc[0].effective_from",
         "overlapping effective dates"),
        (lambda d: (d["versions"].append({"version": "2014-01", "effective_from": dt.date(2014, 1, 1)}),
                    d["terms"]["atc"][0].update(effective_to=dt.date(2014, 6, 1)),
                    d["terms"]["atc"].append({**d["terms"]["atc"][0], "effective_from": dt.date(2014, 1, 1),
                                              "effective_to": None})),
         "terms.atc[0].effective_from", "overlapping effective dates"),
        (lambda d: d["terms"]["atc"][0].update(effective_from=dt.date(2013, 6, 15)), "terms.atc[0].effective_from",
         "not the first day of a month"),
        (lambda d: d["terms"]["atc"][0].update(effective_from=dt.date(2014, 1, 1)), "terms.atc[0].effective_from",
         "not the date of a declared version"),
        (lambda d: d["terms"]["atc"][0].update(metric="contact_rate"), "terms.atc[0].metric", "does not apply"),
        (lambda d: d["terms"]["atc"][0].update(period="day"), "terms.atc[0].period", "unknown period"),
        (lambda d: d["staffing"]["atc"][0]["bands"].append({"days": "monday", "from": "12:00", "to": "14:00",
                                                            "positions": 3}),
         "staffing.atc[0].bands[2].from", "overlaps"),
        (lambda d: d["staffing"]["atc"][0]["bands"][0].update(positions=-1), "staffing.atc[0].bands[0].positions",
         "whole number"),
        (lambda d: d["penalties"][0].pop("line_cap_percent"), "penalties[0].line_cap_percent", "missing"),
        (lambda d: d["versions"].append(dict(d["versions"][0])), "versions", "declared twice"),
        (lambda d: d["lines"]["bo_social"]["social_accounts"].update(twitter="TelecentroAR"),
         "lines.bo_social.social_accounts.twitter", "expected a list"),
        (lambda d: d["lines"]["bo_social"]["influence_tiers"]["alto"].update(min_followers="diez mil"),
         "lines.bo_social.influence_tiers.alto.min_followers", "not a count"),
        (lambda d: d["lines"]["bo_atc"]["business_hours"].update(weekdays="09:00-1x:00"),
         "lines.bo_atc.business_hours.weekdays", "not a time span"),
        (lambda d: d["terms"]["atc"][2].update(target=float("nan")), "terms.atc[2].target", "expected a number"),
        (lambda d: d.update(unmapped_line="atc"), "unmapped_line", "is a contract line"),
        (lambda d: d.pop("staffing"), "terms.atc[3].metric", "needs the positions owed"),
        (lambda d: d["measurement"].update(withheld_caller_ids="anonymous"), "measurement.withheld_caller_ids",
         "expected a list"),
        (lambda d: d["measurement"].update(withheld_caller_ids=["anonymous", 0]), "measurement.withheld_caller_ids",
         "is not text"),
        (lambda d: d["measurement"].update(withheld_callers=["anonymous"]), "measurement.withheld_callers",
         "unknown setting"),
    ],
)
def test_a_malformed_contract_names_file_key_and_fix(tmp_path, mutate, key, words):
    data = base()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    message = str(excinfo.value)
    assert str(path) in message and f"'{key}'" in message and words in message and "Fix:" in message


def test_withheld_caller_ids_are_trimmed_lower_case_with_a_documented_default(tmp_path):
    data = base()
    data["measurement"]["withheld_caller_ids"] = [" Anonymous ", "RESTRICTED", "", "anonymous"]
    config = load_config(write(tmp_path, data))
    assert config.withheld_caller_ids == ("anonymous", "restricted", "")
    con = duckdb.connect()
    write_config_tables(con, config)
    write_config_tables(con, config)
    assert sorted(r[0] for r in con.execute("select caller_id from raw.contract_withheld_callers").fetchall()) == [
        "", "anonymous", "restricted"]
    # left out: the default list (docs/contract_defaults.md, "Measurement")
    del data["measurement"]["withheld_caller_ids"]
    default = load_config(write(tmp_path, data)).withheld_caller_ids
    assert {"", "anonymous", "unknown", "restricted", "private"} <= set(default)
    # an empty list: every caller id names a caller
    data["measurement"]["withheld_caller_ids"] = []
    assert load_config(write(tmp_path, data)).withheld_caller_ids == ()


def test_config_tables_are_replaced_not_appended(tmp_path):
    config = load_config(settings.config_path())
    con = duckdb.connect()
    write_config_tables(con, config)
    write_config_tables(con, config)
    assert con.execute("select count(*) from raw.contract_queues").fetchone()[0] == len(config.queue_to_line())
    lines = dict(con.execute("select line_code, service_level_seconds from raw.contract_lines").fetchall())
    assert lines["atc"] == 20 and lines["sin_mapear"] == 20


def test_the_shipped_contract_has_versioned_terms_staffing_and_penalties():
    config = load_config(settings.config_path())
    terms = {(t.line_code, t.metric): t for t in config.terms.terms}
    assert terms[("atc", "service_level")].threshold == 20 and terms[("atc", "service_level")].target == 0.80
    assert terms[("helpdesk", "service_level")].outage_exclusion is True
    assert all(t.assumption for t in config.terms.terms)  # every default says why
    # 15 + 15 positions in the peak bands (annex §1.2)
    assert {(b.line_code, b.positions) for b in config.terms.staffing} == {("atc", 15), ("helpdesk", 15)}
    assert config.line("atc").contracted_positions == 15
    assert config.terms.penalties[0].line_cap_percent >= config.terms.penalties[0].term_cap_percent


def test_an_amendment_ends_the_previous_entry(tmp_path):
    data = base()
    data["versions"].append({"version": "2015-01 adenda", "effective_from": dt.date(2015, 1, 1)})
    data["terms"]["atc"].append({**data["terms"]["atc"][0], "target": 0.85, "effective_from": dt.date(2015, 1, 1)})
    config = load_config(write(tmp_path, data))
    service_levels = sorted((t.effective_from, t.effective_to, t.target) for t in config.terms.terms
                            if t.line_code == "atc" and t.metric == "service_level")
    assert service_levels == [(dt.date(2013, 6, 1), dt.date(2015, 1, 1), 0.80), (dt.date(2015, 1, 1), None, 0.85)]
    con = duckdb.connect()
    write_config_tables(con, config)
    assert con.execute("select count(*) from raw.contract_versions where effective_to is null").fetchone()[0] == 1
    assert con.execute("select count(*) from raw.contract_terms").fetchone()[0] == len(config.terms.terms)


def test_the_contract_writes_exactly_the_tables_it_declares():
    """The asset writing the contract declares one asset per table of CONTRACT_TABLES: a table
    written but not declared would have no producer in the asset graph."""
    con = duckdb.connect()
    write_config_tables(con, load_config(settings.config_path()))
    written = {name for (name,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()}
    assert written == set(CONTRACT_TABLES)


def test_make_build_stops_on_a_malformed_contract_with_the_key(tmp_path):
    import os
    import subprocess
    import sys

    data = base()
    data["terms"]["helpdesk"][0]["target"] = "ochenta"
    path = write(tmp_path, data)
    env = {**os.environ, "SLA_CONFIG": str(path), "SLA_WAREHOUSE_DB": str(tmp_path / "wh.duckdb"),
           "SLA_SERVING_DB": str(tmp_path / "serving.duckdb"), "DAGSTER_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "assets.build"], cwd=settings.PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert f"{path}: key 'terms.helpdesk[0].target': expected a number" in result.stderr
    assert not (tmp_path / "wh.duckdb").exists()  # nothing was built
