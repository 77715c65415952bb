"""summarize_program runs every statistic once and hands back safe, consistent tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.intake.pipeline import load_sample_program
from analysis.model.errors import UserFacingError
from analysis.model.schema import COACHED, COMPARISON, GROUP, ProgramData
from analysis.stats.prepost import pre_post
from analysis.stats.release import filter_program, release_plan
from analysis.stats.summary import SummaryOptions, summarize_program, summary_json

FAST = SummaryOptions(n_resamples=500, retention_draws=500)


@pytest.fixture(scope="module")
def program() -> ProgramData:
    prepared = load_sample_program()
    assert prepared.program is not None
    return prepared.program


@pytest.fixture(scope="module")
def summary(program):
    return summarize_program(program, FAST)


def test_every_outcome_has_pre_post_rows_for_both_groups(summary, program):
    keys = {o.key for o in program.outcomes}
    assert set(summary.pre_post["outcome"]) == keys
    assert set(summary.pre_post[GROUP]) == {COACHED, COMPARISON}


def test_pre_post_rows_are_those_of_the_statistics_function(summary, program):
    outcome = program.outcome("mbi_ee")
    direct = pre_post(program.responses, outcome, n_resamples=500, seed=FAST.seed)
    mine = summary.pre_post[summary.pre_post["outcome"] == "mbi_ee"].reset_index(drop=True)
    # A few people have a 12m score but none at baseline, so "everyone at 12m" is not
    # released beside the matched pairs (methods §8): its count is withheld, the rest equal.
    assert not summary.plan.allows("mbi_ee|wave|12m")
    assert mine["n_post"].isna().all()
    pd.testing.assert_frame_equal(mine.drop(columns="n_post"),
                                  direct.reset_index(drop=True).drop(columns="n_post"))


def test_group_comparison_adds_holm_adjusted_p_within_each_method(summary):
    table = summary.group_comparison
    assert "p_holm" in table.columns
    welch = table[table["method"] == "Difference in mean change (Welch)"]
    finite = welch.dropna(subset=["p_value"])
    assert (finite["p_holm"] >= finite["p_value"]).all()


def test_summary_json_retention_matches_the_retention_table(summary):
    document = summary_json(summary)
    table = summary.retention_horizon
    difference = table[table["measure"] == "retention difference"].iloc[0]
    assert document["retention"]["difference"] == pytest.approx(difference["estimate"])
    assert document["retention"]["difference_ci"] == pytest.approx(
        [difference["ci_low"], difference["ci_high"]]
    )
    assert document["has_comparison"] is True
    assert document["burnout_prevalence"]["outcome"] == "miniz1_burnout"


def test_filters_restrict_participants_and_roster_on_recoded_levels(program):
    plan = release_plan(program, 5)
    site = plan.levels("site")[0]
    filtered = filter_program(program, plan, {"site": [site]})
    assert set(filtered.responses["site"]) == {site}
    kept = set(filtered.responses["participant_id"])
    assert set(filtered.roster["participant_id"]) <= kept


def test_a_filter_on_a_level_the_plan_does_not_offer_is_refused(program):
    # The smallest site × specialty cell: a handful of physicians. Specialty is not
    # offered on the sample at k = 5, so the filter is refused with a reason.
    responses = program.responses
    counts = responses.groupby(["site", "specialty"], observed=True)["participant_id"].nunique()
    site, specialty = counts.idxmin()
    with pytest.raises(UserFacingError, match="not offered"):
        summarize_program(program, FAST, filters={"site": [site], "specialty": [specialty]})


def test_program_without_comparison_group_says_so(program):
    coached_only = program.responses[program.responses[GROUP] == COACHED]
    result = summarize_program(ProgramData(coached_only, program.outcomes), FAST)
    assert result.has_comparison is False
    assert (result.group_comparison["method"] == "No comparison group").all()
    assert summary_json(result)["retention"] is None
