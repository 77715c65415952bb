"""ROI for executives: every assumption with its source, costs against benefits, and how
sure the result is (Monte Carlo, tornado, two-way table)."""

from __future__ import annotations

from pathlib import PurePath

import streamlit as st

from analysis.model.errors import ScenarioError
from analysis.present import figures
from analysis.present.formatting import money, percent
from analysis.present.overview import roi_statement
from analysis.roi.model import format_people
from analysis.roi.scenario import (
    BENEFIT_VIEWS,
    COST_MODELS,
    assumptions_table,
    dump_scenario,
    load_scenario,
    scenario_from_table,
    scenario_with_choices,
)
from analysis.workspace import Permission
from dashboard import resampling, session, state, widgets

COST_MODEL_WORDS = {"one_to_one": "One-to-one sessions", "group": "Group sessions",
                    "contract": "Contract total"}
VIEW_WORDS = {"observed": "Observed: retention difference from the roster",
              "modelled": "Modelled: fall in burnout × turnover model"}

data = widgets.page_start("Return on investment: does coaching pay for itself?")
summary, _, job = state.resampled_roi(data)
if summary is None:
    st.caption("The ROI is simulated from the retention bootstrap; it appears here when "
               "the resampling is done.")
    resampling.wait_here(job)
    st.stop()
base, why = state.current_scenario(summary)  # what the user typed here last, kept
if base is None:
    st.warning(f"No ROI can be worked out from these data yet. {why}",
               icon=":material/payments:")
    st.stop()

with st.expander("Load or save a scenario", icon=":material/save:"):
    loaded = st.file_uploader("Load a scenario file (.json or .toml)", type=["json", "toml"],
                              key="scenario_file")
    if loaded is not None:
        try:
            text = loaded.getvalue().decode("utf-8")
            scenario_loaded = load_scenario(text, PurePath(loaded.name).suffix or "json")
        except (ScenarioError, UnicodeDecodeError) as error:
            st.error(f"This scenario file cannot be used: {error}")
        else:
            as_json = dump_scenario(scenario_loaded)
            if st.session_state.get(state.SCENARIO) != as_json:
                st.session_state[state.SCENARIO] = as_json
                st.session_state.pop(state.SCENARIO_IN_USE, None)
                st.rerun()
            st.success(f"Using the assumptions of {loaded.name}; the effects come from "
                       "these data.")

st.subheader("Assumptions")
st.caption("Every default is editable and shown with its published source. Each value has a "
           "low–high range used by the simulation and the tornado chart.")
left, middle, right = st.columns(3)
participants = left.number_input("People coached", min_value=1, step=1,
                                 value=int(base.participants), key="roi_participants")
cost_model = middle.selectbox("How coaching is paid", COST_MODELS,
                              index=COST_MODELS.index(base.costs.model),
                              format_func=COST_MODEL_WORDS.get, key="roi_cost_model")
view = right.selectbox("Benefit view", BENEFIT_VIEWS,
                       index=BENEFIT_VIEWS.index(base.benefits.view),
                       format_func=VIEW_WORDS.get, key="roi_view",
                       help="The two views are never added together. Observed needs a roster "
                            "with a comparison group; modelled needs a burnout measure at two "
                            "waves.")
include_time = st.checkbox("Count participants' time as a cost",
                           value=base.costs.include_participant_time, key="roi_time")
try:
    chosen = scenario_with_choices(base, participants=participants, cost_model=cost_model,
                                   view=view, include_participant_time=include_time)
except ScenarioError as error:
    st.error(str(error))
    chosen = base

table = assumptions_table(chosen)
table["status"] = ["default" if d else "your figure" for d in table["is_default"]]
edited = st.data_editor(
    table, key="roi_assumptions", hide_index=True, width="stretch",
    disabled=["label", "unit", "source", "status"],
    column_order=["label", "value", "low", "high", "unit", "status", "source"],
    column_config={
        "status": st.column_config.TextColumn(
            "Status", width="small",
            help="'default' until you enter your program's own figure; every ROI shown "
                 "names the inputs that are still defaults."),
        "label": st.column_config.TextColumn("Assumption", width="medium"),
        "value": st.column_config.NumberColumn("Value", format="%,.4g", help="Base value"),
        "low": st.column_config.NumberColumn("Low", format="%,.4g"),
        "high": st.column_config.NumberColumn("High", format="%,.4g"),
        "unit": st.column_config.TextColumn("Unit", width="small"),
        "source": st.column_config.TextColumn("Source", width="large"),
    },
)
try:
    scenario = scenario_from_table(chosen, edited)
