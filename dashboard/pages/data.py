"""Data for program leads: upload, pass the privacy check, map the columns, read the
quality report. The other pages show these data only once nothing blocks the analysis."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.instruments import all_scales
from analysis.intake.mapping.editor import (
    GROUP_CHOICES,
    NOT_USED,
    group_value_rows,
    mapped_scale_keys,
    mapping_from_rows,
    mapping_rows,
    use_as_options,
    wave_from_file_name,
    with_group_values,
)
from analysis.intake.mapping.model import ScaleMapping, custom_scale_from_definition
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.model.errors import UserFacingError
from analysis.model.findings import findings_table
from dashboard import state

SURVEY_TYPES = ["csv", "tsv", "txt", "xlsx"]
SEVERITY_WORDS = {"blocking": "⛔ blocking", "warning": "⚠️ warning", "info": "ℹ️ info"}


def use_mapping(text: str | None) -> None:
    """Make ``text`` the mapping in use; the editor and the scale choice start from it."""
    st.session_state[state.MAPPING_JSON] = text


def mapping_version() -> str:
    """A short fingerprint of the mapping in use. The mapping widgets carry it in their
    keys, so a newly loaded or applied mapping gives fresh widgets that start from it
    (a browser keeps a widget's old value for the same key, whatever its default)."""
    text = st.session_state.get(state.MAPPING_JSON) or ""
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def same_files(a: tuple[UploadedFile, ...], b: tuple[UploadedFile, ...]) -> bool:
    """The same files, whatever waves were typed for them (a new wave keeps the mapping)."""
    return [(f.name, f.content) for f in a] == [(f.name, f.content) for f in b]


st.title("Your data")
st.markdown(
    "Upload your survey exports: one file with every wave, or **one file per wave** "
    "(Qualtrics, REDCap, SurveyMonkey, Microsoft or Google Forms, CSV or Excel). Add a "
    "**roster** (one row per participant with start and exit dates) to see retention. "
    "Files stay in this session's memory; nothing is written to disk. Until your upload "
    "passes the checks below, the other pages show the sample data."
)

# After "Remove upload" the uploaders get new keys, so they come back empty.
generation = state.uploader_generation()
suffix = f"_{generation}" if generation else ""
left, right = st.columns([3, 2])
with left:
    survey_files = st.file_uploader("Survey exports", type=SURVEY_TYPES,
                                    accept_multiple_files=True,
                                    key=f"survey_files{suffix}")
with right:
    roster_file = st.file_uploader("Roster (optional)", type=SURVEY_TYPES,
                                   key=f"roster_file{suffix}")

if survey_files:
    waves: list[str | None] = [None]
    if len(survey_files) > 1:
        st.markdown("**Which wave is each file?**")
        columns = st.columns(min(len(survey_files), 4))
        waves = [
            columns[i % len(columns)].text_input(
                f.name, value=wave_from_file_name(f.name), key=f"wave_of_{f.name}")
            for i, f in enumerate(survey_files)
        ]
    offered = tuple(
        UploadedFile(f.name, f.getvalue(), wave=(waves[i] if len(survey_files) > 1 else None))
        for i, f in enumerate(survey_files)
    )
    if offered != state.uploads():
        refused = state.refused_message(offered)
        if refused is None:
            try:
                state.uploaded_frames(state.files_digest(offered, None), offered)
            except UserFacingError as error:
                refused = str(error)
                state.refuse_upload(offered, refused)
        if refused is not None:
            kept = ("The previous upload stays in use." if state.uploads()
                    else "The pages keep showing the sample data.")
            st.error(f"**This upload cannot be read.** {refused} {kept}",
                     icon=":material/error:")
        else:
            if not same_files(offered, state.uploads()):
                st.session_state[state.DROPPED] = ()
                st.session_state.pop(state.SCENARIO_IN_USE, None)
                use_mapping(None)
            st.session_state[state.UPLOADS] = offered
    roster = UploadedFile(roster_file.name, roster_file.getvalue()) if roster_file else None
    if roster != st.session_state.get(state.ROSTER):
        try:
            if roster is not None:
                state.check_roster(roster)
        except UserFacingError as error:
            st.error(f"**This roster cannot be read.** {error}", icon=":material/error:")
        else:
            st.session_state[state.ROSTER] = roster

files = state.uploads()
if not files:
    st.info("No upload yet: the dashboard shows the **synthetic sample program**. Upload "
            "your exports above to analyse your own.", icon=":material/science:")
    st.stop()

names = ", ".join(f.name for f in files)
top_left, top_right = st.columns([4, 1])
top_left.caption(f"In use: {names}"
                 + (f"; roster {st.session_state[state.ROSTER].name}"
                    if st.session_state.get(state.ROSTER) else ""))
if top_right.button("Remove upload", icon=":material/delete:", key="remove_upload"):
    state.remove_upload()
    st.rerun()

current = state.uploaded_data()
assert current is not None
prepared = current.prepared
frames = state.uploaded_frames(state.files_digest(files, None), files)

# 1. What was read -----------------------------------------------------------------------
st.subheader("1. What we read")
detected = [{"file": f.name, "format": fmt, "wave": f.wave or "(column in the file)"}
            for f, fmt in zip(files, prepared.source_formats, strict=False)]
st.dataframe(detected, hide_index=True, width="stretch")

# 2. Privacy check -----------------------------------------------------------------------
st.subheader("2. Privacy check")
to_drop = [i for i in prepared.identifiers if not i.is_participant_id]
if to_drop:
    st.error(
        f"**{len(to_drop)} column(s) hold direct identifiers** (names, e-mail, dates, IP "
        "addresses…). Nothing can be analysed until they are dropped. Dropping removes them "
        "from this session only; your files are unchanged.", icon=":material/block:")
    st.dataframe(
        [{"column": i.column, "holds": i.kind.replace("_", " "), "why": i.reason}
         for i in to_drop],
        hide_index=True, width="stretch",
        column_config={"why": st.column_config.TextColumn("Why", width="large")})
    if st.button(f"Drop these {len(to_drop)} column(s)", type="primary",
                 icon=":material/delete_sweep:", key="drop_identifiers"):
        dropped = tuple(dict.fromkeys([*st.session_state.get(state.DROPPED, ()),
                                       *(i.column for i in to_drop)]))
        st.session_state[state.DROPPED] = dropped
        st.rerun()
else:
    dropped = st.session_state.get(state.DROPPED, ())
    st.success("No direct identifiers remain." + (
        f" Dropped: {', '.join(dropped)}." if dropped else "")
        + " Participant codes are replaced by keyed hashes before anything is computed.",
        icon=":material/verified_user:")

# 3. Column mapping ----------------------------------------------------------------------
st.subheader("3. Column mapping")
mapping = prepared.mapping
dropped = set(st.session_state.get(state.DROPPED, ()))
columns = [c for c in dict.fromkeys(str(c) for f in frames for c in f.columns)
           if c not in dropped]
scales = all_scales()
with st.expander("Load or save a mapping", icon=":material/save:"):
    mapping_file = st.file_uploader("Load a saved mapping (.json)", type=["json"],
                                    key="mapping_file")
    if mapping_file is not None:
        try:
            loaded = mapping_to_json(mapping_from_json(mapping_file.getvalue()))
        except UserFacingError as error:
            st.error(f"This mapping file cannot be used: {error}")
        else:
            if loaded != st.session_state.get(state.MAPPING_JSON):
                use_mapping(loaded)
                st.rerun()
            st.caption(f"Using the mapping from {mapping_file.name}.")
    st.download_button("Save this mapping (JSON)", mapping_to_json(mapping),
                       file_name="column_mapping.json", mime="application/json",
                       icon=":material/download:", key="save_mapping")

chosen_scales = st.multiselect(
    "Questionnaires to score", list(scales), default=mapped_scale_keys(mapping),
    format_func=lambda key: scales[key].label, key=f"chosen_scales_{mapping_version()}",
    help="The scales your survey contains. Map each item column below.")
custom_keys = [str(c.get("key")) for c in mapping.custom_scales]
options = use_as_options(scales, custom_keys)
rows = mapping_rows(mapping, columns)
st.caption("What each column of your file is. Items of copyrighted instruments are "
           "matched by their scoring names (e.g. mbi_ee_1); question numbers such as Q1_3 "
           "have to be chosen by hand once, then saved with the mapping.")
edited = st.data_editor(
    rows, key=f"mapping_editor_{mapping_version()}", hide_index=True, width="stretch",
    disabled=["column"],
    column_config={
        "column": st.column_config.TextColumn("Column in your file"),
        "use_as": st.column_config.SelectboxColumn("Use as", options=options, required=True,
                                                   default=NOT_USED, width="large"),
    },
)
with st.expander("Define your own scale", icon=":material/add:"):
    with st.form("custom_scale"):
        c1, c2 = st.columns(2)
        key = c1.text_input("Short name (lower case, e.g. team_climate)")
        label = c2.text_input("Label shown on the charts")
        items = st.multiselect("Item columns", columns)
        c3, c4, c5 = st.columns(3)
        low = c3.number_input("Lowest answer", value=1.0)
        high = c4.number_input("Highest answer", value=5.0)
        method = c5.selectbox("Score", ["mean", "sum"])
        higher = st.radio("Which direction is good?", ["higher is better", "lower is better"],
                          horizontal=True)
        reverse = st.multiselect("Reverse-coded items", columns)
        add = st.form_submit_button("Add this scale")
    if add:
        definition = {"key": key, "label": label, "items": items, "item_minimum": low,
                      "item_maximum": high, "method": method,
                      "reverse_items": [r for r in reverse if r in items],
                      "higher_is_better": higher == "higher is better"}
        try:
            custom_scale_from_definition(definition)
        except UserFacingError as error:
            st.error(str(error))
        else:
            updated = replace(mapping,
                              custom_scales=(*mapping.custom_scales, definition),
                              scales=(*mapping.scales,
                                      ScaleMapping(key, {c: c for c in items})))
            use_mapping(mapping_to_json(updated))
            st.rerun()

# Who was coached: from the table as edited, so a newly chosen group column shows its
# values at once.
pending = mapping_from_rows(edited, mapping, {k: scales[k] for k in chosen_scales})
st.markdown("**Who was coached?**")
group_rows = group_value_rows(frames, pending)
everyone_coached = mapping.everyone_coached
if pending.group and not group_rows.empty:
    st.caption(f"Each value of the column **{pending.group}**, with its number of "
               "participants. Say which values are the coached group and which the "
               "comparison group; \"left out\" leaves those people out of every result.")
    group_rows = st.data_editor(
        group_rows, key=f"group_values_{mapping_version()}_{pending.group}",
        hide_index=True, width="stretch", disabled=["value", "participants"],
        column_config={
            "value": st.column_config.TextColumn(f"Value in {pending.group}"),
            "participants": st.column_config.NumberColumn("Participants"),
            "counts_as": st.column_config.SelectboxColumn(
                "Counts as", options=list(GROUP_CHOICES), required=False, width="medium"),
        })
    unassigned = int((group_rows["counts_as"].fillna("") == "").sum())
    if unassigned:
        st.warning(f"{unassigned} value(s) are not assigned yet: choose coached, comparison "
                   "or left out for each, then apply.", icon=":material/rule:")
elif pending.group:
    st.warning(f"The column **{pending.group}** does not look like a group column (it is "
               "empty or has too many different values). Choose another column as the "
               "group in the table above.", icon=":material/rule:")
else:
    st.caption("No column is used as the group. Choose the column that says who was "
               "coached (\"Use as: group\" in the table above), or confirm that there is "
               "no comparison group.")
    everyone_coached = st.checkbox(
        "Everyone in these files was coached: there is no comparison group",
        value=mapping.everyone_coached, key=f"everyone_coached_{mapping_version()}",
        help="Without a comparison group the results show change over time only, which "
             "does not isolate the program's effect.")

if st.button("Apply this mapping", type="primary", icon=":material/check:",
             key="apply_mapping"):
    new = with_group_values(pending, group_rows) if pending.group else pending
    new = replace(new, everyone_coached=bool(everyone_coached and not new.group))
    use_mapping(mapping_to_json(new))
    st.rerun()

# 4. Quality report ----------------------------------------------------------------------
st.subheader("4. Quality report")
report = findings_table(prepared.findings)
blocking = int((report["severity"] == "blocking").sum())
report["severity"] = report["severity"].map(SEVERITY_WORDS)
st.dataframe(report[["severity", "where", "what", "fix"]], hide_index=True, width="stretch",
             column_config={"what": st.column_config.TextColumn("What we found",
                                                                width="large"),
                            "fix": st.column_config.TextColumn("How to fix it",
                                                               width="large")})
if prepared.reliability is not None and len(prepared.reliability):
    with st.expander("Reliability of each scale (Cronbach's α at baseline)"):
        st.dataframe(prepared.reliability, hide_index=True, width="stretch")

if prepared.can_proceed:
    program = prepared.program
    st.success(
        f"**Ready.** Every page now shows your data: {len(program.outcomes)} outcome(s) "
        f"scored at {len(program.waves)} wave(s)"
        + (", with a roster" if program.roster is not None else "") + ".",
        icon=":material/check_circle:")
    st.page_link("pages/outcomes.py", label="See the outcomes", icon=":material/arrow_forward:")
else:
    st.error(f"**{blocking} blocking problem(s)** stop the analysis: fix them above (or in "
             "your file) and the pages will switch to your data.", icon=":material/block:")
