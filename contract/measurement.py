"""How the contract's measurement rules read the sources (`measurement:`): which ticket and
case states are a resolution, when a call's record counts as lost, the longest an agent stays
logged in, and which caller ids name no caller."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract.validation import fail, typed
from contract.vocabulary import CASE_STATE_SOURCES, RESOLUTION_CLASSES

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


@dataclass(frozen=True)
class Measurement:
    # {source: {state (lower case): resolution class}}
    case_states: dict[str, dict[str, str]]
    lost_record_after_minutes: int = DEFAULT_LOST_RECORD_AFTER_MINUTES
    lost_record_max_share: float = DEFAULT_LOST_RECORD_MAX_SHARE
    longest_shift_hours: float = DEFAULT_LONGEST_SHIFT_HOURS
    # trimmed and in lower case
    withheld_caller_ids: tuple[str, ...] = DEFAULT_WITHHELD_CALLER_IDS


def _case_states(path: Path, raw) -> dict[str, dict[str, str]]:
    """measurement.case_states -> {source: {state: class}}; a source left out keeps its
    default mapping, a source given replaces it whole (so no default state hides in it)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise fail(path, "measurement.case_states", "expected a mapping of sources",
                   f"write one of {', '.join(CASE_STATE_SOURCES)} with its {', '.join(RESOLUTION_CLASSES)} lists")
    mapping: dict[str, dict[str, str]] = {}
    for source in CASE_STATE_SOURCES:
        classes = raw.get(source, DEFAULT_CASE_STATES[source])
        key = f"measurement.case_states.{source}"
        if not isinstance(classes, dict):
            raise fail(path, key, f"expected lists per class, found {classes!r}",
                       "write {resolved: [...], closed_unresolved: [...], open: [...]}")
        states: dict[str, str] = {}
        for cls, values in classes.items():
            if cls not in RESOLUTION_CLASSES:
                raise fail(path, f"{key}.{cls}", "unknown class", f"use one of {', '.join(RESOLUTION_CLASSES)}")
            if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
                raise fail(path, f"{key}.{cls}", f"expected a list of state names, found {values!r}",
                           'write a list of quoted names: ["closed successful"]')
            for value in values:
                state = value.strip().lower()
                if state in states:
                    raise fail(path, f"{key}.{cls}", f"state {value!r} is also under {states[state]}",
                               "list each state under one class only")
                states[state] = cls
        mapping[source] = states
    for source in raw:
        if source not in CASE_STATE_SOURCES:
            raise fail(path, f"measurement.case_states.{source}", "unknown source",
                       f"use one of {', '.join(CASE_STATE_SOURCES)}")
    return mapping


def parse_measurement(path: Path, raw) -> Measurement:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise fail(path, "measurement", "expected a mapping",
                   "indent case_states, calls, agents and withheld_caller_ids under it")
    for key in raw:
        if key not in ("case_states", "calls", "agents", "withheld_caller_ids"):
            raise fail(path, f"measurement.{key}", "unknown setting",
                       "use case_states, calls, agents or withheld_caller_ids")
    calls = raw.get("calls") or {}
    if not isinstance(calls, dict):
        raise fail(path, "measurement.calls", "expected a mapping", "write lost_record_after_minutes: 240")
    for key in calls:
        if key not in ("lost_record_after_minutes", "lost_record_max_share"):
            raise fail(path, f"measurement.calls.{key}", "unknown setting",
                       "use lost_record_after_minutes or lost_record_max_share")
    after = typed(path, "measurement.calls.lost_record_after_minutes",
                  calls.get("lost_record_after_minutes", DEFAULT_LOST_RECORD_AFTER_MINUTES), int)
    if after <= 0:
        raise fail(path, "measurement.calls.lost_record_after_minutes", f"{after} is not a positive number "
                   "of minutes", "write the longest a call can last in queue and talk, e.g. 240")
    share = typed(path, "measurement.calls.lost_record_max_share",
                  calls.get("lost_record_max_share", DEFAULT_LOST_RECORD_MAX_SHARE), float)
    if not 0 <= share <= 1:
        raise fail(path, "measurement.calls.lost_record_max_share", f"{share} is not a share between 0 and 1",
                   "write 0.001 for 0.1 %")
    return Measurement(case_states=_case_states(path, raw.get("case_states")),
                       lost_record_after_minutes=after, lost_record_max_share=share,
                       longest_shift_hours=_longest_shift(path, raw.get("agents")),
                       withheld_caller_ids=_withheld_caller_ids(path, raw.get("withheld_caller_ids")))


def _longest_shift(path: Path, raw) -> float:
    """measurement.agents.longest_shift_hours, a positive number of hours up to a week."""
    agents = raw or {}
    if not isinstance(agents, dict):
        raise fail(path, "measurement.agents", "expected a mapping", "write longest_shift_hours: 12")
    for key in agents:
        if key != "longest_shift_hours":
            raise fail(path, f"measurement.agents.{key}", "unknown setting", "use longest_shift_hours")
    hours = typed(path, "measurement.agents.longest_shift_hours",
                  agents.get("longest_shift_hours", DEFAULT_LONGEST_SHIFT_HOURS), float)
    if not 0 < hours <= 168:
        raise fail(path, "measurement.agents.longest_shift_hours", f"{hours} is not a number of hours "
                   "between 0 and 168", "write the longest an agent can stay logged in, e.g. 12")
    return hours


def _withheld_caller_ids(path: Path, raw) -> tuple[str, ...]:
    """measurement.withheld_caller_ids -> the values, trimmed and in lower case; left out,
    the default list. A number is refused: an unquoted 0 or 1234 in YAML is easily a typo."""
    key = "measurement.withheld_caller_ids"
    if raw is None:
        return DEFAULT_WITHHELD_CALLER_IDS
    if not isinstance(raw, list):
        raise fail(path, key, f"expected a list, found {raw!r}",
                   'write a list of quoted caller ids: [anonymous, unknown, restricted, ""]')
    values: list[str] = []
    for value in raw:
        if not isinstance(value, str):
            raise fail(path, key, f"{value!r} is not text",
                       f'quote it ("{value}"), or leave it out if it is a real number')
        folded = value.strip().lower()
        if folded not in values:
            values.append(folded)
    return tuple(values)
