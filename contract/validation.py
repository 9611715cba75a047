"""What every part of the contract file is checked with: one error type, whose message names
the file, the key and the fix, and the checks of a value's type and time zone."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contract.vocabulary import DEFAULT_TIME_ZONE
from contract.yaml_files import key_error


class ConfigError(ValueError):
    """The contract file is missing, malformed or has a wrong key or value."""


def fail(path: Path, key: str, problem: str, fix: str) -> ConfigError:
    return key_error(path, key, problem, fix, ConfigError)


def check_zone(path: Path, key: str, value) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(path, key, f"unknown time zone {value!r}",
                   f"use an IANA name such as {DEFAULT_TIME_ZONE} or UTC") from None
    return str(value)


def typed(path: Path, key: str, value, kind):
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise fail(path, key, f"expected {kind.__name__}, found {value!r}",
                   f"write a {kind.__name__} value")
    return value
