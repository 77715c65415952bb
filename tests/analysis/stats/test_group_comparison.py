"""Coached versus comparison (methods §4), checked against scipy, pingouin, numpy least
squares and published worked examples, never against the module's own output."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.errors import MappingError
from analysis.model.schema import NO_COMPARISON_CAVEAT, Cutoff, Outcome
from analysis.present.readings import comparison_readings
from analysis.stats.defaults import DEFAULT_RESAMPLES
from analysis.stats.effect_sizes import hedges_correction
from analysis.stats.group_comparison import (
    METHOD_ANCOVA,
    METHOD_HEDGES,
    METHOD_NO_COMPARISON,
    METHOD_PREVALENCE,
    METHOD_WELCH,
    METHODS,
    RESULT_COLUMNS,
    favours,
    prevalence_change_bca,
)
from analysis.stats.group_comparison import compare_groups as _compare_groups


def compare_groups(responses, outcome, **kwargs):
    """compare_groups with the sentence the presentation layer adds to each row."""
    table = _compare_groups(responses, outcome, **kwargs)
    table["reading"] = comparison_readings(
        table, [outcome], resolve_min_cell(kwargs.get("k")),
        covariates=kwargs.get("covariates", ()),
        n_resamples=kwargs.get("n_resamples", DEFAULT_RESAMPLES),
        confidence_level=kwargs.get("confidence_level", 0.95))
    return table

WAVES = ["baseline", "6m", "12m"]
EXHAUSTION = Outcome(
    key="ee", label="Emotional exhaustion", higher_is_better=False, minimum=0, maximum=54,
    cutoff=Cutoff(27, True, "high emotional exhaustion", "MBI manual, 4th ed."),
)
ENGAGEMENT = Outcome(key="eng", label="Engagement", higher_is_better=True, minimum=0, maximum=100)
STATISTICS = ["estimate", "ci_low", "ci_high", "p_value", "standardised", "se", "df"]


def responses_from(pre, post, groups, **attributes) -> pd.DataFrame:
    """Long responses with baseline and 12m rows (and an unused middle wave)."""
    n = len(pre)
    ids = [f"P{i:04d}" for i in range(n)]
    base = pd.DataFrame({"participant_id": ids, "group": groups, **attributes})
    frames = [base.assign(wave="baseline", ee=pre), base.assign(wave="12m", ee=post)]
    table = pd.concat(frames, ignore_index=True)
    table["wave"] = pd.Categorical(table["wave"], categories=WAVES, ordered=True)
    return table


def simulated(n_coached=40, n_comparison=35, seed=1, shift=-5.0):
    rng = np.random.default_rng(seed)
    n = n_coached + n_comparison
    groups = np.array(["coached"] * n_coached + ["comparison"] * n_comparison)
    pre = rng.normal(30, 9, n).round(1)
    post = (8 + 0.7 * pre + np.where(groups == "coached", shift, 0) + rng.normal(0, 6, n)).round(1)
    site = rng.choice(["North", "South", "East"], n)
    years = rng.integers(1, 30, n).astype(float)
    return responses_from(pre, post, groups, site=site, years=years), pre, post, groups


def row(table: pd.DataFrame, method: str) -> pd.Series:
    return table.set_index("method").loc[method]


# --------------------------------------------------------------------------- Welch


def test_welch_difference_in_change_matches_scipy_unequal_variance_t_test():
    responses, pre, post, groups = simulated()
    change = post - pre
    coached, comparison = change[groups == "coached"], change[groups == "comparison"]
    reference = stats.ttest_ind(coached, comparison, equal_var=False)
    ci = reference.confidence_interval(0.95)

    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_WELCH)

    assert result["estimate"] == pytest.approx(coached.mean() - comparison.mean(), abs=1e-12)
    assert result["ci_low"] == pytest.approx(ci.low, rel=1e-10)
    assert result["ci_high"] == pytest.approx(ci.high, rel=1e-10)
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-10)
    assert result["df"] == pytest.approx(reference.df, rel=1e-10)
    assert result["se"] == pytest.approx(reference.statistic ** -1 * result["estimate"], rel=1e-10)
    assert result["n_coached"] == 40 and result["n_comparison"] == 35


def test_welch_honours_the_confidence_level():
    responses, pre, post, groups = simulated(seed=4)
    change = post - pre
    reference = stats.ttest_ind(
        change[groups == "coached"], change[groups == "comparison"], equal_var=False
    ).confidence_interval(0.90)
    result = row(compare_groups(responses, EXHAUSTION, confidence_level=0.90, n_resamples=500),
                 METHOD_WELCH)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((reference.low, reference.high))
    assert "90 % CI" in result["reading"]


# --------------------------------------------------------------------------- Hedges' g


def test_hedges_g_of_change_matches_pingouin():
    responses, pre, post, groups = simulated(seed=7)
    change = post - pre
    expected = pg.compute_effsize(
        change[groups == "coached"], change[groups == "comparison"], eftype="hedges"
    )
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_HEDGES)
    # pingouin uses the approximation J ≈ 1 − 3/(4·df − 1); the exact gamma form differs
    # by O(1/df²), about 1e-5 here.
    assert result["estimate"] == pytest.approx(expected, rel=1e-4)
    assert result["standardised"] == result["estimate"]


def test_hedges_g_and_its_standard_error_reproduce_borenstein_worked_example():
    # Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis, ch. 4:
    # means 103 and 100, SDs 5.5 and 4.5, n = 50 each → d = 0.5970, V_d = 0.0418,
    # J = 0.9923, g = 0.5924, V_g = 0.0411, SE_g = 0.2028. Change scores are built with
    # exactly those means and SDs (baseline 0, so change = follow-up).
    rng = np.random.default_rng(11)

    def exact(mean, sd, n):
        z = rng.normal(size=n)
        return mean + sd * (z - z.mean()) / z.std(ddof=1)

    change = np.concatenate([exact(103, 5.5, 50), exact(100, 4.5, 50)])
    groups = ["coached"] * 50 + ["comparison"] * 50
    responses = responses_from(np.zeros(100), change, groups)
    higher_is_better = replace(ENGAGEMENT, key="ee")
    result = row(compare_groups(responses, higher_is_better, n_resamples=500), METHOD_HEDGES)

    assert result["estimate"] == pytest.approx(0.5924, abs=5e-5)
    assert result["se"] == pytest.approx(0.2028, abs=5e-5)
    assert result["se"] ** 2 == pytest.approx(0.0411, abs=5e-5)


def test_hedges_interval_is_the_exact_noncentral_t_interval():
    # Defining property (Steiger & Fouladi 1997): at the lower limit the observed t sits at
    # the 97.5th percentile of the noncentral t, at the upper limit at the 2.5th.
    responses, pre, post, groups = simulated(seed=3)
    change = post - pre
    x, y = change[groups == "coached"], change[groups == "comparison"]
    n1, n2 = x.size, y.size
    df = n1 + n2 - 2
    t = stats.ttest_ind(x, y, equal_var=True).statistic
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_HEDGES)
    scale = np.sqrt(1 / n1 + 1 / n2) * hedges_correction(df)
    assert stats.nct.cdf(t, df, result["ci_low"] / scale) == pytest.approx(0.975, abs=1e-7)
    assert stats.nct.cdf(t, df, result["ci_high"] / scale) == pytest.approx(0.025, abs=1e-7)
    assert result["p_value"] == pytest.approx(stats.ttest_ind(x, y).pvalue, rel=1e-10)
    assert result["df"] == df


def test_large_standardised_effects_still_get_an_interval():
    # A clear benefit (t ≈ −10) once made the noncentral-t search fail.
    responses, *_ = simulated(n_coached=60, n_comparison=60, shift=-15, seed=5)
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_HEDGES)
    assert result["ci_low"] < result["estimate"] < result["ci_high"] < 0


# --------------------------------------------------------------------------- ANCOVA


def _least_squares(design: np.ndarray, outcome: np.ndarray, column: int, level=0.95):
    """Textbook OLS: β = (X'X)⁻¹X'y, Var(β) = s²(X'X)⁻¹, s² = RSS/(n − p)."""
    beta, *_ = np.linalg.lstsq(design, outcome, rcond=None)
    residuals = outcome - design @ beta
    n, p = design.shape
    s2 = residuals @ residuals / (n - p)
    se = np.sqrt(s2 * np.linalg.inv(design.T @ design)[column, column])
    t_crit = stats.t.ppf(0.5 + level / 2, n - p)
    p_value = 2 * stats.t.sf(abs(beta[column] / se), n - p)
    return beta[column], se, beta[column] - t_crit * se, beta[column] + t_crit * se, p_value, n - p


def test_ancova_matches_hand_built_least_squares():
    responses, pre, post, groups = simulated(seed=8)
    coached = (groups == "coached").astype(float)
    design = np.column_stack([np.ones_like(pre), pre, coached])
    estimate, se, low, high, p, df = _least_squares(design, post, column=2)

    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_ANCOVA)

    assert result["estimate"] == pytest.approx(estimate, rel=1e-10)
    assert result["se"] == pytest.approx(se, rel=1e-10)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high), rel=1e-10)
    assert result["p_value"] == pytest.approx(p, rel=1e-8)
    assert result["df"] == df
    pre1, pre2 = pre[groups == "coached"], pre[groups == "comparison"]
    n1, n2 = pre1.size, pre2.size
    pooled_sd = np.sqrt(((n1 - 1) * pre1.var(ddof=1) + (n2 - 1) * pre2.var(ddof=1)) / (n1 + n2 - 2))
    assert result["standardised"] == pytest.approx(estimate / pooled_sd, rel=1e-10)


