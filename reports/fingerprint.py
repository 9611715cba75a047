"""The fingerprints that make an audit report reproducible.

Three parts, each a SHA-256 in hex, and one overall value:

- **inputs fingerprint**: SHA-256 over the lines ``"source\\tfile_path\\tsha256\\n"`` of the
  landing files behind the month's figures and its certifiability, sorted as strings and
  concatenated, each file once. They are the ``sla_input_files`` rows of the month (and line,
  or of every line), which name a file for one of three roles (``sla_input_files.yml`` documents each):
  *unit*, it holds a row a unit of the month (or a queued call, for the lost-record share)
  was computed from (a call's ENTERQUEUE, CONNECT and ending event, wherever the rotation put
  them; a case; a post and the brand's replies to it; the agent events behind a staffed
  interval; the outage that excluded a unit); *coverage*, it marks a day of the month in a
  source the line is measured from (an event of that day, an empty delivery for it, a
  rejected line of it: days without data, days with rejects); *closing*, per
  source, the file whose last event is the earliest at or after the month's end (the one that
  closes the month) and, for units whose state the data's end decided (a case, post or call
  still without an answer or end: pending, or missed by its deadline; lost records), the
  first file reaching the latest such deadline, or the files at the source's data end while
  none does. A file that plays none of these roles cannot change the month's figures or its
  certifiability and is left out, so loading an unrelated later file leaves a closed month's
  fingerprint as it was, while moving a call's ending event into the next day's file, or
  delivering the day that closes the month, changes it.
- **contract sha**: ``contract_file_sha256`` of ``dim_contract_versions`` (the SHA-256 of the
  contract file the build read; every row carries the same one).
- **code fingerprint**: SHA-256 over the lines ``"relative/path\\tsha256-of-content\\n"``, sorted,
  of the source files that compute the figures (``CODE_GLOBS`` below), paths relative to the
  project root with ``/`` separators.
- **fingerprint** = SHA-256 of ``"inputs_fingerprint|contract_sha|code_fingerprint"``.

The generation time never enters any of them: the same warehouse and the same code give the
same fingerprint on any day and machine.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable
from pathlib import Path

# The files whose content decides the figures and the text of a report: every project module
# the report imports (tests/reports/test_audit_report.py checks it against sys.modules).
CODE_GLOBS = (
    "dbt_project/models/**/*.sql",
    "dbt_project/macros/**/*.sql",
    "dbt_project/dbt_project.yml",
    "contract/**/*.py",
    "ingestion/**/*.py",
    "staffing/**/*.py",
    "reports/**/*.py",
    "reports/templates/*",
    # the report formats its figures with the shared es-AR primitives (reports/formatting.py)
    "presentation/**/*.py",
    # column mappings decide outcomes (answered, retained...); the lock pins `holidays`,
    # whose calendar decides business hours
    "config/crm_mappings/*.yml",
    "config/call_detail_mappings/*.yml",
    "uv.lock",
)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def inputs_fingerprint(files: Iterable[tuple[str, str, str]]) -> str:
    """SHA-256 over the sorted lines "source<TAB>file_path<TAB>sha256<LF>" of the input files."""
    lines = sorted(f"{source}\t{path}\t{sha}\n" for source, path, sha in files)
    return sha256_text("".join(lines))


def code_files(root: Path) -> list[tuple[str, str]]:
    """(relative path, SHA-256 of content) of every file matched by CODE_GLOBS, sorted."""
    found: dict[str, str] = {}
    for pattern in CODE_GLOBS:
        for path in root.glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(root).as_posix()] = sha256_file(path)
    return sorted(found.items())


def code_fingerprint(root: Path) -> tuple[str, int]:
    """SHA-256 over the sorted lines "path<TAB>sha256<LF>" of the code files, and their count."""
    files = code_files(root)
    return sha256_text("".join(f"{path}\t{sha}\n" for path, sha in files)), len(files)


def code_version(root: Path) -> str:
    """`git rev-parse --short HEAD`, with "-dirty" when the working tree differs from it
    (changed or untracked files); "unknown" where there is no git or no repository."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain"], cwd=root,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if status.strip() else "")


def overall_fingerprint(inputs: str, contract_sha: str, code: str) -> str:
    """SHA-256 of "inputs|contract_sha|code"."""
    return sha256_text(f"{inputs}|{contract_sha}|{code}")
