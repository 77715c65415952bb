"""Deployment settings, read from environment variables.

* ``COACHING_EVAL_MIN_CELL``: minimum cell size k; users may raise it, never lower it
  (default 5).
* ``COACHING_EVAL_SECRET``: key for pseudonymising participant ids (HMAC-SHA256).
* ``COACHING_EVAL_SECRET_FILE``: where a generated key is kept with owner-only
  permissions when no key is set (default ``~/.config/coaching-eval/secret``).
* ``COACHING_EVAL_MAX_UPLOAD_MB``: largest file accepted (default 200).
* ``COACHING_EVAL_MAX_ROWS``: most data rows accepted in one file (default 2,000,000).
* ``COACHING_EVAL_MAX_COLUMNS``: most columns accepted in one file (default 2,000).
* ``COACHING_EVAL_MAX_CELLS``: most cells (rows x columns) in one upload (default
  40,000,000: a million responses of 40 columns). Counted before the rows are parsed,
  from the header width and the line count of a text file, so an oversized file costs
  milliseconds.
* ``COACHING_EVAL_MAX_WORKBOOK_CELLS``: most cells in one Excel sheet (default
  2,000,000: 20,000 responses of 100 columns). A workbook cell costs far more to
  unpack than a CSV cell; survey platforms export larger data as CSV. The cells are
  counted in the sheet's XML before any is parsed, so a forged dimension does not help.
* ``COACHING_EVAL_READ_SECONDS``: time budget for reading one file (default 120). The
  reader checks it between stages and every few thousand workbook rows, and refuses
  the file when it is spent.
* ``COACHING_EVAL_READ_MEMORY_MB``: memory bound for reading one file (default 2,048).
  The reader estimates the memory a file needs from its cell count before parsing it
  (about 100 bytes per text cell once in pandas) and refuses files over the bound.
* ``COACHING_EVAL_HEAVY_CELLS``: files with more cells than this (default 1,000,000)
  are read one at a time per server, so one large upload cannot starve other users'
  sessions; a second large file waits up to ``COACHING_EVAL_HEAVY_WAIT_SECONDS``
  (default 20) and is then refused with "another large file is being read, try again
  in a moment". Smaller files never wait.

The upload default matches Streamlit's own ``server.maxUploadSize`` (200 MB).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analysis.model.errors import DisclosureSettingError

DEFAULT_MIN_CELL = 5


@dataclass(frozen=True)
class Limits:
    """Size limits applied to every uploaded file."""

    max_upload_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int = 40_000_000
    max_workbook_cells: int = 2_000_000
    read_seconds: int = 120
    read_memory_bytes: int = 2048 * 1024 * 1024
    heavy_cells: int = 1_000_000
    heavy_wait_seconds: int = 20


def _int_from_env(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise DisclosureSettingError(
            f"The setting {name}={raw!r} is not a whole number.",
            f"Set {name} to a whole number of at least {minimum}.",
        ) from exc
    if value < minimum:
        raise DisclosureSettingError(
            f"The setting {name}={value} is below {minimum}.",
            f"Set {name} to at least {minimum}.",
        )
    return value


def min_cell_floor() -> int:
    """The deployment's minimum cell size k (``COACHING_EVAL_MIN_CELL``, default 5, at least 2)."""
    return _int_from_env("COACHING_EVAL_MIN_CELL", DEFAULT_MIN_CELL, minimum=2)


def resolve_min_cell(requested: int | None = None) -> int:
    """The k to use: the deployment floor, or a larger value a user asked for.

    Raises :class:`DisclosureSettingError` when ``requested`` is below the floor,
    because silently using a smaller k would weaken the privacy promise.
    """
    floor = min_cell_floor()
    if requested is None:
        return floor
    if int(requested) < floor:
        raise DisclosureSettingError(
            f"A minimum group size of {requested} is below this deployment's floor of {floor}.",
            f"Use {floor} or more; only the deployment's administrator can change the floor.",
        )
    return int(requested)


def limits() -> Limits:
    """Upload limits from the environment (see the module table)."""
    return Limits(
        max_upload_bytes=_int_from_env("COACHING_EVAL_MAX_UPLOAD_MB", 200) * 1024 * 1024,
        max_rows=_int_from_env("COACHING_EVAL_MAX_ROWS", 2_000_000),
        max_columns=_int_from_env("COACHING_EVAL_MAX_COLUMNS", 2_000),
        max_cells=_int_from_env("COACHING_EVAL_MAX_CELLS", 40_000_000),
        max_workbook_cells=_int_from_env("COACHING_EVAL_MAX_WORKBOOK_CELLS", 2_000_000),
        read_seconds=_int_from_env("COACHING_EVAL_READ_SECONDS", 120),
        read_memory_bytes=_int_from_env("COACHING_EVAL_READ_MEMORY_MB", 2048) * 1024 * 1024,
        heavy_cells=_int_from_env("COACHING_EVAL_HEAVY_CELLS", 1_000_000),
        heavy_wait_seconds=_int_from_env("COACHING_EVAL_HEAVY_WAIT_SECONDS", 20, minimum=0),
    )


def secret_file() -> Path:
    """Where a generated pseudonymisation key is kept when none is configured."""
    configured = os.environ.get("COACHING_EVAL_SECRET_FILE", "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".config" / "coaching-eval" / "secret"
