"""Load and validate the contract configuration file, and write it as warehouse tables.

A mistake in this file would silently move calls between lines or change a target, so
every key is checked and an error names the file, the key and the fix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import pyarrow as pa

from ingestion.contract_terms import ContractTerms, ContractTermsError, load_terms
from ingestion.raw_schema import ensure_raw_schema
from ingestion.yaml_files import key_error, read_mapping

DENOMINATORS = {
    "offered_minus_short_abandons": "calls offered minus short abandons (DESIGN.md §5 default)",
    "offered": "every call offered, short abandons included",
    "answered": "answered calls only",
    "answered_plus_abandoned": "answered plus abandoned (not short) calls",
}
DIRECTIONS = ("inbound", "outbound", "backoffice", "social")

# What a ticket or case state means for the SLA (contract file, measurement.case_states):
# resolved counts as a resolution; closed_unresolved closes the case without one (it counts in
# the resolution term's denominator, not its numerator); open is still being worked;
# not_counted is not a case of its own (a ticket merged into another, a removed one).
RESOLUTION_CLASSES = ("resolved", "closed_unresolved", "open", "not_counted")
CASE_STATE_SOURCES = ("crm", "otrs")
# Defaults, and why (docs/contract_defaults.md, "Measurement"): an unsuccessful close is not a
# resolution; the documented CRM statuses and OTRS's stock states.
DEFAULT_CASE_STATES = {
    "crm": {
        "resolved": ("resolved", "closed"),
        "closed_unresolved": (),
        "open": ("open", "in_progress", "reopened"),
        "not_counted": (),
    },
    "otrs": {
        "resolved": ("closed successful", "closed with workaround"),
        "closed_unresolved": ("closed unsuccessful",),
        "open": ("new", "open", "pending reminder", "pending auto close+", "pending auto close-"),
        "not_counted": ("merged", "removed"),
    },
}
DEFAULT_LOST_RECORD_AFTER_MINUTES = 240
DEFAULT_LOST_RECORD_MAX_SHARE = 0.001
# The longest an agent stays logged in without a membership line saying so
# (measurement.agents.longest_shift_hours; docs/contract_defaults.md, "Measurement"): a login
# whose logout the queue_log does not hold ends at the agent's last activity within this
# many hours, and a logout with no login is preceded by no more than this. Twelve hours is
# a double shift, longer than any shift the annex's 6-hour positions plan.
DEFAULT_LONGEST_SHIFT_HOURS = 12
# Caller ids that name no caller (measurement.withheld_caller_ids; docs/contract_defaults.md,
# "Measurement"): what PBXs and carriers write for a withheld or unknown number. Compared
# trimmed and in lower case; such a call gets no caller key, so it is never a repeat contact.
DEFAULT_WITHHELD_CALLER_IDS = ("", "anonymous", "unknown", "restricted", "private", "unavailable",
                               "withheld", "blocked")

_LINE_KEYS = {
    "name": str,
    "direction": str,
    "queues": list,
    "service_level_seconds": int,
    "service_level_target": float,
    "service_level_denominator": str,
    "short_abandon_seconds": int,
    "abandon_rate_target": float,
    "asa_target_seconds": int,
    "contracted_positions": int,
    "repeat_contact_days": int,
    "campaigns": list,
    "crm_queues": list,
    "otrs_queues": list,
    "social_accounts": dict,
    "contact_rate_target": float,
    "retention_rate_target": float,
    "business_hours": dict,
    "first_response_target_business_hours": float,
    "resolution_target_business_hours": float,
    "resolution_target_share": float,
    "motives": dict,
    "first_response_target_minutes": dict,
    "first_response_target_share": float,
    "influence_tiers": dict,
}
WEEKDAY_KEYS = ("weekdays", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_REQUIRED_LINE_KEYS = ("name", "direction")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class LineConfig:
    code: str
    name: str
    direction: str
    queues: tuple[str, ...]
    service_level_seconds: int | None
    service_level_target: float | None
    service_level_denominator: str | None
    short_abandon_seconds: int | None
    abandon_rate_target: float | None
    asa_target_seconds: int | None
    contracted_positions: int | None
    repeat_contact_days: int | None = None
    campaigns: tuple[str, ...] = ()
    crm_queues: tuple[str, ...] = ()
    otrs_queues: tuple[str, ...] = ()
    social_accounts: dict | None = None  # {'twitter': [...], 'facebook': [...]}
    contact_rate_target: float | None = None
    retention_rate_target: float | None = None
    # {weekday 0=Monday..6: (open 'HH:MM', close 'HH:MM')}; None: every hour counts
    business_hours: dict | None = None
    first_response_target_business_hours: float | None = None
    resolution_target_business_hours: float | None = None
    resolution_target_share: float | None = None
    motives: dict | None = None  # motive -> resolution target in business hours
    first_response_target_minutes: dict | None = None  # influence tier -> minutes
    first_response_target_share: float | None = None
    influence_tiers: dict | None = None  # tier -> {min_followers, min_engagement}


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


def _fail(path: Path, key: str, problem: str, fix: str) -> ConfigError:
    return key_error(path, key, problem, fix, ConfigError)


def _check_zone(path: Path, key: str, value) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(path, key, f"unknown time zone {value!r}",
                    "use an IANA name such as America/Argentina/Buenos_Aires or UTC") from None
    return str(value)


def _typed(path: Path, key: str, value, kind):
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _fail(path, key, f"expected {kind.__name__}, found {value!r}",
                    f"write a {kind.__name__} value")
    return value


def _line(path: Path, code: str, raw: dict) -> LineConfig:
    if not isinstance(raw, dict):
        raise _fail(path, f"lines.{code}", "expected a mapping of settings", "indent the line's keys under it")
    for key in raw:
        if key not in _LINE_KEYS:
            raise _fail(path, f"lines.{code}.{key}", "unknown setting",
                        f"use one of {', '.join(_LINE_KEYS)}")
    for key in _REQUIRED_LINE_KEYS:
        if key not in raw:
            raise _fail(path, f"lines.{code}.{key}", "missing", "add it")
    values = {k: _typed(path, f"lines.{code}.{k}", v, _LINE_KEYS[k]) for k, v in raw.items()}
    if values["direction"] not in DIRECTIONS:
        raise _fail(path, f"lines.{code}.direction", f"unknown direction {values['direction']!r}",
                    f"use one of {', '.join(DIRECTIONS)}")
    denominator = values.get("service_level_denominator")
    if denominator is not None and denominator not in DENOMINATORS:
        raise _fail(path, f"lines.{code}.service_level_denominator",
                    f"unknown denominator {denominator!r}", f"use one of {', '.join(DENOMINATORS)}")
    for key in ("service_level_target", "abandon_rate_target"):
        if key in values and not 0 <= values[key] <= 1:
            raise _fail(path, f"lines.{code}.{key}", f"{values[key]} is not a share between 0 and 1",
                        "write 0.80 for 80 %")
    for key in ("contact_rate_target", "retention_rate_target", "resolution_target_share",
                "first_response_target_share"):
        if key in values and not 0 <= values[key] <= 1:
            raise _fail(path, f"lines.{code}.{key}", f"{values[key]} is not a share between 0 and 1",
                        "write 0.90 for 90 %")
    hours = _business_hours(path, code, values.get("business_hours"))
    for key in ("motives", "first_response_target_minutes"):
        for name, target in (values.get(key) or {}).items():
            if isinstance(target, bool) or not isinstance(target, int | float) or target <= 0:
                raise _fail(path, f"lines.{code}.{key}.{name}", f"{target!r} is not a positive number",
                            "write the target as a number of hours (motives) or minutes")
    tiers = values.get("influence_tiers") or {}
    for tier, limits in tiers.items():
        if not isinstance(limits, dict) or set(limits) - {"min_followers", "min_engagement"}:
            raise _fail(path, f"lines.{code}.influence_tiers.{tier}", "expected min_followers and/or "
                        "min_engagement", "write {min_followers: 1000, min_engagement: 10}")
        for name, value in limits.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise _fail(path, f"lines.{code}.influence_tiers.{tier}.{name}", f"{value!r} is not a count",
                            "write a whole number such as 1000")
    social = values.get("social_accounts") or {}
    for platform in social:
        if platform not in ("twitter", "facebook"):
            raise _fail(path, f"lines.{code}.social_accounts.{platform}", "unknown platform",
                        "use twitter or facebook")
        if not isinstance(social[platform], list):
            raise _fail(path, f"lines.{code}.social_accounts.{platform}", f"expected a list, found {social[platform]!r}",
                        "write the accounts as a list: [TelecentroAR]")
    for key in ("queues", "campaigns", "crm_queues", "otrs_queues"):
        for item in values.get(key, []):
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise _fail(path, f"lines.{code}.{key}", f"{item!r} is not a name", "write a list of names")
    queues = tuple(str(q) for q in values.get("queues", []))
    return LineConfig(
        code=code,
        name=values["name"],
        direction=values["direction"],
        queues=queues,
        service_level_seconds=values.get("service_level_seconds"),
        service_level_target=values.get("service_level_target"),
        service_level_denominator=denominator or ("offered_minus_short_abandons" if queues else None),
        short_abandon_seconds=values.get("short_abandon_seconds", 5 if queues else None),
        abandon_rate_target=values.get("abandon_rate_target"),
        asa_target_seconds=values.get("asa_target_seconds"),
        contracted_positions=values.get("contracted_positions"),
        repeat_contact_days=values.get("repeat_contact_days", 7 if queues else None),
        campaigns=tuple(str(c) for c in values.get("campaigns", [])),
        crm_queues=tuple(str(q) for q in values.get("crm_queues", [])),
        otrs_queues=tuple(str(q) for q in values.get("otrs_queues", [])),
        social_accounts={k: [str(a) for a in v] for k, v in social.items()} or None,
        contact_rate_target=values.get("contact_rate_target"),
        retention_rate_target=values.get("retention_rate_target"),
        business_hours=hours,
        first_response_target_business_hours=values.get("first_response_target_business_hours"),
        resolution_target_business_hours=values.get("resolution_target_business_hours"),
        resolution_target_share=values.get("resolution_target_share"),
        motives={str(k): float(v) for k, v in (values.get("motives") or {}).items()} or None,
        first_response_target_minutes={str(k): float(v) for k, v in
                                       (values.get("first_response_target_minutes") or {}).items()} or None,
        first_response_target_share=values.get("first_response_target_share"),
        influence_tiers={str(k): dict(v) for k, v in tiers.items()} or None,
    )


def _business_hours(path: Path, code: str, raw) -> dict | None:
    """{'weekdays': '09:00-18:00', 'saturday': '09:00-13:00'} -> {0: ('09:00', '18:00'), ...}"""
    if raw is None:
        return None
    hours = {}
    for key, span in raw.items():
        if key not in WEEKDAY_KEYS:
            raise _fail(path, f"lines.{code}.business_hours.{key}", "unknown day",
                        f"use one of {', '.join(WEEKDAY_KEYS)}")
        try:
            start, end = (part.strip() for part in str(span).split("-"))
            if not (len(start) == len(end) == 5 and "00:00" <= start < end <= "24:00"
                    and all(t[:2].isdigit() and t[2] == ":" and t[3:].isdigit() and int(t[3:]) < 60
                            for t in (start, end))):
                raise ValueError
        except ValueError:
            raise _fail(path, f"lines.{code}.business_hours.{key}", f"{span!r} is not a time span",
                        'write "09:00-18:00"') from None
        days = range(5) if key == "weekdays" else [WEEKDAY_KEYS.index(key) - 1]
        for day in days:
            hours[day] = (start, end)
    return hours


def _case_states(path: Path, raw) -> dict[str, dict[str, str]]:
    """measurement.case_states -> {source: {state: class}}; a source left out keeps its
    default mapping, a source given replaces it whole (so no default state hides in it)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _fail(path, "measurement.case_states", "expected a mapping of sources",
                    f"write one of {', '.join(CASE_STATE_SOURCES)} with its {', '.join(RESOLUTION_CLASSES)} lists")
    mapping: dict[str, dict[str, str]] = {}
    for source in CASE_STATE_SOURCES:
        classes = raw.get(source, DEFAULT_CASE_STATES[source])
        key = f"measurement.case_states.{source}"
        if not isinstance(classes, dict):
            raise _fail(path, key, f"expected lists per class, found {classes!r}",
                        "write {resolved: [...], closed_unresolved: [...], open: [...]}")
        states: dict[str, str] = {}
        for cls, values in classes.items():
            if cls not in RESOLUTION_CLASSES:
                raise _fail(path, f"{key}.{cls}", "unknown class", f"use one of {', '.join(RESOLUTION_CLASSES)}")
            if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
                raise _fail(path, f"{key}.{cls}", f"expected a list of state names, found {values!r}",
                            'write a list of quoted names: ["closed successful"]')
            for value in values:
                state = value.strip().lower()
                if state in states:
                    raise _fail(path, f"{key}.{cls}", f"state {value!r} is also under {states[state]}",
                                "list each state under one class only")
                states[state] = cls
        mapping[source] = states
    for source in raw:
        if source not in CASE_STATE_SOURCES:
            raise _fail(path, f"measurement.case_states.{source}", "unknown source",
                        f"use one of {', '.join(CASE_STATE_SOURCES)}")
    return mapping


