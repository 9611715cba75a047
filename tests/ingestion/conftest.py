"""The ingestion room: the reference data laid out as a landing folder."""

from __future__ import annotations

from pathlib import Path

import pytest

# Where each reference file goes in a landing folder laid out as the loaders expect.
REFERENCE_LAYOUT = {
    "asterisk_queue_log/issabel_lab_2022": "queue_log/issabel",
    "asterisk_queue_log/realtime_table_2023.csv": "queue_log/realtime/realtime_table_2023.csv",
    "asterisk_cdr/issabel_lab_2022_Master.csv": "cdr/issabel/Master.csv",
    "asterisk_cdr/lab_b_Master.csv": "cdr/lab_b/Master.csv",
    "asterisk_cdr/lab_c_Master.csv": "cdr/lab_c/Master.csv",
    "asterisk_cdr/realtime_table_2023.csv": "cdr/realtime/cdr_realtime_table_2023.csv",
    "anonymous_bank_1999/february_1999.txt": "call_detail/anonymous_bank/february_1999.txt",
    "helpdesk/salesforce_case_export.csv": "crm/salesforce/salesforce_case_export.csv",
    "helpdesk/otobo_ticketget_response.pyrepr.txt": "otrs/otobo/ticketget.pyrepr.txt",
    "social/twitter_v2": "social/twitter",
    "social/facebook_graph": "social/facebook",
}


@pytest.fixture(scope="session")
def reference_landing(reference_data, tmp_path_factory) -> Path:
    """The reference files copied (into a temporary folder, never the repository) in the
    landing layout of README.md, so every loader picks up its own."""
    import shutil

    landing = tmp_path_factory.mktemp("reference_landing")
    for source, target in REFERENCE_LAYOUT.items():
        origin, destination = reference_data / source, landing / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination)
        else:
            shutil.copy(origin, destination)
    return landing
