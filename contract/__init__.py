"""The contract file's own home: its vocabulary, its loader and checks, its versioned terms,
the business calendar it implies, and the warehouse tables it is written to.

    from contract import load_config, write_config_tables
    config = load_config(settings.config_path())
"""

from contract.business_calendar import calendar_rows
from contract.lines import LineConfig
from contract.loader import ContractConfig, load_config
from contract.tables import CONTRACT_TABLES, ensure_contract_tables, write_config_tables
from contract.terms import ContractTerms, PenaltyRule, StaffingBand, Term, Version
from contract.validation import ConfigError
from contract.vocabulary import (
    CASE_STATE_SOURCES,
    DEFAULT_INTERVAL_MINUTES,
    DEFAULT_TIME_ZONE,
    DEFAULT_UNMAPPED_LINE,
    DENOMINATORS,
    DIRECTIONS,
    METRICS,
    RESOLUTION_CLASSES,
    Metric,
    metric_label,
)

__all__ = [
    "CASE_STATE_SOURCES",
    "CONTRACT_TABLES",
    "DEFAULT_INTERVAL_MINUTES",
    "DEFAULT_TIME_ZONE",
    "DEFAULT_UNMAPPED_LINE",
    "DENOMINATORS",
    "DIRECTIONS",
    "METRICS",
    "RESOLUTION_CLASSES",
    "ConfigError",
    "ContractConfig",
    "ContractTerms",
    "LineConfig",
    "Metric",
    "PenaltyRule",
    "StaffingBand",
    "Term",
    "Version",
    "calendar_rows",
    "ensure_contract_tables",
    "load_config",
    "metric_label",
    "write_config_tables",
]
