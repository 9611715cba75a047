"""The report's outputs: HTML (Jinja2, autoescaped, inline CSS), PDF (xhtml2pdf, pure
Python on reportlab, from the same template), CSV of the compliance rows, Excel workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from contract import metric_label
from presentation.es_ar import UNIT_STATES
from reports import fingerprint as fp
from reports import formatting as f
from reports.contents import (
    FINGERPRINT_DEFINITION,
    WORST_DAYS_PER_TERM,
    WORST_INTERVALS_PER_TERM,
    ReportContents,
    month_bounds,
)

TEMPLATES = Path(__file__).parent / "templates"
# the contract's resolution classes (measurement.case_states), in Spanish
RESOLUTION_CLASS_LABELS = {"resolved": "resuelto", "closed_unresolved": "cerrado sin resolver", "open": "abierto"}

# sla_input_files roles as the report names them
ROLE_LABELS = {"unit": "unidades", "coverage": "cobertura", "closing": "cierre"}

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def plain(value: Any) -> Any:
    """A DataFrame cell as a JSON/CSV-ready Python value (None for every kind of null)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalars
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.itertuples(index=False):
        item = {}
        for name, value in zip(df.columns, row):
            value = plain(value)
            if isinstance(value, dt.datetime):
                value = value.isoformat(sep=" ")
            elif isinstance(value, dt.date):
                value = value.isoformat()
            item[name] = value
        out.append(item)
    return out


