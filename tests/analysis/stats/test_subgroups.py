"""Subgroup effects and DerSimonian–Laird pooling (methods §5), checked against a published
meta-analysis, statsmodels and scipy, never against the module's own output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from analysis.model.config import resolve_min_cell
from analysis.model.errors import MappingError
from analysis.model.schema import Outcome
from analysis.present.readings import subgroup_readings
from analysis.stats.subgroups import (
    HETEROGENEITY_COLUMNS,
    NOT_RECORDED,
    POOLED_LEVEL,
    SUBGROUP_COLUMNS,
    pooled_random_effects,
)
from analysis.stats.subgroups import forest_table as _forest_table
from analysis.stats.subgroups import subgroup_effects as _subgroup_effects


def _read(table, outcome, kwargs):
    table["reading"] = subgroup_readings(table, [outcome], resolve_min_cell(kwargs.get("k")),
                                         kwargs.get("confidence_level", 0.95))
    return table


def subgroup_effects(responses, outcome, by, **kwargs):
    """subgroup_effects with the sentence the presentation layer adds to each row."""
    return _read(_subgroup_effects(responses, outcome, by, **kwargs), outcome, kwargs)


def forest_table(responses, outcome, by, **kwargs):
    """forest_table with the sentence the presentation layer adds to each row."""
    return _read(_forest_table(responses, outcome, by, **kwargs), outcome, kwargs)

EXHAUSTION = Outcome("ee", "Emotional exhaustion", higher_is_better=False, minimum=0, maximum=54)
STATISTICS = ["estimate", "se", "ci_low", "ci_high", "weight"]

# BCG vaccine trials (Colditz et al. 1994, JAMA 271:698), as dat.bcg in metafor:
# vaccinated TB cases, vaccinated non-cases, control cases, control non-cases.
BCG = np.array([
    [4, 119, 11, 128], [6, 300, 29, 274], [3, 228, 11, 209], [62, 13536, 248, 12619],
    [33, 5036, 47, 5761], [180, 1361, 372, 1079], [8, 2537, 10, 619],
    [505, 87886, 499, 87892], [29, 7470, 45, 7232], [17, 1699, 65, 1600],
    [186, 50448, 141, 27197], [5, 2493, 3, 2338], [27, 16886, 29, 17825],
], dtype=float)


def bcg_log_risk_ratios():
    a, b, c, d = BCG.T
    return np.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)


# --------------------------------------------------------------------------- pooling


def test_dersimonian_laird_reproduces_the_bcg_meta_analysis():
    # Viechtbauer (2010) J Stat Softw 36(3) and metafor's test against Stata's metan:
    # DL on log risk ratios: pooled −0.7141 (95 % CI −1.0644 to −0.3638), τ² = 0.3088,
    # Q(12) = 152.2330, I² = 92.12 %.
    y, v = bcg_log_risk_ratios()
    pooled = pooled_random_effects(y, np.sqrt(v))
    assert pooled.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert pooled.ci_low == pytest.approx(-1.0644, abs=5e-5)
    assert pooled.ci_high == pytest.approx(-0.3638, abs=5e-5)
    assert pooled.tau_squared == pytest.approx(0.3088, abs=5e-5)
    assert pooled.q == pytest.approx(152.2330, abs=5e-5)
    assert pooled.q_df == 12
    assert pooled.i_squared == pytest.approx(92.12, abs=5e-3)  # I² in %
    assert pooled.n_studies == 13
    assert pooled.q_p_value < 1e-20


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 100_000), studies=st.integers(2, 12))
def test_dersimonian_laird_matches_statsmodels_combine_effects(seed, studies):
    rng = np.random.default_rng(seed)
    y = rng.normal(0, 1, studies)
    variance = rng.uniform(0.01, 0.5, studies)
    reference = combine_effects(y, variance, method_re="dl")
    frame = reference.summary_frame()
    pooled = pooled_random_effects(y, np.sqrt(variance))
    assert pooled.q == pytest.approx(reference.q, rel=1e-9)
    if reference.tau2 < 0:
        # statsmodels leaves the moment estimate negative when Q < df; DerSimonian & Laird
        # truncate it at 0, which makes the random-effects pool the fixed-effect one.
        assert pooled.tau_squared == 0 and pooled.i_squared == 0
        expected = frame.loc["fixed effect"]
    else:
        assert pooled.tau_squared == pytest.approx(reference.tau2, rel=1e-9, abs=1e-12)
        assert pooled.i_squared == pytest.approx(100 * max(reference.i2, 0.0), rel=1e-9, abs=1e-10)
        expected = frame.loc["random effect"]
    assert pooled.estimate == pytest.approx(expected["eff"], rel=1e-9, abs=1e-12)
    assert pooled.se == pytest.approx(expected["sd_eff"], rel=1e-9)
    assert pooled.ci_low == pytest.approx(expected["ci_low"], rel=1e-9, abs=1e-12)
    assert pooled.ci_high == pytest.approx(expected["ci_upp"], rel=1e-9, abs=1e-12)


def test_homogeneous_estimates_truncate_tau_squared_at_zero_and_pool_like_fixed_effect():
    y = np.array([1.0, 1.1, 0.9, 1.05])
    se = np.array([0.5, 0.4, 0.6, 0.5])
    pooled = pooled_random_effects(y, se)
    w = 1 / se**2
    assert pooled.tau_squared == 0
    assert pooled.i_squared == 0
    assert pooled.estimate == pytest.approx(w @ y / w.sum())
    assert pooled.se == pytest.approx(1 / np.sqrt(w.sum()))


def test_pooling_fewer_than_two_estimates_explains_instead_of_estimating():
    one = pooled_random_effects(np.array([0.3]), np.array([0.1]))
    none = pooled_random_effects(np.array([]), np.array([]))
    for pooled in (one, none):
        assert np.isnan(pooled.estimate) and np.isnan(pooled.i_squared)
        assert "at least two" in pooled.note
    assert one.n_studies == 1 and none.n_studies == 0


def test_pooling_rejects_non_positive_standard_errors():
    with pytest.raises(ValueError, match="positive"):
        pooled_random_effects(np.array([0.1, 0.2]), np.array([0.1, 0.0]))


# --------------------------------------------------------------------------- subgroup rows


def responses_with_sites(sizes: dict, comparison_sizes: dict | None = None, seed=0,
                         site_b_extra=2.0):
    """Matched coached (and comparison) participants per site, with known changes."""
    rng = np.random.default_rng(seed)
    rows = []
    number = 0
    for group, per_site in (("coached", sizes), ("comparison", comparison_sizes or {})):
        for site, n in per_site.items():
            for _ in range(n):
                pre = rng.normal(30, 8)
                drop = {"coached": 5, "comparison": 1}[group] + (site_b_extra if site == "B" else 0)
                rows.append((f"P{number:04d}", group, site, pre, pre - drop + rng.normal(0, 4)))
                number += 1
    base = pd.DataFrame(rows, columns=["participant_id", "group", "site", "pre", "post"])
    long = pd.concat([
        base.assign(wave="baseline", ee=base["pre"]), base.assign(wave="12m", ee=base["post"]),
    ], ignore_index=True).drop(columns=["pre", "post"])
    long["wave"] = pd.Categorical(long["wave"], categories=["baseline", "12m"], ordered=True)
    return long, base


def test_mean_change_per_level_matches_a_one_sample_t_interval():
    responses, base = responses_with_sites({"A": 20, "B": 15, "C": 12})
    table = subgroup_effects(responses, EXHAUSTION, "site")
    assert list(table.columns) == [*SUBGROUP_COLUMNS, "reading"]  # reading: present layer
    assert table["level"].tolist() == ["A", "B", "C"]
    for _, result in table.iterrows():
        change = (base["post"] - base["pre"])[base["site"] == result["level"]]
        reference = stats.ttest_1samp(change, 0.0)
        ci = reference.confidence_interval(0.95)
        assert result["n"] == change.size
        assert result["estimate"] == pytest.approx(change.mean(), rel=1e-12)
        assert result["se"] == pytest.approx(change.std(ddof=1) / np.sqrt(change.size))
        assert (result["ci_low"], result["ci_high"]) == pytest.approx((ci.low, ci.high))
        assert result["group"] == "coached"


def test_difference_in_change_per_level_matches_welch():
    responses, base = responses_with_sites({"A": 20, "B": 15}, {"A": 18, "B": 16})
    table = subgroup_effects(responses, EXHAUSTION, "site", effect="difference_in_change")
    change = base["post"] - base["pre"]
    for _, result in table.iterrows():
        in_level = base["site"] == result["level"]
        x = change[in_level & (base["group"] == "coached")]
        y = change[in_level & (base["group"] == "comparison")]
        reference = stats.ttest_ind(x, y, equal_var=False)
        ci = reference.confidence_interval(0.95)
        assert result["estimate"] == pytest.approx(x.mean() - y.mean())
        assert (result["ci_low"], result["ci_high"]) == pytest.approx((ci.low, ci.high))
        assert (result["n_coached"], result["n_comparison"]) == (x.size, y.size)
        assert result["group"] == "coached − comparison"


def test_weights_are_random_effects_shares_that_sum_to_100():
    responses, _ = responses_with_sites({"A": 20, "B": 15, "C": 12}, seed=3)
    table = forest_table(responses, EXHAUSTION, "site")
    levels = table[table["level"] != POOLED_LEVEL]
    pooled = table[table["level"] == POOLED_LEVEL].iloc[0]
    se = levels["se"].to_numpy(float)
    w_star = 1 / (se**2 + pooled["tau_squared"])
    assert levels["weight"].to_numpy(float) == pytest.approx(100 * w_star / w_star.sum())
    assert levels["weight"].sum() == pytest.approx(100)


def test_forest_table_pooled_row_is_dersimonian_laird_over_the_shown_levels():
    responses, _ = responses_with_sites({"A": 20, "B": 15, "C": 12}, seed=4, site_b_extra=6)
    table = forest_table(responses, EXHAUSTION, "site")
    assert list(table.columns) == [*SUBGROUP_COLUMNS, *HETEROGENEITY_COLUMNS, "reading"]
    levels = table.iloc[:-1]
    pooled = table.iloc[-1]
    y, se = levels["estimate"].to_numpy(float), levels["se"].to_numpy(float)
    reference = combine_effects(y, se**2, method_re="dl")
    assert reference.tau2 > 0  # heterogeneous sites, so both implementations use τ² as is
    frame = reference.summary_frame().loc["random effect"]
    assert pooled["level"] == POOLED_LEVEL
    assert pooled["estimate"] == pytest.approx(frame["eff"])
    assert (pooled["ci_low"], pooled["ci_high"]) == pytest.approx((frame["ci_low"],
                                                                   frame["ci_upp"]))
    assert pooled["q"] == pytest.approx(reference.q)
    assert pooled["tau_squared"] == pytest.approx(reference.tau2)
    assert pooled["q_df"] == 2
    assert pooled["n"] == 47
    assert levels[list(HETEROGENEITY_COLUMNS)].isna().all().all()
    assert "Pooled over 3 subgroups" in pooled["reading"]


def test_blank_attribute_values_form_a_not_recorded_level():
    responses, _ = responses_with_sites({"A": 20, "B": 15}, seed=5)
    blank = responses["participant_id"].isin([f"P{i:04d}" for i in range(6)])
    responses.loc[blank, "site"] = None
    table = subgroup_effects(responses, EXHAUSTION, "site")
    assert table["level"].tolist() == ["A", "B", NOT_RECORDED]
    assert table.set_index("level").loc[NOT_RECORDED, "n"] == 6


def test_declared_category_order_is_kept():
    responses, _ = responses_with_sites({"A": 8, "B": 9, "C": 10}, seed=6)
    responses["site"] = pd.Categorical(responses["site"], categories=["C", "A", "B"])
    assert subgroup_effects(responses, EXHAUSTION, "site")["level"].tolist() == ["C", "A", "B"]


# --------------------------------------------------------------------------- disclosure


def test_small_level_is_withheld_its_complement_too_and_both_left_out_of_the_pool():
    responses, _ = responses_with_sites({"A": 30, "B": 12, "C": 9, "D": 3}, seed=7)
    table = forest_table(responses, EXHAUSTION, "site")
    by_level = table.set_index("level")
    # D has 3 (< 5): withheld. Exactly one hidden, so the next smallest (C, 9) is hidden
    # too: otherwise D's count and mean would follow from the overall result.
    assert by_level.loc["D", "suppressed"] and by_level.loc["C", "suppressed"]
    assert not by_level.loc["A", "suppressed"] and not by_level.loc["B", "suppressed"]
    for level in ("C", "D"):
        assert by_level.loc[level, ["n", *STATISTICS]].isna().all()
        assert "left out of the pooled estimate" in by_level.loc[level, "note"]
    assert by_level.loc["D", "reading"].startswith("Not shown: fewer than 5")
    assert "subtraction" in by_level.loc["C", "reading"]
    shown = table[table["level"].isin(["A", "B"])]
    expected = pooled_random_effects(shown["estimate"].to_numpy(float),
                                     shown["se"].to_numpy(float))
    assert by_level.loc[POOLED_LEVEL, "estimate"] == pytest.approx(expected.estimate)
    assert by_level.loc[POOLED_LEVEL, "n"] == 42
    assert "2 withheld subgroup(s) are not pooled" in by_level.loc[POOLED_LEVEL, "note"]


def test_difference_in_change_hides_each_count_column_by_its_own_breakdown():
    responses, _ = responses_with_sites({"A": 20, "B": 15, "C": 6},
                                        {"A": 18, "B": 16, "C": 3}, seed=8)
    table = subgroup_effects(responses, EXHAUSTION, "site", effect="difference_in_change")
    by_level = table.set_index("level")
    assert by_level.loc["C", "suppressed"]
    assert pd.isna(by_level.loc["C", "n_comparison"])
    # Within the comparison column one count is hidden, so the next smallest (B) is too.
    assert pd.isna(by_level.loc["B", "n_comparison"])
    # Every coached count is at least 5, so the coached breakdown hides nothing; C's row is
    # withheld for its comparison count, and its coached count of 6 may still be shown.
    assert by_level["n_coached"].tolist() == [20, 15, 6]
    assert by_level.loc["C", ["n", "estimate", "se", "ci_low", "ci_high"]].isna().all()


def test_breaking_down_by_an_unknown_or_reserved_column_is_a_mapping_error():
    responses, _ = responses_with_sites({"A": 10}, seed=9)
    with pytest.raises(MappingError, match="no 'grade' column"):
        subgroup_effects(responses, EXHAUSTION, "grade")
    with pytest.raises(MappingError, match="cannot be broken down"):
        subgroup_effects(responses, EXHAUSTION, "participant_id")


def test_one_shown_level_gives_a_pooled_row_that_explains_why_there_is_no_pool():
    responses, _ = responses_with_sites({"A": 20}, seed=10)
    pooled = forest_table(responses, EXHAUSTION, "site").iloc[-1]
    assert pd.isna(pooled["estimate"]) and pd.isna(pooled["i_squared"])
    assert "at least two" in pooled["reading"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.integers(1, 12), min_size=1, max_size=5),
    k=st.integers(5, 7),
    effect=st.sampled_from(["mean_change", "difference_in_change"]),
)
def test_no_level_with_a_count_below_k_exposes_a_statistic(sizes, k, effect):
    coached = {chr(65 + i): n for i, n in enumerate(sizes)}
    comparison = {chr(65 + i): max(1, 12 - n) for i, n in enumerate(sizes)}
    responses, _ = responses_with_sites(coached, comparison, seed=sum(sizes))
    table = forest_table(responses, EXHAUSTION, "site", k=k, effect=effect)
    levels = table[table["level"] != POOLED_LEVEL]
    count_columns = ["n"] if effect == "mean_change" else ["n_coached", "n_comparison"]
    for column in count_columns:
        shown = levels[column].dropna()
        assert (shown >= k).all()
        # Never exactly one hidden count in a breakdown (complementary suppression).
        assert levels[column].isna().sum() != 1 or len(levels) == 1
    hidden = levels[levels["suppressed"]]
    assert hidden[STATISTICS].isna().all().all()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_row_order_changes_nothing(seed):
    responses, _ = responses_with_sites({"A": 12, "B": 9, "C": 7, "D": 2}, {"A": 8, "B": 6},
                                        seed=seed)
    shuffled = responses.sample(frac=1, random_state=seed)
    for effect in ("mean_change", "difference_in_change"):
        pd.testing.assert_frame_equal(
            forest_table(responses, EXHAUSTION, "site", effect=effect),
            forest_table(shuffled, EXHAUSTION, "site", effect=effect),
            check_exact=False, rtol=1e-9,
        )
