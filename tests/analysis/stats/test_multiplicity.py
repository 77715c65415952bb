"""Holm's step-down adjustment (methods §5), checked against statsmodels and published
examples, never against the module's own output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from analysis.stats.multiplicity import add_holm_column, holm_adjust


def test_holm_reproduces_the_pingouin_documentation_example():
    # pingouin.holm documentation: p = [.50, .003, .32, .054, .0003]
    # → adjusted [0.64, 0.012, 0.64, 0.162, 0.0015].
    adjusted = holm_adjust([0.50, 0.003, 0.32, 0.054, 0.0003])
    assert adjusted == pytest.approx([0.64, 0.012, 0.64, 0.162, 0.0015], abs=1e-12)


def test_holm_step_down_worked_by_hand():
    # Holm (1979): sort p, multiply the i-th smallest by m − i + 1, carry the running
    # maximum, cap at 1. m = 4: 0.005·4 = 0.02; 0.011·3 = 0.033; 0.02·2 = 0.04;
    # 0.8·1 = 0.8. Ties keep the larger running maximum.
    assert holm_adjust([0.02, 0.005, 0.8, 0.011]) == pytest.approx([0.04, 0.02, 0.8, 0.033])
    assert holm_adjust([0.3, 0.3, 0.6]) == pytest.approx([0.9, 0.9, 0.9])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30))
def test_holm_matches_statsmodels_multipletests(p_values):
    expected = multipletests(p_values, method="holm")[1]
    assert holm_adjust(p_values) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1, allow_nan=False), st.none()), min_size=1,
                max_size=30))
def test_holm_is_never_below_raw_is_monotone_and_capped(p_values):
    adjusted = holm_adjust(p_values)
    raw = np.array([np.nan if p is None else p for p in p_values])
    present = ~np.isnan(raw)
    assert np.array_equal(np.isnan(adjusted), ~present)
    assert np.all(adjusted[present] >= raw[present] - 1e-15)
    assert np.all(adjusted[present] <= 1)
    order = np.argsort(raw[present], kind="stable")
    assert np.all(np.diff(adjusted[present][order]) >= -1e-15)


def test_missing_p_values_stay_missing_and_do_not_count():
    adjusted = holm_adjust([0.01, None, np.nan, pd.NA, 0.04])
    assert adjusted[0] == pytest.approx(0.02) and adjusted[4] == pytest.approx(0.04)
    assert np.isnan(adjusted[1:4]).all()
    assert holm_adjust([]).size == 0
    assert np.isnan(holm_adjust([None, None])).all()


def test_p_values_outside_zero_to_one_are_rejected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        holm_adjust([0.2, 1.5])


def test_add_holm_column_adjusts_across_outcomes_within_each_method():
    table = pd.DataFrame({
        "outcome": ["ee", "dp", "pa", "ee", "dp", "pa"],
        "method": ["Welch"] * 3 + ["ANCOVA"] * 3,
        "p_value": pd.array([0.01, 0.04, None, 0.02, 0.03, 0.5], dtype="Float64"),
    })
    out = add_holm_column(table)
    assert list(out.columns) == ["outcome", "method", "p_value", "p_holm"]
    welch = multipletests([0.01, 0.04], method="holm")[1]
    ancova = multipletests([0.02, 0.03, 0.5], method="holm")[1]
    assert out["p_holm"].iloc[:2].to_numpy(float) == pytest.approx(welch)
    assert pd.isna(out["p_holm"].iloc[2])
    assert out["p_holm"].iloc[3:].to_numpy(float) == pytest.approx(ancova)
    assert str(out["p_holm"].dtype) == "Float64"
    pd.testing.assert_frame_equal(out.drop(columns="p_holm"), table)


def test_add_holm_column_with_no_family_treats_the_table_as_one_family():
    table = pd.DataFrame({"method": ["a", "b", "c"], "p_value": [0.01, 0.02, 0.03]})
    out = add_holm_column(table, family=())
    assert out["p_holm"].to_numpy(float) == pytest.approx([0.03, 0.04, 0.04])


def test_add_holm_column_is_unaffected_by_row_order():
    rng = np.random.default_rng(5)
    table = pd.DataFrame({
        "method": rng.choice(["x", "y"], 20), "outcome": [f"o{i}" for i in range(20)],
        "p_value": rng.uniform(0, 0.2, 20),
    })
    shuffled = table.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(
        add_holm_column(table).sort_values("outcome").reset_index(drop=True),
        add_holm_column(shuffled).sort_values("outcome").reset_index(drop=True),
    )


def test_add_holm_column_names_a_missing_column():
    with pytest.raises(KeyError, match="p_value"):
        add_holm_column(pd.DataFrame({"method": ["a"]}))


def test_holm_over_compare_groups_tables_of_several_outcomes():
    from analysis.model.schema import Outcome
    from analysis.stats.group_comparison import compare_groups

    rng = np.random.default_rng(2)
    n = 60
    groups = np.array(["coached"] * 30 + ["comparison"] * 30)
    base = pd.DataFrame({"participant_id": [f"P{i}" for i in range(n)], "group": groups})
    scores = {key: rng.normal(30, 8, (2, n)) for key in ("ee", "dp", "pa")}
    long = pd.concat([
        base.assign(wave=wave, **{key: values[index] for key, values in scores.items()})
        for index, wave in enumerate(["baseline", "12m"])
    ], ignore_index=True)
    long["wave"] = pd.Categorical(long["wave"], categories=["baseline", "12m"], ordered=True)
    tables = [
        compare_groups(long, Outcome(key, key, False, 0, 54), n_resamples=200)
        for key in scores
    ]
    out = add_holm_column(pd.concat(tables, ignore_index=True))
    welch = out[out["method"] == "Difference in mean change (Welch)"]
    expected = multipletests(welch["p_value"].to_numpy(float), method="holm")[1]
    assert welch["p_holm"].to_numpy(float) == pytest.approx(expected)
    prevalence = out[out["method"] == "Prevalence difference-in-differences"]
    assert prevalence["p_holm"].isna().all()
