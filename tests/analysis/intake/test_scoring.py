"""Scale scores, proration, reverse coding and Cronbach's α (methods §2)."""

from __future__ import annotations

import importlib.resources

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.anova import anova_lm

from analysis.intake.instruments import custom_scale, get_scale
from analysis.intake.scoring import (
    ALPHA_FROM_DATA,
    cronbach_alpha,
    reverse_code,
    score_responses,
    score_scale,
)
from analysis.model.errors import ScoringError
from analysis.model.schema import GROUP, PARTICIPANT_ID, WAVE, Cutoff

EE_ITEMS = [f"mbi_ee_{i}" for i in range(1, 10)]


def long_frame(n_people: int, waves=("baseline", "12m")) -> pd.DataFrame:
    """Participants × waves with the core columns and nothing else."""
    people = np.repeat(np.arange(n_people), len(waves))
    return pd.DataFrame(
        {
            PARTICIPANT_ID: [f"p{i:03d}" for i in people],
            WAVE: pd.Categorical(list(waves) * n_people, categories=list(waves), ordered=True),
            GROUP: "coached",
        }
    )


def correlated_items(rng, n: int, k: int, low: int, high: int, noise: float = 1.0):
    """n × k integer answers sharing one latent trait, clipped to the answer range."""
    trait = rng.normal(size=(n, 1))
    raw = (low + high) / 2 + 1.4 * trait + noise * rng.normal(size=(n, k))
    return np.clip(np.round(raw), low, high)


# --- reverse coding -------------------------------------------------------------------


def test_reverse_code_maps_min_to_max_on_a_0_to_6_item():
    assert reverse_code(np.array([0, 2, 6]), 0, 6).tolist() == [6, 4, 0]
    flipped = reverse_code(pd.Series([1.0, np.nan, 5.0]), 1, 5)
    assert flipped.iloc[0] == 5 and np.isnan(flipped.iloc[1]) and flipped.iloc[2] == 1


@settings(max_examples=50, deadline=None)
@given(
    low=st.integers(-3, 3),
    width=st.integers(1, 10),
    data=st.data(),
)
def test_reverse_coding_twice_gives_the_answer_back_and_stays_in_range(low, width, data):
    high = low + width
    values = np.array(data.draw(st.lists(st.integers(low, high), min_size=1, max_size=20)))
    once = reverse_code(values, low, high)
    assert once.min() >= low and once.max() <= high
    assert np.array_equal(reverse_code(once, low, high), values)


# --- proration, sum and mean ----------------------------------------------------------


def test_nine_item_sum_prorates_with_one_missing_and_not_with_two():
    # Worked by hand: one missing → 8/9 = 89 % ≥ 80 %: mean of the 8 answers × 9.
    # answers 1,2,3,4,5,6,0,2 → 23/8 = 2.875 → × 9 = 25.875.
    # Two missing → 7/9 = 78 % < 80 %: no score.
    frame = pd.DataFrame(
        [
            [1, 2, 3, 4, 5, 6, 0, 2, np.nan],
            [1, 2, 3, 4, 5, 6, 0, np.nan, np.nan],
            [1, 2, 3, 4, 5, 6, 0, 2, 4],
        ],
        columns=EE_ITEMS,
    )
    scores = score_scale(frame, get_scale("mbi_ee"))
    assert scores.iloc[0] == pytest.approx(25.875)
    assert np.isnan(scores.iloc[1])
    assert scores.iloc[2] == 27  # complete: the plain sum
    assert scores.name == "mbi_ee"


def test_five_item_mean_scale_is_scored_at_exactly_80_percent_answered():
    scale = custom_scale(
        "climate", "Climate", ["a", "b", "c", "d", "e"], 1, 5, method="mean", higher_is_better=True
    )
    frame = pd.DataFrame(
        {"a": [1, 1], "b": [2, 2], "c": [3, np.nan], "d": [4, np.nan], "e": [np.nan, 5]}
    )
    scores = score_scale(frame, scale)
    assert scores.iloc[0] == pytest.approx(2.5)  # 4/5 answered: (1+2+3+4)/4
    assert np.isnan(scores.iloc[1])  # 3/5 = 60 %


