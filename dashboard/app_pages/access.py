"""Access: who may open this program, and with which role (the lead grants them)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.workspace import ROLE_LABELS, Permission, Role, WorkspaceError
from dashboard import session

who, info = session.require(Permission.MANAGE_ACCESS)
assert info is not None
workspace = session.workspace()
st.title(f"Access to {info.name}")
st.write("People sign in with their hospital account; give each the role they need. "
         "Roles are checked on the server for every page and download.")
for role in Role:
    st.caption(f"**{role.value}**: {ROLE_LABELS[role].split(': ', 1)[1]}")

members = workspace.members(who.actor, info.id)
st.dataframe(pd.DataFrame([{"Person": m.user, "Role": m.role.value, "Granted by": m.granted_by,
                            "Since": f"{m.granted_at:%d %b %Y}"} for m in members]),
             hide_index=True, width="stretch")

st.subheader("Give someone a role, or change it")
with st.form("grant_role", clear_on_submit=True):
    left, right = st.columns([3, 2])
    email = left.text_input("Their sign-in e-mail address", placeholder="name@hospital.org")
    role = right.selectbox("Role", list(Role), index=2, format_func=lambda r: r.value)
    if st.form_submit_button("Grant", type="primary", icon=":material/person_add:"):
        try:
            workspace.grant(who.actor, info.id, email, role)
        except WorkspaceError as error:
            session.show_error(error)
        else:
            st.rerun()

if len(members) > 1:
    st.subheader("Withdraw a role")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    leaving = left.selectbox("Person", [m.user for m in members])
    if right.button("Withdraw", icon=":material/person_remove:"):
        try:
            workspace.revoke(who.actor, info.id, leaving)
        except WorkspaceError as error:
            session.show_error(error)
        else:
            st.rerun()
