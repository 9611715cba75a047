"""The lines and queues of the contract, read from the contract file (SLA_CONFIG).

The simulator must emit exactly the queue names the warehouse maps to lines, so it
reads them from the same file instead of keeping its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ingestion.settings import config_path


@dataclass(frozen=True)
class LineSpec:
    code: str
    queues: tuple[str, ...]
    service_level_seconds: int
    service_level_target: float
    short_abandon_seconds: int
    contracted_positions: int


@dataclass(frozen=True)
class ContractSpec:
    timezone: str
    lines: tuple[LineSpec, ...]


def load_contract(path: str | Path | None = None) -> ContractSpec:
    path = Path(path) if path is not None else config_path()
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    lines = []
    for code, spec in (doc.get("lines") or {}).items():
        if (spec.get("direction") or "inbound") != "inbound":
            continue
        queues = tuple(spec.get("queues") or ())
        if not queues:
            continue
        lines.append(
            LineSpec(
                code=code,
                queues=queues,
                service_level_seconds=int(spec.get("service_level_seconds", 20)),
                service_level_target=float(spec.get("service_level_target", 0.8)),
                short_abandon_seconds=int(spec.get("short_abandon_seconds", 5)),
                contracted_positions=int(spec.get("contracted_positions", 15)),
            )
        )
    if not lines:
        raise ValueError(f"{path}: no inbound line with queues")
    return ContractSpec(
        timezone=doc.get("timezone") or "America/Argentina/Buenos_Aires",
        lines=tuple(lines),
    )
