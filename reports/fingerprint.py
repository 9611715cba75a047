"""The fingerprints that make an audit report reproducible.

Three parts, each a SHA-256 in hex, and one overall value:

- **inputs fingerprint**: SHA-256 over the lines ``"source\\tfile_path\\tsha256\\n"`` of the
  ``data_quality_files`` rows (the landing manifest) whose ``first_event_date`` is on or before
  the last day of the month, sorted as strings and concatenated. Those are every file that can
  hold a unit of the month (or one it looks back to: repeat contacts, open cases); a file whose
  first event is later cannot change the month's figures, so loading next month's files leaves
  this month's fingerprint as it was. Files without any dated event (``first_event_date`` null,
  e.g. an empty file) hold no unit and are left out.
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

# The files whose content decides the figures of a report.
CODE_GLOBS = (
    "dbt_project/models/**/*.sql",
    "dbt_project/macros/**/*.sql",
    "dbt_project/dbt_project.yml",
    "ingestion/**/*.py",
    "staffing/**/*.py",
    "reports/**/*.py",
    "reports/templates/*",
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
