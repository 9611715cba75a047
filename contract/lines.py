"""The lines of the contract file (`lines:`): each line's direction, queues and other
mappings, targets and business hours, checked key by key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract.validation import fail, typed
from contract.vocabulary import DEFAULT_DENOMINATOR, DENOMINATORS, DIRECTIONS, WEEKDAYS

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
WEEKDAY_KEYS = ("weekdays", *WEEKDAYS)
_REQUIRED_LINE_KEYS = ("name", "direction")
# What a line with queues is measured by when the file leaves it out (DESIGN.md §5)
DEFAULT_SHORT_ABANDON_SECONDS = 5
DEFAULT_REPEAT_CONTACT_DAYS = 7


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


def parse_line(path: Path, code: str, raw: dict) -> LineConfig:
    if not isinstance(raw, dict):
        raise fail(path, f"lines.{code}", "expected a mapping of settings", "indent the line's keys under it")
    for key in raw:
        if key not in _LINE_KEYS:
            raise fail(path, f"lines.{code}.{key}", "unknown setting",
                       f"use one of {', '.join(_LINE_KEYS)}")
    for key in _REQUIRED_LINE_KEYS:
        if key not in raw:
            raise fail(path, f"lines.{code}.{key}", "missing", "add it")
    values = {k: typed(path, f"lines.{code}.{k}", v, _LINE_KEYS[k]) for k, v in raw.items()}
    if values["direction"] not in DIRECTIONS:
        raise fail(path, f"lines.{code}.direction", f"unknown direction {values['direction']!r}",
                   f"use one of {', '.join(DIRECTIONS)}")
    denominator = values.get("service_level_denominator")
    if denominator is not None and denominator not in DENOMINATORS:
        raise fail(path, f"lines.{code}.service_level_denominator",
                   f"unknown denominator {denominator!r}", f"use one of {', '.join(DENOMINATORS)}")
    for key in ("service_level_target", "abandon_rate_target"):
        if key in values and not 0 <= values[key] <= 1:
            raise fail(path, f"lines.{code}.{key}", f"{values[key]} is not a share between 0 and 1",
                       "write 0.80 for 80 %")
    for key in ("contact_rate_target", "retention_rate_target", "resolution_target_share",
                "first_response_target_share"):
        if key in values and not 0 <= values[key] <= 1:
            raise fail(path, f"lines.{code}.{key}", f"{values[key]} is not a share between 0 and 1",
                       "write 0.90 for 90 %")
    hours = _business_hours(path, code, values.get("business_hours"))
    for key in ("motives", "first_response_target_minutes"):
        for name, target in (values.get(key) or {}).items():
            if isinstance(target, bool) or not isinstance(target, int | float) or target <= 0:
                raise fail(path, f"lines.{code}.{key}.{name}", f"{target!r} is not a positive number",
                           "write the target as a number of hours (motives) or minutes")
    tiers = values.get("influence_tiers") or {}
    for tier, limits in tiers.items():
        if not isinstance(limits, dict) or set(limits) - {"min_followers", "min_engagement"}:
            raise fail(path, f"lines.{code}.influence_tiers.{tier}", "expected min_followers and/or "
                       "min_engagement", "write {min_followers: 1000, min_engagement: 10}")
        for name, value in limits.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise fail(path, f"lines.{code}.influence_tiers.{tier}.{name}", f"{value!r} is not a count",
                           "write a whole number such as 1000")
    social = values.get("social_accounts") or {}
    for platform in social:
        if platform not in ("twitter", "facebook"):
            raise fail(path, f"lines.{code}.social_accounts.{platform}", "unknown platform",
                       "use twitter or facebook")
        if not isinstance(social[platform], list):
            raise fail(path, f"lines.{code}.social_accounts.{platform}", f"expected a list, found {social[platform]!r}",
                       "write the accounts as a list: [TelecentroAR]")
    for key in ("queues", "campaigns", "crm_queues", "otrs_queues"):
        for item in values.get(key, []):
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise fail(path, f"lines.{code}.{key}", f"{item!r} is not a name", "write a list of names")
    queues = tuple(str(q) for q in values.get("queues", []))
    return LineConfig(
        code=code,
        name=values["name"],
        direction=values["direction"],
        queues=queues,
        service_level_seconds=values.get("service_level_seconds"),
        service_level_target=values.get("service_level_target"),
        service_level_denominator=denominator or (DEFAULT_DENOMINATOR if queues else None),
        short_abandon_seconds=values.get("short_abandon_seconds", DEFAULT_SHORT_ABANDON_SECONDS if queues else None),
        abandon_rate_target=values.get("abandon_rate_target"),
        asa_target_seconds=values.get("asa_target_seconds"),
        contracted_positions=values.get("contracted_positions"),
        repeat_contact_days=values.get("repeat_contact_days", DEFAULT_REPEAT_CONTACT_DAYS if queues else None),
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
            raise fail(path, f"lines.{code}.business_hours.{key}", "unknown day",
                       f"use one of {', '.join(WEEKDAY_KEYS)}")
        try:
            start, end = (part.strip() for part in str(span).split("-"))
            if not (len(start) == len(end) == 5 and "00:00" <= start < end <= "24:00"
                    and all(t[:2].isdigit() and t[2] == ":" and t[3:].isdigit() and int(t[3:]) < 60
                            for t in (start, end))):
                raise ValueError
        except ValueError:
            raise fail(path, f"lines.{code}.business_hours.{key}", f"{span!r} is not a time span",
                       'write "09:00-18:00"') from None
        days = range(5) if key == "weekdays" else [WEEKDAY_KEYS.index(key) - 1]
        for day in days:
            hours[day] = (start, end)
    return hours
