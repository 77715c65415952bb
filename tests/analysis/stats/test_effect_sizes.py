"""Effect sizes against published worked examples and independent implementations."""

from __future__ import annotations

import numpy as np
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.stats.effect_sizes import (
    cohens_d_av,
    cohens_dz,
    hedges_correction,
    hedges_g_av,
    hedges_g_independent,
    noncentrality_interval,
)

# Lakens (2013), Front. Psychol. 4:863, Table 1: ratings of two movies by the same ten
# people. The paper prints M = 8.7 (SD 0.82) and 7.7 (SD 0.95), t(9) = 4.74, d_z = 1.50
# and d_av = 1.13 for this within-subjects comparison.
MOVIE_1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], dtype=float)
MOVIE_2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7], dtype=float)


def test_lakens_movie_example_descriptives_match_table_1():
    assert MOVIE_1.mean() == pytest.approx(8.7)
    assert MOVIE_1.std(ddof=1) == pytest.approx(0.82, abs=0.005)
    assert MOVIE_2.mean() == pytest.approx(7.7)
    assert MOVIE_2.std(ddof=1) == pytest.approx(0.95, abs=0.005)


def test_d_z_reproduces_lakens_movie_example():
    # Our convention is post − pre; movie 1 is "post" so the sign matches the paper.
    result = cohens_dz(MOVIE_1 - MOVIE_2)
    assert round(result.value, 2) == 1.50
    t = stats.ttest_rel(MOVIE_1, MOVIE_2).statistic
    assert round(t, 2) == 4.74
    assert result.value == pytest.approx(t / np.sqrt(10), rel=1e-12)


def test_d_av_reproduces_lakens_movie_example():
    assert round(cohens_d_av(MOVIE_2, MOVIE_1), 2) == 1.13


def test_g_av_is_d_av_times_hedges_j_of_n_minus_1():
    # J(9) = 0.9139 in Hedges (1981), J Educ Stat 6:107-128, Table 2.
    expected = cohens_d_av(MOVIE_2, MOVIE_1) * 0.9139
    assert hedges_g_av(MOVIE_2, MOVIE_1) == pytest.approx(expected, abs=5e-4)


def test_d_z_agrees_with_pingouin():
    rng = np.random.default_rng(11)
    pre = rng.normal(30, 8, 40)
    post = pre - 2 + rng.normal(0, 5, 40)
    reference = pg.compute_effsize(post, pre, paired=True, eftype="cohen_dz")
    assert cohens_dz(post - pre).value == pytest.approx(reference, rel=1e-10)


def test_independent_g_agrees_with_pingouin():
    rng = np.random.default_rng(12)
    x, y = rng.normal(1, 2, 25), rng.normal(0, 2, 31)
    reference = pg.compute_effsize(x, y, paired=False, eftype="hedges")
    # pingouin's Hedges g uses the approximation J ≈ 1 − 3/(4·df − 1), so agree to 1e-4.
    assert hedges_g_independent(x, y).value == pytest.approx(reference, rel=1e-4)


@pytest.mark.parametrize(
    ("df", "tabulated"),
    # Hedges (1981), J Educ Stat 6:107-128, Table 2 (exact values of c(m)).
    [(2, 0.5642), (3, 0.7236), (4, 0.7979), (5, 0.8408), (6, 0.8686), (7, 0.8882),
     (8, 0.9027), (9, 0.9139), (10, 0.9227)],
)
def test_hedges_correction_matches_hedges_1981_table(df, tabulated):
    assert hedges_correction(df) == pytest.approx(tabulated, abs=1e-4)


def test_hedges_correction_matches_closed_forms():
    # Γ(1/2) = √π gives J(2) = 1/√π, J(3) = √(π/6), J(4) = √(2/π) exactly.
    assert hedges_correction(2) == pytest.approx(1 / np.sqrt(np.pi), rel=1e-12)
    assert hedges_correction(3) == pytest.approx(np.sqrt(np.pi / 6), rel=1e-12)
    assert hedges_correction(4) == pytest.approx(np.sqrt(2 / np.pi), rel=1e-12)


def test_hedges_correction_approaches_one_and_the_approximation_for_large_df():
    assert hedges_correction(10_000) == pytest.approx(1 - 3 / (4 * 10_000 - 1), abs=1e-9)
    assert np.isnan(hedges_correction(1))


def _grid_inversion(t: float, df: float, target: float) -> float:
    """Independent inversion: the noncentrality whose nct cdf at t equals target, by grid."""
    grid = np.linspace(t - 12, t + 12, 240_001)
    cdf = stats.nct.cdf(t, df, grid)
    return float(grid[np.nanargmin(np.abs(cdf - target))])


@pytest.mark.parametrize(("t", "df"), [(2.5, 18), (4.743, 9), (-1.2, 30), (0.0, 5)])
def test_noncentrality_interval_matches_grid_search(t, df):
    low, high = noncentrality_interval(t, df, 0.95)
    assert low == pytest.approx(_grid_inversion(t, df, 0.975), abs=2e-4)
    assert high == pytest.approx(_grid_inversion(t, df, 0.025), abs=2e-4)


def test_noncentrality_interval_reproduces_cumming_finch_style_inversion_at_limits():
    # At the limits the observed t sits exactly at the 97.5th and 2.5th percentiles.
    low, high = noncentrality_interval(3.0, 24, 0.90)
    assert stats.nct.cdf(3.0, 24, low) == pytest.approx(0.95, abs=1e-8)
    assert stats.nct.cdf(3.0, 24, high) == pytest.approx(0.05, abs=1e-8)


@pytest.mark.filterwarnings("ignore:Error in function cdf:RuntimeWarning")
@settings(max_examples=40, deadline=None)
@given(
    t=st.floats(min_value=-60, max_value=60, allow_nan=False),
    df=st.integers(min_value=1, max_value=100_000),
)
def test_noncentrality_interval_is_finite_ordered_and_symmetric_in_sign(t, df):
    # Regression: scipy's nct.cdf returns NaN deep in its tails (e.g. t = −2.5, df = 18),
    # which used to stop the root finder for every negative change.
    low, high = noncentrality_interval(t, df)
    assert np.isfinite(low) and np.isfinite(high)
    assert low <= t <= high
    mirror_low, mirror_high = noncentrality_interval(-t, df)
    assert mirror_low == pytest.approx(-high, abs=1e-6)
    assert mirror_high == pytest.approx(-low, abs=1e-6)


def test_d_z_interval_is_noncentrality_interval_over_root_n():
    diffs = MOVIE_1 - MOVIE_2
    result = cohens_dz(diffs)
    low, high = noncentrality_interval(result.value * np.sqrt(10), 9)
    assert result.ci_low == pytest.approx(low / np.sqrt(10))
    assert result.ci_high == pytest.approx(high / np.sqrt(10))


def test_degenerate_inputs_return_nan_not_errors():
    assert np.isnan(cohens_dz(np.array([1.0])).value)
    assert np.isnan(cohens_dz(np.array([2.0, 2.0, 2.0])).value)
    assert np.isnan(cohens_d_av(np.array([3.0, 3.0]), np.array([4.0, 4.0])))
    assert np.isnan(hedges_g_independent(np.array([1.0]), np.array([1.0, 2.0])).value)