def test_ancova_with_categorical_and_numeric_covariates_matches_least_squares():
    responses, pre, post, groups = simulated(seed=9)
    site = responses.loc[responses["wave"] == "baseline", "site"].to_numpy()
    years = responses.loc[responses["wave"] == "baseline", "years"].to_numpy()
    design = np.column_stack([
        np.ones_like(pre), pre, (groups == "coached").astype(float),
        (site == "North").astype(float), (site == "South").astype(float), years,
    ])
    estimate, se, low, high, p, df = _least_squares(design, post, column=2)
    result = row(
        compare_groups(responses, EXHAUSTION, covariates=["site", "years"], n_resamples=500),
        METHOD_ANCOVA,
    )
    assert result["estimate"] == pytest.approx(estimate, rel=1e-9)
    assert result["se"] == pytest.approx(se, rel=1e-9)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    assert result["df"] == df
    assert "baseline and site, years" in result["reading"]


def test_ancova_p_value_agrees_with_pingouin_ancova_f_test():
    responses, pre, post, groups = simulated(seed=10)
    frame = pd.DataFrame({"post": post, "pre": pre, "group": groups})
    aov = pg.ancova(data=frame, dv="post", between="group", covar="pre")
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_ANCOVA)
    group_row = aov.set_index("Source").loc["group"]
    assert (result["estimate"] / result["se"]) ** 2 == pytest.approx(group_row["F"], rel=1e-8)
    assert result["p_value"] == pytest.approx(group_row["p_unc"], rel=1e-6)


