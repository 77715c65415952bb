"""Entry point: ``streamlit run dashboard/app.py``.

Decides who is here and what they may open, then declares only those pages
(st.navigation) and the sidebar every page shares:

1. sign-in (``st.login``) when an identity provider is configured, else local mode,
   which serves this computer only;
2. the workspace database (a message with the fixing command when it is unreachable
   or on an older migration, never a traceback);
3. the open program and the person's role in it: a page their role does not allow is
   not declared, and is refused here if asked for anyway.

Without a saved program open it runs in scratch mode on the bundled sample data (or an
upload that is never saved), so a newcomer sees a working dashboard at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.model.errors import UserFacingError  # noqa: E402
from analysis.workspace import (  # noqa: E402
    UPGRADE_COMMAND,
    AccessDenied,
    Permission,
    ProgramInfo,
    WorkspaceUnavailable,
)
from analysis.workspace.settings import ALLOW_REMOTE_SETTING, allow_remote_without_signin  # noqa: E402
from dashboard import session, widgets  # noqa: E402

st.set_page_config(
    page_title="Coaching program evaluation",
    page_icon=":material/monitoring:",
    layout="wide",
)

PAGES = Path(__file__).resolve().parent / "app_pages"
# page file -> (title, icon, the permission it needs; None: anyone signed in)
RESULTS = {
    "overview": ("Overview", ":material/dashboard:", Permission.VIEW_RESULTS),
    "roi": ("ROI", ":material/payments:", Permission.VIEW_RESULTS),
    "outcomes": ("Outcomes", ":material/trending_down:", Permission.VIEW_RESULTS),
    "groups": ("Groups & cohorts", ":material/groups:", Permission.VIEW_RESULTS),
    "retention": ("Retention", ":material/how_to_reg:", Permission.VIEW_RESULTS),
}
DATA = {
    "data": ("Data", ":material/upload_file:", Permission.MANAGE_DATA),
    "downloads": ("Downloads", ":material/download:", Permission.DOWNLOAD),
}
WORKSPACE = {
    "programs": ("Programs", ":material/folder_open:", None),
    "program": ("Program settings", ":material/tune:", Permission.MANAGE_DATA),
    "access": ("Access", ":material/admin_panel_settings:", Permission.MANAGE_ACCESS),
    "audit": ("Audit trail", ":material/history:", Permission.VIEW_AUDIT),
}
EVERY_PAGE = {**RESULTS, **DATA, **WORKSPACE}
PROGRAM_ONLY = {"program", "access", "audit"}
PICKER = "program_picker"


def stop_with(message: str, fix: str | None = None) -> None:
    """Say what is wrong and how to fix it (a command in a box to copy), then stop."""
    st.error(message, icon=":material/error:")
    if fix and UPGRADE_COMMAND in fix:
        st.write("Run this where the app is installed, then reload the page:")
        st.code(UPGRADE_COMMAND, language="bash")
    elif fix:
        st.caption(fix)
    st.stop()


def declared_pages(rights: frozenset[Permission], info: ProgramInfo | None) -> dict:
    def pages(group: dict) -> list:
        return [st.Page(PAGES / f"{name}.py", title=title, icon=icon,
                        default=name == default)
                for name, (title, icon, needs) in group.items()
                if (needs is None or needs in rights)
                and (info is not None or name not in PROGRAM_ONLY)]

    default = "overview" if Permission.VIEW_RESULTS in rights else "programs"
    sections = {"For executives": {k: RESULTS[k] for k in ("overview", "roi")},
                "Results": {k: RESULTS[k] for k in ("outcomes", "groups", "retention")},
                "Your data": DATA, "Workspace": WORKSPACE}
    return {title: found for title, group in sections.items() if (found := pages(group))}


def _switch_program() -> None:
    """The picker's callback: open the chosen program (None: scratch mode)."""
    who = session.identity()
    picked = st.session_state[PICKER]
    if who is None:
        return
    session.open_program(
        who, session.workspace().program(who.actor, picked) if picked is not None else None)


