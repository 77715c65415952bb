"""BCa bootstrap against scipy.stats.bootstrap (an independent implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from analysis.stats.bootstrap import (
    acceleration_from_jackknife,
    bca_interval,
    distinct_rows,
    g_av_interval,
    g_av_jackknife,
    g_av_statistic,
    leave_one_out_values,
    mean_change_distribution,
)


def _scipy_g_av(pre, post, axis=-1):
    n = pre.shape[axis]
    # Γ ratio on the log scale: Γ((n−1)/2) overflows beyond n ≈ 340.
    j = np.exp(special.gammaln((n - 1) / 2) - special.gammaln((n - 2) / 2)) / np.sqrt((n - 1) / 2)
    mean_sd = (np.std(pre, ddof=1, axis=axis) + np.std(post, ddof=1, axis=axis)) / 2
    return j * np.mean(post - pre, axis=axis) / mean_sd


def _paired_sample(n, seed):
    rng = np.random.default_rng(seed)
    pre = rng.normal(27, 10, n)
    return pre, pre - 3 + rng.normal(0, 7, n)


def test_g_av_bca_equals_scipy_with_the_same_resamples():
    # Same seed → scipy draws the same (B, n) index matrix, so the intervals agree exactly.
    pre, post = _paired_sample(40, 1)
    ours = g_av_interval(pre, post, n_resamples=2000, seed=7)
    theirs = stats.bootstrap(
        (pre, post), _scipy_g_av, paired=True, n_resamples=2000, method="BCa", rng=7
    )
    assert ours.ci_low == pytest.approx(theirs.confidence_interval.low, rel=1e-9)
    assert ours.ci_high == pytest.approx(theirs.confidence_interval.high, rel=1e-9)
    np.testing.assert_allclose(ours.distribution, theirs.bootstrap_distribution, rtol=1e-9)


def test_g_av_bca_agrees_with_scipy_within_monte_carlo_error():
    pre, post = _paired_sample(60, 2)
    ours = g_av_interval(pre, post, n_resamples=20_000, seed=3)
    theirs = stats.bootstrap(
        (pre, post), _scipy_g_av, paired=True, n_resamples=20_000, method="BCa", rng=99
    )
    width = theirs.confidence_interval.high - theirs.confidence_interval.low
    assert ours.ci_low == pytest.approx(theirs.confidence_interval.low, abs=0.03 * width)
    assert ours.ci_high == pytest.approx(theirs.confidence_interval.high, abs=0.03 * width)


def test_mean_change_bca_equals_scipy_with_the_same_resamples():
    pre, post = _paired_sample(25, 4)
    ours = mean_change_distribution(pre, post, n_resamples=3000, seed=11)
    theirs = stats.bootstrap(
        (post - pre,), np.mean, n_resamples=3000, method="BCa", rng=11
    )
    assert ours.estimate == pytest.approx(np.mean(post - pre))
    assert ours.ci_low == pytest.approx(theirs.confidence_interval.low, rel=1e-9)
    assert ours.ci_high == pytest.approx(theirs.confidence_interval.high, rel=1e-9)
    assert ours.method == "BCa bootstrap (3,000 resamples)"


def test_generic_statistic_uses_blocked_jackknife_and_matches_scipy():
    rng = np.random.default_rng(5)
    x = rng.exponential(2.0, 30)
    ours = bca_interval(lambda a: np.median(a, axis=-1), x, n_resamples=2000, seed=2)
    theirs = stats.bootstrap((x,), np.median, n_resamples=2000, method="BCa", rng=2)
    assert ours.ci_low == pytest.approx(theirs.confidence_interval.low, rel=1e-9)
    assert ours.ci_high == pytest.approx(theirs.confidence_interval.high, rel=1e-9)


def test_closed_form_g_av_jackknife_equals_leave_one_out_by_brute_force():
    pre, post = _paired_sample(33, 6)
    brute = leave_one_out_values(g_av_statistic, (pre, post))
    np.testing.assert_allclose(g_av_jackknife(pre, post), brute, rtol=1e-10)


def test_acceleration_is_zero_for_symmetric_jackknife_values():
    assert acceleration_from_jackknife(np.array([-1.0, 0.0, 1.0])) == 0.0
    assert acceleration_from_jackknife(np.array([2.0, 2.0])) == 0.0


def test_same_seed_gives_identical_results_and_different_seeds_differ():
    pre, post = _paired_sample(50, 8)
    first = g_av_interval(pre, post, n_resamples=1000, seed=21)
    again = g_av_interval(pre, post, n_resamples=1000, seed=21)
    other = g_av_interval(pre, post, n_resamples=1000, seed=22)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)


def test_large_samples_are_resampled_in_blocks_without_changing_the_method():
    pre, post = _paired_sample(10_000, 9)
    result = g_av_interval(pre, post, n_resamples=400, seed=1)
    assert result.distribution.shape == (400,)
    assert result.ci_low < result.estimate < result.ci_high
    assert result.method == "BCa bootstrap (400 resamples)"


def test_fewer_than_two_participants_is_not_estimable_with_a_reason():
    result = g_av_interval(np.array([3.0]), np.array([4.0]), n_resamples=100)
    assert np.isnan(result.ci_low) and np.isnan(result.ci_high)
    assert "Fewer than 2" in result.note


def test_constant_scores_give_no_interval_and_say_why():
    result = g_av_interval(np.full(10, 5.0), np.full(10, 5.0), n_resamples=100)
    assert np.isnan(result.estimate) and np.isnan(result.ci_low)
    assert result.note


def test_all_replicates_on_one_side_fall_back_to_percentile_and_say_so():
    # A resample of 20 distinct values almost never contains all 20 (p ≈ 2e-8), so every
    # replicate of "number of distinct values" is below the estimate and z0 is infinite.
    x = np.arange(1.0, 21.0)

    def distinct(a):
        ordered = np.sort(a, axis=-1)
        return 1.0 + np.count_nonzero(np.diff(ordered, axis=-1), axis=-1)

    result = bca_interval(distinct, x, n_resamples=500, seed=1)
    assert result.estimate == 20.0
    assert result.method == "percentile bootstrap (500 resamples)"
    assert "percentile" in result.note
    assert result.ci_high < 20.0


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(5, 40))
def test_interval_brackets_are_ordered_and_inside_the_replicates(seed, n):
    pre, post = _paired_sample(n, seed)
    result = mean_change_distribution(pre, post, n_resamples=300, seed=seed)
    assert result.distribution.min() <= result.ci_low <= result.ci_high
    assert result.ci_high <= result.distribution.max()


# --- resampling by counts over distinct pairs ------------------------------------------


def _tied_sample(n, seed):
    # Seven-point answers: at most 49 distinct (pre, post) pairs among n participants.
    rng = np.random.default_rng(seed)
    pre = rng.integers(0, 7, n).astype(float)
    post = np.clip(pre + rng.integers(-3, 2, n), 0, 6).astype(float)
    return pre, post


def test_distinct_rows_match_numpy_unique_with_counts():
    pre, post = _tied_sample(500, 30)
    rows = np.column_stack([pre, post])
    distinct, counts = distinct_rows(rows)
    expected, expected_counts = np.unique(rows, axis=0, return_counts=True)
    np.testing.assert_array_equal(distinct, expected)
    np.testing.assert_array_equal(counts, expected_counts)
    assert counts.sum() == 500


def test_count_weighted_acceleration_equals_the_repeated_values():
    values = np.array([0.3, -1.2, 2.5, 0.0])
    counts = np.array([3, 1, 7, 2])
    assert acceleration_from_jackknife(values, counts) == pytest.approx(
        acceleration_from_jackknife(np.repeat(values, counts)), rel=1e-13, abs=1e-16)


def test_counts_path_acceleration_equals_the_per_participant_jackknife():
    pre, post = _tied_sample(600, 31)
    ours = g_av_interval(pre, post, n_resamples=200, seed=1, sampler="distinct values")
    # Brute force: g_av recomputed with each of the 600 participants left out in turn.
    per_participant = acceleration_from_jackknife(
        leave_one_out_values(g_av_statistic, (pre, post)))
    assert ours.acceleration == pytest.approx(per_participant, abs=1e-12)
    assert ours.acceleration == pytest.approx(
        acceleration_from_jackknife(g_av_jackknife(pre, post)), abs=1e-12)
    change = mean_change_distribution(pre, post, n_resamples=200, seed=1,
                                      sampler="distinct values")
    d = post - pre
    assert change.acceleration == pytest.approx(
        acceleration_from_jackknife((d.sum() - d) / (d.size - 1)), abs=1e-12)


def test_counts_path_estimate_equals_the_direct_statistic():
    pre, post = _tied_sample(400, 32)
    ours = g_av_interval(pre, post, n_resamples=100, seed=2, sampler="distinct values")
    assert ours.estimate == pytest.approx(_scipy_g_av(pre, post), rel=1e-12)
    change = mean_change_distribution(pre, post, n_resamples=100, seed=2,
                                      sampler="distinct values")
    assert change.estimate == pytest.approx(np.mean(post - pre), rel=1e-12)


def test_counts_path_g_av_bca_agrees_with_scipy_within_monte_carlo_error():
    pre, post = _tied_sample(600, 33)
    ours = g_av_interval(pre, post, n_resamples=20_000, seed=3, sampler="distinct values")
    theirs = stats.bootstrap(
        (pre, post), _scipy_g_av, paired=True, n_resamples=20_000, method="BCa", rng=99
    )
    width = theirs.confidence_interval.high - theirs.confidence_interval.low
    assert ours.ci_low == pytest.approx(theirs.confidence_interval.low, abs=0.03 * width)
    assert ours.ci_high == pytest.approx(theirs.confidence_interval.high, abs=0.03 * width)
    assert ours.method == "BCa bootstrap (20,000 resamples)"


def test_counts_path_mean_change_bca_agrees_with_scipy_within_monte_carlo_error():
    pre, post = _tied_sample(800, 34)
    ours = mean_change_distribution(pre, post, n_resamples=20_000, seed=4,
                                    sampler="distinct values")
    theirs = stats.bootstrap((post - pre,), np.mean, n_resamples=20_000, method="BCa", rng=5)
    width = theirs.confidence_interval.high - theirs.confidence_interval.low
    assert ours.ci_low == pytest.approx(theirs.confidence_interval.low, abs=0.03 * width)
    assert ours.ci_high == pytest.approx(theirs.confidence_interval.high, abs=0.03 * width)


def test_counts_and_index_paths_give_the_same_distribution_within_monte_carlo_error():
    pre, post = _tied_sample(2_000, 35)
    counts = g_av_interval(pre, post, n_resamples=20_000, seed=6, sampler="distinct values")
    index = g_av_interval(pre, post, n_resamples=20_000, seed=7, sampler="participants")
    sd = index.distribution.std(ddof=1)
    # Mean of 20,000 replicates: MC SE = sd/√20,000 per path; 5 SE of the difference.
    assert counts.distribution.mean() == pytest.approx(
        index.distribution.mean(), abs=5 * sd * np.sqrt(2 / 20_000))
    # SD: relative MC SE ≈ 1/√(2·20,000) per path.
    assert counts.distribution.std(ddof=1) == pytest.approx(sd, rel=5 * np.sqrt(2 / 40_000))
    assert counts.acceleration == pytest.approx(index.acceleration, abs=1e-12)
    assert stats.ks_2samp(counts.distribution, index.distribution).pvalue > 1e-3


def test_auto_resamples_by_counts_only_when_distinct_pairs_are_few():
    tied = _tied_sample(1_000, 36)
    assert_same = np.testing.assert_array_equal
    assert_same(g_av_interval(*tied, n_resamples=300, seed=8).distribution,
                g_av_interval(*tied, n_resamples=300, seed=8,
                              sampler="distinct values").distribution)
    spread = _paired_sample(1_000, 36)
    assert_same(g_av_interval(*spread, n_resamples=300, seed=8).distribution,
                g_av_interval(*spread, n_resamples=300, seed=8,
                              sampler="participants").distribution)


def test_counts_path_with_constant_scores_says_why_there_is_no_interval():
    result = g_av_interval(np.full(50, 3.0), np.full(50, 3.0), n_resamples=100,
                           sampler="distinct values")
    assert np.isnan(result.estimate) and np.isnan(result.ci_low)
    assert "not defined" in result.note


def test_counts_path_with_one_participant_is_not_estimable():
    result = mean_change_distribution(np.array([2.0]), np.array([3.0]), n_resamples=50,
                                      sampler="distinct values")
    assert np.isnan(result.ci_low) and "Fewer than 2" in result.note


def test_unknown_sampler_is_refused_with_the_accepted_values():
    pre, post = _tied_sample(20, 37)
    with pytest.raises(ValueError, match="'participants' or 'distinct values'"):
        g_av_interval(pre, post, sampler="people")


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(5, 300))
def test_counts_path_limits_are_ordered_and_inside_the_replicates(seed, n):
    pre, post = _tied_sample(n, seed)
    result = g_av_interval(pre, post, n_resamples=300, seed=seed, sampler="distinct values")
    if np.isfinite(result.ci_low):
        assert result.distribution.min() <= result.ci_low <= result.ci_high
        assert result.ci_high <= result.distribution.max()
    else:
        assert result.note
