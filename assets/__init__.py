"""Dagster code location of the warehouse: `assets.definitions` holds the one Definitions."""
