"""Who is using the app, in which program, with which role: the server-side gate.

Two modes:

* **Sign-in** (an ``[auth]`` section in ``.streamlit/secrets.toml``): ``st.login`` with the
  hospital's OpenID Connect provider; each person's role comes from the program's
  members (lead, analyst, executive), and every page and download is checked against it
  here, on the server, before it runs.
* **Local** (no identity provider): one person on this computer with every role. The
  app only answers requests from this computer, unless
  ``COACHING_EVAL_ALLOW_REMOTE_WITHOUT_SIGNIN=1`` (then a warning shows on every page).

The chosen program lives in ``st.session_state``; its data come from the workspace
through ``load_program`` (cached by program, revision and published upload).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from analysis.intake.mapping.model import ColumnMapping
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import PreparedProgram
from analysis.model.release import ReleasePlan
from analysis.model.schema import PARTICIPANT_ID
from analysis.present.figures import ActionLog
from analysis.workspace import (
    AccessDenied,
    Actor,
    Permission,
    ProgramInfo,
    Role,
    Workspace,
    WorkspaceError,
)
from analysis.workspace.access import permissions
from analysis.workspace.settings import allow_remote_without_signin, database_url

_LOG = logging.getLogger(__name__)
T = TypeVar("T")

PROGRAM = "workspace_program_id"  # int | None: the open program; None is scratch mode
PROGRAM_K = "workspace_program_k"  # int | None: the open program's minimum group size
VIEWED = "workspace_pages_viewed"  # set of (program id, page) already in the audit trail
LOCAL_USER = "local user"


@dataclass(frozen=True)
class Identity:
    """The person behind this browser session, and how they got in."""

    actor: Actor
    signed_in: bool  # False: local mode


def auth_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section for ``st.login``."""
    try:
        return st.secrets.load_if_toml_exists() and "auth" in st.secrets
    except Exception:  # noqa: BLE001 - an unreadable secrets file means: not configured
        return False


def _is_loopback(address: str | None) -> bool:
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def local_mode_refusal() -> str | None:
    """Why local mode must not serve this request (None when it may)."""
    if allow_remote_without_signin():
        return None
    client = st.context.ip_address  # None only outside a real server (AppTest)
    if isinstance(client, str) and not _is_loopback(client):
        return (f"This app has no sign-in set up, so it only serves this computer; the "
                f"request came from {client}.")
    return None


def identity() -> Identity | None:
    """The signed-in person, the local user, or None when someone must sign in first."""
    if not auth_configured():
        return Identity(Actor(LOCAL_USER, every_role=True), signed_in=False)
    if not st.user.is_logged_in:
        return None
    name = st.user.get("email") or st.user.get("preferred_username") or st.user.get("sub")
    return Identity(Actor(str(name)), signed_in=True)


@st.cache_resource(show_spinner="Opening the workspace…")
def _workspace(url: str) -> Workspace:
    opened = Workspace.connect(url)  # a failure is not cached: the next page load tries again
    opened.apply_retention()  # once per server process; `workspace retention` for cron
    return opened


def workspace() -> Workspace:
    """The workspace (one engine per server process); raises WorkspaceUnavailable."""
    return _workspace(database_url())


def current_program_id() -> int | None:
    return st.session_state.get(PROGRAM)


def open_program(who: Identity, info: ProgramInfo | None) -> None:
    """Switch to a saved program (None: scratch mode) and bring its saved column mapping
    (for the next wave's upload) and ROI scenario (its costs) into the session."""
    st.session_state[PROGRAM] = info.id if info else None
    if info is None:
        return
    mapping_json, scenario_json = workspace().saved_settings(who.actor, info.id)
    if mapping_json:
        st.session_state["mapping_json"] = mapping_json  # state.MAPPING_JSON
    if scenario_json:
        st.session_state["roi_scenario_loaded"] = scenario_json  # state.SCENARIO
        st.session_state.pop("roi_scenario_in_use", None)  # state.SCENARIO_IN_USE