def _csv_cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def compliance_csv(compliance: pd.DataFrame) -> bytes:
    """UTF-8, header row, comma-separated, '\\n' line ends; ISO dates, true/false, '' = null,
    floats as Python's shortest round-trip repr: deterministic for the same rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(compliance.columns))
    for row in compliance.itertuples(index=False):
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- HTML / PDF


def _period(row: dict[str, Any]) -> str:
    start, end = row.get("effective_from"), row.get("effective_to")
    if start is None:
        return ""
    if end is None:
        return f"desde {f.fmt_date(start)}"
    return f"desde {f.fmt_date(start)} hasta {f.fmt_date(end - dt.timedelta(days=1))}"


def _context(report: ReportContents, pdf: bool) -> dict[str, Any]:
    first, last, _ = month_bounds(report.month)
    line_names = dict(zip(report.compliance["line_code"], report.compliance["line_name"]))
    if report.line_code:
        line_title = f"{line_names.get(report.line_code, report.line_code)} ({report.line_code})"
    else:
        line_title = "Todas las líneas"

    versions = []
    for v in report.versions.to_dict("records"):
        v = {k: plain(x) for k, x in v.items()}
        versions.append({"label": v["contract_version"], "period": _period(v), "description": v["description"] or ""})
    known = {v["label"] for v in versions}
    versions += [{"label": label, "period": "", "description": ""}
                 for label in report.contract_versions if label not in known]

    lines = []
    for row in report.lines.to_dict("records"):
        penalty = plain(row["line_penalty_percent"]) or 0.0
        certifiable = bool(plain(row["is_certifiable"]))
        lines.append({
            "line_code": row["line_code"], "line_name": row["line_name"],
            "contract_version": row["contract_version"], "terms": row["terms"],
            "terms_met": row["terms_met"], "terms_missed": row["terms_missed"],
            "terms_without_volume": row["terms_without_volume"],
            "penalty": f.fmt_percent_points(penalty), "has_penalty": penalty > 0,
            "cap": f.fmt_percent_points(plain(row["line_penalty_cap_percent"])),
            "certifiable": certifiable, "certifiable_text": "Sí" if certifiable else "No",
        })

    terms = []
    for line_code, group in report.compliance.groupby("line_code", sort=True):
        rows = []
        for t in group.to_dict("records"):
            t = {k: plain(v) for k, v in t.items()}
            unit, met = t["unit"], t["is_met"]
            rows.append({
                "term_name": t["term_name"], "metric": f.fmt_text(metric_label(t["metric"])),
                "threshold": f.fmt_threshold(t["threshold"], t["threshold_unit"]),
                "target": f.fmt_target(t["target"], unit, t["comparison"]),
                "raw_value": f.fmt_value(t["raw_value"], unit),
                "adjusted_value": f.fmt_value(t["adjusted_value"], unit),
                "excluded_units": f.fmt_int(t["excluded_units"]),
                "volume": f.fmt_int(t["volume"]),
                "pending_units": f.fmt_int(t["pending_units"]),
                "met": f.fmt_met(met), "met_class": "muted" if met is None else ("ok" if met else "bad"),
                "margin": f.fmt_margin(t["margin"], unit),
                "penalty": f.fmt_percent_points(t["penalty_percent"]),
            })
        terms.append({"line_code": line_code, "line_name": line_names.get(line_code, line_code), "rows": rows})

    outages = [{
        "outage_id": o["outage_id"], "start": f.fmt_date(plain(o["start_local"])),
        "end": f.fmt_date(plain(o["end_local"])), "area": f.fmt_text(plain(o["area"])),
        "services": f.fmt_text(plain(o["services"])), "excluded_units": f.fmt_int(plain(o["excluded_units"])),
    } for o in report.outages.to_dict("records")]
    exclusions = [{
        "line_code": x["line_code"], "term_name": x["term_name"], "outage_id": f.fmt_text(plain(x["outage_id"])),
        "excluded_units": f.fmt_int(plain(x["excluded_units"])),
        "first_date": f.fmt_date(plain(x["first_date"])), "last_date": f.fmt_date(plain(x["last_date"])),
    } for x in report.exclusions.to_dict("records")]

    state_mapping = [{
        "line_code": m["line_code"], "term_name": m["term_name"], "case_status": f.fmt_text(plain(m["case_status"])),
        "resolution_class": RESOLUTION_CLASS_LABELS.get(plain(m["resolution_class"]), f.fmt_text(plain(m["resolution_class"]))),
        "unit_state": UNIT_STATES.get(plain(m["unit_state"]), f.fmt_text(plain(m["unit_state"]))),
        "units": f.fmt_int(plain(m["units"])),
    } for m in report.state_mapping.to_dict("records")]

    def worst(df: pd.DataFrame, when: str) -> list[dict[str, Any]]:
        out = []
        for d in df.to_dict("records"):
            d = {k: plain(v) for k, v in d.items()}
            out.append({
                "line_code": d["line_code"], "term_name": d["term_name"], "when": f.fmt_date(d[when]),
                "target": f.fmt_target(d["target"], d["unit"], d["comparison"]),
                "adjusted_value": f.fmt_value(d["adjusted_value"], d["unit"]),
                "volume": f.fmt_int(d["volume"]),
                "excluded_units": f.fmt_int(d["excluded_units"]),
                "margin": f.fmt_margin(d["margin"], d["unit"]),
            })
        return out

    completeness = []
    for c in report.completeness.to_dict("records"):
        certifiable = bool(plain(c["is_certifiable"]))
        completeness.append({
            "line_code": c["line_code"], "certifiable": certifiable,
            "certifiable_text": "Sí" if certifiable else "No",
            "days_without_data": _dates_text(plain(c["days_without_data"])),
            "days_with_rejects": _dates_text(plain(c["days_with_rejects"])),
            "pending_units": f.fmt_int(plain(c["line_pending_units"])),
            "lost_records": f.fmt_int(plain(c["lost_records"])),
            "queued_calls": f.fmt_int(plain(c["queued_calls"])),
            "note": f.fmt_text(plain(c["completeness_note"])),
        })
    data_quality = [{
        "source": q["source"], "report_date": f.fmt_date(plain(q["report_date"])),
        "files": f.fmt_int(plain(q["files"])), "rows_rejected": f.fmt_int(plain(q["rows_rejected"])),
        "covered": bool(plain(q["is_covered"])), "covered_text": f.fmt_bool(plain(q["is_covered"])),
    } for q in report.data_quality.to_dict("records")]

    files = report.input_files
    input_files = []
    for r in files.to_dict("records"):
        r = {k: plain(v) for k, v in r.items()}
        sha = r["sha256"] or ""
        input_files.append({
            "source": r["source"], "file_path": r["file_path"],
            "sha256": f"{sha[:32]} {sha[32:]}" if pdf else sha,
            "roles": ", ".join(ROLE_LABELS.get(role, role) for role in (r["roles"] or "").split(", ") if role),
            "units": f.fmt_int(r["units"]),
            "events": f"{f.fmt_date(r['first_event_date'])} a {f.fmt_date(r['last_event_date'])}",
            "rows_read": f.fmt_int(r["rows_read"]), "rows_loaded": f.fmt_int(r["rows_loaded"]),
            "rows_rejected": f.fmt_int(r["rows_rejected"]),
        })

    return {
        "pdf": pdf,
        "month": report.month_label, "first_day": first.isoformat(), "last_day": last.isoformat(),
        "line_title": line_title, "contract_name": report.contract_name or f.MISSING,
        "versions": versions, "contract_sha256": report.contract_sha256 or f.MISSING,
        "lines": lines, "terms": terms, "outages": outages, "exclusions": exclusions,
        "state_mapping": state_mapping,
        "worst_days": worst(report.worst_days, "report_date"),
        "worst_intervals": worst(report.worst_intervals, "interval_start"),
        "worst_days_n": WORST_DAYS_PER_TERM, "worst_intervals_n": WORST_INTERVALS_PER_TERM,
        "completeness": completeness, "data_quality": data_quality,
        "inputs_fingerprint": report.inputs_fingerprint, "code_version": report.code_version,
        "code_fingerprint": report.code_fingerprint, "code_files": report.code_files,
        "fingerprint": report.fingerprint, "code_globs": ", ".join(fp.CODE_GLOBS),
        "input_files": input_files, "input_files_total": f.fmt_int(len(files)),
    }


def _dates_text(value: Any) -> str:
    return ", ".join(d.strip() for d in value.split(",") if d.strip()) if value else f.MISSING


def render_html(report: ReportContents, pdf: bool = False) -> str:
    return _env.get_template("audit.html.j2").render(**_context(report, pdf))


def render_pdf(report: ReportContents) -> bytes:
    """The same report as PDF (A4 landscape) through xhtml2pdf; raises RuntimeError if it fails."""
    from reportlab import rl_config
    from xhtml2pdf import pisa

    out = io.BytesIO()
    # reportlab's invariant mode: a fixed creation date and document id instead of the
    # clock's, so the same report gives the same PDF bytes
    invariant, rl_config.invariant = rl_config.invariant, 1
    try:
        status = pisa.CreatePDF(render_html(report, pdf=True), dest=out, encoding="utf-8")
    finally:
        rl_config.invariant = invariant
    if status.err:
        raise RuntimeError(f"xhtml2pdf could not render the audit report ({status.err} errors)")
    return out.getvalue()


# ---------------------------------------------------------------- Excel


def _sheet_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Dates and timestamps as Excel-friendly values; nulls as empty cells."""
    out = df.copy()
    for name in out.columns:
        if out[name].dtype == object:
            out[name] = out[name].map(lambda v: plain(v))
    return out


