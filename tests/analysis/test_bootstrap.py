"""BCa bootstrap against scipy.stats.bootstrap (an independent implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from analysis.bootstrap import (
    acceleration_from_jackknife,
    bca_interval,
    g_av_interval,
    g_av_jackknife,
    g_av_statistic,
    leave_one_out_values,
    mean_change_distribution,
)


def _scipy_g_av(pre, post, axis=-1):
    n = pre.shape[axis]
    j = special.gamma((n - 1) / 2) / (np.sqrt((n - 1) / 2) * special.gamma((n - 2) / 2))
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