def test_ancova_reading_states_size_direction_interval_and_good_direction():
    responses, *_ = simulated(seed=12, shift=-6)
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_ANCOVA)
    size = f"{abs(result['estimate']):.1f} points lower"
    assert result["reading"].startswith(
        f"After adjusting for baseline, coached physicians' emotional exhaustion at 12m was {size}"
    )
    assert f"95 % CI {-result['ci_high']:.1f} to {-result['ci_low']:.1f} points lower" in (
        result["reading"])
    assert result["reading"].endswith("lower is better.")
    assert result["favours"] == "coached"


def test_ancova_without_baseline_spread_says_why_instead_of_estimating():
    groups = ["coached"] * 10 + ["comparison"] * 10
    post = np.arange(20, dtype=float)
    responses = responses_from(np.full(20, 12.0), post, groups)
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_ANCOVA)
    assert pd.isna(result["estimate"]) and pd.isna(result["p_value"])
    assert "same baseline score" in result["note"]


def test_ancova_row_is_withheld_when_covariates_leave_out_fewer_than_k():
    responses, *_ = simulated(seed=13)
    first_two = responses["participant_id"].isin(["P0000", "P0001"])
    responses.loc[first_two, "site"] = None
    table = compare_groups(responses, EXHAUSTION, covariates=["site"], n_resamples=500)
    ancova = row(table, METHOD_ANCOVA)
    assert ancova["suppressed"]
    assert pd.isna(ancova["n_coached"]) and pd.isna(ancova["estimate"])
    assert "covariates leave out fewer than 5" in ancova["reading"]
    assert not row(table, METHOD_WELCH)["suppressed"]


