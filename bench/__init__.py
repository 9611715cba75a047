"""`make bench`: speed and memory of the demo generator, the loader and the dbt build."""