def test_sum_and_mean_of_the_same_answers_differ_by_the_number_of_items():
    answers = pd.DataFrame({"a": [1, 4], "b": [3, 4], "c": [5, 4]})
    kwargs = {
        "items": ["a", "b", "c"],
        "item_minimum": 1,
        "item_maximum": 5,
        "higher_is_better": True,
    }
    summed = score_scale(answers, custom_scale("s", "S", method="sum", **kwargs))
    meaned = score_scale(answers, custom_scale("m", "M", method="mean", **kwargs))
    assert summed.tolist() == [9, 12]
    assert meaned.tolist() == [3, 4]


def test_reverse_coded_cbi_item_is_flipped_before_the_mean():
    # cbi_w_7 ("enough energy for family and friends") is reversed: 100 → 0.
    answers = pd.DataFrame(
        [[50, 50, 50, 50, 50, 50, 100]], columns=[f"cbi_w_{i}" for i in range(1, 8)]
    )
    assert score_scale(answers, get_scale("cbi_work")).iloc[0] == pytest.approx(300 / 7)


def test_single_item_scales_need_their_one_answer():
    answers = pd.DataFrame({"intent_to_leave": [3, np.nan]})
    scores = score_scale(answers, get_scale("intent_to_leave"))
    assert scores.iloc[0] == 3 and np.isnan(scores.iloc[1])


def prorated_reference(rows: list[list[float]], reverse: set[int], low, high, method):
    """A plain per-row implementation of methods §2, to check the vectorised one."""
    out = []
    for row in rows:
        answered = [
            (low + high - v) if i in reverse else v for i, v in enumerate(row) if not np.isnan(v)
        ]
        if not answered or len(answered) / len(row) < 0.8:
            out.append(np.nan)
            continue
        mean = sum(answered) / len(answered)
        out.append(mean * len(row) if method == "sum" else mean)
    return out


@settings(max_examples=40, deadline=None)
@given(
    k=st.integers(1, 9),
    method=st.sampled_from(["sum", "mean"]),
    data=st.data(),
)
def test_vectorised_scoring_matches_a_row_by_row_reference(k, method, data):
    names = [f"i{j}" for j in range(k)]
    reverse = data.draw(st.sets(st.integers(0, k - 1)))
    answer = st.one_of(st.integers(0, 6).map(float), st.just(np.nan))
    rows = data.draw(st.lists(st.lists(answer, min_size=k, max_size=k), min_size=1, max_size=15))
    scale = custom_scale(
        "x",
        "X",
        names,
        0,
        6,
        method=method,
        reverse_items=[names[j] for j in sorted(reverse)],
        higher_is_better=True,
    )
    got = score_scale(pd.DataFrame(rows, columns=names), scale).to_numpy()
    expected = np.array(prorated_reference(rows, reverse, 0, 6, method), dtype=float)
    np.testing.assert_allclose(got, expected, equal_nan=True)


def test_text_answers_must_be_coerced_before_score_scale():
    frame = pd.DataFrame({"intent_to_leave": ["Likely"]})
    with pytest.raises(ScoringError, match="not a number"):
        score_scale(frame, get_scale("intent_to_leave"))


def test_score_scale_names_missing_item_columns():
    with pytest.raises(ScoringError, match="mbi_ee_9"):
        score_scale(pd.DataFrame({c: [1] for c in EE_ITEMS[:8]}), get_scale("mbi_ee"))


def test_an_impossible_answered_share_is_refused():
    with pytest.raises(ScoringError, match="above 0 and at most 1"):
        score_scale(
            pd.DataFrame({"intent_to_leave": [3]}), get_scale("intent_to_leave"), min_answered=0
        )


# --- Cronbach's alpha -----------------------------------------------------------------


