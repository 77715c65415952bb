"""Outcomes: how each measure changed, drawn as an estimation plot, with every detail."""

from __future__ import annotations

import streamlit as st

from analysis.present import figures
from dashboard import resampling, state, widgets

TABLES = ("pre_post", "prevalence", "prevalence_change", "reliable_change")

data = widgets.page_start("Outcomes: how much did scores change?")
summary = state.page_summary(data, TABLES, state.chosen_outcome_key())
outcome = widgets.chosen_outcome(summary)
# g_av's BCa interval and the estimation plot's bootstrap follow the numbers.
resampled, summary_job = state.resampled_summary(
    data, ("pre_post",), outcome.key, label="BCa interval of g_av")
k = summary.k
pair = f"{summary.pre_wave} to {summary.post_wave}"
widgets.no_comparison_warning(summary.has_comparison)

st.subheader(f"{outcome.label}: change from {pair}")
groups, estimation_job = state.resampled_estimation(data, summary, outcome.key)
if groups is None:
    st.caption("The estimation plot (5,000 bootstrap resamples of participants) appears "
               "here when it is drawn; the numbers below are ready.")
    resampling.wait_here(estimation_job)
else:
    widgets.chart(
        figures.estimation_plot(groups, outcome, summary.pre_wave, summary.post_wave, k),
        f"Left: scores of the participants who answered at both waves, as counts per score "
        f"band, with the mean ± SD. Right: the mean change (dot) with its 95 % "
        f"bias-corrected bootstrap interval (bar) and the distribution of 5,000 bootstrap "
        f"resamples. {outcome.good_direction.capitalize()}. "
        + figures.PRIVACY_CAPTION.format(k=k),
        key="estimation",
    )
    for group in groups:
        if group.note:
            st.caption(group.note)

# The resampled table once it is in (the same numbers plus g_av's BCa interval).
table = resampled.pre_post if resampled is not None else summary.pre_post
rows = table[table["outcome"] == outcome.key]
for reading in rows["reading"].dropna():
    st.markdown(f"- {reading}")

widgets.chart(
    figures.distribution_figure(state.wave_bins(summary, outcome.key, data), outcome, k,
                                list(summary.waves)),
    "Everyone who answered at each wave, not only the matched participants.",
    key="distribution")
if outcome.cutoff is not None:
    widgets.chart(figures.prevalence_figure(summary.prevalence, outcome, k),
                  f"Cut-off: {outcome.cutoff.source}.", key="prevalence")
else:
    st.info(f"{outcome.label} has no published cut-off, so no prevalence is shown.")

if outcome.cutoff is not None:
    change = summary.prevalence_change[summary.prevalence_change["outcome"] == outcome.key]
    for reading in change["reading"].dropna():
        st.markdown(f"- {reading}")

widgets.chart(figures.reliable_change_figure(summary.reliable_change, outcome, k),
              "Reliable change (Jacobson & Truax 1991): a change larger than the measure's "
              "own error would produce in 95 % of cases.", key="reliable_change")

st.subheader("The numbers")
widgets.people_table(rows, {
    "group": ("Group", "text"),
    "n_pre": (f"n at {summary.pre_wave}", "count"),
    "n": ("n matched", "count"),
    "pct_lost": ("Lost to follow-up", "pct100"),
    "mean_pre": (f"Mean {summary.pre_wave}", "score"),
    "mean_post": (f"Mean {summary.post_wave}", "score"),
    "mean_change": ("Mean change", "signed"),
    "change_ci_low|change_ci_high": ("95 % CI", "ci"),
    "p_value": ("p (paired t)", "p"),
    "wilcoxon_p": ("p (Wilcoxon)", "p"),
    "g_av": ("Hedges' g_av", "signed2"),
    "g_av_ci_low|g_av_ci_high": ("g_av 95 % CI (BCa)", "ci2"),
    "reading": ("What it means", "text"),
}, k, key="pre_post_table")
if resampled is None:
    resampling.wait_here(summary_job)
if st.toggle("Show every outcome", key="outcomes_show_all"):
    every = state.page_summary(data, ("pre_post",))
    widgets.people_table(every.pre_post, {
        "outcome_label": ("Outcome", "text"), "group": ("Group", "text"),
        "n": ("n matched", "count"), "mean_change": ("Mean change", "signed"),
        "change_ci_low|change_ci_high": ("95 % CI", "ci"),
        "g_av": ("g_av", "signed2"), "reading": ("What it means", "text"),
    }, k, key="all_outcomes_table")
