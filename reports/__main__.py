"""Monthly SLA audit report from the command line.

    python -m reports --month 2026-10 [--line atc] [--db PATH] [--out DIR]

Reads the serving copy (SLA_SERVING_DB) unless --db names another DuckDB file, opened
read-only; writes audit-<YYYY-MM>-<line|todas>.{html,pdf,csv,xlsx,json} into --out
(default reports_out/ in the current folder) and prints the paths and the fingerprint.
Exit code 2 when the database is missing or the month (and line) has no compliance rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import duckdb

from ingestion import settings


def _month(text: str) -> dt.date:
    for fmt in ("%Y-%m", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"mes inválido {text!r}: use AAAA-MM (p. ej. 2026-10)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description="Informe mensual de auditoría de SLA.")
    parser.add_argument("--month", required=True, type=_month, help="mes a auditar, AAAA-MM")
    parser.add_argument("--line", default=None, help="código de línea (por defecto: todas)")
    parser.add_argument("--db", type=Path, default=None,
                        help=f"archivo DuckDB (por defecto la copia de servicio, {settings.serving_db()})")
    parser.add_argument("--out", type=Path, default=Path("reports_out"), help="carpeta de salida (reports_out/)")
    args = parser.parse_args(argv)

    db = args.db or settings.serving_db()
    if not db.is_file():
        print(f"error: no existe la base {db} (publíquela con `make build` o indique --db)", file=sys.stderr)
        return 2
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        print(f"error: no se pudo abrir {db} en modo lectura: {exc}", file=sys.stderr)
        return 2
    try:
        # answer "no data" before loading pandas and the PDF renderer (seconds on a slow machine)
        rows = con.execute(
            "select count(*) from sla_compliance_monthly where report_month = ? and (? is null or line_code = ?)",
            [args.month, args.line, args.line],
        ).fetchone()[0]
        if rows == 0:
            line = f"la línea {args.line}" if args.line else "ninguna línea"
            print(f"error: no hay datos de cumplimiento para {args.month:%Y-%m} en {line} "
                  f"(sla_compliance_monthly sin filas en {db})", file=sys.stderr)
            return 2
        from reports.audit import NoComplianceData, build_audit_report, write_report_files

        try:
            report = build_audit_report(con, args.month, args.line)
        except NoComplianceData as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    except duckdb.CatalogException as exc:
        print(f"error: {db} no tiene las tablas SLA del informe (sla_compliance_monthly, ...): {exc}",
              file=sys.stderr)
        return 2
    finally:
        con.close()

    paths = write_report_files(report, args.out)
    for kind, path in paths.items():
        print(f"{kind}\t{path}")
    print(f"fingerprint\t{report.fingerprint}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
