"""Data guards: Great Expectations suites over raw batches and Dagster asset checks."""
