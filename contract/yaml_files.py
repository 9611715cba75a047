"""Reading the project's YAML settings files (the contract file, and the CRM and call-detail
mappings beside it in config/) with errors a person can act on: the file, the key and the fix."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml


class SettingsFileError(ValueError):
    """A settings file is missing, malformed or has a wrong key or value."""


def key_error(path: Path, key: str, problem: str, fix: str, error: type[ValueError] = SettingsFileError) -> ValueError:
    return error(f"{path}: key '{key}': {problem}. Fix: {fix}")


def read_mapping(path: Path, allowed_keys: Iterable[str], error: type[ValueError] = SettingsFileError,
                 unknown: str = "unknown key") -> dict:
    """The file's top-level mapping, every key in `allowed_keys`."""
    if not path.exists():
        raise error(f"{path}: file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise error(f"{path}: expected a mapping at the top level")
    allowed = list(allowed_keys)
    for key in raw:
        if key not in allowed:
            raise key_error(path, str(key), unknown, f"use one of {', '.join(sorted(allowed))}", error)
    return raw
