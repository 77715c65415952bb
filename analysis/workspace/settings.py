"""Where the workspace lives and who may reach the app, read from environment variables.

* ``COACHING_EVAL_DATABASE_URL``: the workspace database. Default: a SQLite file,
  ``workspace.sqlite3`` in the data folder, created on first run. For a hospital
  deployment, a PostgreSQL URL such as
  ``postgresql://coaching:PASSWORD@db.example.org:5432/coaching`` (driven by psycopg 3).
* ``COACHING_EVAL_DATA_DIR``: the data folder (default ``$XDG_DATA_HOME/coaching-eval``,
  that is ``~/.local/share/coaching-eval``), created with owner-only permissions.
* ``COACHING_EVAL_ALLOW_REMOTE_WITHOUT_SIGNIN``: ``1`` lets the app serve addresses other
  than this computer without an identity provider (everyone who can reach it gets every
  role; the app shows a warning on every page). Off by default.

The keyed-hash secret (``COACHING_EVAL_SECRET``) is never stored in the database.
"""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_SETTING = "COACHING_EVAL_DATABASE_URL"
DATA_DIR_SETTING = "COACHING_EVAL_DATA_DIR"
ALLOW_REMOTE_SETTING = "COACHING_EVAL_ALLOW_REMOTE_WITHOUT_SIGNIN"
DATABASE_FILE = "workspace.sqlite3"


def data_dir() -> Path:
    """The folder for the embedded SQLite workspace (not created here)."""
    configured = os.environ.get(DATA_DIR_SETTING, "").strip()
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "coaching-eval"


def database_url() -> str:
    """The SQLAlchemy URL of the workspace: the setting, else the SQLite file."""
    configured = os.environ.get(DATABASE_URL_SETTING, "").strip()
    if configured:
        return normalise_url(configured)
    return f"sqlite:///{data_dir() / DATABASE_FILE}"


def normalise_url(url: str) -> str:
    """Accept the usual ``postgresql://`` and ``postgres://`` spellings for psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def allow_remote_without_signin() -> bool:
    return os.environ.get(ALLOW_REMOTE_SETTING, "").strip().lower() in {"1", "true", "yes"}
