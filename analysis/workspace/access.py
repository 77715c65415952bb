"""Roles in a program and what each may do (checked by the store on every request).

* **lead**: everything for their program: upload waves, the Data page, publish, costs,
  the action log, erasure, roles and the audit trail.
* **analyst**: the executive's view plus every download.
* **executive**: the Overview, Outcomes, Groups & cohorts, Retention and ROI pages of the
  program as last published; no Data page, no download, nothing row-level.

An :class:`Actor` is whoever makes a request: a signed-in person (roles from the
``membership`` table), the single user of local mode, or the command line run by the
server's operator (both hold every role).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from analysis.workspace.errors import AccessDenied


class Role(StrEnum):
    LEAD = "lead"
    ANALYST = "analyst"
    EXECUTIVE = "executive"


class Permission(StrEnum):
    VIEW_RESULTS = "view the program's results"
    VIEW_DRAFT = "see waves that are not published yet"
    DOWNLOAD = "download tables and reports"
    MANAGE_DATA = "upload waves and change the program's data, mapping and costs"
    MANAGE_ACCESS = "grant and withdraw roles"
    VIEW_AUDIT = "read the audit trail"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LEAD: frozenset(Permission),
    Role.ANALYST: frozenset({Permission.VIEW_RESULTS, Permission.DOWNLOAD}),
    Role.EXECUTIVE: frozenset({Permission.VIEW_RESULTS}),
}
ROLE_LABELS = {
    Role.LEAD: "Program lead: everything, including data, roles and the audit trail",
    Role.ANALYST: "Analyst: published results and every download",
    Role.EXECUTIVE: "Executive: published results on screen; no data, no downloads",
}


@dataclass(frozen=True)
class Actor:
    """Who makes a request. ``name`` is an e-mail address for a signed-in person."""

    name: str
    every_role: bool = False

    @property
    def key(self) -> str:
        return self.name.strip().lower()


def permissions(role: Role | None, actor: Actor) -> frozenset[Permission]:
    if actor.every_role:
        return frozenset(Permission)
    return ROLE_PERMISSIONS[role] if role is not None else frozenset()


def check(actor: Actor, role: Role | None, permission: Permission, program_name: str) -> None:
    """Raise :class:`AccessDenied` unless ``role`` (or the actor) allows ``permission``."""
    if permission in permissions(role, actor):
        return
    if role is None:
        raise AccessDenied(
            f"{actor.name} has no role in the program “{program_name}”.",
            "Ask the program's lead to grant you one on the Access page.",
        )
    raise AccessDenied(
        f"As {role.value} of “{program_name}”, {actor.name} may not {permission.value}.",
        "Ask the program's lead if you need a different role.",
    )
