"""Background jobs (dashboard/resampling.py): a page's two kinds of work never cancel
each other while both wait for a worker; the same work for choices the user has left
is cancelled."""

from __future__ import annotations

import threading

import pytest
import streamlit as st

from dashboard import resampling


@pytest.fixture
def busy_pool():
    """Every worker busy until the test ends, so new jobs stay queued."""
    release = threading.Event()
    blockers = [resampling._POOL.submit(release.wait) for _ in range(resampling._POOL._max_workers)]
    st.session_state.pop(resampling.JOBS, None)
    yield
    release.set()
    for blocker in blockers:
        blocker.result(timeout=10)
    st.session_state.pop(resampling.JOBS, None)


def test_two_kinds_of_work_queued_together_are_both_kept(busy_pool):
    table = resampling.start("table|site=A", "BCa interval of g_av", lambda p: "table")
    plot = resampling.start("plot|site=A", "Drawing the estimation plot", lambda p: "plot")
    again = resampling.start("table|site=A", "BCa interval of g_av", lambda p: "other")
    assert again is table and not table.future.cancelled() and not plot.future.cancelled()


def test_the_same_work_for_a_choice_left_behind_is_cancelled(busy_pool):
    old = resampling.start("table|site=A", "BCa interval of g_av", lambda p: "A")
    new = resampling.start("table|site=B", "BCa interval of g_av", lambda p: "B")
    assert old.future.cancelled() and not new.future.cancelled()
