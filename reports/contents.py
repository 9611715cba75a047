"""What the monthly SLA audit report holds, as data: the rows read from the marts, the
fingerprints, and the constants its sections are cut by. reports.audit reads it from the
warehouse, reports.render lays it out; both read this module, neither the other's.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from reports import fingerprint as fp

ALL_LINES = "todas"
WORST_DAYS_PER_TERM = 5
WORST_INTERVALS_PER_TERM = 10


@dataclass
class ReportContents:
    """Everything the report shows, as data (DataFrames)."""

    month: dt.date                    # first day of the month
    line_code: str | None             # None = every line
    contract_name: str
    contract_sha256: str
    contract_versions: list[str]      # labels in force in the month (dim_contract_versions + rows)
    versions: pd.DataFrame            # dim_contract_versions rows in force
    compliance: pd.DataFrame          # sla_compliance_monthly rows, ordered by line_code, term_code
    lines: pd.DataFrame               # one row per line: penalty, certifiable, terms met/missed
    outages: pd.DataFrame             # dim_outages overlapping the month, with units excluded
    exclusions: pd.DataFrame          # excluded units per line, term and outage (fct_sla_units)
    state_mapping: pd.DataFrame       # resolution/retention units per case state, class and unit state
    worst_days: pd.DataFrame
    worst_intervals: pd.DataFrame
    completeness: pd.DataFrame        # per line: is_certifiable, days without data / with rejects
    data_quality: pd.DataFrame        # data_quality_daily rows of the month with a problem
    input_files: pd.DataFrame         # files of sla_input_files (roles, units) with their manifest row
    inputs_fingerprint: str
    code_fingerprint: str
    code_files: int
    code_version: str
    fingerprint: str

    @property
    def month_label(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def line_label(self) -> str:
        return self.line_code or ALL_LINES

    @property
    def file_stem(self) -> str:
        return f"audit-{self.month_label}-{self.line_label}"


FINGERPRINT_DEFINITION = {
    "inputs_fingerprint": "sha256 over the sorted lines 'source\\tfile_path\\tsha256\\n' of the files "
                          "sla_input_files names for the month and line (roles unit, coverage, closing), "
                          "each file once",
    "contract_sha256": "contract_file_sha256 of dim_contract_versions",
    "code_fingerprint": "sha256 over the sorted lines 'path\\tsha256\\n' of " + ", ".join(fp.CODE_GLOBS)
                        + " (paths relative to the project root)",
    "fingerprint": "sha256 of 'inputs_fingerprint|contract_sha256|code_fingerprint'",
}


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """First day, last day and first day of the next month."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last, last + dt.timedelta(days=1)
