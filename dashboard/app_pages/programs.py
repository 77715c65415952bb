"""Programs: the saved programs this person may open, and a new one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.model.config import min_cell_floor
from analysis.workspace import WorkspaceError
from dashboard import session

who, info = session.require(None)
workspace = session.workspace()
st.title("Programs")
st.write("A saved program keeps its survey waves as they arrive (baseline, 6 months, "
         "12 months…), its column mapping, its costs and who may see it. Pick one in the "
         "sidebar to open it; scratch mode looks at a file without saving anything.")

programs = workspace.programs(who.actor)
if programs:
    st.dataframe(pd.DataFrame([{
        "Program": p.name,
        "Your role": p.role.value if p.role else "every role (local mode)",
        "Waves": ", ".join(f"{w.wave} ({w.n_participants})" for w in p.waves) or "none yet",
        "Published": f"{p.published_at:%d %b %Y}" if p.published_at else "not yet",
        "Last upload": f"{p.last_upload_at:%d %b %Y}" if p.last_upload_at else "",
    } for p in programs]), hide_index=True, width="stretch")
    names = {p.id: p for p in programs}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox("Open a program", list(names), format_func=lambda i: names[i].name,
                            index=list(names).index(info.id) if info else 0)
    if right.button("Open", type="primary", icon=":material/folder_open:"):
        session.open_program(who, names[chosen])
        st.rerun()
else:
    st.info("You have no saved programs yet." + (
        " Ask a program lead to give you a role, or create a program below."
        if who.signed_in else " Create one below."), icon=":material/inbox:")

st.subheader("Create a program")
with st.form("create_program", clear_on_submit=True):
    name = st.text_input("Name", placeholder="2026 physician coaching")
    description = st.text_area("Description (optional)", height=80)
    k = st.number_input("Minimum group size k", min_value=min_cell_floor(), max_value=100,
                        value=min_cell_floor(),
                        help="Results over fewer people are withheld everywhere for this "
                             "program. The deployment's floor is the smallest allowed.")
    if st.form_submit_button("Create", icon=":material/add:"):
        try:
            created = workspace.create_program(who.actor, name, description, int(k))
        except WorkspaceError as error:
            session.show_error(error)
        else:
            session.open_program(who, created)
            st.rerun()
st.caption("You become the new program's lead. Upload its first wave on **Data**, then save "
           "it on **Program settings**.")