def test_covariate_that_is_not_a_column_is_a_mapping_error():
    responses, *_ = simulated()
    with pytest.raises(MappingError, match="no column"):
        compare_groups(responses, EXHAUSTION, covariates=["grade"])


# --------------------------------------------------------------------------- prevalence


def _status_sample(seed=21):
    rng = np.random.default_rng(seed)
    n1, n2 = 70, 60
    groups = np.array(["coached"] * n1 + ["comparison"] * n2)
    pre = rng.normal(29, 8, n1 + n2).round()
    post = (pre + np.where(groups == "coached", -4, 0) + rng.normal(0, 6, n1 + n2)).round()
    return responses_from(pre, post, groups), pre, post, groups


def test_prevalence_difference_in_differences_counts_matched_pairs_by_cutoff():
    responses, pre, post, groups = _status_sample()
    met_pre, met_post = pre >= 27, post >= 27
    coached = groups == "coached"
    expected = 100 * (
        (met_post[coached].mean() - met_pre[coached].mean())
        - (met_post[~coached].mean() - met_pre[~coached].mean())
    )
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=2000), METHOD_PREVALENCE)
    assert result["estimate"] == pytest.approx(expected, abs=1e-10)
    assert result["unit"] == "percentage points"
    assert pd.isna(result["p_value"])
    assert "BCa" in result["note"]


def test_prevalence_interval_agrees_with_scipy_bca_bootstrap():
    responses, pre, post, groups = _status_sample(seed=22)
    status = (post >= 27).astype(float) - (pre >= 27).astype(float)
    coached = groups == "coached"
    reference = stats.bootstrap(
        (status[coached], status[~coached]),
        lambda x, y, axis: x.mean(axis=axis) - y.mean(axis=axis),
        method="BCa", n_resamples=20_000, rng=np.random.default_rng(0), vectorized=True,
    )
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=20_000), METHOD_PREVALENCE)
    # Two independent Monte Carlo runs: agreement to within about one participant's share.
    assert result["ci_low"] == pytest.approx(100 * reference.confidence_interval.low, abs=1.5)
    assert result["ci_high"] == pytest.approx(100 * reference.confidence_interval.high, abs=1.5)
    assert result["se"] == pytest.approx(100 * reference.standard_error, rel=0.03)


def test_multinomial_resampling_has_the_exact_bootstrap_standard_error():
    # Resampling n participants with replacement gives Var(mean) = σ²/n with σ² the
    # plug-in (ddof = 0) variance, for each group independently.
    counts1, counts2 = np.array([20, 70, 10]), np.array([8, 80, 12])
    values = np.array([-1, 0, 1])

    def plug_in_variance(counts):
        p = counts / counts.sum()
        return p @ values**2 - (p @ values) ** 2

    expected = np.sqrt(plug_in_variance(counts1) / 100 + plug_in_variance(counts2) / 100)
    interval = prevalence_change_bca(counts1, counts2, n_resamples=40_000,
                                     rng=np.random.default_rng(3))
    assert interval.se == pytest.approx(expected, rel=0.02)
    assert interval.ci_low < (10 - 20) / 100 - (12 - 8) / 100 < interval.ci_high


def test_prevalence_row_says_so_when_the_outcome_has_no_cutoff():
    responses, *_ = simulated()
    no_cutoff = Outcome("ee", "Emotional exhaustion", False, 0, 54)
    result = row(compare_groups(responses, no_cutoff, n_resamples=500), METHOD_PREVALENCE)
    assert pd.isna(result["estimate"]) and pd.isna(result["ci_low"])
    assert "no published cut-off" in result["note"]
    assert not result["suppressed"]


