"""The public API (analysis/__init__.py): every test on plain arrays, against its published
example and against an independent implementation (SciPy, statsmodels, lifelines,
pingouin)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from lifelines.statistics import logrank_test as lifelines_logrank
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.meta_analysis import combine_effects

import analysis as an

MOVIE_1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], dtype=float)
MOVIE_2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7], dtype=float)
SLEEP_1 = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
SLEEP_2 = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
SIX_MP = np.array([6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34,
                   35], dtype=float)
SIX_MP_RELAPSED = np.array([1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
                           dtype=bool)
PLACEBO = np.array([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23],
                   dtype=float)


def test_every_public_name_exists():
    for name in an.__all__:
        assert hasattr(an, name), name


def test_paired_t_reproduces_lakens_2013_movie_example():
    result = an.ttest_paired(MOVIE_1, MOVIE_2, n_resamples=500)
    assert round(result.statistic, 2) == 4.74
    assert round(result.d_z.value, 2) == 1.50
    assert round(result.d_av.value, 2) == 1.13
    # g_av with J(n − 1), this project's convention (docs/methods.md): 1.03, not 1.08.
    assert round(result.g_av.value, 2) == 1.03
    assert result.g_av.interval.method.startswith("BCa bootstrap")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_paired_t_agrees_with_scipy_and_pingouin(seed):
    rng = np.random.default_rng(seed)
    pre = rng.normal(20, 5, 30)
    post = pre + rng.normal(-2, 4, 30)
    ours = an.ttest_paired(post, pre, n_resamples=200)
    scipy_result = stats.ttest_rel(post, pre)
    ci = scipy_result.confidence_interval()
    assert ours.statistic == pytest.approx(scipy_result.statistic, rel=1e-12)
    assert ours.pvalue == pytest.approx(scipy_result.pvalue, rel=1e-10)
    assert (ours.mean_difference.ci_low, ours.mean_difference.ci_high) == pytest.approx(
        (ci.low, ci.high), rel=1e-10)
    reference = pg.ttest(post, pre, paired=True)
    # d_z = t/√n (Lakens 2013, eq. 7), from SciPy's t.
    assert ours.d_z.value == pytest.approx(scipy_result.statistic / np.sqrt(30), rel=1e-12)
    assert ours.df == reference["dof"].iloc[0]


def test_sleep_data_reproduce_r_t_test_output():
    welch = an.ttest_ind(SLEEP_1, SLEEP_2)
    assert round(welch.statistic, 4) == -1.8608
    assert round(welch.df, 3) == 17.776
    assert round(welch.pvalue, 5) == 0.07939
    assert (round(welch.mean_difference.ci_low, 7), round(welch.mean_difference.ci_high, 7)) \
        == (-3.3654832, 0.2054832)
    student = an.ttest_ind(SLEEP_1, SLEEP_2, equal_var=True)
    assert student.df == 18 and round(student.pvalue, 5) == 0.07919
    paired = an.ttest_paired(SLEEP_1, SLEEP_2, n_resamples=200)
    assert round(paired.statistic, 4) == -4.0621 and round(paired.pvalue, 6) == 0.002833


@pytest.mark.parametrize("equal_var", [False, True])
@pytest.mark.parametrize("seed", [4, 5])
def test_two_sample_t_agrees_with_scipy_and_pingouin(equal_var, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(1, 2, 25), rng.normal(0, 3, 18)
    ours = an.ttest_ind(x, y, equal_var=equal_var)
    reference = stats.ttest_ind(x, y, equal_var=equal_var)
    ci = reference.confidence_interval()
    assert ours.statistic == pytest.approx(reference.statistic, rel=1e-12)
    assert ours.df == pytest.approx(reference.df, rel=1e-12)
    assert ours.pvalue == pytest.approx(reference.pvalue, rel=1e-10)
    assert (ours.mean_difference.ci_low, ours.mean_difference.ci_high) == pytest.approx(
        (ci.low, ci.high), rel=1e-10)
    assert ours.cohens_d.value == pytest.approx(pg.compute_effsize(x, y, eftype="cohen"))
    assert ours.hedges_g.value == pytest.approx(pg.compute_effsize(x, y, eftype="hedges"),
                                                rel=1e-3)  # pingouin approximates J
    low, high = pg.compute_esci(ours.cohens_d.value, len(x), len(y), eftype="cohen")
    # pingouin's interval is the normal approximation; ours the exact noncentral t.
    assert ours.cohens_d.ci_low == pytest.approx(low, abs=0.05)
    assert ours.cohens_d.ci_high == pytest.approx(high, abs=0.05)


def test_mcnemar_chooses_exact_below_25_discordant_pairs_and_agrees_with_statsmodels():
    small = an.mcnemar(3, 12)
    assert small.method == "exact" and np.isnan(small.df)
    assert small.pvalue == pytest.approx(sm_mcnemar([[40, 3], [12, 40]], exact=True).pvalue)
    large = an.mcnemar(150, 86)
    reference = sm_mcnemar([[794, 150], [86, 570]], exact=False, correction=True)
    assert large.method == "chi-square" and large.df == 1
    assert large.statistic == pytest.approx(reference.statistic)
    assert large.pvalue == pytest.approx(reference.pvalue)


def test_kaplan_meier_reproduces_freireich_6mp_and_reports_se_and_unit():
    km = an.kaplan_meier(SIX_MP, SIX_MP_RELAPSED, time_unit="weeks")
    assert "months" not in km.columns and km.attrs["time_unit"] == "weeks"
    at_events = km[km["events"] > 0]
    # Kleinbaum & Klein, Survival Analysis, 3rd ed., ch. 2.
    assert at_events["survival"].round(4).tolist() == [0.8571, 0.8067, 0.7529, 0.6902, 0.6275,
                                                       0.5378, 0.4482]
    assert at_events["se"].round(3).tolist() == [0.076, 0.087, 0.096, 0.107, 0.114, 0.128,
                                                 0.135]
    assert np.allclose(km["se"] ** 2, km["variance"])


def test_logrank_reproduces_freireich_and_agrees_with_lifelines_and_scipy():
    placebo_relapsed = np.ones(PLACEBO.size, dtype=bool)
    ours = an.logrank(SIX_MP, SIX_MP_RELAPSED, PLACEBO, placebo_relapsed)
    assert round(ours.statistic, 1) == 16.8 and ours.df == 1  # R survdiff: Chisq = 16.8
    assert ours.observed == 9 and round(ours.expected, 1) == 19.3
    reference = lifelines_logrank(SIX_MP, PLACEBO, SIX_MP_RELAPSED, placebo_relapsed)
    assert ours.statistic == pytest.approx(reference.test_statistic, rel=1e-10)
    assert ours.pvalue == pytest.approx(reference.p_value, rel=1e-8)
    scipy_result = stats.logrank(
        stats.CensoredData.right_censored(SIX_MP, ~SIX_MP_RELAPSED),
        stats.CensoredData.right_censored(PLACEBO, ~placebo_relapsed))
    assert ours.z == pytest.approx(scipy_result.statistic, rel=1e-10)


def test_dersimonian_laird_takes_variances_or_standard_errors_and_matches_statsmodels():
    rng = np.random.default_rng(8)
    y, v = rng.normal(0.3, 0.4, 9), rng.uniform(0.01, 0.2, 9)
    from_variances = an.pooled_random_effects(y, variances=v)
    from_se = an.pooled_random_effects(y, np.sqrt(v))
    assert from_variances == from_se
    reference = combine_effects(y, v, method_re="dl")
    frame = reference.summary_frame().loc["random effect"]
    assert from_se.estimate == pytest.approx(frame["eff"], rel=1e-10)
    assert from_se.z == pytest.approx(frame["eff"] / frame["sd_eff"], rel=1e-10)
    assert from_se.tau_squared == pytest.approx(reference.tau2, rel=1e-10)
    assert from_se.i_squared == pytest.approx(100 * reference.i2, rel=1e-10)  # in %
    with pytest.raises(ValueError, match="exactly one"):
        an.pooled_random_effects(y, np.sqrt(v), variances=v)


def test_cronbach_alpha_listwise_and_pairwise_agree_with_pingouin():
    rng = np.random.default_rng(9)
    common = rng.normal(0, 1, 60)
    items = pd.DataFrame({f"q{i}": common + rng.normal(0, 1, 60) for i in range(5)})
    items = items.mask(rng.random(items.shape) < 0.08)
    listwise, _ = pg.cronbach_alpha(items, nan_policy="listwise")
    pairwise, _ = pg.cronbach_alpha(items, nan_policy="pairwise")
    assert an.cronbach_alpha(items) == pytest.approx(listwise, rel=1e-12)
    assert an.cronbach_alpha(items, missing="pairwise") == pytest.approx(pairwise, rel=1e-12)


def test_reliable_change_from_a_published_sem_or_reliability():
    from_sem = an.reliable_change_scores([24, 30], [35, 28], sem=3.07)
    assert round(from_sem.criterion, 2) == 8.51  # Wodrich, Table A.3.1
    assert from_sem.category.tolist() == ["reliably improved", "no reliable change"]
    from_r = an.reliable_change_scores([24, 30], [35, 28], reliability=0.91, sd_pre=10.0)
    assert from_r.sem == pytest.approx(3.0)  # Jacobson & Truax: 10·√(1 − 0.91)
    with pytest.raises(ValueError, match="exactly one"):
        an.reliable_change_scores([1], [2])


def test_wilson_and_newcombe_return_floats_for_scalars():
    low, high = an.wilson_interval(81, 263)
    assert isinstance(low, float) and isinstance(high, float)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)  # Newcombe 1998, Table I
    reference = stats.binomtest(81, 263).proportion_ci(method="wilson")
    assert (low, high) == pytest.approx((reference.low, reference.high), rel=1e-12)
    low, high = an.newcombe_difference_interval(56, 70, 48, 80)
    assert isinstance(low, float) and (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_nnt_interval_through_infinity_reads_as_altman_1998():
    nnt = an.number_needed_to_treat(0.10, -0.05, 0.25)
    assert nnt.ci_includes_infinity
    assert (nnt.benefit_limit, nnt.harm_limit) == pytest.approx((4.0, 20.0))
    assert nnt.interval == "NNT(benefit) 4.0 to ∞ to NNT(harm) 20.0"
    benefit_only = an.number_needed_to_treat(0.166, 0.009, 0.322)
    assert np.isnan(benefit_only.harm_limit) and benefit_only.benefit_limit == pytest.approx(
        3.1, abs=0.05)


def test_estimates_share_one_shape_and_tidy_columns():
    paired = an.ttest_paired(MOVIE_1, MOVIE_2, n_resamples=300)
    for estimate in (paired.mean_difference, paired.d_z, paired.g_av):
        assert isinstance(estimate, an.Estimate) and isinstance(estimate.interval, an.Interval)
        assert estimate.interval.level == 0.95 and estimate.interval.method
    row = an.tidy_columns(paired.d_z, value="d_z", prefix="d_z_")
    assert list(row) == ["d_z", "d_z_ci_low", "d_z_ci_high"]
    assert row["d_z"] == pytest.approx(1.5)
