"""Disclosure control: no statistic over fewer than k people, nothing recoverable by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import (
    complementary_suppression_mask,
    format_count,
    suppress_breakdown,
    suppress_small_cells,
    suppressed_reading,
)
from analysis.model.errors import DisclosureSettingError

counts = st.lists(st.integers(0, 60), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(cells=counts, k=st.integers(2, 11))
def test_no_small_cell_is_shown_and_a_lone_hidden_cell_always_gets_a_partner(cells, k):
    hide = complementary_suppression_mask(cells, k)
    shown = [c for c, h in zip(cells, hide, strict=True) if not h]
    assert all(c >= k for c in shown)
    # With the total shown, one hidden cell would equal total − sum(shown).
    assert hide.sum() != 1 or len(cells) == 1
    if sum(cells) < k:
        assert hide.all()


@settings(max_examples=200, deadline=None)
@given(cells=counts, k=st.integers(2, 11))
def test_the_partner_is_the_smallest_cell_that_could_be_shown(cells, k):
    primary = np.asarray(cells) < k
    hide = complementary_suppression_mask(cells, k)
    if primary.sum() == 1 and len(cells) > 1 and sum(cells) >= k:
        extra = np.flatnonzero(hide & ~primary)
        assert len(extra) == 1
        assert cells[extra[0]] == min(c for c, p in zip(cells, primary, strict=True) if not p)
    else:
        assert (hide == primary).all() or sum(cells) < k


def test_worked_example_of_a_three_way_breakdown():
    # improved 3, unchanged 40, worse 12 with k = 5: 3 is hidden, and 12 (the next
    # smallest) too, or else 3 = 55 − 40 − 12.
    assert complementary_suppression_mask([3, 40, 12], 5).tolist() == [True, False, True]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30),
                            st.floats(-50, 50, allow_nan=False)), min_size=1, max_size=10),
    k=st.integers(2, 10),
)
def test_a_row_with_a_count_below_k_exposes_no_statistic(rows, k):
    table = pd.DataFrame(rows, columns=["n_coached", "n_comparison", "estimate"])
    table["label"] = [f"row {i}" for i in range(len(table))]
    table["reading"] = "a sentence with the numbers"
    safe = suppress_small_cells(table, k, count_columns=["n_coached", "n_comparison"],
                                label_columns=["label"])
    small = (table["n_coached"] < k) | (table["n_comparison"] < k)
    assert safe["suppressed"].tolist() == small.tolist()
    assert safe.loc[small, "estimate"].isna().all()
    assert (safe.loc[small, "reading"] == suppressed_reading(k)).all()
    for column in ("n_coached", "n_comparison"):
        hidden = table[column] < k
        assert safe.loc[hidden, column].isna().all()
        assert (safe.loc[~hidden, column] == table.loc[~hidden, column]).all()
    assert (safe.loc[~small, "estimate"] == table.loc[~small, "estimate"]).all()
    assert (safe["label"] == table["label"]).all()


def test_breakdowns_are_suppressed_within_each_total_and_take_their_percentages_along():
    table = pd.DataFrame({
        "group": ["coached"] * 3 + ["comparison"] * 3,
        "category": ["improved", "unchanged", "worse"] * 2,
        "n": [3, 40, 12, 20, 25, 9],
        "pct": [5.5, 72.7, 21.8, 37.0, 46.3, 16.7],
    })
    safe = suppress_breakdown(table, "n", 5, by=["group"], derived_columns=["pct"])
    assert safe["suppressed"].tolist() == [True, False, True, False, False, False]
    assert safe.loc[[0, 2], ["n", "pct"]].isna().all(axis=None)
    assert safe.loc[3:, "n"].tolist() == [20, 25, 9]


def test_withheld_counts_read_less_than_k():
    assert format_count(pd.NA, 5) == "< 5"
    assert format_count(1234, 5) == "1,234"


def test_users_may_raise_k_but_never_lower_it(monkeypatch):
    assert resolve_min_cell() == 5
    assert resolve_min_cell(8) == 8
    with pytest.raises(DisclosureSettingError, match="below this deployment's floor"):
        resolve_min_cell(4)
    monkeypatch.setenv("COACHING_EVAL_MIN_CELL", "11")
    assert resolve_min_cell() == 11
    with pytest.raises(DisclosureSettingError):
        resolve_min_cell(10)
    monkeypatch.setenv("COACHING_EVAL_MIN_CELL", "1")
    with pytest.raises(DisclosureSettingError, match="below 2"):
        resolve_min_cell()