def test_alpha_worked_by_hand_is_48_over_49():
    # Four respondents, three items. Item variances (n−1): 5/3, 2.75/3, 5/3 → Σ = 4.25.
    # Totals 13, 10, 15, 7: variance 36.75/3 = 12.25.
    # α = 3/2 · (1 − 4.25/12.25) = 12/12.25 = 48/49.
    items = pd.DataFrame({"a": [4, 3, 5, 2], "b": [5, 4, 5, 3], "c": [4, 3, 5, 2]})
    assert cronbach_alpha(items) == pytest.approx(48 / 49)


def test_alpha_matches_the_real_statistics_worked_example():
    # Zaiontz, Real Statistics Using Excel, "Cronbach's Alpha" example: 10 questions ×
    # 15 respondents (shipped with pingouin as its "cronbach_alpha" data set), α = 0.592.
    path = importlib.resources.files("pingouin") / "datasets" / "cronbach_alpha.csv"
    long = pd.read_csv(path)
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    assert cronbach_alpha(wide) == pytest.approx(0.5917, abs=5e-5)


def test_alpha_matches_pingouin_on_complete_cases():
    rng = np.random.default_rng(20240611)
    answers = pd.DataFrame(correlated_items(rng, 200, 6, 0, 6), columns=list("abcdef"))
    answers = answers.mask(rng.random(answers.shape) < 0.05)
    expected, _ = pg.cronbach_alpha(answers, nan_policy="listwise")
    assert cronbach_alpha(answers) == pytest.approx(expected, rel=1e-12)


def test_alpha_equals_hoyts_anova_reliability_from_statsmodels():
    # Hoyt (1941): α = 1 − MS(residual) / MS(persons) in a persons × items ANOVA.
    rng = np.random.default_rng(7)
    answers = pd.DataFrame(correlated_items(rng, 60, 5, 1, 5), columns=list("abcde"))
    long = answers.reset_index(names="person").melt(id_vars="person", var_name="item")
    table = anova_lm(smf.ols("value ~ C(person) + C(item)", data=long).fit())
    ms = table["sum_sq"] / table["df"]
    assert cronbach_alpha(answers) == pytest.approx(1 - ms["Residual"] / ms["C(person)"])


def test_alpha_with_a_scale_reverses_its_reversed_items_first():
    rng = np.random.default_rng(3)
    answers = correlated_items(rng, 120, 7, 0, 4) * 25
    frame = pd.DataFrame(answers, columns=[f"cbi_w_{i}" for i in range(1, 8)])
    frame["cbi_w_7"] = 100 - frame["cbi_w_7"]  # as respondents answer the reversed item
    expected, _ = pg.cronbach_alpha(frame.assign(cbi_w_7=100 - frame["cbi_w_7"]))
    assert cronbach_alpha(frame, get_scale("cbi_work")) == pytest.approx(expected)
    assert cronbach_alpha(frame) < expected  # unreversed, the item pulls α down


@pytest.mark.parametrize(
    "items",
    [
        pd.DataFrame({"a": [1, 2, 3]}),  # one item
        pd.DataFrame({"a": [1, np.nan], "b": [2, 3]}),  # one complete row
        pd.DataFrame({"a": [2, 3, 4], "b": [4, 3, 2]}),  # constant total
    ],
)
def test_alpha_is_nan_when_it_cannot_be_computed(items):
    assert np.isnan(cronbach_alpha(items))


# --- score_responses ------------------------------------------------------------------

MBI_LABELS = [
    "Never",
    "A few times a year or less",
    "Once a month or less",
    "A few times a month",
    "Once a week",
    "A few times a week",
    "Every day",
]