def test_prevalence_favours_coaching_when_burnout_falls_more():
    responses, *_ = _status_sample(seed=23)
    result = row(compare_groups(responses, EXHAUSTION, n_resamples=2000), METHOD_PREVALENCE)
    assert result["ci_high"] < 0
    assert result["favours"] == "coached"
    assert "a fall is better" in result["reading"]


# --------------------------------------------------------------------------- table shape


def test_one_row_per_method_with_the_documented_columns_and_no_nan():
    responses, *_ = simulated()
    table = compare_groups(responses, EXHAUSTION, n_resamples=500)
    # The statistics' own columns; the sentence is added by the presentation layer.
    assert list(table.columns) == [*RESULT_COLUMNS, "reading"]
    assert table["method"].tolist() == list(METHODS)
    assert (table["wave_pre"] == "baseline").all() and (table["wave_post"] == "12m").all()
    for column in STATISTICS:
        assert str(table[column].dtype) == "Float64"
        assert not np.isnan(table[column].to_numpy(dtype=float, na_value=0.0)).any()
    assert table["reading"].map(lambda text: "nan" not in text.lower()).all()


def test_chosen_waves_are_used():
    responses, *_ = simulated()
    middle = responses[responses["wave"] == "12m"].assign(wave="6m")
    middle["ee"] = middle["ee"] + 100
    responses = pd.concat([responses, middle], ignore_index=True)
    responses["wave"] = pd.Categorical(responses["wave"], categories=WAVES, ordered=True)
    default = row(compare_groups(responses, EXHAUSTION, n_resamples=500), METHOD_WELCH)
    early = row(compare_groups(responses, EXHAUSTION, post_wave="6m", n_resamples=500),
                METHOD_WELCH)
    assert early["wave_post"] == "6m" and default["wave_post"] == "12m"
    assert early["estimate"] == pytest.approx(default["estimate"])  # +100 cancels out


def test_unknown_or_reversed_waves_are_mapping_errors():
    responses, *_ = simulated()
    with pytest.raises(MappingError, match="not in the data"):
        compare_groups(responses, EXHAUSTION, pre_wave="24m")
    with pytest.raises(MappingError, match="comes after"):
        compare_groups(responses, EXHAUSTION, pre_wave="12m", post_wave="baseline")


def test_no_comparison_group_gives_one_row_with_the_caveat():
    responses, *_ = simulated()
    responses = responses[responses["group"] == "coached"]
    table = compare_groups(responses, EXHAUSTION)
    assert len(table) == 1
    only = table.iloc[0]
    assert only["method"] == METHOD_NO_COMPARISON
    assert only["note"] == NO_COMPARISON_CAVEAT
    assert NO_COMPARISON_CAVEAT in only["reading"]
    assert pd.isna(only["estimate"])
    assert only["n_coached"] == 40


def test_comparison_group_lost_to_attrition_counts_as_no_comparison():
    responses, *_ = simulated()
    lost = (responses["group"] == "comparison") & (responses["wave"] == "12m")
    table = compare_groups(responses[~lost], EXHAUSTION)
    assert table["method"].tolist() == [METHOD_NO_COMPARISON]


def test_comparison_group_below_k_withholds_every_row():
    responses, *_ = simulated(n_coached=30, n_comparison=4)
    table = compare_groups(responses, EXHAUSTION, n_resamples=500)
    assert table["suppressed"].all()
    assert table["n_comparison"].isna().all()
    assert (table["n_coached"] == 30).all()
    for column in STATISTICS:
        assert table[column].isna().all()
    assert table["favours"].isna().all()
    assert table["reading"].str.startswith("Not shown: fewer than 5").all()


def test_a_user_raised_k_is_honoured():
    responses, *_ = simulated(n_coached=30, n_comparison=12)
    assert not compare_groups(responses, EXHAUSTION, n_resamples=500)["suppressed"].any()
    assert compare_groups(responses, EXHAUSTION, k=20, n_resamples=500)["suppressed"].all()


