"""The versioned parts of the contract file: versions, SLA terms, staffing bands, penalties.

Each entry applies from its `effective_from` (the first day of a month, the date of a
declared version) until the next entry of the same key or its own `effective_to`
(exclusive). Two entries of one key that overlap stop the build: the month's figure would
depend on which one SQL happened to pick.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from contract.validation import fail
from contract.vocabulary import COMPARISONS, DEFAULT_DENOMINATOR, DENOMINATORS, METRICS, PERIODS, WEEKDAYS

# first response: business hours for back-office cases, business minutes for social posts
_FIRST_RESPONSE_THRESHOLD = {"backoffice": ("threshold_business_hours", "business_hours"),
                             "social": ("threshold_minutes", "business_minutes")}
_TERM_KEYS = {"metric", "code", "name", "target", "comparison", "threshold_seconds", "threshold_business_hours",
              "threshold_minutes", "denominator", "period", "outage_exclusion", "effective_from", "effective_to",
              "penalty_percent_per_point", "penalty_cap_percent", "assumption"}
_DAY_SETS = {"weekdays": range(5), "every_day": range(7), "weekend": range(5, 7),
             **{name: [i] for i, name in enumerate(WEEKDAYS)}}


@dataclass(frozen=True)
class Version:
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    description: str


@dataclass(frozen=True)
class Term:
    line_code: str
    term_code: str
    term_name: str
    metric: str
    unit: str
    comparison: str
    threshold: float | None
    threshold_unit: str | None
    target: float
    period: str
    denominator: str | None
    outage_exclusion: bool
    effective_from: dt.date
    effective_to: dt.date | None
    penalty_percent_per_point: float | None
    penalty_cap_percent: float | None
    assumption: str | None


@dataclass(frozen=True)
class StaffingBand:
    line_code: str
    effective_from: dt.date
    effective_to: dt.date | None
    weekday: int  # 0 = Monday
    band_from: str  # 'HH:MM' local
    band_to: str
    positions: int
    holidays_owed: bool = False


@dataclass(frozen=True)
class PenaltyRule:
    effective_from: dt.date
    effective_to: dt.date | None
    percent_per_point: float
    term_cap_percent: float
    line_cap_percent: float


@dataclass(frozen=True)
class ContractTerms:
    versions: tuple[Version, ...]
    terms: tuple[Term, ...]
    staffing: tuple[StaffingBand, ...]
    penalties: tuple[PenaltyRule, ...]


def _month_start(path: Path, key: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise fail(path, key, "not a date", "write the first day of a month, e.g. 2014-01-01")
    if value.day != 1:
        raise fail(path, key, f"{value} is not the first day of a month",
                   f"terms change at month boundaries: write {value.replace(day=1)}")
    return value


def _number(path: Path, key: str, value, *, share: bool = False, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(path, key, f"expected a number, found {value!r}", "write a number such as 0.80 or 20")
    if share and not 0 <= value <= 1:
        raise fail(path, key, f"{value} is not a share between 0 and 1", "write 0.80 for 80 %")
    if positive and value <= 0:
        raise fail(path, key, f"{value} is not positive", "write a number above 0")
    if value < 0:
        raise fail(path, key, f"{value} is negative", "write a number of 0 or more")
    return float(value)


def _periods(path: Path, key: str, entries: list[tuple[dt.date, dt.date | None, str]],
             fix: str = "give each entry of the same key its own months: end the earlier one (effective_to) "
                        "at or before the later one's effective_from") -> list[dt.date | None]:
    """The exclusive end of each (from, explicit to, key path) entry of one key, sorted by
    start; overlapping entries are an error."""
    ends: list[dt.date | None] = []
    ordered = sorted(range(len(entries)), key=lambda i: entries[i][0])
    resolved: dict[int, dt.date | None] = {}
    for position, index in enumerate(ordered):
        start, explicit_end, where = entries[index]
        following = entries[ordered[position + 1]] if position + 1 < len(ordered) else None
        if explicit_end is not None and explicit_end <= start:
            raise fail(path, f"{where}.effective_to", f"{explicit_end} is not after effective_from {start}",
                       "write the first month no longer covered, after effective_from")
        if following is not None:
            next_start, _, next_where = following
            if next_start == start or (explicit_end is not None and explicit_end > next_start):
                raise fail(path, f"{where}.effective_from",
                           f"overlapping effective dates for {key}: {start}..{explicit_end or 'open'} "
                           f"and {next_where} from {next_start}",
                           fix)
            resolved[index] = explicit_end or next_start
        else:
            resolved[index] = explicit_end
    ends = [resolved[i] for i in range(len(entries))]
    return ends


def _versions(path: Path, raw) -> tuple[Version, ...]:
    if not isinstance(raw, list) or not raw:
        raise fail(path, "versions", "missing or empty",
                   "declare at least one version: - {version: '2013-06 anexo', effective_from: 2013-06-01}")
    parsed = []
    for i, entry in enumerate(raw):
        where = f"versions[{i}]"
        if not isinstance(entry, dict) or set(entry) - {"version", "effective_from", "description"}:
            raise fail(path, where, "expected version, effective_from and description",
                       "write {version: '2014-01 adenda 1', effective_from: 2014-01-01, description: '...'}")
        if not entry.get("version"):
            raise fail(path, f"{where}.version", "missing", "name the version")
        parsed.append((str(entry["version"]), _month_start(path, f"{where}.effective_from", entry.get("effective_from")),
                       str(entry.get("description", "")), where))
    names = [p[0] for p in parsed]
    for name in names:
        if names.count(name) > 1:
            raise fail(path, "versions", f"version {name!r} declared twice", "give each version its own name")
    ends = _periods(path, "versions", [(start, None, where) for _, start, _, where in parsed],
                    fix="give each version its own effective_from")
    return tuple(sorted((Version(name, start, end, text) for (name, start, text, _), end in zip(parsed, ends)),
                        key=lambda v: v.effective_from))


def _in_version(path: Path, key: str, start: dt.date, versions: tuple[Version, ...]) -> None:
    if start not in {v.effective_from for v in versions}:
        raise fail(path, key, f"{start} is not the date of a declared version",
                   f"declare the amendment under versions (dates: {', '.join(str(v.effective_from) for v in versions)})"
                   " or use one of those dates")


def _terms(path: Path, raw, lines: dict, versions) -> tuple[Term, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise fail(path, "terms", "expected a mapping of line code to a list of terms", "indent the terms under the line")
    terms: list[Term] = []
    explicit_ends: dict[tuple[str, str], list] = {}
    for line_code, entries in raw.items():
        line_code = str(line_code)
        if line_code not in lines:
            raise fail(path, f"terms.{line_code}", "unknown line", f"use one of {', '.join(lines)}")
        if not isinstance(entries, list):
            raise fail(path, f"terms.{line_code}", "expected a list of terms", "write each term as '- metric: ...'")
        line = lines[line_code]
        for i, entry in enumerate(entries):
            where = f"terms.{line_code}[{i}]"
            if not isinstance(entry, dict):
                raise fail(path, where, "expected a mapping", "write metric, target and effective_from")
            for key in entry:
                if key not in _TERM_KEYS:
                    raise fail(path, f"{where}.{key}", "unknown setting", f"use one of {', '.join(sorted(_TERM_KEYS))}")
            for key in ("metric", "target", "effective_from"):
                if key not in entry:
                    raise fail(path, f"{where}.{key}", "missing", "add it")
            metric_name = str(entry["metric"])
            if metric_name not in METRICS:
                raise fail(path, f"{where}.metric", f"unknown metric {metric_name!r}", f"use one of {', '.join(METRICS)}")
            metric = METRICS[metric_name]
            if line.direction not in metric.directions:
                raise fail(path, f"{where}.metric", f"{metric_name} does not apply to a {line.direction} line",
                           f"use it on a {' or '.join(metric.directions)} line")
            threshold_key, threshold_unit = metric.threshold_key, metric.threshold_unit
            if metric_name == "first_response_within_target":
                threshold_key, threshold_unit = _FIRST_RESPONSE_THRESHOLD[line.direction]
            for key in ("threshold_seconds", "threshold_business_hours", "threshold_minutes"):
                if key in entry and key != threshold_key:
                    raise fail(path, f"{where}.{key}", f"{metric_name} has no such threshold",
                               f"use {threshold_key}" if threshold_key else "remove it")
            threshold = None
            if threshold_key in entry:
                threshold = _number(path, f"{where}.{threshold_key}", entry[threshold_key],
                                    positive=threshold_key != "threshold_seconds")
            elif metric.threshold_required:
                raise fail(path, f"{where}.{threshold_key}", "missing", f"add {threshold_key}")
            elif metric_name == "resolution_within_target" and not (line.motives or line.resolution_target_business_hours):
                raise fail(path, f"{where}.threshold_business_hours", "missing, and the line has no motive targets",
                           f"add threshold_business_hours, lines.{line_code}.motives or "
                           f"lines.{line_code}.resolution_target_business_hours")
            elif metric_name == "first_response_within_target" and line.direction == "social" \
                    and not line.first_response_target_minutes:
                raise fail(path, f"{where}.threshold_minutes", "missing, and the line has no tier targets",
                           f"add threshold_minutes or lines.{line_code}.first_response_target_minutes")
            elif metric_name == "first_response_within_target" and line.direction == "backoffice":
                if line.first_response_target_business_hours is None:
                    raise fail(path, f"{where}.threshold_business_hours", "missing",
                               "add threshold_business_hours")
                threshold = float(line.first_response_target_business_hours)
            target = _number(path, f"{where}.target", entry["target"], share=metric.unit == "share",
                             positive=metric.unit == "seconds")
            comparison = COMPARISONS.get(str(entry.get("comparison", metric.comparison)))
            if comparison is None:
                raise fail(path, f"{where}.comparison", f"unknown comparison {entry['comparison']!r}",
                           "use at_least (>=) or at_most (<=)")
            period = str(entry.get("period", "month"))
            if period not in PERIODS:
                raise fail(path, f"{where}.period", f"unknown period {period!r}",
                           "use month (daily and interval figures are always in sla_compliance_daily/_interval)")
            denominator = entry.get("denominator")
            if denominator is not None and metric_name != "service_level":
                raise fail(path, f"{where}.denominator", f"{metric_name} has no denominator variant", "remove it")
            if metric_name == "service_level":
                denominator = str(denominator or line.service_level_denominator or DEFAULT_DENOMINATOR)
                if denominator not in DENOMINATORS:
                    raise fail(path, f"{where}.denominator", f"unknown denominator {denominator!r}",
                               f"use one of {', '.join(DENOMINATORS)}")
            exclusion = entry.get("outage_exclusion", False)
            if not isinstance(exclusion, bool):
                raise fail(path, f"{where}.outage_exclusion", f"expected true or false, found {exclusion!r}",
                           "write true or false")
            start = _month_start(path, f"{where}.effective_from", entry["effective_from"])
            _in_version(path, f"{where}.effective_from", start, versions)
            end = (_month_start(path, f"{where}.effective_to", entry["effective_to"])
                   if entry.get("effective_to") is not None else None)
            penalty = {k: (_number(path, f"{where}.{k}", entry[k]) if k in entry else None)
                       for k in ("penalty_percent_per_point", "penalty_cap_percent")}
            code = str(entry.get("code", metric_name))
            explicit_ends.setdefault((line_code, code), []).append((start, end, where))
            terms.append(Term(
                line_code=line_code, term_code=code,
                term_name=str(entry.get("name", metric.label)), metric=metric_name, unit=metric.unit,
                comparison=comparison, threshold=threshold, threshold_unit=threshold_unit if threshold is not None else None,
                target=target, period=period, denominator=denominator, outage_exclusion=exclusion,
                effective_from=start, effective_to=end, assumption=entry.get("assumption"), **penalty,
            ))
    resolved: dict[tuple[str, str, dt.date], dt.date | None] = {}
    for (line_code, code), entries in explicit_ends.items():
        for (start, _, _), end in zip(entries, _periods(path, f"terms.{line_code} {code}", entries)):
            resolved[(line_code, code, start)] = end
    return tuple(
        Term(**{**t.__dict__, "effective_to": resolved[(t.line_code, t.term_code, t.effective_from)]}) for t in terms
    )


def _time(path: Path, key: str, value) -> str:
    text = str(value)
    if not (len(text) == 5 and text[2] == ":" and "00:00" <= text <= "24:00" and text[:2].isdigit()
            and text[3:].isdigit() and int(text[3:]) < 60):
        raise fail(path, key, f"{value!r} is not a time", 'write "HH:MM" in quotes, e.g. "09:00"')
    return text


def _staffing(path: Path, raw, lines: dict, versions) -> tuple[StaffingBand, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise fail(path, "staffing", "expected a mapping of line code to a list of entries", "indent under the line")
    bands: list[StaffingBand] = []
    for line_code, entries in raw.items():
        line_code = str(line_code)
        if line_code not in lines:
            raise fail(path, f"staffing.{line_code}", "unknown line", f"use one of {', '.join(lines)}")
        if not isinstance(entries, list):
            raise fail(path, f"staffing.{line_code}", "expected a list of entries", "write '- effective_from: ...'")
        periods = []
        for i, entry in enumerate(entries):
            where = f"staffing.{line_code}[{i}]"
            if not isinstance(entry, dict) or set(entry) - {"effective_from", "effective_to", "bands", "holidays_owed"}:
                raise fail(path, where, "expected effective_from, effective_to, holidays_owed and bands",
                           "see docs/contract_defaults.md")
            if not isinstance(entry.get("holidays_owed", False), bool):
                raise fail(path, f"{where}.holidays_owed", f"expected true or false, found {entry['holidays_owed']!r}",
                           "write false (no positions owed on national holidays) or true")
            start = _month_start(path, f"{where}.effective_from", entry.get("effective_from"))
            _in_version(path, f"{where}.effective_from", start, versions)
            end = (_month_start(path, f"{where}.effective_to", entry["effective_to"])
                   if entry.get("effective_to") is not None else None)
            periods.append((start, end, where))
        for entry, (start, _, where), end in zip(entries, periods, _periods(path, f"staffing.{line_code}", periods)):
            owed: dict[int, list[tuple[str, str]]] = {}
            for j, band in enumerate(entry.get("bands") or []):
                bwhere = f"{where}.bands[{j}]"
                if not isinstance(band, dict) or set(band) != {"days", "from", "to", "positions"}:
                    raise fail(path, bwhere, "expected days, from, to and positions",
                               'write {days: weekdays, from: "09:00", to: "13:00", positions: 15}')
                days = str(band["days"])
                if days not in _DAY_SETS:
                    raise fail(path, f"{bwhere}.days", f"unknown days {days!r}", f"use one of {', '.join(_DAY_SETS)}")
                band_from, band_to = _time(path, f"{bwhere}.from", band["from"]), _time(path, f"{bwhere}.to", band["to"])
                if band_from >= band_to:
                    raise fail(path, f"{bwhere}.to", f"{band_to} is not after {band_from}", "bands end after they start")
                positions = band["positions"]
                if isinstance(positions, bool) or not isinstance(positions, int) or positions < 0:
                    raise fail(path, f"{bwhere}.positions", f"{positions!r} is not a whole number of positions",
                               "write e.g. 15")
                for day in _DAY_SETS[days]:
                    for other_from, other_to in owed.get(day, []):
                        if band_from < other_to and other_from < band_to:
                            raise fail(path, f"{bwhere}.from", f"band {band_from}-{band_to} overlaps "
                                       f"{other_from}-{other_to} on {WEEKDAYS[day]}", "make the bands disjoint")
                    owed.setdefault(day, []).append((band_from, band_to))
                    bands.append(StaffingBand(line_code, start, end, day, band_from, band_to, positions,
                                              entry.get("holidays_owed", False)))
    return tuple(bands)


def _penalties(path: Path, raw, versions) -> tuple[PenaltyRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fail(path, "penalties", "expected a list of entries", "write '- effective_from: ...'")
    keys = {"effective_from", "effective_to", "percent_per_point", "term_cap_percent", "line_cap_percent"}
    parsed = []
    for i, entry in enumerate(raw):
        where = f"penalties[{i}]"
        if not isinstance(entry, dict):
            raise fail(path, where, "expected a mapping", "see docs/contract_defaults.md")
        for key in entry:
            if key not in keys:
                raise fail(path, f"{where}.{key}", "unknown setting", f"use one of {', '.join(sorted(keys))}")
        for key in keys - {"effective_to"}:
            if key not in entry:
                raise fail(path, f"{where}.{key}", "missing", "add it")
        start = _month_start(path, f"{where}.effective_from", entry["effective_from"])
        _in_version(path, f"{where}.effective_from", start, versions)
        end = (_month_start(path, f"{where}.effective_to", entry["effective_to"])
               if entry.get("effective_to") is not None else None)
        values = {k: _number(path, f"{where}.{k}", entry[k]) for k in
                  ("percent_per_point", "term_cap_percent", "line_cap_percent")}
        parsed.append(((start, end, where), values))
    ends = _periods(path, "penalties", [p[0] for p in parsed])
    return tuple(PenaltyRule(start, end, **values) for ((start, _, _), values), end in zip(parsed, ends))


def load_terms(path: Path, raw: dict, lines: dict) -> ContractTerms:
    """`raw`: the file's top-level mapping; `lines`: line code -> LineConfig."""
    versions = _versions(path, raw.get("versions"))
    terms = _terms(path, raw.get("terms"), lines, versions)
    staffing = _staffing(path, raw.get("staffing"), lines, versions)
    for line_code, entries in (raw.get("terms") or {}).items():
        for i, entry in enumerate(entries):
            if entry.get("metric") == "staffed_positions" and not any(b.line_code == str(line_code) for b in staffing):
                raise fail(path, f"terms.{line_code}[{i}].metric", "staffed_positions needs the positions owed",
                           f"add staffing.{line_code} with its peak-hour bands")
    return ContractTerms(versions, terms, staffing, _penalties(path, raw.get("penalties"), versions))