def ee_responses(n_people: int = 30, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = long_frame(n_people)
    answers = correlated_items(rng, len(frame), 9, 0, 6)
    for j, item in enumerate(EE_ITEMS):
        frame[item] = answers[:, j]
    return frame


def findings_by_code(result, code):
    return [f for f in result.findings if f.code == code]


def test_labels_are_coerced_and_scores_added_without_touching_the_input():
    frame = ee_responses()
    frame["mbi_ee_1"] = frame["mbi_ee_1"].map(lambda v: MBI_LABELS[int(v)].upper())
    before = frame.copy()
    result = score_responses(frame, [get_scale("mbi_ee")])
    pd.testing.assert_frame_equal(frame, before)
    expected = before[EE_ITEMS[1:]].sum(axis=1) + before["mbi_ee_1"].map(
        {label.upper(): i for i, label in enumerate(MBI_LABELS)}
    )
    np.testing.assert_allclose(result.frame["mbi_ee"], expected)
    assert result.frame["mbi_ee_1"].dtype == float


def test_unknown_labels_are_reported_with_examples_and_counts():
    frame = ee_responses()
    frame["mbi_ee_2"] = frame["mbi_ee_2"].map(lambda v: MBI_LABELS[int(v)])
    frame.loc[[0, 1], "mbi_ee_2"] = "Sometimes"
    frame.loc[2, "mbi_ee_2"] = "Daily-ish"
    result = score_responses(frame, [get_scale("mbi_ee")])
    (finding,) = findings_by_code(result, "unknown_response_labels")
    assert finding.where == "mbi_ee_2"
    assert "3 answers" in finding.what
    assert "'Sometimes' (2)" in finding.what and "'Daily-ish' (1)" in finding.what
    assert result.frame.loc[[0, 1, 2], "mbi_ee_2"].isna().all()


def test_a_user_label_map_places_answers_the_built_in_set_does_not_know():
    frame = ee_responses()
    frame["mbi_ee_2"] = frame["mbi_ee_2"].astype(object)
    frame.loc[0, "mbi_ee_2"] = "Sometimes"
    result = score_responses(frame, [get_scale("mbi_ee")], label_map={"sometimes": 3})
    assert result.frame.loc[0, "mbi_ee_2"] == 3
    assert not findings_by_code(result, "unknown_response_labels")


def test_out_of_range_answers_are_blanked_and_reported():
    frame = ee_responses()
    frame.loc[[0, 5], "mbi_ee_4"] = 9
    frame.loc[7, "mbi_ee_4"] = -1
    result = score_responses(frame, [get_scale("mbi_ee")])
    (finding,) = findings_by_code(result, "out_of_range_values")
    assert finding.where == "mbi_ee_4"
    assert "3 answers" in finding.what and "9 (2)" in finding.what and "-1 (1)" in finding.what
    assert result.frame.loc[[0, 5, 7], "mbi_ee_4"].isna().all()
    # with one item blank the score is prorated, not lost
    assert result.frame.loc[[0, 5, 7], "mbi_ee"].notna().all()


def test_answers_numbered_from_one_are_flagged_as_such():
    frame = ee_responses()
    frame["mbi_ee_1"] = frame["mbi_ee_1"] + 1  # an export coding 1–7
    frame.loc[0, "mbi_ee_1"] = 7
    result = score_responses(frame, [get_scale("mbi_ee")])
    (finding,) = findings_by_code(result, "out_of_range_values")
    assert "numbered from 1" in finding.fix


def test_a_whole_scale_numbered_from_one_gives_one_finding_that_says_so():
    frame = ee_responses()
    frame[EE_ITEMS] = frame[EE_ITEMS] + 1  # a Qualtrics numeric export: 1 = Never
    result = score_responses(frame, [get_scale("mbi_ee")])
    (finding,) = [f for f in result.findings if f.severity == "blocking"]
    assert finding.code == "answers_numbered_from_one" and finding.where == "mbi_ee"
    sevens = int((frame[EE_ITEMS] == 7).sum().sum())
    assert "run from 1 to 7" in finding.what and f"{sevens} answers were 7" in finding.what
    assert not findings_by_code(result, "out_of_range_values")  # not once per item


def test_answers_numbered_from_one_are_scored_as_the_instrument_numbers_them():
    frame = ee_responses()
    shifted = frame.copy()
    shifted[EE_ITEMS] = shifted[EE_ITEMS] + 1
    shifted["mbi_ee_2"] = shifted["mbi_ee_2"].astype(object)
    shifted.loc[0, "mbi_ee_2"] = MBI_LABELS[int(frame.loc[0, "mbi_ee_2"])]  # a label stays
    result = score_responses(shifted, [get_scale("mbi_ee")], numbered_from={"mbi_ee": 1})
    plain = score_responses(frame, [get_scale("mbi_ee")])
    assert not [f for f in result.findings if f.severity == "blocking"]
    pd.testing.assert_series_equal(result.frame["mbi_ee"], plain.frame["mbi_ee"])
    # Worked by hand: all nine items answered 1 (= Never) sum to 0, all 7 to 54.
    ends = long_frame(1).assign(**{i: [1, 7] for i in EE_ITEMS})
    scored = score_responses(ends, [get_scale("mbi_ee")], numbered_from={"mbi_ee": 1})
    assert scored.frame["mbi_ee"].tolist() == [0.0, 54.0]


def test_cbi_answers_numbered_from_one_become_its_steps_of_25():
    frame = long_frame(5)
    for i in range(1, 7):
        frame[f"cbi_p_{i}"] = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]
    result = score_responses(frame, [get_scale("cbi_personal")],
                             numbered_from={"cbi_personal": 1})
    assert result.frame["cbi_p_1"].tolist() == [0, 25, 50, 75, 100] * 2
    assert not findings_by_code(result, "out_of_range_values")