def _measurement(path: Path, raw) -> dict:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _fail(path, "measurement", "expected a mapping",
                    "indent case_states, calls, agents and withheld_caller_ids under it")
    for key in raw:
        if key not in ("case_states", "calls", "agents", "withheld_caller_ids"):
            raise _fail(path, f"measurement.{key}", "unknown setting",
                        "use case_states, calls, agents or withheld_caller_ids")
    calls = raw.get("calls") or {}
    if not isinstance(calls, dict):
        raise _fail(path, "measurement.calls", "expected a mapping", "write lost_record_after_minutes: 240")
    for key in calls:
        if key not in ("lost_record_after_minutes", "lost_record_max_share"):
            raise _fail(path, f"measurement.calls.{key}", "unknown setting",
                        "use lost_record_after_minutes or lost_record_max_share")
    after = _typed(path, "measurement.calls.lost_record_after_minutes",
                   calls.get("lost_record_after_minutes", DEFAULT_LOST_RECORD_AFTER_MINUTES), int)
    if after <= 0:
        raise _fail(path, "measurement.calls.lost_record_after_minutes", f"{after} is not a positive number "
                    "of minutes", "write the longest a call can last in queue and talk, e.g. 240")
    share = _typed(path, "measurement.calls.lost_record_max_share",
                   calls.get("lost_record_max_share", DEFAULT_LOST_RECORD_MAX_SHARE), float)
    if not 0 <= share <= 1:
        raise _fail(path, "measurement.calls.lost_record_max_share", f"{share} is not a share between 0 and 1",
                    "write 0.001 for 0.1 %")
    return {"case_states": _case_states(path, raw.get("case_states")),
            "lost_record_after_minutes": after, "lost_record_max_share": share,
            "longest_shift_hours": _longest_shift(path, raw.get("agents")),
            "withheld_caller_ids": _withheld_caller_ids(path, raw.get("withheld_caller_ids"))}


