"""Sidebar choices hold while a page without the sidebar (Programs, Audit) is open:
Streamlit forgets a widget's value when a run does not draw it, so the sidebar keeps its
choices itself (widgets.kept_choice and widgets.keep). The same walk in Chromium is in
tests/browser/test_app_in_browser.py."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import state
from tests.dashboard.conftest import new_app, open_page


def _script():
    import streamlit as st

    from dashboard.widgets import keep, kept_choice, kept_selection

    options = ["baseline", "6m", "12m"]
    if st.session_state.get("sidebar_shown", True):
        if st.session_state.get("kept_by_the_app", True):
            chosen, restored = kept_choice("to_wave", lambda v: v in options, options[-1])
            keep("to_wave", st.selectbox("To wave", options, key="to_wave",
                                         index=0 if restored else options.index(chosen)))
        else:  # a bare widget, as Streamlit keeps it
            st.selectbox("To wave", options, key="to_wave", index=2)
        sites, restored = kept_selection("site", ["North", "South"])
        keep("site", st.multiselect("Site", ["North", "South"], key="site",
                                    default=None if restored else sites))
    st.write("page")


def _away_and_back(at: AppTest) -> None:
    at.session_state["sidebar_shown"] = False  # a page without the sidebar
    at.run()
    at.session_state["sidebar_shown"] = True  # back to a results page
    at.run()
    assert not at.exception


def _walk(kept_by_the_app: bool) -> str:
    at = AppTest.from_function(_script)
    at.session_state["kept_by_the_app"] = kept_by_the_app
    at.run()
    at.selectbox(key="to_wave").set_value("6m").run()
    _away_and_back(at)
    return at.selectbox(key="to_wave").value


def test_a_kept_choice_survives_a_page_without_the_sidebar():
    assert _walk(kept_by_the_app=True) == "6m"


def test_a_bare_widget_would_lose_it():
    """The control: without the kept copy the choice falls back to the default, so the
    test above can fail."""
    assert _walk(kept_by_the_app=False) == "12m"


def test_a_filter_is_kept_and_an_emptied_filter_stays_empty():
    at = AppTest.from_function(_script)
    at.run()
    at.multiselect(key="site").select("North").run()
    _away_and_back(at)
    assert at.multiselect(key="site").value == ["North"]
    at.multiselect(key="site").unselect("North").run()
    assert at.multiselect(key="site").value == []
    _away_and_back(at)
    assert at.multiselect(key="site").value == []


def test_the_app_keeps_every_sidebar_choice_across_the_programs_page():
    at = open_page(new_app(), "outcomes")
    waves = list(at.selectbox(key=state.PRE_WAVE).options)
    at.selectbox(key=state.OUTCOME).select_index(1)
    at.selectbox(key=state.POST_WAVE).set_value(waves[1])
    at.number_input(key=state.MIN_CELL).set_value(12)
    at.run()
    chosen = (at.selectbox(key=state.OUTCOME).value, waves[1], 12)

    open_page(at, "programs")
    assert state.POST_WAVE not in [box.key for box in at.selectbox]  # no sidebar there
    open_page(at, "outcomes")
    assert (at.selectbox(key=state.OUTCOME).value, at.selectbox(key=state.POST_WAVE).value,
            at.number_input(key=state.MIN_CELL).value) == chosen
    assert any(f"change from {waves[0]} to {waves[1]}" in h.value for h in at.subheader)
