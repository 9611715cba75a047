"""Load and validate the contract file (SLA_CONFIG) into one ContractConfig.

A mistake in this file would silently move calls between lines or change a target, so
every key is checked and an error names the file, the key and the fix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from contract.lines import DEFAULT_REPEAT_CONTACT_DAYS, DEFAULT_SHORT_ABANDON_SECONDS, LineConfig, parse_line
from contract.measurement import (
    DEFAULT_LONGEST_SHIFT_HOURS,
    DEFAULT_LOST_RECORD_AFTER_MINUTES,
    DEFAULT_LOST_RECORD_MAX_SHARE,
    DEFAULT_WITHHELD_CALLER_IDS,
    parse_measurement,
)
from contract.terms import ContractTerms, load_terms
from contract.validation import ConfigError, check_zone, fail, typed
from contract.vocabulary import (
    DEFAULT_DENOMINATOR,
    DEFAULT_INTERVAL_MINUTES,
    DEFAULT_TIME_ZONE,
    DEFAULT_UNMAPPED_LINE,
    UNMAPPED_LINE_NAME,
)
from contract.yaml_files import read_mapping

TOP_LEVEL_KEYS = ("contract", "versions", "timezone", "interval_minutes", "sources", "unmapped_line", "lines",
                  "terms", "staffing", "penalties", "measurement")
# The unmapped line's service-level threshold: the DESIGN.md §5 default (80/20)
UNMAPPED_SERVICE_LEVEL_SECONDS = 20


@dataclass(frozen=True)
class ContractConfig:
    path: Path
    name: str
    version: str
    timezone: str
    interval_minutes: int
    realtime_time_zone: str
    unmapped_line: str
    cdr_time_zone: str
    lines: tuple[LineConfig, ...]
    terms: ContractTerms | None = None
    sha256: str = ""
    # measurement.case_states: {source: {state (lower case): resolution class}}
    case_states: dict | None = None
    lost_record_after_minutes: int = DEFAULT_LOST_RECORD_AFTER_MINUTES
    lost_record_max_share: float = DEFAULT_LOST_RECORD_MAX_SHARE
    longest_shift_hours: float = DEFAULT_LONGEST_SHIFT_HOURS
    # measurement.withheld_caller_ids, trimmed and in lower case
    withheld_caller_ids: tuple[str, ...] = DEFAULT_WITHHELD_CALLER_IDS

    def queue_to_line(self) -> dict[str, str]:
        return {q: line.code for line in self.lines for q in line.queues}

    def crm_queue_to_line(self) -> dict[str, str]:
        return {q: line.code for line in self.lines for q in line.crm_queues}

    def otrs_queue_to_line(self) -> dict[str, str]:
        return {q: line.code for line in self.lines for q in line.otrs_queues}

    def campaign_to_line(self) -> dict[str, str]:
        return {c: line.code for line in self.lines for c in line.campaigns}

    def line(self, code: str) -> LineConfig:
        return next(line for line in self.lines if line.code == code)


def load_config(path: Path) -> ContractConfig:
    if not path.exists():
        raise ConfigError(f"{path}: file not found. Fix: set SLA_CONFIG to the contract file")
    raw = read_mapping(path, TOP_LEVEL_KEYS, ConfigError, unknown="unknown top-level key")
    contract = raw.get("contract") or {}
    interval = typed(path, "interval_minutes", raw.get("interval_minutes", DEFAULT_INTERVAL_MINUTES), int)
    if interval <= 0 or 1440 % interval:
        raise fail(path, "interval_minutes", f"{interval} does not divide a day",
                   "use 15, 30 or 60")
    sources = raw.get("sources") or {}
    realtime_zone = (sources.get("asterisk_queue_log") or {}).get("realtime_time_zone", "UTC")
    lines_raw = raw.get("lines")
    if not isinstance(lines_raw, dict) or not lines_raw:
        raise fail(path, "lines", "missing or empty", "declare at least one line")
    lines = tuple(parse_line(path, str(code), spec) for code, spec in lines_raw.items())
    unmapped = str(raw.get("unmapped_line", DEFAULT_UNMAPPED_LINE))
    if unmapped in lines_raw:
        raise fail(path, "unmapped_line", f"{unmapped!r} is a contract line: calls of unclaimed queues would "
                   "be settled under its terms", f"name a code that is not a line, e.g. {DEFAULT_UNMAPPED_LINE}")
    if unmapped not in {line.code for line in lines}:
        # Calls of queues no line claims are still reported, measured by the DESIGN.md §5
        # defaults (80/20, short abandon 5 s), with no contract target.
        lines += (LineConfig(unmapped, UNMAPPED_LINE_NAME, "inbound", (), UNMAPPED_SERVICE_LEVEL_SECONDS, None,
                             DEFAULT_DENOMINATOR, DEFAULT_SHORT_ABANDON_SECONDS, None, None, None,
                             repeat_contact_days=DEFAULT_REPEAT_CONTACT_DAYS),)
    owner: dict[str, str] = {}
    for line in lines:
        for queue in line.queues:
            if queue in owner:
                raise fail(path, f"lines.{line.code}.queues", f"queue {queue!r} also belongs to "
                           f"line {owner[queue]!r}", "list each queue under one line only")
            owner[queue] = line.code
    terms = load_terms(path, raw, {line.code: line for line in lines})
    # the positions owed in peak hours, for the dashboards' one-number view: the largest
    # band of the open-ended entry; staffing_interval uses the bands themselves
    owed: dict[str, int] = {}
    for band in terms.staffing:
        if band.effective_to is None:
            owed[band.line_code] = max(owed.get(band.line_code, 0), band.positions)
    lines = tuple(replace(line, contracted_positions=owed[line.code])
                  if line.contracted_positions is None and line.code in owed else line for line in lines)
    measurement = parse_measurement(path, raw.get("measurement"))
    return ContractConfig(
        path=path,
        case_states=measurement.case_states,
        lost_record_after_minutes=measurement.lost_record_after_minutes,
        lost_record_max_share=measurement.lost_record_max_share,
        longest_shift_hours=measurement.longest_shift_hours,
        withheld_caller_ids=measurement.withheld_caller_ids,
        name=str(contract.get("name", "")),
        version=terms.versions[-1].version,
        terms=terms,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        timezone=check_zone(path, "timezone", raw.get("timezone", DEFAULT_TIME_ZONE)),
        interval_minutes=interval,
        realtime_time_zone=check_zone(path, "sources.asterisk_queue_log.realtime_time_zone", realtime_zone),
        unmapped_line=unmapped,
        cdr_time_zone=check_zone(path, "sources.asterisk_cdr.time_zone",
                                 (sources.get("asterisk_cdr") or {}).get("time_zone", DEFAULT_TIME_ZONE)),
        lines=lines,
    )