def _longest_shift(path: Path, raw) -> float:
    """measurement.agents.longest_shift_hours, a positive number of hours up to a week."""
    agents = raw or {}
    if not isinstance(agents, dict):
        raise _fail(path, "measurement.agents", "expected a mapping", "write longest_shift_hours: 12")
    for key in agents:
        if key != "longest_shift_hours":
            raise _fail(path, f"measurement.agents.{key}", "unknown setting", "use longest_shift_hours")
    hours = _typed(path, "measurement.agents.longest_shift_hours",
                   agents.get("longest_shift_hours", DEFAULT_LONGEST_SHIFT_HOURS), float)
    if not 0 < hours <= 168:
        raise _fail(path, "measurement.agents.longest_shift_hours", f"{hours} is not a number of hours "
                    "between 0 and 168", "write the longest an agent can stay logged in, e.g. 12")
    return hours


def _withheld_caller_ids(path: Path, raw) -> tuple[str, ...]:
    """measurement.withheld_caller_ids -> the values, trimmed and in lower case; left out,
    the default list. A number is refused: an unquoted 0 or 1234 in YAML is easily a typo."""
    key = "measurement.withheld_caller_ids"
    if raw is None:
        return DEFAULT_WITHHELD_CALLER_IDS
    if not isinstance(raw, list):
        raise _fail(path, key, f"expected a list, found {raw!r}",
                    'write a list of quoted caller ids: [anonymous, unknown, restricted, ""]')
    values: list[str] = []
    for value in raw:
        if not isinstance(value, str):
            raise _fail(path, key, f"{value!r} is not text",
                        f'quote it ("{value}"), or leave it out if it is a real number')
        folded = value.strip().lower()
        if folded not in values:
            values.append(folded)
    return tuple(values)