except ScenarioError as error:
    st.error(f"{error} The previous value is used until this is fixed.")
    scenario = chosen
in_use, previous = dump_scenario(scenario), st.session_state.get(state.SCENARIO_IN_USE)
st.session_state[state.SCENARIO_IN_USE] = in_use
if scenario != chosen and previous is not None and previous != in_use:
    st.rerun()  # so the table says "your figure" beside what was just typed

roi = state.current_roi(summary, data)
if roi is None or roi.headline is None or roi.monte_carlo is None:
    st.warning(roi.note if roi is not None else "The ROI cannot be computed.",
               icon=":material/block:")
    st.stop()
headline = roi.headline
statement = roi_statement(roi)

st.subheader("The result")
if statement is not None and statement.defaults:
    st.warning(f"**Placeholder costs.** {statement.defaults_note}", icon=":material/edit_note:")
elif statement is not None:
    st.success(statement.defaults_note, icon=":material/check:")
cards = st.columns(4)
cards[0].metric("ROI (median)", statement.value if statement else "–", border=True,
                help=statement.definition.capitalize() if statement else None)
cards[1].metric("ROI (point estimate)", statement.point_text if statement else "–",
                border=True, help="(benefit − cost) / cost × 100 at the base values, with no "
                                  "uncertainty; the headline is the median beside it.")
cards[2].metric("P(ROI > 0)", percent(statement.prob_positive) if statement else "–",
                border=True,
                help=f"Share of {roi.monte_carlo.n_draws:,} simulations in which the "
                     "program returned more than it cost.")
cards[3].metric("Total cost", money(headline.costs), border=True,
                help="Fully loaded costs over the horizon (Phillips ROI Methodology).")
if statement is not None:
    st.markdown(f"**{statement.sentence}**")
if headline.break_even_departures is not None:
    st.info(f"**Break-even:** the program pays for itself if it prevents "
            f"{format_people(headline.break_even_departures)} departures "
            f"({money(headline.costs)} ÷ {money(roi.benefits.value_per_departure)} per "
            f"departure); the {headline.view} estimate is "
            f"{format_people(headline.departures_avoided or 0)}.",
            icon=":material/balance:")
for reading in headline.readings:
    st.markdown(f"- {reading}")

widgets.chart(figures.waterfall_figure(roi.costs.items, headline.benefits, headline.view),
              "Costs count down, the benefit counts up; the last bar is the net benefit.",
              key="waterfall")
widgets.chart(figures.monte_carlo_figure(roi.monte_carlo.draws["roi_pct"].to_numpy(),
                                         roi.monte_carlo.summary, roi.monte_carlo.n_draws,
                                         point=headline.roi_pct),
              " ".join(roi.monte_carlo.readings[1:]), key="monte_carlo")
widgets.chart(figures.tornado_figure(roi.tornado, headline.roi_pct),
              "Each bar moves one assumption from its low to its high value, the others at "
              "their base value.", key="tornado")
if roi.two_way is not None and len(roi.two_way):
    widgets.chart(figures.heat_map_figure(roi.two_way),
                  "ROI for combinations of the replacement cost and the effect.",
                  key="heat_map")

with st.expander("How the benefit is computed"):
    widgets.people_table(roi.benefits.steps, {
        "item": ("Step", "text"), "value": ("Value", "number"), "unit": ("Unit", "text"),
        "source": ("Source", "text"),
    }, summary.k, key="benefit_steps")
    widgets.people_table(roi.costs.items, {
        "item": ("Cost", "text"), "amount": ("Amount", "money"), "detail": ("How", "text"),
        "source": ("Source", "text"),
    }, summary.k, key="cost_items")
st.markdown("**Caveats**")
for caveat in headline.caveats:
    st.caption(f":material/info: {caveat}")

if session.may(Permission.DOWNLOAD):  # executives see the ROI, analysts take files
    save_json, save_toml, _ = st.columns([1, 1, 3])
    save_json.download_button("Save scenario (JSON)", dump_scenario(scenario, "json"),
                              file_name="roi_scenario.json", mime="application/json",
                              icon=":material/download:")
    save_toml.download_button("Save scenario (TOML)", dump_scenario(scenario, "toml"),
                              file_name="roi_scenario.toml", mime="application/toml",
                              icon=":material/download:")
