"""The monthly SLA audit report: what a line owed, what it delivered, what was excluded and
why, which days and intervals missed, whether the data of the month can certify it, and the
fingerprints that let anyone rebuild the same figures.

    from reports.audit import build_audit_report, write_report_files
    report = build_audit_report(con, datetime.date(2026, 10, 1), line_code="atc")
    report.html; report.pdf_bytes(); report.csv_bytes(); report.xlsx_bytes()
    write_report_files(report, Path("reports_out"))

It reads only SLA marts (``sla_compliance_monthly``, ``sla_compliance_daily``,
``sla_compliance_interval``, ``fct_sla_units``, ``dim_contract_versions``, ``dim_outages``,
``sla_input_files``, ``data_quality_files``, ``data_quality_daily``; columns documented in
``dbt_project/models/marts/<area>/<model>.yml``) in schema ``main``, so ``con`` may be the warehouse
or the serving copy.

Fingerprints (see ``reports.fingerprint`` for the exact byte layout):

- ``inputs_fingerprint``: SHA-256 over the sorted lines "source\\tfile_path\\tsha256\\n" of the
  files ``sla_input_files`` names for the month (and line): the files a unit of the month was
  computed from, the files covering the month's days in the line's sources, and per source
  the file that closes the month and the one that first reaches the latest deadline the data's
  end decided (or the data's end while none does). It changes when, and
  only when, a file behind the figures or the certifiability changes;
- ``contract_sha256``: ``contract_file_sha256`` of ``dim_contract_versions``;
- ``code_fingerprint``: SHA-256 over the sorted "relative path\\tsha256 of content\\n" of the
  dbt models and macros, ``dbt_project.yml``, ``contract/``, ``ingestion/``, ``staffing/`` and ``reports/``
  Python, the report templates, the dashboard formatting module the report formats numbers
  with, the column mappings and ``uv.lock``;
- ``fingerprint`` = SHA-256 of "inputs_fingerprint|contract_sha256|code_fingerprint".

No file records when it was generated (no generation time, PDF creation date or workbook
timestamp): every byte of the HTML, PDF, CSV, Excel and JSON files is a function of the
database and the code, so two builds of the same landing files give the same files.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingestion import settings
from reports import fingerprint as fp
from reports.contents import (
    FINGERPRINT_DEFINITION,
    WORST_DAYS_PER_TERM,
    WORST_INTERVALS_PER_TERM,
    ReportContents,
    month_bounds,
)
from reports.render import compliance_csv, records, render_html, render_pdf, render_xlsx

# sla_compliance_monthly columns in the contract's order: the CSV and the 'cumplimiento' sheet.
COMPLIANCE_COLUMNS = [
    "compliance_key", "line_code", "line_name", "direction", "report_month", "term_code",
    "term_name", "metric", "unit", "comparison", "threshold", "threshold_unit", "target",
    "denominator_variant", "outage_exclusion", "contract_version", "term_effective_from",
    "raw_numerator", "raw_denominator", "raw_value", "excluded_units", "adjusted_numerator",
    "adjusted_denominator", "adjusted_value", "volume", "met_units", "missed_units", "pending_units",
    "is_met", "margin", "shortfall_points",
    "penalty_percent_per_point", "penalty_cap_percent", "penalty_percent",
    "line_penalty_cap_percent", "line_penalty_percent", "is_certifiable", "days_without_data",
    "days_with_rejects", "line_pending_units", "lost_records", "queued_calls", "lost_record_max_share",
    "completeness_note",
]


class NoComplianceData(ValueError):
    """The month (and line) has no rows in sla_compliance_monthly."""


@dataclass
class AuditReport(ReportContents):
    """The report's contents and their rendered documents (HTML at build, the rest on demand)."""

    html: str = field(default="", repr=False)
    _csv: bytes | None = field(default=None, repr=False)

    def csv_bytes(self) -> bytes:
        """The sla_compliance_monthly rows (UTF-8, header, ISO dates, '' for null)."""
        if self._csv is None:
            self._csv = compliance_csv(self.compliance)
        return self._csv

    def pdf_bytes(self) -> bytes:
        return render_pdf(self)

    def xlsx_bytes(self) -> bytes:
        return render_xlsx(self)

    def manifest(self) -> dict[str, Any]:
        """The fingerprints and the figures, as JSON-ready data."""
        return {
            "report": "sla_audit",
            "month": self.month_label,
            "line_code": self.line_code,
            "contract_name": self.contract_name,
            "contract_versions": self.contract_versions,
            "contract_sha256": self.contract_sha256,
            "inputs_fingerprint": self.inputs_fingerprint,
            "code_fingerprint": self.code_fingerprint,
            "code_version": self.code_version,
            "fingerprint": self.fingerprint,
            "fingerprint_definition": FINGERPRINT_DEFINITION,
            "lines": records(self.lines),
            "compliance": records(self.compliance),
            "input_files": records(self.input_files),
        }


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pd.DataFrame:
    """A query's rows with Python dates and nullable integer / boolean columns."""
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    types = [str(d[1]).upper() for d in cursor.description]
    df = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    for name, kind in zip(columns, types):
        if kind in {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"}:
            df[name] = df[name].astype("Int64")
        elif kind in {"DOUBLE", "FLOAT", "REAL"} or kind.startswith("DECIMAL"):
            df[name] = df[name].astype("float64")
        elif kind == "BOOLEAN":
            df[name] = df[name].astype("boolean")
        elif kind in {"DATE", "TIMESTAMP", "VARCHAR"}:
            df[name] = df[name].astype(object)
    return df


def _line_filter(line_code: str | None, column: str = "line_code") -> tuple[str, list[Any]]:
    return (f" and {column} = ?", [line_code]) if line_code else ("", [])


def build_audit_report(
    con: duckdb.DuckDBPyConnection,
    month: dt.date,
    line_code: str | None = None,
) -> AuditReport:
    """Read the SLA marts for `month` (any day of it) and `line_code` (None = every line) and
    render the report. Raises NoComplianceData (a ValueError) when sla_compliance_monthly has
    no row for them."""
    first, last, next_first = month_bounds(month)
    where_line, line_params = _line_filter(line_code)

    compliance = frame(
        con,
        f"select {', '.join(COMPLIANCE_COLUMNS)} from sla_compliance_monthly "
        f"where report_month = ?{where_line} order by line_code, term_code",
        [first, *line_params],
    )
    if compliance.empty:
        which = f"la línea {line_code}" if line_code else "ninguna línea"
        raise NoComplianceData(
            f"No hay datos de cumplimiento para {first:%Y-%m} en {which} "
            f"(sla_compliance_monthly sin filas) / no SLA compliance rows for month {first:%Y-%m}, "
            f"line {line_code or 'all lines'}"
        )

    versions = frame(
        con,
        "select contract_version, effective_from, effective_to, description, contract_name, "
        "contract_file_sha256 from dim_contract_versions "
        "where effective_from <= ? and (effective_to is null or effective_to > ?) "
        "order by effective_from, contract_version",
        [last, first],
    )
    labels = list(versions["contract_version"])
    labels += sorted(set(compliance["contract_version"].dropna()) - set(labels))
    shas = con.execute(
        "select distinct contract_file_sha256 from dim_contract_versions "
        "where contract_file_sha256 is not null order by 1"
    ).fetchall()
    contract_sha = ",".join(row[0] for row in shas)
    names = con.execute(
        "select contract_name from dim_contract_versions where contract_name is not null "
        "order by (effective_from <= ? and (effective_to is null or effective_to > ?)) desc, "
        "effective_from desc limit 1",
        [last, first],
    ).fetchall()
    contract_name = names[0][0] if names else ""

    lines = _lines_summary(compliance)
    completeness = lines[["line_code", "line_name", "is_certifiable", "days_without_data",
                          "days_with_rejects", "line_pending_units", "lost_records", "queued_calls",
                          "completeness_note"]].copy()

    where_u, params_u = _line_filter(line_code, "u.line_code")
    exclusions = frame(
        con,
        "select u.line_code, u.term_code, coalesce(m.term_name, u.term_code) as term_name, u.outage_id, "
        "count(*) as excluded_units, min(u.report_date) as first_date, max(u.report_date) as last_date "
        "from fct_sla_units u left join sla_compliance_monthly m "
        "on m.line_code = u.line_code and m.term_code = u.term_code and m.report_month = u.report_month "
        f"where u.report_month = ? and u.is_excluded{where_u} "
        "group by all order by u.line_code, u.term_code, u.outage_id",
        [first, *params_u],
    )
    # what the contract's state classes (measurement.case_states) decided: resolution and
    # retention units per source state, class and resulting unit state
    state_mapping = frame(
        con,
        "select u.line_code, u.term_code, coalesce(m.term_name, u.term_code) as term_name, u.case_status, "
        "u.resolution_class, u.unit_state, count(*) as units "
        "from fct_sla_units u left join sla_compliance_monthly m "
        "on m.line_code = u.line_code and m.term_code = u.term_code and m.report_month = u.report_month "
        f"where u.report_month = ? and u.unit_kind = 'case' and u.resolution_class is not null "
        f"and u.metric in ('resolution_within_target', 'retention_rate'){where_u} "
        "group by all order by u.line_code, u.term_code, u.resolution_class, u.case_status, u.unit_state",
        [first, *params_u],
    )
    outages = frame(
        con,
        "select o.outage_id, o.start_local, o.end_local, o.area, o.services, "
        "coalesce(x.excluded_units, 0) as excluded_units from dim_outages o "
        "left join (select outage_id, count(*) as excluded_units from fct_sla_units u "
        f"where u.report_month = ? and u.is_excluded{where_u} group by outage_id) x "
        "on x.outage_id = o.outage_id "
        "where o.start_local < ? and coalesce(o.end_local, o.start_local) >= ? "
        "order by o.start_local, o.outage_id",
        [first, *params_u, next_first, first],
    )

    worst_days = frame(
        con,
        "select line_code, term_code, term_name, metric, unit, comparison, report_date, target, "
        "adjusted_value, adjusted_denominator, volume, excluded_units, margin from ("
        "select *, row_number() over (partition by line_code, term_code "
        "order by margin asc nulls last, report_date) as rank_in_term "
        f"from sla_compliance_daily where report_month = ? and is_met = false{where_line}) "
        f"where rank_in_term <= {WORST_DAYS_PER_TERM} "
        "order by line_code, term_code, margin asc nulls last, report_date",
        [first, *line_params],
    )
    worst_intervals = frame(
        con,
        "select line_code, term_code, term_name, metric, unit, comparison, interval_start, target, "
        "adjusted_value, adjusted_denominator, volume, excluded_units, margin from ("
        "select *, row_number() over (partition by line_code, term_code "
        "order by margin asc nulls last, interval_start) as rank_in_term "
        f"from sla_compliance_interval where report_month = ? and is_met = false{where_line}) "
        f"where rank_in_term <= {WORST_INTERVALS_PER_TERM} "
        "order by line_code, term_code, margin asc nulls last, interval_start",
        [first, *line_params],
    )
    data_quality = frame(
        con,
        "select source, report_date, files, rows_rejected, is_covered from data_quality_daily "
        "where report_date >= ? and report_date < ? "
        "and (not coalesce(is_covered, false) or coalesce(rows_rejected, 0) > 0) "
        "order by source, report_date",
        [first, next_first],
    )
    where_f, params_f = _line_filter(line_code, "s.line_code")
    input_files = frame(
        con,
        "select s.source, s.file_path, s.sha256, "
        "concat_ws(', ', case when bool_or(s.role = 'unit') then 'unit' end, "
        "case when bool_or(s.role = 'coverage') then 'coverage' end, "
        "case when bool_or(s.role = 'closing') then 'closing' end) as roles, "
        "sum(s.units) as units, any_value(d.size_bytes) as size_bytes, any_value(d.rows_read) as rows_read, "
        "any_value(d.rows_loaded) as rows_loaded, any_value(d.rows_rejected) as rows_rejected, "
        "any_value(d.first_event_date) as first_event_date, any_value(d.last_event_date) as last_event_date "
        "from sla_input_files s left join data_quality_files d on d.file_path = s.file_path "
        f"where s.report_month = ?{where_f} "
        "group by s.source, s.file_path, s.sha256 order by s.source, s.file_path, s.sha256",
        [first, *params_f],
    )

    root = settings.PROJECT_ROOT
    inputs_fp = fp.inputs_fingerprint(input_files[["source", "file_path", "sha256"]].itertuples(index=False))
    code_fp, code_count = fp.code_fingerprint(root)
    report = AuditReport(
        month=first,
        line_code=line_code,
        contract_name=contract_name,
        contract_sha256=contract_sha,
        contract_versions=labels,
        versions=versions,
        compliance=compliance,
        lines=lines,
        outages=outages,
        exclusions=exclusions,
        state_mapping=state_mapping,
        worst_days=worst_days,
        worst_intervals=worst_intervals,
        completeness=completeness,
        data_quality=data_quality,
        input_files=input_files,
        inputs_fingerprint=inputs_fp,
        code_fingerprint=code_fp,
        code_files=code_count,
        code_version=fp.code_version(root),
        fingerprint=fp.overall_fingerprint(inputs_fp, contract_sha, code_fp),
    )
    report.html = render_html(report)
    return report


def _lines_summary(compliance: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for line_code, group in compliance.groupby("line_code", sort=True):
        first = group.iloc[0]
        met = group["is_met"]
        rows.append({
            "line_code": line_code,
            "line_name": first["line_name"],
            "direction": first["direction"],
            "contract_version": ", ".join(sorted(set(group["contract_version"].dropna()))),
            "terms": len(group),
            "terms_met": int(met.fillna(False).sum()),
            "terms_missed": int((~met).fillna(False).sum()),
            "terms_without_volume": int(met.isna().sum()),
            "penalty_percent_sum": float(group["penalty_percent"].fillna(0).sum()),
            "line_penalty_cap_percent": first["line_penalty_cap_percent"],
            "line_penalty_percent": first["line_penalty_percent"],
            "is_certifiable": first["is_certifiable"],
            "days_without_data": first["days_without_data"],
            "days_with_rejects": first["days_with_rejects"],
            "line_pending_units": first["line_pending_units"],
            "lost_records": first["lost_records"],
            "queued_calls": first["queued_calls"],
            "completeness_note": first["completeness_note"],
        })
    return pd.DataFrame(rows)


def write_report_files(report: AuditReport, out_dir: Path) -> dict[str, Path]:
    """Write audit-<YYYY-MM>-<line|todas>.{html,pdf,csv,xlsx,json} into out_dir (created if
    needed); each file is written to a temporary name and renamed, so a reader never sees half
    a file. Returns {"html": path, "pdf": ..., "csv": ..., "xlsx": ..., "json": ...}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {
        "html": report.html.encode("utf-8"),
        "pdf": report.pdf_bytes(),
        "csv": report.csv_bytes(),
        "xlsx": report.xlsx_bytes(),
    }
    paths = {kind: out_dir / f"{report.file_stem}.{kind}" for kind in (*contents, "json")}
    manifest = report.manifest()
    manifest["files"] = {kind: path.name for kind, path in paths.items() if kind != "json"}
    contents["json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    for kind, data in contents.items():
        tmp = paths[kind].with_name(paths[kind].name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(paths[kind])
    return paths


def write_month_report(
    db_path: Path, month: dt.date, out_dir: Path, line_code: str | None = None
) -> tuple[AuditReport, dict[str, Path]] | None:
    """Open `db_path` read-only, build the month's report and write its files into `out_dir`;
    None (and nothing written) when the month has no compliance rows."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        report = build_audit_report(con, month, line_code)
    except NoComplianceData:
        return None
    finally:
        con.close()
    return report, write_report_files(report, out_dir)


def report_summary(report: AuditReport, paths: dict[str, Path]) -> dict[str, Any]:
    """Fingerprints, files and each line's penalty and certifiability, as JSON-ready data."""
    lines = report.lines.set_index("line_code")
    return {
        "month": report.month_label,
        "line": report.line_label,
        "fingerprint": report.fingerprint,
        "inputs_fingerprint": report.inputs_fingerprint,
        "contract_sha256": report.contract_sha256,
        "contract_versions": list(report.contract_versions),
        "code_version": report.code_version,
        "code_fingerprint": report.code_fingerprint,
        "paths": {kind: str(path) for kind, path in paths.items()},
        "line_penalty_percent": {code: float(v) for code, v in lines["line_penalty_percent"].fillna(0.0).items()},
        "certifiable": {code: bool(v) for code, v in lines["is_certifiable"].fillna(False).items()},
    }