def program_info(who: Identity) -> ProgramInfo | None:
    """The open program as this person may see it; None in scratch mode.

    A new session opens the first program the person may see; scratch mode is then a
    choice in the sidebar (a newcomer without programs starts in it, on the sample)."""
    if PROGRAM not in st.session_state:
        visible = workspace().programs(who.actor)
        open_program(who, visible[0] if visible else None)
    program_id = current_program_id()
    if program_id is None:
        return None
    try:
        return workspace().program(who.actor, program_id)
    except AccessDenied:
        st.session_state[PROGRAM] = None
        raise
    except WorkspaceError:
        st.session_state[PROGRAM] = None  # deleted meanwhile
        return None


def role_permissions(who: Identity, info: ProgramInfo | None) -> frozenset[Permission]:
    """What this person may do here. Scratch mode (their own upload, nothing saved):
    everything, for local mode and for program leads; nothing for anyone else."""
    if who.actor.every_role:
        return frozenset(Permission)
    if info is None:
        return frozenset(Permission) if may_use_scratch(who) else frozenset()
    return permissions(info.role, who.actor)


def may_use_scratch(who: Identity) -> bool:
    """Scratch mode shows the Data page: local mode, or someone who leads a program."""
    if who.actor.every_role:
        return True
    return any(p.role is Role.LEAD for p in workspace().programs(who.actor))


@st.cache_data(max_entries=8, show_spinner="Loading the saved program…")
def _saved_data(database: str, program_id: int, revision: int, published_upload: int | None,
                drafts: bool, _actor: Actor) -> PreparedProgram | None:
    """The saved rows as the analysis pages use them (the caller has checked access)."""
    stored = workspace().load(_actor, program_id)
    if stored.data is None:
        return None
    mapping = (mapping_from_json(stored.mapping_json) if stored.mapping_json
               else ColumnMapping(participant_id=PARTICIPANT_ID))
    return PreparedProgram(program=stored.data, findings=(), identifiers=(), mapping=mapping,
                           source_formats=("saved program",), reliability=None)


SAVED_KEY_PREFIX = "program:"  # cache keys of a saved program's data start with it


def saved_data(who: Identity, info: ProgramInfo) -> tuple[PreparedProgram | None, str]:
    """The open program's data as this person may see it (every wave for its lead, the
    published ones for others), and the key that names it in the caches."""
    drafts = Permission.VIEW_DRAFT in permissions(info.role, who.actor)
    through = "all" if drafts else info.published_revision_upload
    key = f"{SAVED_KEY_PREFIX}{info.id}:r{info.revision}:u{through}"
    return _saved_data(database_url(), info.id, info.revision, info.published_revision_upload,
                       drafts, who.actor), key


def record_view(who: Identity, info: ProgramInfo, page: str) -> None:
    """Put the first view of each page of a program in this session in the audit trail."""
    seen = st.session_state.setdefault(VIEWED, set())
    if (info.id, page) in seen:
        return
    workspace().record(who.actor, info.id, "page view", page)
    seen.add((info.id, page))


def logged(name: str, data: Callable[[], T] | T) -> Callable[[], T]:
    """A download button's data that puts the download into the audit trail when the file
    is fetched; use it with ``on_click="ignore"``.

    The file is fetched in Streamlit's download thread, which has no session, so the
    person and program are captured now. Logging on the fetch rather than in an
    ``on_click`` callback means a click does not rerun the page: a rerun while a file
    is being fetched would replace the page's other deferred files, and their next
    click would fetch nothing. A failing log write is reported in the server log and
    does not withhold the file (it holds the same aggregates as the screen)."""
    who = identity()
    program_id = current_program_id()
    store = workspace() if who is not None and program_id is not None else None

    def fetch() -> T:
        if store is not None:
            try:
                store.record(who.actor, program_id, "download", name)
            except Exception:  # noqa: BLE001 - the download goes ahead; the log says why
                _LOG.exception("could not log the download of %s", name)
        return data() if callable(data) else data

    return fetch


def open_program_data() -> tuple[PreparedProgram, str] | None:
    """The open program's data and cache key, or None in scratch mode.

    Raises AccessDenied when the person's role does not allow its results, and
    WorkspaceError when it holds no rows (none saved yet, or deleted under retention).
    """
    if current_program_id() is None:
        return None
    who = identity()
    if who is None:
        return None
    info = program_info(who)
    if info is None:
        return None
    prepared, key = saved_data(who, info)
    if prepared is None:
        raise WorkspaceError(
            f"No survey wave is saved in “{info.name}” yet." if not info.rows_dropped_at else
            f"The participant-level rows of “{info.name}” were deleted under its retention "
            "setting; its published tables remain.",
            "Its lead uploads a wave on Data and saves it on Program settings."
            if not info.rows_dropped_at else
            "Analysts download them with: python -m analysis workspace export")
    return prepared, key