def test_cbi_codes_that_are_not_steps_of_25_are_rejected():
    frame = long_frame(10)
    for i in range(1, 7):
        frame[f"cbi_p_{i}"] = 50.0
    frame.loc[0, "cbi_p_1"] = 3  # a 0-4 code would silently read as "almost never"
    result = score_responses(frame, [get_scale("cbi_personal")])
    (finding,) = findings_by_code(result, "out_of_range_values")
    assert "0, 25, 50, 75, 100" in finding.what
    assert np.isnan(result.frame.loc[0, "cbi_p_1"])


def test_proration_and_missing_scores_are_counted_in_findings():
    frame = ee_responses()
    frame.loc[[0, 1, 2], "mbi_ee_9"] = np.nan  # prorated
    frame.loc[3, ["mbi_ee_8", "mbi_ee_9"]] = np.nan  # 7/9: no score
    frame.loc[4, EE_ITEMS] = np.nan  # not answered at all
    result = score_responses(frame, [get_scale("mbi_ee")])
    (prorated,) = findings_by_code(result, "prorated_scores")
    assert prorated.severity == "info" and prorated.what.startswith("3 scores")
    (missing,) = findings_by_code(result, "score_not_computed")
    assert "1 response answered fewer than 8 of the 9" in missing.what
    assert "1 more answered none" in missing.what
    assert result.frame.loc[[3, 4], "mbi_ee"].isna().all()


def test_a_scale_with_item_columns_absent_is_not_scored_and_says_which():
    frame = ee_responses().drop(columns=["mbi_ee_9"])
    result = score_responses(frame, [get_scale("mbi_ee")])
    (finding,) = findings_by_code(result, "items_missing")
    assert "mbi_ee_9" in finding.what
    assert "mbi_ee" not in result.frame.columns
    assert result.outcomes == () and result.reliability.empty


def test_a_supplied_score_column_is_used_when_the_items_are_absent():
    frame = long_frame(10)
    frame["mbi_ee"] = np.linspace(0, 60, len(frame))  # last values exceed 54
    result = score_responses(frame, [get_scale("mbi_ee")])
    assert findings_by_code(result, "score_supplied")
    (bad,) = findings_by_code(result, "out_of_range_values")
    assert result.frame["mbi_ee"].max() <= 54 and result.frame["mbi_ee"].isna().any()
    row = result.reliability.iloc[0]
    assert row["reliability_used"] == 0.90
    assert "Maslach" in row["reliability_source"]
    assert result.outcomes[0].reliability == 0.90


# --- which reliability is used --------------------------------------------------------


