"""Program settings, for its lead: add a wave, publish, costs, action log, erasure."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analysis.intake.mapping.serialise import mapping_to_json
from analysis.model.errors import UserFacingError
from analysis.model.schema import WAVE
from analysis.stats.summary import SummaryOptions, summarize_program
from analysis.workspace import Permission, WorkspaceError, content_digest
from dashboard import session, state

who, info = session.require(Permission.MANAGE_DATA)
assert info is not None
workspace = session.workspace()
st.title(info.name)
if info.description:
    st.write(info.description)
published = (f"published {info.published_at:%d %b %Y %H:%M} UTC" if info.published_at
             else "not published: only its leads see it")
st.caption(f"Minimum group size {info.k} · {info.n_participants} participants · {published}")
if info.waves:
    st.dataframe(pd.DataFrame([{"Wave": w.wave, "Participants": w.n_participants}
                               for w in info.waves]), hide_index=True, width="content")

# --- add a wave --------------------------------------------------------------------------
st.subheader("Add a wave")
upload = state.uploaded_data()
if upload is None:
    st.write("Upload the new wave's export on **Data**; the program's saved column mapping "
             "is already loaded there. Then come back here to save it.")
elif upload.program is None:
    st.warning("The upload on **Data** is not ready for analysis yet: fix what it lists first.",
               icon=":material/block:")
else:
    responses = upload.program.responses
    waves = ", ".join(str(w) for w in responses[WAVE].cat.categories
                      if (responses[WAVE] == w).any())
    st.write(f"Ready on **Data**: {len(responses):,} responses, waves {waves}"
             + (", with a roster." if upload.program.roster is not None else "."))
    if st.button("Save these waves to the program", type="primary", icon=":material/save:"):
        files = state.uploads()
        roster = st.session_state.get(state.ROSTER)
        digest = content_digest([f.digest for f in (*files, *([roster] if roster else []))])
        mapping = st.session_state.get(state.MAPPING_JSON) or mapping_to_json(
            upload.prepared.mapping)
        try:
            receipt = workspace.add_upload(who.actor, info.id, upload.prepared, digest,
                                           mapping_json=mapping)
        except WorkspaceError as error:
            session.show_error(error)
        else:
            st.session_state[state.UPLOADS] = ()
            st.session_state[state.ROSTER] = None
            st.session_state["workspace_saved_message"] = (
                f"Saved {', '.join(receipt.waves)}: {receipt.n_rows:,} responses from "
                f"{receipt.n_participants:,} participants"
                + (f", {receipt.n_matched:,} of whom answered an earlier wave."
                   if receipt.n_matched else "."))
            st.rerun()
if message := st.session_state.pop("workspace_saved_message", None):
    st.success(message + " Publish when executives should see it.", icon=":material/check:")

# --- publish -----------------------------------------------------------------------------
st.subheader("Publish")
st.write("Executives and analysts see the waves saved up to the last publish; the tables "
         "published are also kept after participant-level rows expire.")
if st.button("Publish the waves saved so far", icon=":material/publish:",
             disabled=not info.waves):
    saved = workspace.load(who.actor, info.id).data
    try:
        tables = summarize_program(saved, SummaryOptions(k=info.k)).tables() if saved else {}
    except UserFacingError:
        tables = {}  # one wave: nothing to compare yet, the waves are published all the same
    try:
        workspace.publish(who.actor, info.id, tables)
    except WorkspaceError as error:
        session.show_error(error)
    else:
        st.rerun()

# --- costs -------------------------------------------------------------------------------
st.subheader("Costs")
scenario_text = (st.session_state.get(state.SCENARIO_IN_USE)
                 or st.session_state.get(state.SCENARIO))
st.write("The program's own costs and assumptions are its ROI scenario: edit them on the "
         "**ROI** page, then save them here so every session and every executive uses them.")
st.caption("Saved costs: " + ("yes" if info.has_scenario else "none yet (the ROI page uses "
                                                                "published defaults)"))
if st.button("Save the ROI page's scenario as this program's costs", icon=":material/payments:",
             disabled=not scenario_text):
    try:
        workspace.set_scenario(who.actor, info.id, scenario_text, "ROI scenario saved")
    except WorkspaceError as error:
        session.show_error(error)
    else:
        st.toast("Costs saved.", icon=":material/check:")

# --- action log ----------------------------------------------------------------------------
st.subheader("Action log")
st.write("Dated events in the program's life, such as “cohort 2 started”, shown with the "
         "trends.")
with st.form("add_action", clear_on_submit=True):
    left, right = st.columns([1, 3])
    on_date = left.date_input("Date", value=date.today(), key="action_date")
    label = right.text_input("What happened", max_chars=200, key="action_label",
                             placeholder="Cohort 2 started (no names, please)")
    if st.form_submit_button("Add", icon=":material/add:"):
        try:
            workspace.add_action(who.actor, info.id, on_date, label)
        except WorkspaceError as error:
            session.show_error(error)
actions = workspace.actions(who.actor, info.id)
if not actions.empty:
    st.dataframe(actions.rename(columns={"date": "Date", "label": "Event"}), hide_index=True)

# --- settings and erasure ------------------------------------------------------------------
st.subheader("Settings")
with st.form("program_settings"):
    description = st.text_area("Description", value=info.description, height=80)
    k = st.number_input("Minimum group size k", min_value=2, max_value=100, value=info.k)
    keep = st.number_input(
        "Delete participant-level rows this many days after the last wave (0 = keep)",
        min_value=0, max_value=36500, value=info.retention_days or 0,
        help="Published tables are kept. Leave 0 to keep rows until you delete them.")
    if st.form_submit_button("Save settings"):
        try:
            workspace.update_program(who.actor, info.id, description=description, k=int(k))
            workspace.set_retention(who.actor, info.id, int(keep) or None)
        except WorkspaceError as error:
            session.show_error(error)
        else:
            st.rerun()
if info.retention_due:
    st.caption(f"Participant-level rows are due for deletion on {info.retention_due:%d %b %Y}.")

st.subheader("Erase data")
with st.form("erase_participant", clear_on_submit=True):
    code = st.text_input("One participant's code, as in the survey export", type="password",
                         help="It is hashed with this deployment's key, as uploads are, and "
                              "never stored or logged.")
    if st.form_submit_button("Erase this participant's rows", icon=":material/person_remove:"):
        try:
            deleted = workspace.erase_participant(who.actor, info.id, code)
        except WorkspaceError as error:
            session.show_error(error)
        else:
            st.success(f"{deleted} rows erased." if deleted else
                       "No saved row matches that code (check its spelling in the export).")
with st.form("delete_program"):
    typed = st.text_input(f"Type the program's name ({info.name}) to delete it and all its rows")
    if st.form_submit_button("Delete the program", icon=":material/delete_forever:"):
        if typed.strip() != info.name:
            st.error("The name does not match; nothing was deleted.")
        else:
            workspace.delete_program(who.actor, info.id)
            session.open_program(who, None)
            st.rerun()
