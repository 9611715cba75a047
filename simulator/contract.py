"""The inbound lines of the contract as the simulation needs them, read from the contract file
(SLA_CONFIG) by the warehouse's own loader.

The simulator must emit exactly the queue names the warehouse maps to lines, so it reads
them through contract.load_config instead of parsing the file a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract import ContractConfig, load_config
from contract.validation import fail
from ingestion.settings import config_path

# What the simulation assumes for an inbound line whose contract figure is left out: it has
# to answer and staff the line by some standard (80/20, 5 s short abandons, 15 positions).
ASSUMED_SERVICE_LEVEL_SECONDS = 20
ASSUMED_SERVICE_LEVEL_TARGET = 0.8
ASSUMED_SHORT_ABANDON_SECONDS = 5
ASSUMED_POSITIONS = 15


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


def _or(value, assumed):
    return assumed if value is None else value


def contract_spec(config: ContractConfig) -> ContractSpec:
    """The inbound lines with queues of a loaded contract, figures left out assumed."""
    lines = tuple(
        LineSpec(
            code=line.code,
            queues=line.queues,
            service_level_seconds=int(_or(line.service_level_seconds, ASSUMED_SERVICE_LEVEL_SECONDS)),
            service_level_target=float(_or(line.service_level_target, ASSUMED_SERVICE_LEVEL_TARGET)),
            short_abandon_seconds=int(_or(line.short_abandon_seconds, ASSUMED_SHORT_ABANDON_SECONDS)),
            contracted_positions=int(_or(line.contracted_positions, ASSUMED_POSITIONS)),
        )
        for line in config.lines
        if line.direction == "inbound" and line.queues
    )
    if not lines:
        raise fail(config.path, "lines", "no inbound line with queues",
                   "give at least one inbound line its queues: the simulator calls into them")
    return ContractSpec(timezone=config.timezone, lines=lines)


def load_contract(path: str | Path | None = None) -> ContractSpec:
    return contract_spec(load_config(Path(path) if path is not None else config_path()))
