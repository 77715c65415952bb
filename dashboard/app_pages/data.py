"""Data for program leads: upload, pass the privacy check, map the columns, read the
quality report. The other pages show these data only once nothing blocks the analysis."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import streamlit as st

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.instruments import all_scales
from analysis.intake.mapping.editor import (
    GROUP_CHOICES,
    NOT_IN_ROSTER,
    NOT_USED,
    ROSTER_QUESTIONS,
    UNASSIGNED,
    column_range,
    duplicate_uses,
    group_value_rows,
    mapped_scale_keys,
    mapping_columns,
    mapping_from_rows,
    mapping_rows,
    numbering_choices,
    numbering_words,
    question_texts,
    scales_in_rows,
    scales_numbered_from_one,
    use_as_options,
    wave_from_file_name,
    wave_value_rows,
    wide_wave_rows,
    with_group_values,
    with_numbered_from,
    with_roster_columns,
    with_scale_items,
    with_wave_names,
    with_wide_waves,
)
from analysis.intake.mapping.model import ScaleMapping, custom_scale_from_definition
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.intake.roster import roster_columns_used
from analysis.model.errors import UserFacingError
from analysis.model.findings import findings_table
from analysis.workspace import Permission
from dashboard import session, state

session.require(Permission.MANAGE_DATA)  # the role check, on the server, before anything

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
columns = [c for c in mapping_columns(frames, mapping) if c not in dropped]
questions = question_texts(frames, mapping)
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
    st.caption("The format is described in the README (\"The column mapping file\").")

rows = mapping_rows(mapping, columns, questions)
chosen_scales = st.multiselect(
    "Questionnaires to score", list(scales),
    default=list(dict.fromkeys([*mapped_scale_keys(mapping), *scales_in_rows(rows, scales)])),
    format_func=lambda key: scales[key].label, key=f"chosen_scales_{mapping_version()}",
    help="The scales your survey contains. The \"Use as\" lists below then offer only "
         "their items; map each item column, or choose a scale's columns in one step.")
custom_keys = [str(c.get("key")) for c in mapping.custom_scales]
offered = {k: scales[k] for k in dict.fromkeys([*chosen_scales,
                                                *scales_in_rows(rows, scales)])}
options = use_as_options(offered or scales, custom_keys)
options += [u for u in dict.fromkeys(rows["use_as"]) if u not in options]
st.caption("What each column of your file is, with the question it asked when the export "
           "says so. Items of copyrighted instruments are matched by their scoring names "
           "(e.g. mbi_ee_1); question numbers such as Q1_3 are chosen here once (or all of "
           "a scale's at once, below), then saved with the mapping.")
edited = st.data_editor(
    rows, key=f"mapping_editor_{mapping_version()}", hide_index=True, width="stretch",
    disabled=["column", "question"],
    column_config={
        "column": st.column_config.TextColumn("Column in your file"),
        "question": st.column_config.TextColumn("Question", width="large"),
        "use_as": st.column_config.SelectboxColumn("Use as", options=options, required=True,
                                                   default=NOT_USED, width="medium"),
    },
)
duplicates = duplicate_uses(edited)
for use_as, twice in duplicates.items():
    st.error(f"**{use_as}** is chosen for {len(twice)} columns ({', '.join(twice)}). Each "
             "can be used for one column only: choose which one, and set the others to "
             "\"not used\".", icon=":material/block:")


def label_of(column: str) -> str:
    text = questions.get(column)
    return f"{column} — {text}" if text else column


with st.expander("Choose a scale's items in one step", icon=":material/checklist:",
                 expanded=not mapped_scale_keys(mapping)):
    with st.form(f"scale_items_{mapping_version()}"):
        scale_key = st.selectbox("Scale", list(scales), format_func=lambda k: scales[k].label,
                                 key=f"one_step_scale_{mapping_version()}")
        first_column, last_column = st.columns(2)
        first = first_column.selectbox("Column of its first item", columns, index=None,
                                       format_func=label_of, placeholder="Choose a column",
                                       key=f"one_step_first_{mapping_version()}")
        last = last_column.selectbox("Column of its last item", columns, index=None,
                                     format_func=label_of, placeholder="Choose a column",
                                     key=f"one_step_last_{mapping_version()}")
        one_by_one = st.multiselect(
            "Or, when its items are not side by side, each of its columns in the "
            "questionnaire's order", columns, format_func=label_of,
            key=f"one_step_columns_{mapping_version()}")
        use_them = st.form_submit_button("Use these columns as its items")
    picked = (one_by_one if one_by_one
              else column_range(columns, first, last) if first and last else [])
    if use_them:
        try:
            with_items = with_scale_items(edited, scales[scale_key], picked)
        except UserFacingError as error:
            st.error(str(error), icon=":material/block:")
        else:
            keys = dict.fromkeys([*chosen_scales, scale_key,
                                  *scales_in_rows(with_items, scales)])
            updated = mapping_from_rows(with_items, mapping, {k: scales[k] for k in keys})
            use_mapping(mapping_to_json(updated))
            st.rerun()

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
scored = dict.fromkeys([*chosen_scales, *scales_in_rows(edited, scales)])
pending = mapping_from_rows(edited, mapping, {k: scales[k] for k in scored})
st.markdown("**Survey waves**")
wave_rows = wave_value_rows(frames, pending)
wide_rows = wide_wave_rows(pending)
if len(files) > 1:
    st.caption("One file per wave: the wave of each file is set above, next to the files.")
elif pending.wide_waves or not pending.wave:
    st.caption("A **wide** file has one row per participant and each wave's answers in its "
               "own columns, named with a prefix (pre_, post_) or a suffix (_6m). Say which "
               "prefix or suffix is which wave; the table above then lists each question "
               "once. A long file (one row per participant and wave) needs its wave column "
               "chosen above instead.")
    wide_rows = st.data_editor(
        wide_rows, key=f"wide_waves_{mapping_version()}", hide_index=True, width="stretch",
        num_rows="dynamic",
        column_config={"pattern": st.column_config.TextColumn(
                           "Prefix or suffix in the column names", help="e.g. pre_ or _6m"),
                       "wave": st.column_config.TextColumn("Wave", help="e.g. baseline")})
if pending.wave and not wave_rows.empty:
    st.caption(f"Each value of the wave column **{pending.wave}** and the wave it counts "
               "as; give two values the same name to make them one wave (a REDCap "
               "project's arms).")
    wave_columns = st.columns(min(len(wave_rows), 4))
    for i, row in enumerate(wave_rows.itertuples()):
        wave_rows.loc[i, "wave"] = wave_columns[i % len(wave_columns)].text_input(
            f"{row.value} ({int(row.rows):,} rows)", value=str(row.wave),
            key=f"wave_value_{mapping_version()}_{pending.wave}_{i}")
elif pending.wave:
    st.warning(f"The column **{pending.wave}** does not look like a wave column (too many "
               "different values). Choose another column as the wave.", icon=":material/rule:")

st.markdown("**Who was coached?**")
group_rows = group_value_rows(frames, pending)
everyone_coached = mapping.everyone_coached
if pending.group and not group_rows.empty:
    st.caption(f"Each value of the column **{pending.group}**, with its number of "
               "participants. Say which values are the coached group and which the "
               "comparison group; \"left out\" leaves those people out of every result.")
    choices = [UNASSIGNED, *GROUP_CHOICES]
    for i, row in enumerate(group_rows.itertuples()):
        n = int(row.participants)
        picked = st.radio(
            f"**{row.value}** ({n:,} participant{'' if n == 1 else 's'})", choices,
            index=choices.index(row.counts_as), horizontal=True,
            format_func=lambda c: c or "not assigned yet",
            key=f"group_value_{mapping_version()}_{pending.group}_{i}")
        group_rows.loc[i, "counts_as"] = picked
    unassigned = int((group_rows["counts_as"] == UNASSIGNED).sum())
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

# How the file numbers the answers: a numeric export writes a 0-6 "Never" as 1.
numbered_choices = numbering_choices({k: scales[k] for k in scored})
one_step_high = [k for k in scales_numbered_from_one(prepared.findings) if k in scales]
numbered = list(mapping.numbered_from)
fix_numbering = False
if numbered_choices or numbered or one_step_high:
    st.markdown("**How your file numbers the answers**")
    if one_step_high:
        st.warning(f"**Your file seems to number the answers from 1.** "
                   f"{numbering_words(one_step_high, scales)}", icon=":material/looks_one:")
        fix_numbering = st.button("Yes: the answers are numbered from 1", type="primary",
                                  icon=":material/check:", key="numbered_from_one")
    numbered = st.multiselect(
        "Questionnaires whose answers your file numbers from 1 (1 = the lowest answer, "
        "e.g. \"Never\"), not from 0",
        list(dict.fromkeys([*numbered_choices, *numbered])), default=numbered,
        format_func=lambda key: scales[key].label if key in scales else key,
        key=f"numbered_from_{mapping_version()}",
        help="Leave empty when your file holds the answers' words (choice text) or "
             "numbers them as the questionnaire does.")
    if fix_numbering:
        numbered = list(dict.fromkeys([*numbered, *one_step_high]))

follow_up_end = mapping.follow_up_end
roster_upload = st.session_state.get(state.ROSTER)
roster_choice: dict[str, str | None] | None = None
if roster_upload is not None:
    st.markdown("**Roster**")
    roster_columns = [str(c) for c in state.roster_frame(
        state.files_digest((roster_upload,), None), roster_upload).columns]
    suggested = roster_columns_used(state.roster_frame(
        state.files_digest((roster_upload,), None), roster_upload), pending)
    st.caption(f"Which column of the roster **{roster_upload.name}** is what, suggested from "
               "the column names. Retention needs the participant code and either the "
               "start date (with the left date) or a still-employed status; choose \""
               f"{NOT_IN_ROSTER}\" for what your roster does not have.")
    roster_choices = [NOT_IN_ROSTER, *roster_columns]
    grid = st.columns(3)
    roster_choice = {}
    for i, (name, question) in enumerate(ROSTER_QUESTIONS.items()):
        current = suggested.get(name)
        roster_choice[name] = grid[i % 3].selectbox(
            question, roster_choices,
            index=roster_choices.index(current) if current in roster_choices else 0,
            key=f"roster_{name}_{mapping_version()}")
    chosen_end = st.date_input(
        "Follow-up end: the last date exits were recorded", format="YYYY-MM-DD",
        value=date.fromisoformat(mapping.follow_up_end) if mapping.follow_up_end else None,
        key=f"follow_up_end_{mapping_version()}",
        help="People still employed are followed up to this date. Needed when the roster "
             "has no follow-up end column; where it has one, this fills its blanks.")
    follow_up_end = chosen_end.isoformat() if chosen_end else None

if st.button("Apply this mapping", type="primary", icon=":material/check:",
             key="apply_mapping", disabled=bool(duplicates),
             help="Fix the columns chosen twice first." if duplicates else None) or (
                 fix_numbering and not duplicates):
    new = with_group_values(pending, group_rows) if pending.group else pending
    new = replace(new, everyone_coached=bool(everyone_coached and not new.group),
                  follow_up_end=follow_up_end)
    new = with_numbered_from(new, numbered, scales)
    if roster_choice is not None:
        new = with_roster_columns(new, roster_choice)
    if len(files) == 1 and (pending.wide_waves or not pending.wave):
        new = with_wide_waves(new, wide_rows)
    if new.wave and not wave_rows.empty:
        new = with_wave_names(new, wave_rows)
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
    st.page_link("app_pages/outcomes.py", label="See the outcomes", icon=":material/arrow_forward:")
else:
    st.error(f"**{blocking} blocking problem(s)** stop the analysis: fix them above (or in "
             "your file) and the pages will switch to your data.", icon=":material/block:")
