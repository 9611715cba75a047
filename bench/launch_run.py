"""One run a sensor asked for, in a fresh process, as Dagster's default run launcher starts one
(the process loads the definitions, then executes the job in the instance of DAGSTER_HOME).

    python -m bench.launch_run '{"job_name": "warehouse_job", "tags": {...}, "run_config": {},
                                 "partition_key": null, "asset_selection": null}'
"""

from __future__ import annotations

import json
import sys

from dagster import AssetKey, DagsterInstance


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    from assets.definitions import defs  # the run's own load of the code, timed with it

    job = defs.resolve_job_def(request["job_name"])
    selection = request.get("asset_selection")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            run_config=request.get("run_config") or None,
            partition_key=request.get("partition_key"),
            asset_selection=[AssetKey(path) for path in selection] if selection else None,
            tags=request.get("tags") or {},
            raise_on_error=False,
        )
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