def test_identical_changes_give_notes_not_numbers():
    groups = ["coached"] * 8 + ["comparison"] * 8
    pre = np.linspace(10, 40, 16)
    responses = responses_from(pre, pre - 3, groups)
    table = compare_groups(responses, EXHAUSTION, n_resamples=500)
    welch, hedges = row(table, METHOD_WELCH), row(table, METHOD_HEDGES)
    assert welch["estimate"] == 0 and pd.isna(welch["p_value"]) and pd.isna(welch["ci_low"])
    assert "no variation" in welch["note"]
    assert pd.isna(hedges["estimate"]) and hedges["note"]


@pytest.mark.parametrize(
    ("low", "high", "higher_is_better", "expected"),
    [(1, 3, True, "coached"), (1, 3, False, "comparison"), (-3, -1, False, "coached"),
     (-3, -1, True, "comparison"), (-1, 1, True, "neither"), (float("nan"), 1, True, "neither")],
)
def test_favours_follows_the_good_direction_and_the_interval(low, high, higher_is_better,
                                                             expected):
    assert favours(low, high, higher_is_better) == expected


# --------------------------------------------------------------------------- properties


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), permutation_seed=st.integers(0, 10_000))
def test_row_order_and_reruns_change_nothing(seed, permutation_seed):
    responses, *_ = simulated(n_coached=15, n_comparison=12, seed=seed)
    first = compare_groups(responses, EXHAUSTION, n_resamples=300)
    again = compare_groups(responses, EXHAUSTION, n_resamples=300)
    shuffled = responses.sample(frac=1, random_state=permutation_seed)
    permuted = compare_groups(shuffled, EXHAUSTION, n_resamples=300)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, permuted, check_exact=False, rtol=1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_coached=st.integers(0, 9), n_comparison=st.integers(1, 9), k=st.integers(5, 8))
def test_no_row_with_a_count_below_k_exposes_a_statistic(n_coached, n_comparison, k):
    responses, *_ = simulated(n_coached=n_coached, n_comparison=n_comparison, seed=n_coached)
    table = compare_groups(responses, EXHAUSTION, k=k, n_resamples=200)
    for _, result in table.iterrows():
        counts = [result["n_coached"], result["n_comparison"]]
        if result["method"] == METHOD_NO_COMPARISON:
            counts = counts[:1]
        small = any(pd.isna(c) or c < k for c in counts)
        if small:
            assert result["suppressed"]
            assert all(pd.isna(result[c]) for c in STATISTICS)
        assert all(pd.isna(c) or c >= k or c == 0 for c in counts)


def test_ancova_with_a_covariate_confounded_with_group_says_so_instead_of_estimating():
    responses, pre, post, groups = simulated(seed=10)
    responses["unit"] = np.where(responses["group"] == "coached", "ward A", "ward B")
    result = row(compare_groups(responses, EXHAUSTION, covariates=["unit"], n_resamples=200),
                 METHOD_ANCOVA)
    assert pd.isna(result["estimate"]) and pd.isna(result["se"])
    assert "confounded with group" in result["note"]


def test_ancova_numeric_and_categorical_designs_match_statsmodels_formula_ols():
    import statsmodels.formula.api as smf

    responses, pre, post, groups = simulated(seed=11)
    baseline = responses[responses["wave"] == "baseline"].reset_index(drop=True)
    frame = pd.DataFrame({"post": post, "pre": pre, "coached": groups == "coached",
                          "site": baseline["site"], "years": baseline["years"]})
    fit = smf.ols("post ~ pre + coached + C(site) + years", data=frame).fit()
    result = row(
        compare_groups(responses, EXHAUSTION, covariates=["site", "years"], n_resamples=200),
        METHOD_ANCOVA,
    )
    low, high = fit.conf_int().loc["coached[T.True]"]
    assert result["estimate"] == pytest.approx(fit.params["coached[T.True]"], rel=1e-10)
    assert result["se"] == pytest.approx(fit.bse["coached[T.True]"], rel=1e-10)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high), rel=1e-10)
    assert result["p_value"] == pytest.approx(fit.pvalues["coached[T.True]"], rel=1e-8)
