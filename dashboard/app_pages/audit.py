"""Audit trail: uploads, publishes, mapping and cost changes, page views, downloads and
role changes in this program, with who and when."""

from __future__ import annotations

import streamlit as st

from analysis.present.exports.csv import table_to_csv
from analysis.workspace import Permission
from dashboard import session

who, info = session.require(Permission.VIEW_AUDIT)
assert info is not None
trail = session.workspace().audit_trail(who.actor, info.id)
st.title(f"Audit trail of {info.name}")
st.caption(f"{len(trail):,} events, newest first; times in UTC.")
actions = sorted(trail["action"].unique())
shown = st.multiselect("Show", actions, placeholder="Every kind of event")
view = trail[trail["action"].isin(shown)] if shown else trail
st.dataframe(view.assign(time=view["time"].dt.strftime("%Y-%m-%d %H:%M:%S")),
             hide_index=True, width="stretch",
             column_config={"time": "Time (UTC)", "user": "Who", "action": "What",
                            "detail": "Detail"})
st.download_button(
    "Download the audit trail (CSV)",
    session.logged("audit_trail.csv", table_to_csv(
        trail.assign(time=trail["time"].dt.strftime("%Y-%m-%d %H:%M:%S")), 1)),
    file_name="audit_trail.csv", mime="text/csv", icon=":material/download:",
    on_click="ignore")
