"""Overview for executives: one chart, the headline numbers and what they mean, with caveats."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from analysis.model.errors import ReferenceFileError
from analysis.present import figures
from analysis.present.overview import key_findings, overview_kpis, roi_statement
from analysis.present.references import load_reference_file, references_csv
from analysis.workspace import Permission
from dashboard import resampling, session, state, widgets

data = widgets.page_start("Coaching program: the results at a glance")
summary = state.page_summary(
    data, ("pre_post", "group_comparison", "prevalence", "prevalence_change", "trend",
           "retention"), state.chosen_outcome_key())
outcome = widgets.chosen_outcome(summary)
# The ROI rests on the retention bootstrap: the other cards come first, the ROI after.
roi_inputs, roi, roi_job = state.resampled_roi(data)
references = state.references()

st.caption(
    f"{outcome.label}, {summary.pre_wave} to {summary.post_wave}; minimum group size "
    f"{summary.k}. Change the outcome, the waves and the filters in the sidebar."
)
kpis = overview_kpis(summary, outcome.key, roi)
if roi_inputs is None:
    kpis[-1] = replace(kpis[-1], value="…", detail="Simulating the ROI…",
                       help="The ROI appears here when the retention bootstrap is done.")
widgets.kpi_cards(kpis)
if roi_inputs is None:
    resampling.wait_here(roi_job)
widgets.no_comparison_warning(summary.has_comparison)

lines = references.for_outcome(outcome)
widgets.chart(
    figures.overview_figure(summary.prevalence, summary.trend, outcome, summary.k, lines,
                            events=session.action_log()),
    ("Dotted: " + "; ".join(f"{r.instrument}, {r.definition}, {r.year} ({r.source})"
                            for r in lines)) if lines else
    f"No national reference uses the same instrument and definition as {outcome.label} "
    "with its current cut-off, so none is drawn.",
    key="overview_chart")

statement = roi_statement(roi)
if statement is not None and statement.defaults:
    st.warning(f"**The ROI uses placeholder costs.** {statement.defaults_note}",
               icon=":material/edit_note:")

st.subheader("What the data show")
for finding in key_findings(summary, outcome.key, roi):
    widgets.finding_box(finding)

with st.expander("Reference lines: national figures or your own", icon=":material/flag:"):
    st.caption(f"Shipped file version {state.shipped_reference_version()}. A line is drawn "
               "only against the same instrument and definition. Load your own (for example "
               "your health system's last survey) with the same columns as the template.")
    left, right = st.columns(2)
    own = left.file_uploader("Your reference file (.csv or .toml)", type=["csv", "toml"],
                             key="reference_file")
    if own is not None:
        try:
            st.session_state[state.REFERENCES] = (own.name, own.getvalue())
            loaded = load_reference_file(own.getvalue(), own.name)
        except ReferenceFileError as error:
            st.session_state.pop(state.REFERENCES, None)
            st.error(f"This reference file cannot be used: {error}")
        else:
            st.success(f"{len(loaded.lines)} line(s) from {own.name}; those that match the "
                       "chosen outcome's instrument and cut-off are drawn.")
    else:
        st.session_state.pop(state.REFERENCES, None)
    if session.may(Permission.DOWNLOAD):  # executives take no file, not even this one
        right.download_button("Reference file template (CSV)",
                              session.logged("reference file template",
                                             references_csv(references)),
                              file_name="reference_lines.csv", mime="text/csv",
                              icon=":material/download:", key="reference_template",
                              on_click="ignore")

st.caption(
    "Every number comes with its interval: a 95 % confidence interval for the statistics "
    "and a 90 % interval for the simulated ROI. A result is only called an improvement when "
    "its interval excludes no change. Details: **Outcomes**, **Groups & cohorts**, "
    "**Retention** and **ROI**; everything can be downloaded under **Downloads**."
)