def program_picker(who: session.Identity, info: ProgramInfo | None, scratch: bool) -> None:
    """The sidebar's program switch: saved programs, and scratch mode where allowed."""
    programs = session.workspace().programs(who.actor)
    options: list[int | None] = [p.id for p in programs]
    if scratch or info is None:
        options.insert(0, None)
    names = {p.id: p.name for p in programs}
    st.session_state[PICKER] = info.id if info else None  # whatever opened it
    st.sidebar.selectbox(
        "Program", options, key=PICKER, on_change=_switch_program,
        format_func=lambda i: names.get(i, "") if i is not None
        else "Scratch: a quick look, nothing saved",
        help="A saved program keeps its waves, costs and roles. Scratch mode shows the "
             "sample or a file you upload, and saves nothing.")


def sidebar_identity(who: session.Identity, info: ProgramInfo | None) -> None:
    with st.sidebar:
        if who.signed_in:
            role = f" · {info.role.value}" if info and info.role else ""
            st.caption(f":material/person: {who.actor.name}{role}")
            if st.button("Sign out", icon=":material/logout:"):
                st.logout()
        else:
            st.caption(":material/computer: Local mode: you, on this computer, every role")


if session.identity() is None or (not session.auth_configured()
                                  and session.local_mode_refusal()):
    # Declare the sign-in page even here, so that every address shows it.
    st.navigation([st.Page(session.gate, title="Sign in", default=True)]).run()
    st.stop()
who = session.gate()
if not who.signed_in and allow_remote_without_signin():
    st.warning(f"{ALLOW_REMOTE_SETTING} is on: anyone who can reach this address sees every "
               "program with every role, without signing in.", icon=":material/warning:")

info: ProgramInfo | None = None
database_problem: WorkspaceUnavailable | None = None
try:
    session.workspace()  # reachable, and on this program's migration
    info = session.program_info(who)
except WorkspaceUnavailable as problem:
    database_problem = problem
except AccessDenied as refused:
    st.warning(refused.message, icon=":material/lock:")
if database_problem is not None and who.signed_in:
    stop_with(database_problem.message, database_problem.fix)

try:
    rights = session.role_permissions(who, info)
    scratch_allowed = session.may_use_scratch(who)
except WorkspaceUnavailable as problem:
    database_problem, rights, scratch_allowed = problem, frozenset(Permission), True
navigation = st.navigation(declared_pages(rights, info))

# The server-side check: a page is run only for a role that allows it.
needs = EVERY_PAGE.get(navigation.url_path or "overview", (None, None, None))[2]
if needs is not None and needs not in rights:
    stop_with("Your role in this program does not include this page.",
              "Ask the program's lead if you need it.")

if database_problem is not None:  # local mode: scratch still works
    with st.sidebar:
        st.warning("Saved programs are unavailable: see the message on the page.",
                   icon=":material/database:")
    st.error(database_problem.message, icon=":material/database:")
    if database_problem.fix and UPGRADE_COMMAND in database_problem.fix:
        st.code(UPGRADE_COMMAND, language="bash")
    elif database_problem.fix:
        st.caption(database_problem.fix)
else:
    program_picker(who, info, scratch_allowed)
sidebar_identity(who, info)

name = navigation.url_path or "overview"
st.session_state[session.PROGRAM_K] = info.k if info is not None else None
if info is None and (name in RESULTS or name in DATA):
    st.sidebar.info("Scratch mode: what you upload here is not saved.",
                    icon=":material/science:")
if info is not None:
    session.record_view(who, info, EVERY_PAGE.get(name, (navigation.title,))[0])
# No choice a user can make may end in a traceback: what the analysis refuses (two equal
# waves, a filter that leaves nobody) is said on the page in the analysis's own words.
try:
    if (name in RESULTS or name in DATA) and (info is None or info.waves):
        widgets.sidebar()
    navigation.run()
except UserFacingError as error:
    st.warning(f"**Nothing can be shown for this choice.** {error}",
               icon=":material/filter_alt_off:")