def render_xlsx(report: ReportContents) -> bytes:
    """Sheets: cumplimiento, peores_dias, peores_intervalos, exclusiones, estados, completitud, huella."""
    fingerprint_rows = pd.DataFrame([
        ("mes", report.month_label),
        ("linea", report.line_label),
        ("contrato", report.contract_name),
        ("versiones_contrato", ", ".join(report.contract_versions)),
        ("contract_sha256", report.contract_sha256),
        ("inputs_fingerprint", report.inputs_fingerprint),
        ("code_version", report.code_version),
        ("code_fingerprint", report.code_fingerprint),
        ("code_files", report.code_files),
        ("fingerprint", report.fingerprint),
        *((f"definicion_{k}", v) for k, v in FINGERPRINT_DEFINITION.items()),
    ], columns=["clave", "valor"])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _sheet_frame(report.compliance).to_excel(writer, sheet_name="cumplimiento", index=False)
        _sheet_frame(report.worst_days).to_excel(writer, sheet_name="peores_dias", index=False)
        _sheet_frame(report.worst_intervals).to_excel(writer, sheet_name="peores_intervalos", index=False)
        # two tables on a sheet: the first at the top, the second under a caption two rows below it
        _two_tables(writer, "exclusiones", report.exclusions,
                    "Cortes masivos declarados que tocan el mes", report.outages)
        _sheet_frame(report.state_mapping).to_excel(writer, sheet_name="estados", index=False)
        _two_tables(writer, "completitud", report.completeness,
                    "Fuentes con problemas en el mes (data_quality_daily)", report.data_quality)
        _two_tables(writer, "huella", fingerprint_rows,
                    "Archivos de entrada (sla_input_files del mes: unit, coverage, closing)", report.input_files)
    return _without_timestamps(buffer.getvalue())


# The earliest time a zip entry can carry: a fixed stamp instead of the moment of saving.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def _without_timestamps(xlsx: bytes) -> bytes:
    """The workbook with no trace of when it was written: openpyxl stamps the document
    properties (docProps/core.xml: created, modified) and every zip entry with the current
    time. The entries are rewritten in the same order and compression with a fixed time and
    fixed attributes, and the two dates are dropped (both are optional in Office files)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(b"", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = info.compress_type
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def _two_tables(writer: pd.ExcelWriter, sheet: str, top: pd.DataFrame, caption: str, bottom: pd.DataFrame) -> None:
    _sheet_frame(top).to_excel(writer, sheet_name=sheet, index=False)
    caption_row = len(top) + 3  # 1-based: header + rows + one blank row
    writer.sheets[sheet].cell(row=caption_row, column=1, value=caption)
    _sheet_frame(bottom).to_excel(writer, sheet_name=sheet, index=False, startrow=caption_row)
