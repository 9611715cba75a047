"""Plain parsers and loaders for the call-center warehouse (no Dagster imports here)."""