def gate() -> Identity:
    """Who is here, or stop: a sign-in button when nobody is signed in, a refusal when
    local mode is asked for by another computer. The entry script and every page pass
    through it, so a page file run on its own is gated too."""
    who = identity()
    if who is None:
        st.title("Coaching program evaluation")
        st.write("Sign in with your hospital account to open your programs.")
        if st.button("Sign in", type="primary", icon=":material/login:"):
            st.login()
        st.stop()
    assert who is not None
    if not who.signed_in:
        refusal = local_mode_refusal()
        if refusal:
            st.error(refusal, icon=":material/block:")
            st.caption("Set up sign-in (README: “Deploy for a hospital”), or open the app on "
                       "the computer that runs it.")
            st.stop()
    return who


def require(permission: Permission | None) -> tuple[Identity, ProgramInfo | None]:
    """A page's own server-side check: stop with a message unless the person's role in
    the open program allows ``permission`` (None: anyone who got in)."""
    who = gate()
    program_id = current_program_id()
    if program_id is None:
        if permission is None or permission in role_permissions(who, None):
            return who, None
        st.error("Open a saved program first (sidebar, Program).", icon=":material/lock:")
        st.stop()
    try:
        info = workspace().program(who.actor, program_id, permission or Permission.VIEW_RESULTS)
    except AccessDenied as refused:
        st.error(refused.message, icon=":material/lock:")
        st.caption(refused.fix or "")
        st.stop()
    return who, info


def show_error(error: WorkspaceError) -> None:
    st.error(error.message + (f" {error.fix}" if error.fix else ""), icon=":material/error:")


def may(permission: Permission) -> bool:
    """Whether the person may do this in the open program (for controls inside a page
    that some roles see without them, e.g. the ROI page's scenario files)."""
    who = identity()
    if who is None:
        return False
    try:
        info = program_info(who)
    except AccessDenied:
        return False
    return permission in role_permissions(who, info)


# --- hooks for other parts of the app -------------------------------------------------------


def program_actions() -> pd.DataFrame | None:
    """The open program's action log (``date``, ``label``) for trend charts; None in
    scratch mode."""
    who = identity()
    if who is None or current_program_id() is None:
        return None
    return workspace().actions(who.actor, current_program_id())


def action_log() -> ActionLog | None:
    """The open program's action log with the day each wave it shows was saved, as the
    charts by wave draw it; None in scratch mode or when nothing is logged."""
    who = identity()
    program_id = current_program_id()
    if who is None or program_id is None:
        return None
    actions = workspace().actions(who.actor, program_id)
    if actions.empty:
        return None
    return ActionLog(tuple(zip(actions["date"], actions["label"].astype(str), strict=True)),
                     workspace().wave_dates(who.actor, program_id))


def disclosure_ledger() -> tuple[dict | None, int] | None:
    """The open program's disclosure-control ledger (JSON) and its version, shared by
    every session and user of the program; None in scratch mode (the ledger then lives
    in the session)."""
    who = identity()
    if who is None or current_program_id() is None:
        return None
    return workspace().disclosure_state(who.actor, current_program_id())


def stored_release_plan(key: str, make: Callable[[], ReleasePlan]) -> ReleasePlan | None:
    """The open program's release plan for ``key`` (its data version and k), stored in
    the program's disclosure ledger by the first session that needed it and reused by
    every later one (methods §8.1); None in scratch mode."""
    who = identity()
    if who is None or current_program_id() is None:
        return None
    return workspace().release_plan(who.actor, current_program_id(), key, make)


def save_disclosure_ledger(ledger: dict, version: int) -> int:
    """Store the ledger if no other session changed it since ``version`` (else
    UploadConflict: reload it and check the release again); returns the new version."""
    who = identity()
    assert who is not None and current_program_id() is not None
    return workspace().save_disclosure_state(who.actor, current_program_id(), ledger, version)
