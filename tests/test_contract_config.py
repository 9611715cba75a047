"""The contract file is validated on load; a mistake names the file, the key and the fix."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from ingestion import settings
from ingestion.contract_config import ConfigError, load_config, write_config_tables


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


def test_config_tables_are_replaced_not_appended(tmp_path):
    config = load_config(settings.config_path())
    con = duckdb.connect()
    write_config_tables(con, config)
    write_config_tables(con, config)
    assert con.execute("select count(*) from raw.contract_queues").fetchone()[0] == len(config.queue_to_line())
    lines = dict(con.execute("select line_code, service_level_seconds from raw.contract_lines").fetchall())
    assert lines["atc"] == 20 and lines["sin_mapear"] == 20