def test_alpha_from_baseline_complete_cases_is_used_when_computable():
    frame = ee_responses(40)
    follow_up = frame[WAVE] == "12m"
    frame.loc[follow_up, EE_ITEMS] = np.random.default_rng(0).integers(
        0, 7, size=(int(follow_up.sum()), 9)
    )  # noise at follow-up: α over all waves would differ
    frame.loc[0, "mbi_ee_1"] = np.nan  # one incomplete baseline row
    result = score_responses(frame, [get_scale("mbi_ee")])
    baseline = frame.loc[frame[WAVE] == "baseline", EE_ITEMS].dropna()
    expected, _ = pg.cronbach_alpha(baseline)
    row = result.reliability.iloc[0]
    assert row["n_complete"] == 39
    assert row["alpha"] == pytest.approx(expected)
    assert row["reliability_used"] == pytest.approx(expected)
    assert row["reliability_source"] == ALPHA_FROM_DATA
    assert not row["suppressed"]
    assert result.outcomes[0].reliability == pytest.approx(expected)
    assert result.outcomes[0].reliability_source == ALPHA_FROM_DATA


def test_a_named_baseline_wave_is_used_for_alpha():
    frame = ee_responses(40)
    result = score_responses(frame, [get_scale("mbi_ee")], baseline_wave="12m")
    expected, _ = pg.cronbach_alpha(frame.loc[frame[WAVE] == "12m", EE_ITEMS])
    assert result.reliability.iloc[0]["alpha"] == pytest.approx(expected)


def test_an_unknown_baseline_wave_is_a_scoring_error_listing_the_waves():
    with pytest.raises(ScoringError, match="baseline, 12m"):
        score_responses(ee_responses(), [get_scale("mbi_ee")], baseline_wave="6m")


def test_alpha_over_fewer_than_k_people_is_withheld_and_the_published_value_used():
    frame = ee_responses(4)  # 4 baseline rows < k = 5
    result = score_responses(frame, [get_scale("mbi_ee")])
    row = result.reliability.iloc[0]
    assert row["suppressed"]
    assert pd.isna(row["alpha"]) and pd.isna(row["n_complete"])
    assert row["reliability_used"] == 0.90 and "Maslach" in row["reliability_source"]
    assert "fewer than 5" in row["reading"]


def test_a_single_item_without_published_reliability_has_none_and_says_so():
    frame = long_frame(10)
    frame["intent_to_leave"] = ["None", "Slight", "Moderate", "Likely", "Definitely"] * 4
    result = score_responses(frame, [get_scale("intent_to_leave")])
    row = result.reliability.iloc[0]
    assert pd.isna(row["alpha"]) and pd.isna(row["reliability_used"])
    assert "single item" in row["reading"].lower()
    assert result.outcomes[0].reliability is None
    assert result.frame["intent_to_leave"].tolist() == [1, 2, 3, 4, 5] * 4


def test_a_user_reliability_is_used_for_a_single_item_custom_scale():
    scale = custom_scale("pulse", "Pulse", ["pulse"], 1, 10, higher_is_better=True, reliability=0.7)
    frame = long_frame(10).assign(pulse=np.arange(20) % 10 + 1)
    result = score_responses(frame, [scale])
    row = result.reliability.iloc[0]
    assert row["reliability_used"] == 0.7 and row["reliability_source"] == "user value"


def test_a_negative_alpha_is_reported_but_not_used_as_a_reliability():
    frame = long_frame(20)
    rng = np.random.default_rng(5)
    first = rng.integers(0, 7, 40)
    frame["mbi_dp_1"] = first
    frame["mbi_dp_2"] = 6 - first  # perfectly opposed items
    for i in range(3, 6):
        frame[f"mbi_dp_{i}"] = rng.integers(0, 7, 40)
    result = score_responses(frame, [get_scale("mbi_dp")])
    row = result.reliability.iloc[0]
    assert row["alpha"] < 0
    assert row["reliability_used"] == 0.79
    assert findings_by_code(result, "low_internal_consistency")


