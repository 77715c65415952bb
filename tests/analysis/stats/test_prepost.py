"""Pre/post change: against scipy, the Lakens (2013) example, and disclosure rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.errors import DisclosureSettingError, UserFacingError
from analysis.model.schema import NO_COMPARISON_CAVEAT, Outcome
from analysis.present.readings import pre_post_readings
from analysis.stats.bootstrap import g_av_interval
from analysis.stats.effect_sizes import cohens_dz
from analysis.stats.pairs import matched_pairs, reuse_matched_pairs
from analysis.stats.prepost import pre_post as _pre_post


def pre_post(responses, outcome, **kwargs):
    """pre_post with the sentence the presentation layer adds to each row."""
    table = _pre_post(responses, outcome, **kwargs)
    table["reading"] = pre_post_readings(table, [outcome], resolve_min_cell(kwargs.get("k")),
                                         kwargs.get("confidence_level", 0.95))
    return table


EXHAUSTION = Outcome("ee", "Emotional exhaustion (MBI-HSS)", False, 0, 54)
RATING = Outcome("rating", "Rating", True, 1, 10)
WAVES = ["baseline", "6m", "12m"]
STATISTICS = ["mean_change", "change_ci_low", "t", "p_value", "d_z", "g_av", "g_av_ci_low",
              "n_lost", "pct_lost", "mean_pre", "sd_pre"]


def responses_from(groups: dict[str, tuple[np.ndarray, np.ndarray]], key: str = "ee",
                   dropouts: dict[str, int] | None = None) -> pd.DataFrame:
    """Long responses: per group, baseline scores and 12m scores (NaN = no follow-up)."""
    rows = []
    for group, (pre, post) in groups.items():
        lost = (dropouts or {}).get(group, 0)
        for i, (before, after) in enumerate(zip(pre, post, strict=True)):
            pid = f"{group}-{i:04d}"
            rows.append({"participant_id": pid, "wave": "baseline", "group": group,
                         "site": "north" if i % 2 else "south", key: before})
            if i >= lost:
                rows.append({"participant_id": pid, "wave": "12m", "group": group,
                             "site": "north" if i % 2 else "south", key: after})
    frame = pd.DataFrame(rows)
    frame["wave"] = pd.Categorical(frame["wave"], categories=WAVES, ordered=True)
    return frame


def simulated(n_coached=40, n_comparison=30, seed=0, dropouts=None):
    rng = np.random.default_rng(seed)
    groups = {}
    for group, n, shift in (("coached", n_coached, -4.0), ("comparison", n_comparison, -0.5)):
        pre = rng.normal(27, 10, n).round()
        groups[group] = (pre, (pre + shift + rng.normal(0, 6, n)).round())
    return responses_from(groups, dropouts=dropouts)


def test_statistics_match_scipy_and_effect_size_functions():
    data = simulated(dropouts={"coached": 6})
    table = pre_post(data, EXHAUSTION, n_resamples=500, seed=3).set_index("group")
    pairs = matched_pairs(data, "ee", "baseline", "12m")
    coached = pairs[pairs["group"] == "coached"]
    pre, post = coached["pre"].to_numpy(), coached["post"].to_numpy()
    row = table.loc["coached"]
    test = stats.ttest_rel(post, pre)
    interval = test.confidence_interval(0.95)
    assert row["n_pre"] == 40 and row["n"] == 34 and row["n_lost"] == 6
    assert row["pct_lost"] == pytest.approx(15.0)
    assert row["mean_change"] == pytest.approx(np.mean(post - pre))
    assert row["sd_change"] == pytest.approx(np.std(post - pre, ddof=1))
    assert row["change_ci_low"] == pytest.approx(interval.low)
    assert row["change_ci_high"] == pytest.approx(interval.high)
    assert row["t"] == pytest.approx(test.statistic)
    assert row["df"] == 33
    assert row["p_value"] == pytest.approx(test.pvalue)
    assert row["wilcoxon_p"] == pytest.approx(stats.wilcoxon(post, pre).pvalue)
    dz = cohens_dz(post - pre)
    assert (row["d_z"], row["d_z_ci_low"], row["d_z_ci_high"]) == pytest.approx(
        (dz.value, dz.ci_low, dz.ci_high))
    g = g_av_interval(pre, post, n_resamples=500, seed=3)
    assert (row["g_av"], row["g_av_ci_low"], row["g_av_ci_high"]) == pytest.approx(
        (g.estimate, g.ci_low, g.ci_high))
    assert bool(row["improved"]) is True  # exhaustion fell and lower is better


def test_lakens_movie_example_through_the_table():
    # Lakens (2013), Front. Psychol. 4:863, Table 1; paper: t(9) = 4.74, d_z = 1.50, d_av = 1.13.
    second = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7], dtype=float)
    first = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], dtype=float)
    data = responses_from({"coached": (second, first)}, key="rating")
    row = pre_post(data, RATING, n_resamples=300).iloc[0]
    assert round(row["t"], 2) == 4.74
    assert round(row["d_z"], 2) == 1.50
    assert round(row["d_av"], 2) == 1.13
    assert row["mean_change"] == pytest.approx(1.0)


def test_reading_names_direction_interval_people_and_effect():
    data = simulated(n_coached=60, seed=4)
    row = pre_post(data, EXHAUSTION, n_resamples=300).set_index("group").loc["coached"]
    fall = f"{-row['mean_change']:.1f}"
    expected = f"Emotional exhaustion (MBI-HSS) fell by {fall} points (95 % CI "
    assert row["reading"].startswith(expected)
    assert "among 60 coached physicians followed up from baseline to 12m" in row["reading"]
    assert "lower is better, so this is an improvement" in row["reading"]
    assert "g_av = \u2212" in row["reading"]


def test_interval_including_zero_is_described_as_no_distinguishable_change():
    rng = np.random.default_rng(5)
    pre = rng.normal(20, 5, 30).round()
    data = responses_from({"coached": (pre, pre + rng.normal(0, 5, 30).round())})
    row = pre_post(data, EXHAUSTION, n_resamples=300).iloc[0]
    assert row["change_ci_low"] <= 0 <= row["change_ci_high"]
    assert "not distinguishable from no change" in row["reading"]


def test_rows_below_k_are_withheld_but_keep_independent_counts_of_k_or_more():
    data = simulated(n_coached=12, n_comparison=8, dropouts={"coached": 8, "comparison": 0})
    table = pre_post(data, EXHAUSTION, k=5, n_resamples=200).set_index("group")
    coached = table.loc["coached"]
    assert coached["suppressed"]
    assert coached["n_pre"] == 12 and pd.isna(coached["n"]) and pd.isna(coached["n_post"])
    assert all(pd.isna(coached[c]) for c in STATISTICS)
    assert coached["reading"].startswith("Not shown: fewer than 5")
    assert not table.loc["comparison", "suppressed"]


def test_requested_k_below_the_floor_is_refused():
    with pytest.raises(DisclosureSettingError):
        pre_post(simulated(), EXHAUSTION, k=3)


def test_no_comparison_group_adds_the_caveat_to_coached_rows():
    data = simulated()
    coached_only = data[data["group"] == "coached"]
    table = pre_post(coached_only, EXHAUSTION, n_resamples=200)
    assert list(table["group"]) == ["coached"]
    assert NO_COMPARISON_CAVEAT in table.loc[0, "note"]
    with_comparison = pre_post(data, EXHAUSTION, n_resamples=200)
    assert not with_comparison["note"].str.contains("no comparison group").any()


def test_zero_variance_change_gives_na_with_a_reason_not_nan_numbers():
    pre = np.arange(10, 20, dtype=float)
    data = responses_from({"coached": (pre, pre - 2)})
    row = pre_post(data, EXHAUSTION, n_resamples=200).iloc[0]
    assert row["mean_change"] == -2
    assert pd.isna(row["t"]) and pd.isna(row["d_z"]) and pd.isna(row["change_ci_low"])
    assert "exactly the same amount" in row["note"]
    assert row["t"] is pd.NA


def test_grouping_by_any_column_and_choosing_waves():
    data = simulated(n_coached=30, n_comparison=0)
    table = pre_post(data, EXHAUSTION, by="site", pre_wave="baseline", post_wave="12m",
                     n_resamples=200)
    assert list(table["site"]) == ["north", "south"]
    assert table["n"].sum() == 30
    assert "physicians with site north" in table.loc[0, "reading"]


def test_user_errors_are_explained():
    data = simulated()
    with pytest.raises(UserFacingError, match="not in the data"):
        pre_post(data, EXHAUSTION, post_wave="24m")
    with pytest.raises(UserFacingError, match="comes after"):
        pre_post(data, EXHAUSTION, pre_wave="12m", post_wave="baseline")
    duplicated = pd.concat([data, data.iloc[[0]]])
    with pytest.raises(UserFacingError, match="more than one"):
        pre_post(duplicated, EXHAUSTION)


@settings(max_examples=12, deadline=None)
@given(n_coached=st.integers(2, 12), n_comparison=st.integers(2, 12), seed=st.integers(0, 999),
       k=st.integers(5, 9))
def test_no_row_with_n_below_k_exposes_a_statistic(n_coached, n_comparison, seed, k):
    table = pre_post(simulated(n_coached, n_comparison, seed), EXHAUSTION, k=k, n_resamples=50)
    for _, row in table.iterrows():
        if pd.isna(row["n"]) or row["n"] < k:
            assert row["suppressed"]
            assert all(pd.isna(row[c]) for c in STATISTICS)
            assert pd.isna(row["n"])


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 999), shuffle_seed=st.integers(0, 999))
def test_row_order_does_not_change_results_and_runs_repeat_exactly(seed, shuffle_seed):
    data = simulated(n_coached=15, n_comparison=10, seed=seed)
    first = pre_post(data, EXHAUSTION, n_resamples=200, seed=1)
    shuffled = data.sample(frac=1.0, random_state=shuffle_seed)
    pd.testing.assert_frame_equal(first, pre_post(shuffled, EXHAUSTION, n_resamples=200, seed=1))


def _pairs_by_hand(data: pd.DataFrame, key: str) -> pd.DataFrame:
    """Reference: merge the scored baseline and 12m rows, attributes from baseline first."""
    scored = data[data[key].notna()]
    before = scored[scored["wave"] == "baseline"]
    after = scored[scored["wave"] == "12m"]
    merged = before.merge(after, on="participant_id", suffixes=("", "_post"))
    return pd.DataFrame({
        "participant_id": merged["participant_id"],
        "group": merged["group"],
        "site": merged["site"].fillna(merged["site_post"]),
        "pre": merged[key].astype(float),
        "post": merged[f"{key}_post"].astype(float),
    }).sort_values("participant_id").reset_index(drop=True)


def test_pairs_shared_across_outcomes_equal_each_outcomes_own_merge():
    data = simulated(n_coached=30, n_comparison=25, seed=4, dropouts={"coached": 5})
    rng = np.random.default_rng(4)
    data["rating"] = rng.integers(1, 11, len(data)).astype(float)
    data.loc[rng.random(len(data)) < 0.2, "rating"] = np.nan  # skipped: pairs differ by outcome
    data.loc[(data["wave"] == "baseline") & (rng.random(len(data)) < 0.3), "site"] = None
    data = data.sample(frac=1, random_state=5).reset_index(drop=True)  # rows in no order
    with reuse_matched_pairs():
        shared = {key: matched_pairs(data, key, "baseline", "12m") for key in ("ee", "rating")}
    for key, pairs in shared.items():
        expected = _pairs_by_hand(data, key)
        pd.testing.assert_frame_equal(
            pairs[["participant_id", "group", "site", "pre", "post"]], expected,
            check_exact=True)
        np.testing.assert_array_equal(pairs["change"], expected["post"] - expected["pre"])
    assert len(shared["rating"]) < len(shared["ee"])


def test_a_second_unscored_row_at_a_wave_does_not_block_the_pairs():
    data = simulated(seed=6)
    extra = data.iloc[[0]].assign(ee=np.nan)  # a second baseline row without this score
    data = pd.concat([data, extra], ignore_index=True)
    with reuse_matched_pairs():
        pairs = matched_pairs(data, "ee", "baseline", "12m")
    pd.testing.assert_frame_equal(pairs[["participant_id", "group", "site", "pre", "post"]],
                                  _pairs_by_hand(data, "ee"), check_exact=True)