def load_config(path: Path) -> ContractConfig:
    if not path.exists():
        raise ConfigError(f"{path}: file not found. Fix: set SLA_CONFIG to the contract file")
    known = {"contract", "versions", "timezone", "interval_minutes", "sources", "unmapped_line", "lines",
             "terms", "staffing", "penalties", "measurement"}
    raw = read_mapping(path, known, ConfigError, unknown="unknown top-level key")
    contract = raw.get("contract") or {}
    interval = _typed(path, "interval_minutes", raw.get("interval_minutes", 30), int)
    if interval <= 0 or 1440 % interval:
        raise _fail(path, "interval_minutes", f"{interval} does not divide a day",
                    "use 15, 30 or 60")
    sources = raw.get("sources") or {}
    realtime_zone = (sources.get("asterisk_queue_log") or {}).get("realtime_time_zone", "UTC")
    lines_raw = raw.get("lines")
    if not isinstance(lines_raw, dict) or not lines_raw:
        raise _fail(path, "lines", "missing or empty", "declare at least one line")
    lines = tuple(_line(path, str(code), spec) for code, spec in lines_raw.items())
    unmapped = str(raw.get("unmapped_line", "sin_mapear"))
    if unmapped in lines_raw:
        raise _fail(path, "unmapped_line", f"{unmapped!r} is a contract line: calls of unclaimed queues would "
                    "be settled under its terms", "name a code that is not a line, e.g. sin_mapear")
    if unmapped not in {line.code for line in lines}:
        # Calls of queues no line claims are still reported, measured by the DESIGN.md §5
        # defaults (80/20, short abandon 5 s), with no contract target.
        lines += (LineConfig(unmapped, "Colas sin línea asignada", "inbound", (), 20, None,
                             "offered_minus_short_abandons", 5, None, None, None,
                             repeat_contact_days=7),)
    owner: dict[str, str] = {}
    for line in lines:
        for queue in line.queues:
            if queue in owner:
                raise _fail(path, f"lines.{line.code}.queues", f"queue {queue!r} also belongs to "
                            f"line {owner[queue]!r}", "list each queue under one line only")
            owner[queue] = line.code
    try:
        terms = load_terms(path, raw, {line.code: line for line in lines})
    except ContractTermsError as exc:
        raise ConfigError(str(exc)) from None
    # the positions owed in peak hours, for the dashboards' one-number view: the largest
    # band of the open-ended entry; staffing_interval uses the bands themselves
    owed: dict[str, int] = {}
    for band in terms.staffing:
        if band.effective_to is None:
            owed[band.line_code] = max(owed.get(band.line_code, 0), band.positions)
    lines = tuple(replace(line, contracted_positions=owed[line.code])
                  if line.contracted_positions is None and line.code in owed else line for line in lines)
    measurement = _measurement(path, raw.get("measurement"))
    return ContractConfig(
        path=path,
        case_states=measurement["case_states"],
        lost_record_after_minutes=measurement["lost_record_after_minutes"],
        lost_record_max_share=measurement["lost_record_max_share"],
        longest_shift_hours=measurement["longest_shift_hours"],
        withheld_caller_ids=measurement["withheld_caller_ids"],
        name=str(contract.get("name", "")),
        version=terms.versions[-1].version,
        terms=terms,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        timezone=_check_zone(path, "timezone", raw.get("timezone", "America/Argentina/Buenos_Aires")),
        interval_minutes=interval,
        realtime_time_zone=_check_zone(path, "sources.asterisk_queue_log.realtime_time_zone", realtime_zone),
        unmapped_line=unmapped,
        cdr_time_zone=_check_zone(path, "sources.asterisk_cdr.time_zone",
                                  (sources.get("asterisk_cdr") or {}).get("time_zone", "America/Argentina/Buenos_Aires")),
        lines=lines,
    )