# --- cut-offs and the Mini-Z versions -------------------------------------------------


def test_a_cutoff_setting_replaces_the_default_in_the_outcome():
    custom = Cutoff(30, True, "very high emotional exhaustion", "local policy")
    result = score_responses(ee_responses(), [get_scale("mbi_ee")], cutoffs={"mbi_ee": custom})
    assert result.outcomes[0].cutoff == custom


def test_a_cutoff_for_a_scale_not_being_scored_is_refused():
    with pytest.raises(ScoringError, match="mbi_dp"):
        score_responses(
            ee_responses(), [get_scale("mbi_ee")], cutoffs={"mbi_dp": Cutoff(12, True, "x", "y")}
        )


def test_the_same_miniz_statements_give_opposite_numbers_but_the_same_burned_out_people():
    from analysis.intake.likert import LABEL_SETS

    statements = list(LABEL_SETS["miniz1_burnout_1_5"])
    frame = long_frame(10)
    answers = [statements[i % 5] for i in range(len(frame))]
    frame["miniz1_burnout"] = answers
    frame["miniz2_burnout"] = answers
    result = score_responses(frame, [get_scale("miniz1_burnout"), get_scale("miniz2_burnout")])
    v1, v2 = result.frame["miniz1_burnout"], result.frame["miniz2_burnout"]
    assert (v1 + v2 == 6).all()  # the same statement, numbered the other way
    cut1, cut2 = (o.cutoff for o in result.outcomes)
    assert cut1.applies(v1).tolist() == cut2.applies(v2).tolist()
    assert cut1.applies(v1).sum() == 12  # statements 3, 4, 5 of each block of five


def test_two_scales_with_the_same_key_are_refused():
    with pytest.raises(ScoringError, match="more than once"):
        score_responses(ee_responses(), [get_scale("mbi_ee"), get_scale("mbi_ee")])


def test_shared_pfi_items_are_coerced_once_and_feed_both_scales():
    frame = long_frame(10)
    rng = np.random.default_rng(2)
    we = [f"pfi_we_{i}" for i in range(1, 5)]
    ids = [f"pfi_id_{i}" for i in range(1, 7)]
    labels = ["Not at all", "Very little", "Moderately", "A lot", "Extremely"]
    codes = rng.integers(0, 5, size=(len(frame), 10))
    for j, item in enumerate(we + ids):
        frame[item] = [labels[c] for c in codes[:, j]]
    result = score_responses(frame, [get_scale("pfi_we"), get_scale("pfi_burnout")])
    np.testing.assert_allclose(result.frame["pfi_we"], codes[:, :4].mean(axis=1))
    np.testing.assert_allclose(result.frame["pfi_burnout"], codes.mean(axis=1))
    assert not findings_by_code(result, "unknown_response_labels")


# --------------------------------------------------------------------------- wrong scale

def _supplied_ee(values) -> pd.DataFrame:
    return pd.DataFrame({"participant_id": [f"p{i}" for i in range(len(values))],
                         "wave": "baseline", "group": "coached", "mbi_ee": values})


def test_item_means_given_as_the_ee_sum_score_block_in_plain_words():
    means = [2.3, 1.8, 4.1, 3.0, 2.67, 0.9, 5.2, 3.44]
    result = score_responses(_supplied_ee(means), [get_scale("mbi_ee")])
    (finding,) = [f for f in result.findings if f.severity == "blocking"]
    assert finding.code == "score_looks_like_item_mean"
    assert "0-54" in finding.what and "9 times too small" in finding.what


def test_a_supplied_score_outside_its_range_blocks():
    result = score_responses(_supplied_ee([12, 30, 61, 20, 8]), [get_scale("mbi_ee")])
    assert [f.code for f in result.findings if f.severity == "blocking"] == [
        "out_of_range_values"]


def test_whole_sum_scores_are_accepted():
    result = score_responses(_supplied_ee([12, 30, 41, 20, 8, 3]), [get_scale("mbi_ee")])
    assert not [f for f in result.findings if f.severity == "blocking"]
