"""The marts' contracts as the fixtures read them (presentation/marts.py) and the fixture
CSV files typed by them (tests/fixture_tables.py)."""

from __future__ import annotations

import duckdb
import pytest

from presentation import marts as mart_contracts
from tests.fixture_tables import FIXTURES_DIR, read_rows


def test_kpi_line_daily_columns_in_yaml_order_each_with_a_type():
    columns = mart_contracts.columns("kpi_line_daily")
    assert list(columns)[:5] == ["line_day_key", "line_code", "line_name", "direction", "report_date"]
    assert columns["offered"] == "BIGINT"
    assert columns["service_level"] == "DOUBLE"
    assert all(columns.values())


def test_every_contract_is_valid_duckdb_ddl():
    with duckdb.connect() as con:
        for model in mart_contracts.contracts():
            con.execute(f"CREATE TABLE {model} ({mart_contracts.ddl(model)})")


def test_a_column_without_type_names_file_model_and_column(tmp_path):
    (tmp_path / "area").mkdir()
    (tmp_path / "area" / "m.yml").write_text(
        "models:\n  - name: m\n    columns:\n      - name: a\n        data_type: varchar\n      - name: b\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"m\.yml: model 'm', column 'b' has no data_type"):
        mart_contracts.contracts(tmp_path)


def test_an_unknown_mart_is_named():
    with pytest.raises(KeyError, match="kpi_line_dialy"):
        mart_contracts.columns("kpi_line_dialy")


def test_fixture_csv_takes_the_contract_types_not_sniffed_ones():
    atc = read_rows(FIXTURES_DIR / "resumen" / "dim_lines.csv", "dim_lines")[0]
    assert atc["service_level_seconds"] == 20 and isinstance(atc["service_level_seconds"], int)
    bo_atc = read_rows(FIXTURES_DIR / "resumen" / "dim_lines.csv", "dim_lines")[3]
    # written "8" in the file, a DOUBLE in the contract
    assert isinstance(bo_atc["first_response_target_business_hours"], float)


def test_fixture_csv_column_outside_the_contract_names_file_and_column(tmp_path):
    path = tmp_path / "dim_lines.csv"
    path.write_text("line_code,line_nmae\natc,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dim_lines\.csv: columns \['line_nmae'\]"):
        read_rows(path, "dim_lines")
