"""Cumplimiento SLA: the month's contract terms per line, measured raw and
adjusted for declared massive outages, with penalties and whether the month can
be certified; a drill-down from a term to its days, intervals and the calls,
cases or interactions behind them; and the monthly audit report.

Reads the compliance marts (sla_compliance_monthly / _daily / _interval,
fct_sla_units); a serving copy published before they existed gets a notice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import charts, tables
from dashboards.app_pages import cumplimiento_queries as queries
from dashboards.layout import no_data
from dashboards.serving import ServingConnection, ServingUnavailable, serving
from presentation.es_ar import (
    MISSING,
    NO_VOLUME,
    NOT_MET,
    PENDING,
    fmt_compliance,
    fmt_date,
    fmt_int,
    fmt_iso_dates,
    fmt_long_date,
    fmt_month,
    fmt_pending,
    fmt_percent_value,
    fmt_term_value,
    fmt_time,
    is_missing,
)

NOT_BUILT = (
    "Los marts de cumplimiento SLA todavía no están en la base publicada: "
    "aparecerán aquí después de la próxima publicación que los incluya."
)
NO_MONTHS = "Todavía no hay meses evaluados en sla_compliance_monthly."
ALL_LINES = "Todas las líneas"
REPORTS_UNAVAILABLE = "Los informes de auditoría no están disponibles en esta instalación."
REPORT_STATE = "sla_audit_report"
# format, button label, file extension, MIME type
REPORT_FORMATS = (
    ("html", "HTML", "html", "text/html"),
    ("pdf", "PDF", "pdf", "application/pdf"),
    ("csv", "CSV", "csv", "text/csv"),
    ("xlsx", "Excel", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)
PLOTLY_CONFIG = {"displaylogo": False}


def _first_missed(is_met: pd.Series) -> int:
    """Position of the first False (missed) in `is_met`, else 0."""
    for i, value in enumerate(is_met):
        if not is_missing(value) and not value:
            return i
    return 0


# ---------------------------------------------------------------- pickers


def _pickers(
    months: list[dict[str, Any]], lines: list[dict[str, Any]]
) -> tuple[dt.date, str | None]:
    certifiable = {m["report_month"]: m["is_certifiable"] for m in months}
    options = [m["report_month"] for m in months]
    default = queries.default_sla_month(months)
    names = {line["line_code"]: line["line_name"] for line in lines}
    left, right = st.columns(2)
    month = left.selectbox(
        "Mes",
        options,
        index=options.index(default),
        format_func=lambda m: fmt_month(m) + ("" if certifiable[m] else " (no certificable)"),
        key="sla_month",
        help="Por defecto, el último mes completo: todas sus líneas certificables.",
    )
    line_code = right.selectbox(
        "Línea",
        [None, *names],
        format_func=lambda code: ALL_LINES if code is None else names[code],
        key="sla_line",
    )
    return month, line_code


# ---------------------------------------------------------------- header cards


def _line_header(rows: pd.DataFrame, month: dt.date) -> None:
    first = rows.iloc[0]
    name = first["line_name"] or first["line_code"]
    st.markdown(f"**{name}**")
    met = int(sum(not is_missing(v) and bool(v) for v in rows["is_met"]))
    unmeasured = [fmt_compliance(m, p) for m, p in zip(rows["is_met"], rows["pending_units"], strict=True)
                  if is_missing(m)]
    no_volume, all_pending = unmeasured.count(NO_VOLUME), unmeasured.count(PENDING)
    certifiable = all(not is_missing(v) and bool(v) for v in rows["is_certifiable"])
    note = first["completeness_note"]
    penalty = rows["line_penalty_percent"].dropna()
    cap = rows["line_penalty_cap_percent"].dropna()
    penalty_help = (
        "En % de la factura mensual de la línea: suma de las penalidades de los "
        "términos no cumplidos del mes"
    )
    if len(cap):
        penalty_help += f", con un tope de {fmt_percent_value(cap.iloc[0])} por línea"
    terms_help = "Términos cumplidos sobre el valor ajustado (sin fallas masivas declaradas)."
    if no_volume:
        terms_help += f" {no_volume} sin volumen en el mes: no se evalúan."
    if all_pending:
        terms_help += f" {all_pending} con todas sus unidades pendientes: no se evalúan todavía."
    # Room for the longest label (the penalty) and value ("No certificable").
    columns = st.columns([1.3, 0.95, 1.35])
    columns[0].metric(
        "Penalidad (% factura mensual)",
        fmt_percent_value(penalty.iloc[0] if len(penalty) else None),
        help=penalty_help + ".",
        border=True,
    )
    columns[1].metric("Términos cumplidos", f"{met} / {len(rows)}", help=terms_help, border=True)
    columns[2].metric(
        "Certificación",
        "Certificable" if certifiable else "No certificable",
        help=None if is_missing(note) else note,
        border=True,
    )
    version = first["contract_version"]
    # a version label is free text: a caption shows it whole, a card would cut it
    st.caption(f"Versión del contrato: {MISSING if is_missing(version) else version}")
    if not certifiable:
        lines = [f"**{name}** no es certificable en {fmt_month(month)}."]
        if not is_missing(note):
            lines.append(str(note))
        no_data = fmt_iso_dates(first["days_without_data"])
        rejects = fmt_iso_dates(first["days_with_rejects"])
        if no_data:
            lines.append(f"Días sin datos: {no_data}.")
        if rejects:
            lines.append(f"Días con registros rechazados: {rejects}.")
        st.warning("\n\n".join(lines), icon=":material/report:")


# ---------------------------------------------------------------- terms table


def _status_style(value: str) -> str:
    return "color: #c62828; font-weight: 600" if value == NOT_MET else ""


def _terms_table(terms: pd.DataFrame, month: dt.date, line_code: str | None) -> None:
    st.subheader("Términos del contrato")
    table = tables.sla_terms_table(terms)
    # st.table, not st.dataframe: every column (penalty included) stays in view,
    # long line and term names wrap.
    # Room for "100,0 %" / "-10,0 pp" on one line: the space comes off the
    # names, which wrap (a nowrap on the cell would not reach its markdown).
    figures = [c for c in table.columns if c not in ("Línea", "Término")]
    styled = table.style.map(_status_style, subset=["Estado"]).set_properties(
        subset=figures, **{"min-width": "5.2em"}
    )
    st.table(styled, hide_index=True)
    st.caption(
        "**Bruto**: con todas las unidades del mes. **Ajustado**: sin las unidades "
        "dentro de fallas masivas declaradas (**Excluidas**), en los términos cuyo "
        "contrato lo permite; es el valor que decide el cumplimiento. **Volumen**: "
        "unidades detrás del valor ajustado. **Pendientes**: unidades que al final de "
        "los datos aún no vencieron; no entran en ninguna cifra y el mes no es "
        "certificable mientras haya alguna. **Margen**: distancia al objetivo, "
        "positiva es mejor. **Penalidad**: % de la factura mensual de la línea."
    )
    st.download_button(
        "Descargar tabla (CSV)",
        data=tables.sla_terms_csv(table),
        file_name=f"terminos_sla_{month:%Y-%m}_{line_code or 'todas'}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="sla_terms_csv",
    )


# ---------------------------------------------------------------- drill-down


def _term_label(row: dict[str, Any]) -> str:
    name = row["line_name"] or row["line_code"]
    state = fmt_compliance(row["is_met"], row["pending_units"])
    return f"{name} · {row['term_name'] or row['term_code']} ({state})"


def _period_label(value: Any, unit: str | None, is_met: Any, pending: Any) -> str:
    return (
        f"ajustado {fmt_term_value(value, unit)} · {fmt_compliance(is_met, pending)}"
        + fmt_pending(pending)
    )


def _drill_down(
    conn: ServingConnection,
    terms: pd.DataFrame, month: dt.date, line_code: str | None, available: set[str]
) -> None:
    st.subheader("Detalle de un término")
    records = {f"{r['line_code']}|{r['term_code']}": r for r in terms.to_dict(orient="records")}
    options = list(records)
    term_key = st.selectbox(
        "Término",
        options,
        index=_first_missed(terms["is_met"]),
        format_func=lambda k: _term_label(records[k]),
        # One widget per month and line, so each opens on its first missed term.
        key=f"sla_term_{month}_{line_code or 'todas'}",
    )
    term = records[term_key]
    code, term_code, unit = term["line_code"], term["term_code"], term["unit"]
    if queries.SLA_DAILY not in available:
        st.caption(f"La base publicada todavía no tiene `{queries.SLA_DAILY}`.")
        return
    daily = queries.sla_daily(conn, month, code, term_code)
    if daily.empty:
        st.caption(f"Sin días con volumen en {fmt_month(month)} para este término.")
        return
    st.plotly_chart(
        charts.sla_daily_chart(
            daily, target=term["target"], comparison=term["comparison"], unit=unit
        ),
        width="stretch",
        key="sla_daily_chart",
        config=PLOTLY_CONFIG,
    )
    days = [pd.Timestamp(d).date() for d in daily["report_date"]]
    missed = [
        fmt_date(day)
        for day, met in zip(days, daily["is_met"], strict=True)
        if not is_missing(met) and not met
    ]
    if missed:
        verdict = f"Días que no cumplen (ajustado): {', '.join(missed)}."
    elif all(is_missing(met) for met in daily["is_met"]):
        # days listed only for their pending units: nothing measured yet
        verdict = "Ningún día tiene todavía unidades vencidas que medir."
    else:
        verdict = "Todos los días con volumen cumplen el objetivo (ajustado)."
    st.caption(verdict)
    by_day = {
        day: _period_label(v, unit, met, pending)
        for day, v, met, pending in zip(
            days, daily["adjusted_value"], daily["is_met"], daily["pending_units"], strict=True
        )
    }
    day = st.selectbox(
        "Día",
        days,
        index=_first_missed(daily["is_met"]),
        format_func=lambda d: f"{fmt_long_date(d)} · {by_day[d]}",
        key=f"sla_day_{month}_{term_key}",
    )
    interval = _intervals(conn, day, term, available)
    _units(conn, term, day, interval, available)


def _intervals(
    conn: ServingConnection, day: dt.date, term: dict[str, Any], available: set[str]
) -> dt.datetime | None:
    """The day's intervals of the term as chart and table; returns the interval
    picked for the units (None: the whole day)."""
    st.markdown(f"**Intervalos del {fmt_long_date(day)}**")
    if queries.SLA_INTERVAL not in available:
        st.caption(f"La base publicada todavía no tiene `{queries.SLA_INTERVAL}`.")
        return None
    intervals = queries.sla_intervals(conn, day, term["line_code"], term["term_code"])
    if intervals.empty:
        st.caption("Sin intervalos con volumen ese día.")
        return None
    unit = term["unit"]
    st.plotly_chart(
        charts.sla_interval_chart(
            intervals, target=term["target"], comparison=term["comparison"], unit=unit
        ),
        width="stretch",
        key="sla_interval_chart",
        config=PLOTLY_CONFIG,
    )
    st.dataframe(
        tables.sla_period_table(intervals, by_interval=True),
        hide_index=True,
        key="sla_intervals_table",
    )
    starts = [pd.Timestamp(t).to_pydatetime() for t in intervals["interval_start"]]
    labels = {
        start: f"{fmt_time(start)} · {_period_label(v, unit, met, pending)}"
        for start, v, met, pending in zip(
            starts,
            intervals["adjusted_value"],
            intervals["is_met"],
            intervals["pending_units"],
            strict=True,
        )
    }
    return st.selectbox(
        "Unidades de",
        [None, *starts],
        format_func=lambda s: "Todo el día" if s is None else labels[s],
        key=f"sla_interval_{term['line_code']}_{term['term_code']}_{day}",
    )


def _units(
    conn: ServingConnection,
    term: dict[str, Any],
    day: dt.date,
    interval: dt.datetime | None,
    available: set[str],
) -> None:
    when = fmt_date(day) + ("" if interval is None else f", {fmt_time(interval)}")
    st.markdown(f"**Unidades detrás del {when}**")
    if queries.SLA_UNITS not in available:
        st.caption(f"La base publicada todavía no tiene `{queries.SLA_UNITS}`.")
        return
    limit = queries.SLA_UNIT_LIMIT
    units, total = queries.sla_units(conn, term["line_code"], term["term_code"], day, interval, limit)
    if not total:
        st.caption("Sin unidades registradas para esta selección.")
        return
    st.dataframe(tables.sla_units_table(units), hide_index=True, key="sla_units_table")
    excluded = int(sum(not is_missing(v) and bool(v) for v in units["is_excluded"]))
    text = (
        f"Se muestran las primeras {fmt_int(len(units))} de {fmt_int(total)} unidades."
        if total > len(units)
        else f"{fmt_int(total)} unidades."
    )
    if excluded:
        text += f" {fmt_int(excluded)} de las mostradas están excluidas por falla masiva."
    pending = int(sum(state == "pending" for state in units["unit_state"]))
    if pending:
        text += (
            f" {fmt_int(pending)} de las mostradas están pendientes: aún no vencieron al "
            "final de los datos y no entran en ninguna cifra."
        )
    st.caption(text)


# ---------------------------------------------------------------- audit report


def _prepare_report(
    conn: ServingConnection, build, month: dt.date, line_code: str | None
) -> dict[str, Any]:
    """Build the report and all its files while the connection is open; a
    format that fails leaves an error message instead of its bytes."""
    files: dict[str, bytes] = {}
    errors: dict[str, str] = {}
    with conn.read_only() as con:
        report = build(con, month, line_code)
        getters = {
            "html": lambda: report.html.encode("utf-8"),
            "pdf": lambda: report.pdf_bytes(),
            "csv": lambda: report.csv_bytes(),
            "xlsx": lambda: report.xlsx_bytes(),
        }
        for fmt, get in getters.items():
            try:
                files[fmt] = get()
            except Exception as exc:  # one failing format must not hide the others
                errors[fmt] = f"{type(exc).__name__}: {exc}"
        fingerprint = str(report.fingerprint)
    return {"files": files, "errors": errors, "fingerprint": fingerprint}


def _audit_report(conn: ServingConnection, month: dt.date, line_code: str | None) -> None:
    st.subheader("Informe de auditoría")
    try:
        # Lazy: the report module is optional and heavier than the page.
        from reports.audit import build_audit_report
    except ImportError as exc:
        st.info(REPORTS_UNAVAILABLE, icon=":material/description:")
        st.caption(f"No se pudo importar `reports.audit`: {exc}.")
        return
    scope = ALL_LINES.lower() if line_code is None else f"la línea `{line_code}`"
    key = (month, line_code, str(conn.database), conn.identity())
    if st.button(
        "Preparar informe",
        icon=":material/description:",
        key="sla_prepare_report",
        help="Genera el informe del mes y la línea elegidos en HTML, PDF, CSV y "
        "Excel; puede tardar unos segundos.",
    ):
        with st.spinner("Preparando el informe…"):
            try:
                prepared = _prepare_report(conn, build_audit_report, month, line_code)
            except ServingUnavailable:
                raise
            except Exception as exc:  # shown, not a crashed page
                prepared = {"error": f"{type(exc).__name__}: {exc}"}
        st.session_state[REPORT_STATE] = {"key": key, **prepared}
    prepared = st.session_state.get(REPORT_STATE)
    if not prepared or prepared["key"] != key:
        st.caption(f"Informe de {fmt_month(month)} para {scope}: pulse «Preparar informe».")
        return
    if "error" in prepared:
        st.error(f"No se pudo preparar el informe: {prepared['error']}")
        return
    st.caption(f"Informe de {fmt_month(month)} para {scope}.")
    stem = f"auditoria_sla_{month:%Y-%m}_{line_code or 'todas'}"
    for column, (fmt, label, ext, mime) in zip(st.columns(4), REPORT_FORMATS, strict=True):
        if fmt in prepared["files"]:
            column.download_button(
                label,
                data=prepared["files"][fmt],
                file_name=f"{stem}.{ext}",
                mime=mime,
                on_click="ignore",
                icon=":material/download:",
                key=f"sla_report_{fmt}",
            )
        else:
            column.caption(f"{label}: no disponible ({prepared['errors'].get(fmt, '')}).")
    st.markdown(f"Huella del informe: `{prepared['fingerprint']}`")


# ---------------------------------------------------------------- page


def render(conn: ServingConnection) -> None:
    available = queries.sla_tables(conn)
    if queries.SLA_MONTHLY not in available:
        st.info(NOT_BUILT, icon=":material/construction:")
        st.caption(f"Base consultada: `{conn.database}` (falta {queries.SLA_MONTHLY}).")
        return
    months = queries.sla_months(conn)
    if not months:
        st.info(NO_MONTHS, icon=":material/database_off:")
        return
    month, line_code = _pickers(months, queries.sla_lines(conn))
    terms = queries.sla_terms(conn, month)
    if line_code is not None:
        terms = terms[terms["line_code"] == line_code].reset_index(drop=True)
    if terms.empty:
        st.info(f"No hay términos del contrato evaluados para esta línea en {fmt_month(month)}.")
        return
    for _, rows in terms.groupby("line_code", sort=False):
        _line_header(rows, month)
    _terms_table(terms, month, line_code)
    _drill_down(conn, terms, month, line_code, available)
    _audit_report(conn, month, line_code)


st.title("Cumplimiento SLA")
try:
    render(serving())
except ServingUnavailable as exc:
    # Also covers a publication that replaces the file mid-render.
    no_data(str(exc))
