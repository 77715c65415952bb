"""Retention: who was still employed, per group, from the roster."""

from __future__ import annotations

import streamlit as st

from analysis.present import figures
from analysis.present.formatting import percent
from analysis.present.overview import retention_row
from analysis.present.tables import horizon_display
from dashboard import state, widgets

data = widgets.page_start("Retention: did coached physicians stay?")
summary = state.page_summary(data, ("retention",))
k = summary.k
horizon = summary.retention_horizon

if horizon is None or horizon.empty:
    st.info("Retention needs a roster: one row per participant with the program start date "
            "and the exit date (blank while still employed). Upload it on **Data**.",
            icon=":material/how_to_reg:")
    st.stop()

st.caption("Intent-to-leave answers are survey outcomes (see **Outcomes**); they are never "
           "counted as departures here.")
difference = retention_row(summary, "retention difference")
if difference is not None:
    for reading in dict.fromkeys(horizon["reading"].dropna()):  # each sentence once
        st.markdown(f"- {reading}")

if summary.retention_curves is not None and len(summary.retention_curves):
    row = retention_row(summary, "retention")
    months = float(row["horizon_months"]) if row is not None else None
    coached = retention_row(summary, "retention", "coached")
    comparison = retention_row(summary, "retention", "comparison")
    title = "Share of physicians still employed over time"
    if coached is not None and comparison is not None and not coached["suppressed"] \
            and not comparison["suppressed"]:
        title = (f"At {months:g} months, {percent(coached['estimate'], 1)} of coached and "
                 f"{percent(comparison['estimate'], 1)} of comparison physicians were still "
                 "employed")
    widgets.chart(figures.km_figure(summary.retention_curves, months, k, title),
                  "Kaplan–Meier estimates: people still employed at the end of follow-up count "
                  "until then (censored). Shaded: 95 % confidence bands (log-log).",
                  key="km")

st.markdown("**At the horizon**")
notes = list(dict.fromkeys(n for n in horizon["note"].dropna() if n))
shared_note = len(notes) == 1 and horizon["note"].fillna("").eq(notes[0]).all()
widgets.people_table(horizon_display(horizon).drop(columns=["note"] if shared_note else []), {
    "measure": ("Measure", "text"),
    "group": ("Group", "text"),
    "n": ("n", "count"),
    "n_coached": ("n coached", "count"),
    "n_comparison": ("n comparison", "count"),
    "left": ("Left by the horizon", "count"),
    "estimate_text": ("Estimate", "text"),
    "ci_text": ("95 % CI", "text"),
    "note": ("Note", "text"),
}, k, key="horizon_table")
if shared_note:
    st.caption(notes[0])
if summary.retention_logrank is not None and len(summary.retention_logrank):
    for reading in summary.retention_logrank["reading"].dropna():
        st.markdown(f"- {reading}")
