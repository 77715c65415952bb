"""The program workspace: programs, waves, roles and the audit trail in a database.

SQLAlchemy 2 over a SQLite file (the default, created on first run) or PostgreSQL
(``COACHING_EVAL_DATABASE_URL``), with Alembic migrations (``migrations/``). The layer
sits beside ``present``: it imports ``model`` and ``intake`` and is used by ``cli`` and
the dashboard. See ``store.Workspace`` for what can be asked of it.
"""

from analysis.workspace.access import ROLE_LABELS, Actor, Permission, Role
from analysis.workspace.db import (
    describe,
    ensure_current,
    head_revision,
    make_engine,
    schema_status,
    upgrade,
)
from analysis.workspace.errors import (
    UPGRADE_COMMAND,
    AccessDenied,
    UploadConflict,
    WorkspaceError,
    WorkspaceUnavailable,
)
from analysis.workspace.settings import database_url
from analysis.workspace.store import (
    Member,
    ProgramInfo,
    StoredProgram,
    UploadReceipt,
    Workspace,
    content_digest,
)

__all__ = [
    "ROLE_LABELS", "UPGRADE_COMMAND", "AccessDenied", "Actor", "Member", "Permission",
    "ProgramInfo", "Role", "StoredProgram", "UploadConflict", "UploadReceipt", "Workspace",
    "WorkspaceError", "WorkspaceUnavailable", "content_digest", "database_url",
    "describe", "ensure_current", "head_revision", "make_engine", "schema_status",
    "upgrade",
]
