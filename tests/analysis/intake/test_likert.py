"""Response labels become the right numbers, and nothing unplaced disappears silently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.likert import (
    LABEL_SETS,
    coerce_responses,
    normalise_label,
    resolve_label_set,
    unrecognised_counts,
)
from analysis.model.errors import MappingError

MBI_FREQUENCIES = [
    "Never",
    "A few times a year or less",
    "Once a month or less",
    "A few times a month",
    "Once a week",
    "A few times a week",
    "Every day",
]


def test_mbi_frequency_labels_score_zero_to_six_in_manual_order():
    # MBI manual (Maslach, Jackson & Leiter 1996): Never = 0 … Every day = 6.
    numbers, unknown = coerce_responses(pd.Series(MBI_FREQUENCIES), "frequency_0_6")
    assert numbers.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert unknown == []


def test_every_named_label_set_from_the_brief_exists():
    expected = {
        "frequency_0_6",
        "agreement_1_5",
        "agreement_1_7",
        "miniz1_burnout_1_5",
        "miniz2_burnout_1_5",
        "pfi_0_4",
        "uwes_0_6",
        "cbi_0_100",
        "intent_to_leave_1_5",
    }
    assert expected <= set(LABEL_SETS)


def test_intent_to_leave_labels_run_none_to_definitely():
    labels = ["None", "Slight", "Moderate", "Likely", "Definitely"]
    numbers, _ = coerce_responses(pd.Series(labels), "intent_to_leave_1_5")
    assert numbers.tolist() == [1, 2, 3, 4, 5]


def test_cbi_labels_score_in_steps_of_25_in_both_wordings():
    frequency = ["Never/almost never", "Seldom", "Sometimes", "Often", "Always"]
    degree = [
        "To a very low degree",
        "To a low degree",
        "Somewhat",
        "To a high degree",
        "To a very high degree",
    ]
    for wording in (frequency, degree):
        numbers, _ = coerce_responses(pd.Series(wording), "cbi_0_100")
        assert numbers.tolist() == [0, 25, 50, 75, 100]


def test_pfi_labels_cover_fulfilment_and_burnout_wordings():
    fulfilment = [
        "Not at all true",
        "Somewhat true",
        "Moderately true",
        "Very true",
        "Completely true",
    ]
    burnout = ["Not at all", "Very little", "Moderately", "A lot", "Extremely"]
    for wording in (fulfilment, burnout):
        numbers, _ = coerce_responses(pd.Series(wording), "pfi_0_4")
        assert numbers.tolist() == [0, 1, 2, 3, 4]


def test_miniz_versions_give_the_same_statement_opposite_numbers():
    statement = pd.Series(["I enjoy my work. I have no symptoms of burnout."])
    v1, _ = coerce_responses(statement, "miniz1_burnout_1_5")
    v2, _ = coerce_responses(statement, "miniz2_burnout_1_5")
    assert (v1.iloc[0], v2.iloc[0]) == (1.0, 5.0)


def test_labels_match_ignoring_case_spacing_curly_quotes_and_dashes():
    messy = pd.Series(
        [
            "  a FEW   times a\tmonth ",
            "EVERY DAY.",
            "Never / Almost never",
            "The symptoms of burnout that I\u2019m experiencing won\u2019t go away. I think "
            "about frustration at work a lot.",
        ]
    )
    freq, _ = coerce_responses(messy.iloc[:2], "frequency_0_6")
    cbi, _ = coerce_responses(messy.iloc[2:3], "cbi_0_100")
    miniz, _ = coerce_responses(messy.iloc[3:], "miniz1_burnout_1_5")
    assert freq.tolist() == [3, 6]
    assert cbi.tolist() == [0]
    assert miniz.tolist() == [4]


def test_normalise_label_folds_case_quotes_dashes_and_spaces():
    assert normalise_label("  Don\u2019t \u2013 KNOW  ") == "don't - know"
    assert normalise_label("Never\u00a0/ almost never.") == "never/almost never"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3.0), ("3.0", 3.0), (" 4 ", 4.0), ("-1", -1.0), ("2.5", 2.5)],
)
def test_numeric_strings_pass_through_as_numbers(text, expected):
    numbers, unknown = coerce_responses(pd.Series([text]), "frequency_0_6")
    assert numbers.iloc[0] == expected
    assert unknown == []


def test_numeric_columns_pass_through_unchanged():
    values = pd.Series([0, 3, np.nan, 6], index=[10, 11, 12, 13])
    numbers, unknown = coerce_responses(values, "frequency_0_6")
    pd.testing.assert_series_equal(numbers, values.astype(float))
    assert unknown == []


def test_a_platform_code_beside_the_label_is_read_by_the_label():
    # Platforms number answers from 1 where the MBI scores from 0: the label decides.
    values = pd.Series(["1 - Never", "Never (0)", "4. A few times a month", "7 = Every day"])
    numbers, unknown = coerce_responses(values, "frequency_0_6")
    assert numbers.tolist() == [0, 0, 3, 6]
    assert unknown == []


def test_unknown_labels_are_returned_sorted_and_left_blank_with_counts():
    values = pd.Series(["Never", "Sometimes", "n/a", "Sometimes", None, "Every day", " "])
    numbers, unknown = coerce_responses(values, "frequency_0_6")
    assert unknown == ["Sometimes", "n/a"]
    assert numbers.isna().tolist() == [False, True, True, True, True, False, True]
    counts = unrecognised_counts(values, numbers)
    assert counts.to_dict() == {"Sometimes": 2, "n/a": 1}


def test_blank_cells_are_unanswered_not_unknown():
    numbers, unknown = coerce_responses(pd.Series(["", "   ", None, "Never"]), "frequency_0_6")
    assert unknown == []
    assert numbers.isna().sum() == 3


def test_without_a_label_set_only_numbers_are_accepted():
    numbers, unknown = coerce_responses(pd.Series(["2", "Agree"]))
    assert numbers.iloc[0] == 2.0 and np.isnan(numbers.iloc[1])
    assert unknown == ["Agree"]


def test_a_user_label_map_is_used_case_insensitively():
    numbers, unknown = coerce_responses(pd.Series(["rarely", "OFTEN"]), {"Rarely": 1, "Often": 3})
    assert numbers.tolist() == [1, 3]
    assert unknown == []


def test_categorical_answers_are_coerced_like_text():
    values = pd.Series(pd.Categorical(["Never", "Every day", "Never"]))
    numbers, _ = coerce_responses(values, "frequency_0_6")
    assert numbers.tolist() == [0, 6, 0]


def test_an_unknown_label_set_name_is_a_mapping_error_listing_the_sets():
    with pytest.raises(MappingError, match="frequency_0_6"):
        coerce_responses(pd.Series(["Never"]), "frequency_0_7")


def test_a_label_map_with_two_numbers_for_one_answer_is_refused():
    with pytest.raises(MappingError, match="two different numbers"):
        resolve_label_set({"Agree": 4, " agree ": 5})


def test_a_label_map_with_a_non_number_is_refused():
    with pytest.raises(MappingError, match="not a number"):
        resolve_label_set({"Agree": "four"})


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    upper=st.booleans(),
    pad=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_any_label_in_any_set_survives_case_and_padding(data, upper, pad):
    name = data.draw(st.sampled_from(sorted(LABEL_SETS)))
    label, value = data.draw(st.sampled_from(sorted(LABEL_SETS[name].items())))
    text = pad + (label.upper() if upper else label.lower()) + pad
    numbers, unknown = coerce_responses(pd.Series([text]), name)
    assert unknown == []
    assert numbers.iloc[0] == value


def test_labels_within_each_set_are_unambiguous_once_normalised():
    for name in LABEL_SETS:
        resolved = resolve_label_set(name)  # raises if two labels collide with different values
        assert len(resolved) >= 5, name