def write_config_tables(con: duckdb.DuckDBPyConnection, config: ContractConfig) -> None:
    from ingestion.business_calendar import calendar_rows  # it imports this module
    """Replace raw.contract_lines / raw.contract_queues with the file's content."""
    # the versioned tables are wholly derived from the file: recreate them, so a warehouse
    # built by an earlier release gets their current columns
    for table in ("contract_versions", "contract_terms", "contract_staffing", "contract_penalties"):
        con.execute(f"drop table if exists raw.{table}")
    ensure_raw_schema(con)
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.contract_lines")
        con.execute("delete from raw.contract_queues")
        con.executemany(
            "insert into raw.contract_lines values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [line.code, line.name, line.direction, line.service_level_seconds,
                 line.service_level_target, line.service_level_denominator,
                 line.short_abandon_seconds, line.abandon_rate_target,
                 line.asa_target_seconds, line.contracted_positions]
                for line in config.lines
            ],
        )
        rows = [[queue, line] for queue, line in config.queue_to_line().items()]
        if rows:
            con.executemany("insert into raw.contract_queues values (?, ?)", rows)
        con.execute("delete from raw.contract_mappings")
        mappings = [["crm_queue", q, code] for q, code in config.crm_queue_to_line().items()]
        mappings += [["otrs_queue", q, code] for q, code in config.otrs_queue_to_line().items()]
        mappings += [["campaign", c, code] for c, code in config.campaign_to_line().items()]
        for line in config.lines:
            for platform, accounts in (line.social_accounts or {}).items():
                mappings += [[f"{platform}_account", a, line.code] for a in accounts]
        if mappings:
            con.executemany("insert into raw.contract_mappings values (?, ?, ?)", mappings)
        con.execute("delete from raw.contract_targets")
        targets = []
        for line in config.lines:
            targets += [[line.code, "motive_resolution_hours", m, h] for m, h in (line.motives or {}).items()]
            targets += [[line.code, "tier_first_response_minutes", t, m]
                        for t, m in (line.first_response_target_minutes or {}).items()]
            for tier, limits in (line.influence_tiers or {}).items():
                targets += [[line.code, f"tier_{k}", tier, float(v)] for k, v in limits.items()]
            for name in ("repeat_contact_days", "contact_rate_target", "retention_rate_target", "first_response_target_business_hours",
                         "resolution_target_business_hours", "resolution_target_share",
                         "first_response_target_share"):
                if getattr(line, name) is not None:
                    targets.append([line.code, "line", name, float(getattr(line, name))])
        if targets:
            con.executemany("insert into raw.contract_targets values (?, ?, ?, ?)", targets)
        _write_terms(con, config)
        _write_measurement(con, config)
        con.execute("delete from raw.business_calendar")
        columns = list(zip(*calendar_rows(config, date.today().year + 1)))
        calendar = pa.table({name: pa.array(values) for name, values in zip(
            ["line_code", "day", "is_business_day", "holiday_name", "open_time", "close_time"], columns)})
        con.register("_calendar", calendar)
        con.execute("insert into raw.business_calendar select * from _calendar")
        con.unregister("_calendar")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _write_measurement(con: duckdb.DuckDBPyConnection, config: ContractConfig) -> None:
    con.execute("delete from raw.contract_case_states")
    states = [[source, state, cls] for source, mapping in (config.case_states or {}).items()
              for state, cls in mapping.items()]
    if states:
        con.executemany("insert into raw.contract_case_states values (?, ?, ?)", states)
    con.execute("delete from raw.contract_measurement")
    con.executemany("insert into raw.contract_measurement values (?, ?)", [
        ["lost_record_after_minutes", float(config.lost_record_after_minutes)],
        ["lost_record_max_share", float(config.lost_record_max_share)],
        ["longest_shift_hours", float(config.longest_shift_hours)]])
    con.execute("delete from raw.contract_withheld_callers")
    if config.withheld_caller_ids:
        con.executemany("insert into raw.contract_withheld_callers values (?)",
                        [[value] for value in config.withheld_caller_ids])


