"""What can go wrong with the workspace, in words a program lead can act on."""

from __future__ import annotations

from analysis.model.errors import UserFacingError

UPGRADE_COMMAND = "python -m analysis workspace upgrade"


class WorkspaceError(UserFacingError):
    """A request on the saved workspace cannot be carried out (nothing was changed)."""


class WorkspaceUnavailable(WorkspaceError):
    """The workspace database cannot be reached, or its tables are on another version."""


class AccessDenied(WorkspaceError):
    """The signed-in person's role in a program does not allow what they asked for."""


class UploadConflict(WorkspaceError):
    """An upload clashes with what is saved: a wave uploaded twice, or a concurrent upload."""
