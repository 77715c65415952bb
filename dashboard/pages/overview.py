"""Overview for executives: the headline numbers and what they mean, with caveats."""

from __future__ import annotations

import streamlit as st

from analysis.present.report import key_findings, overview_kpis
from dashboard import state, widgets

data = widgets.page_start("Coaching program: the results at a glance")
summary = state.current_summary(data)
outcome = widgets.chosen_outcome(summary)
roi = state.current_roi(summary, data)

st.caption(
    f"{outcome.label}, {summary.pre_wave} to {summary.post_wave}; minimum group size "
    f"{summary.k}. Change the outcome, the waves and the filters in the sidebar."
)
widgets.kpi_cards(overview_kpis(summary, outcome.key, roi))
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
