"""Groups & cohorts: coached versus comparison, forest plots by subgroup, trends."""

from __future__ import annotations

import streamlit as st

from analysis.present import figures
from analysis.stats.summary import SUBGROUP_ATTRIBUTES
from dashboard import session, state, widgets

data = widgets.page_start("Groups & cohorts: who changed, and compared with whom?")
summary = state.page_summary(data, ("subgroups", "trend"), state.chosen_outcome_key())
outcome = widgets.chosen_outcome(summary)
k = summary.k

st.subheader("Coached compared with the comparison group")
widgets.no_comparison_warning(summary.has_comparison)
# Every outcome's comparison: Holm's adjustment runs across them (cached apart from the
# outcome, so choosing another outcome costs nothing here).
comparison = state.page_summary(data, ("group_comparison",)).group_comparison
if summary.has_comparison and len(comparison):
    rows = comparison[comparison["outcome"] == outcome.key]
    widgets.chart(figures.comparison_figure(comparison, outcome, k),
                  "ANCOVA (post ~ pre + group) is preferred: it adjusts for baseline "
                  "differences. The change-score difference uses Welch's t-test. The groups "
                  "were not randomised.", key="comparison")
    for reading in rows["reading"].dropna():
        st.markdown(f"- {reading}")
    widgets.people_table(rows, {
        "method": ("Method", "text"),
        "n_coached": ("n coached", "count"),
        "n_comparison": ("n comparison", "count"),
        "estimate": ("Estimate", "signed2"),
        "unit": ("Unit", "text"),
        "ci_low|ci_high": ("95 % CI", "ci2"),
        "p_value": ("p", "p"),
        "p_holm": ("p (Holm, across outcomes)", "p"),
        "favours": ("Favours", "text"),
    }, k, key="comparison_table")

st.subheader("Change by cohort, site, specialty and modality")
present = [by for by in SUBGROUP_ATTRIBUTES
           if len(summary.subgroups) and (summary.subgroups["by"] == by).any()]
if not present:
    st.info("These data have no cohort, site, specialty or modality column to break down by.")
else:
    tabs = st.tabs([by.replace("_", " ").capitalize() for by in present])
    for tab, by in zip(tabs, present, strict=True):
        with tab:
            widgets.chart(figures.forest_plot(summary.subgroups, outcome, by, k),
                          "Squares: each subgroup's mean change (size shows its weight) with "
                          "its 95 % CI. Diamond: the pooled estimate (DerSimonian–Laird random "
                          f"effects). Subgroups with fewer than {k} people are withheld and not "
                          "pooled.", key=f"forest_{by}")
            rows = summary.subgroups[(summary.subgroups["outcome"] == outcome.key)
                                     & (summary.subgroups["by"] == by)]
            widgets.people_table(rows, {
                "level": (by.replace("_", " ").capitalize(), "text"),
                "n": ("n", "count"),
                "estimate": ("Mean change", "signed"),
                "ci_low|ci_high": ("95 % CI", "ci"),
                "weight": ("Weight (%)", "pct100"),
                "reading": ("What it means", "text"),
            }, k, key=f"forest_table_{by}")

st.subheader("Across every survey wave")
widgets.chart(figures.trend_figure(summary.trend, outcome, k, events=session.action_log()),
              "Means with 95 % CIs of everyone who answered at each wave; people who answered "
              "at one wave only are included, so these differ slightly from the matched "
              "analysis.", key="trend")
widgets.people_table(summary.trend[summary.trend["outcome"] == outcome.key], {
    "group": ("Group", "text"), "wave": ("Wave", "text"), "n": ("n", "count"),
    "mean": ("Mean", "score"), "ci_low|ci_high": ("95 % CI", "ci_score"),
}, k, key="trend_table")
