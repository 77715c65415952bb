"""Overview for executives: the headline numbers and what they mean, with caveats."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from analysis.present.report import key_findings, overview_kpis
from dashboard import resampling, state, widgets

data = widgets.page_start("Coaching program: the results at a glance")
summary = state.page_summary(
    data, ("pre_post", "group_comparison", "prevalence_change", "retention"),
    state.chosen_outcome_key())
outcome = widgets.chosen_outcome(summary)
# The ROI rests on the retention bootstrap: the other cards come first, the ROI after.
roi_inputs, roi, roi_job = state.resampled_roi(data)

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

st.subheader("What the data show")
for finding in key_findings(summary, outcome.key, roi):
    widgets.finding_box(finding)

st.caption(
    "Every number comes with its interval: a 95 % confidence interval for the statistics "
    "and a 90 % interval for the simulated ROI. A result is only called an improvement when "
    "its interval excludes no change. Details: **Outcomes**, **Groups & cohorts**, "
    "**Retention** and **ROI**; everything can be downloaded under **Downloads**."
)