def _write_terms(con: duckdb.DuckDBPyConnection, config: ContractConfig) -> None:
    terms = config.terms
    for table in ("contract_versions", "contract_terms", "contract_staffing", "contract_penalties"):
        con.execute(f"delete from raw.{table}")
    con.executemany("insert into raw.contract_versions values (?, ?, ?, ?, ?, ?)", [
        [v.version, v.effective_from, v.effective_to, v.description, config.name, config.sha256]
        for v in terms.versions])
    if terms.terms:
        con.executemany("insert into raw.contract_terms values (" + ", ".join("?" * 17) + ")", [
            [t.line_code, t.term_code, t.term_name, t.metric, t.unit, t.comparison, t.threshold, t.threshold_unit,
             t.target, t.period, t.denominator, t.outage_exclusion, t.effective_from, t.effective_to,
             t.penalty_percent_per_point, t.penalty_cap_percent, t.assumption] for t in terms.terms])
    if terms.staffing:
        con.executemany("insert into raw.contract_staffing values (?, ?, ?, ?, ?, ?, ?, ?)", [
            [b.line_code, b.effective_from, b.effective_to, b.weekday, b.band_from, b.band_to, b.positions,
             b.holidays_owed]
            for b in terms.staffing])
    if terms.penalties:
        con.executemany("insert into raw.contract_penalties values (?, ?, ?, ?, ?)", [
            [p.effective_from, p.effective_to, p.percent_per_point, p.term_cap_percent, p.line_cap_percent]
            for p in terms.penalties])
