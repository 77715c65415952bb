"""The instrument registry: the scoring rules the brief and the published sources give."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.intake.instruments import (
    CUSTOM_INSTRUMENT,
    REGISTRY_FILE,
    USER_RELIABILITY_SOURCE,
    RegistryError,
    all_scales,
    custom_scale,
    get_scale,
    load_registry,
    parse_registry,
)
from analysis.model.errors import MappingError
from analysis.model.schema import Cutoff


def items(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, n + 1))


# key: (items, score range, method, higher_is_better)
EXPECTED = {
    "mbi_ee": (items("mbi_ee_", 9), (0, 54), "sum", False),
    "mbi_dp": (items("mbi_dp_", 5), (0, 30), "sum", False),
    "mbi_pa": (items("mbi_pa_", 8), (0, 48), "sum", True),
    "mbi_ee_single": (("mbi_ee_single",), (0, 6), "sum", False),
    "mbi_dp_single": (("mbi_dp_single",), (0, 6), "sum", False),
    "miniz1_burnout": (("miniz1_burnout",), (1, 5), "sum", False),
    "miniz2_burnout": (("miniz2_burnout",), (1, 5), "sum", True),
    "pfi_pf": (items("pfi_pf_", 6), (0, 4), "mean", True),
    "pfi_we": (items("pfi_we_", 4), (0, 4), "mean", False),
    "pfi_id": (items("pfi_id_", 6), (0, 4), "mean", False),
    "pfi_burnout": (items("pfi_we_", 4) + items("pfi_id_", 6), (0, 4), "mean", False),
    "uwes9": (items("uwes_", 9), (0, 6), "mean", True),
    "uwes9_vigor": (("uwes_1", "uwes_2", "uwes_5"), (0, 6), "mean", True),
    "uwes9_dedication": (("uwes_3", "uwes_4", "uwes_7"), (0, 6), "mean", True),
    "uwes9_absorption": (("uwes_6", "uwes_8", "uwes_9"), (0, 6), "mean", True),
    "cbi_personal": (items("cbi_p_", 6), (0, 100), "mean", False),
    "cbi_work": (items("cbi_w_", 7), (0, 100), "mean", False),
    "intent_to_leave": (("intent_to_leave",), (1, 5), "sum", False),
}

# key: (threshold, at_or_above) of the default (first) cut-off
DEFAULT_CUTOFFS = {
    "mbi_ee": (27, True),
    "mbi_dp": (10, True),
    "mbi_pa": (33, False),
    "mbi_ee_single": (4, True),
    "mbi_dp_single": (4, True),
    "miniz1_burnout": (3, True),
    "miniz2_burnout": (3, False),
    "pfi_pf": (3.0, True),
    "pfi_burnout": (1.33, True),
    "cbi_personal": (50, True),
    "cbi_work": (50, True),
    "intent_to_leave": (3, True),
}

INSTRUMENT_OF = {
    "mbi_hss": {"mbi_ee", "mbi_dp", "mbi_pa"},
    "mbi_single_items": {"mbi_ee_single", "mbi_dp_single"},
    "miniz_1": {"miniz1_burnout"},
    "miniz_2": {"miniz2_burnout"},
    "pfi": {"pfi_pf", "pfi_we", "pfi_id", "pfi_burnout"},
    "uwes_9": {"uwes9", "uwes9_vigor", "uwes9_dedication", "uwes9_absorption"},
    "cbi": {"cbi_personal", "cbi_work"},
    "intent_to_leave": {"intent_to_leave"},
}


def test_registry_has_exactly_the_instruments_and_scales_other_modules_rely_on():
    registry = load_registry()
    assert {key: {s.key for s in inst.scales} for key, inst in registry.items()} == INSTRUMENT_OF
    assert set(all_scales()) == set(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_scale_has_its_published_items_range_method_and_direction(key):
    scale = all_scales()[key]
    expected_items, score_range, method, higher_is_better = EXPECTED[key]
    assert scale.items == expected_items
    assert scale.score_range() == score_range
    assert scale.method == method
    assert scale.higher_is_better is higher_is_better
    outcome = scale.outcome()
    assert (outcome.minimum, outcome.maximum) == score_range
    assert outcome.key == key and outcome.label == scale.label


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_default_cutoffs_are_the_published_ones_and_carry_a_source(key):
    scale = all_scales()[key]
    if key not in DEFAULT_CUTOFFS:
        assert scale.cutoffs == ()
        assert scale.outcome().cutoff is None
        return
    cutoff = scale.outcome().cutoff
    assert (cutoff.threshold, cutoff.at_or_above) == DEFAULT_CUTOFFS[key]
    assert cutoff.source.strip() and cutoff.condition.strip()


def test_cbi_work_item_7_is_the_only_reverse_coded_item_in_the_registry():
    reversed_items = {s.key: s.reverse_items for s in all_scales().values() if s.reverse_items}
    assert reversed_items == {"cbi_work": ("cbi_w_7",)}


def test_cbi_answers_are_restricted_to_steps_of_25():
    assert all_scales()["cbi_personal"].item_values == (0, 25, 50, 75, 100)


def test_published_reliabilities_match_the_sources():
    published = {k: s.reliability for k, s in all_scales().items() if s.reliability is not None}
    assert published == {
        "mbi_ee": 0.90,  # MBI manual 1996
        "mbi_dp": 0.79,
        "mbi_pa": 0.71,
        "pfi_pf": 0.91,  # Trockel et al. 2018 abstract
        "pfi_we": 0.86,
        "pfi_id": 0.92,
        "pfi_burnout": 0.92,
        "cbi_personal": 0.87,  # Kristensen et al. 2005
        "cbi_work": 0.87,
    }
    assert all(all_scales()[k].reliability_source for k in published)


def test_miniz_versions_classify_the_same_answer_oppositely():
    v1 = get_scale("miniz1_burnout").outcome().cutoff
    v2 = get_scale("miniz2_burnout").outcome().cutoff
    answers = pd.Series([1.0, 2.0, 4.0, 5.0])
    assert v1.applies(answers).tolist() == [False, False, True, True]
    assert v2.applies(answers).tolist() == [True, True, False, False]


def test_miniz_versions_agree_once_each_reads_its_own_numbering():
    # "I am definitely burning out" is 3 in both versions and burned out in both;
    # "completely burned out" is 5 in 1.0 and 1 in 2.0 and burned out in both.
    v1 = get_scale("miniz1_burnout").outcome().cutoff
    v2 = get_scale("miniz2_burnout").outcome().cutoff
    assert v1.applies(pd.Series([3.0, 5.0])).tolist() == [True, True]
    assert v2.applies(pd.Series([3.0, 1.0])).tolist() == [True, True]


def test_the_registry_says_the_miniz_versions_differ_and_the_mbi_is_licensed():
    registry = load_registry()
    for key in ("miniz_1", "miniz_2"):
        assert any("opposite" in note for note in registry[key].notes)
    assert "Mind Garden" in registry["mbi_hss"].licence_note
    assert any("OR" in note for note in registry["mbi_hss"].notes)  # EE ≥ 27 OR DP ≥ 10
    assert "non-commercial" in registry["uwes_9"].licence_note


def test_an_outcome_can_take_another_cutoff_as_a_setting():
    stricter = Cutoff(30, True, "very high emotional exhaustion", "local policy")
    assert get_scale("mbi_ee").outcome(stricter).cutoff == stricter


def test_load_registry_hands_out_a_copy_that_callers_cannot_corrupt():
    first = load_registry()
    first.pop("mbi_hss")
    assert "mbi_hss" in load_registry()


def test_unknown_scale_key_names_the_known_ones():
    with pytest.raises(MappingError, match="mbi_ee"):
        get_scale("mbi_xx")


# --- the validator --------------------------------------------------------------------

GOOD = """
[instruments.demo]
name = "Demo"
version = "1"
source = "A source"
licence_note = "Free"

[[instruments.demo.scales]]
key = "demo_score"
label = "Demo score"
items = ["demo_1", "demo_2", "demo_3"]
item_minimum = 1
item_maximum = 5
method = "mean"
reverse_items = ["demo_3"]
higher_is_better = true
label_set = "agreement_1_5"

[[instruments.demo.scales.cutoffs]]
threshold = 4
at_or_above = true
condition = "high"
source = "A source"
"""


def test_a_well_formed_registry_parses_into_scales():
    registry = parse_registry(GOOD)
    scale = registry["demo"].scales[0]
    assert scale.items == ("demo_1", "demo_2", "demo_3")
    assert scale.reverse_items == ("demo_3",)
    assert scale.cutoffs[0].threshold == 4.0


def test_the_shipped_registry_file_is_valid_toml_read_by_tomllib():
    assert parse_registry(REGISTRY_FILE.read_text(encoding="utf-8")).keys() == INSTRUMENT_OF.keys()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'reverse_items = ["demo_3"]',
            'reverse_items = ["demo_9"]',
            r"'reverse_items' demo_9 are not among",
        ),
        (
            'items = ["demo_1", "demo_2", "demo_3"]',
            'items = ["demo_1", "demo_1", "demo_3"]',
            r"'items' lists demo_1 more than once",
        ),
        ("item_minimum = 1", "item_minimum = 5", r"'item_minimum' \(5\) must be below"),
        ('method = "mean"', 'method = "median"', r"'method' must be 'sum' or 'mean'"),
        ("threshold = 4", "threshold = 7", r"'threshold' 7 is outside the score range 1-5"),
        ('label_set = "agreement_1_5"', 'label_set = "agreement_1_9"', r"'label_set'"),
        (
            'label_set = "agreement_1_5"',
            'label_set = "frequency_0_6"',
            r"gives answers 0, 6 that this scale does not allow",
        ),
        ('items = ["demo_1"', 'itmes = ["demo_1"', r"unknown field 'itmes'"),
        ("higher_is_better = true", 'higher_is_better = "yes"', r"'higher_is_better'"),
        ('key = "demo_score"', 'key = "Demo Score"', r"'key' 'Demo Score' must start"),
        (
            'label = "Demo score"',
            'label = "Demo score"\ntext = "How often do you..."',
            r"unknown field 'text'",
        ),  # no field can carry item wording
    ],
)
def test_a_broken_registry_entry_is_reported_naming_instrument_scale_and_field(old, new, message):
    assert old in GOOD
    with pytest.raises(RegistryError, match=message) as caught:
        parse_registry(GOOD.replace(old, new, 1))
    assert "instrument 'demo'" in str(caught.value)


def test_a_toml_syntax_error_is_a_registry_error_with_its_position():
    with pytest.raises(RegistryError, match=r"not valid TOML.*line"):
        parse_registry(GOOD.replace('name = "Demo"', 'name = "Demo'))


def test_every_problem_is_reported_at_once():
    broken = GOOD.replace('method = "mean"', 'method = "median"').replace(
        'reverse_items = ["demo_3"]', 'reverse_items = ["demo_9"]'
    )
    with pytest.raises(RegistryError, match=r"2 problem\(s\)"):
        parse_registry(broken)


def test_scale_keys_must_be_unique_across_instruments():
    second = GOOD.replace("[instruments.demo]", "[instruments.demo_two]").replace(
        "instruments.demo.scales", "instruments.demo_two.scales"
    )
    with pytest.raises(RegistryError, match="'demo_score' is already used"):
        parse_registry(GOOD + second)


def test_an_item_shared_by_scales_must_keep_one_range():
    extra = """
[[instruments.demo.scales]]
key = "demo_other"
label = "Other"
items = ["demo_1", "demo_4"]
item_minimum = 0
item_maximum = 6
method = "sum"
higher_is_better = false
"""
    with pytest.raises(RegistryError, match="item 'demo_1' has a different range"):
        parse_registry(GOOD + extra)


def test_a_registry_without_instruments_is_refused():
    with pytest.raises(RegistryError, match="no instruments"):
        parse_registry("schema_version = 1\n")


# --- custom scales --------------------------------------------------------------------


def test_a_custom_scale_is_built_with_its_range_and_cutoff():
    cutoff = Cutoff(12, True, "high strain", "our 2023 survey")
    scale = custom_scale(
        "team_strain",
        "Team strain",
        ["q1", "q2", "q3", "q4"],
        0,
        4,
        method="sum",
        reverse_items=["q2"],
        higher_is_better=False,
        cutoff=cutoff,
    )
    assert scale.instrument == CUSTOM_INSTRUMENT
    assert scale.score_range() == (0, 16)
    assert scale.outcome().cutoff == cutoff
    assert scale.reliability is None


def test_a_custom_scale_reliability_is_reported_as_a_user_value():
    scale = custom_scale(
        "climate", "Climate", ["c1", "c2"], 1, 7, higher_is_better=True, reliability=0.8
    )
    assert (scale.reliability, scale.reliability_source) == (0.8, USER_RELIABILITY_SOURCE)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"key": "Team Strain"}, "'key'"),
        ({"key": "mbi_ee"}, "already a shipped instrument scale"),
        ({"key": "participant_id"}, "reserved column"),
        ({"key": "mbi_ee_1"}, "name of a shipped instrument item"),
        ({"label": "  "}, "'label'"),
        ({"items": []}, "'items'"),
        ({"items": ["q1", "q1"]}, "'items' lists q1 more than once"),
        ({"item_minimum": 4, "item_maximum": 0}, "'item_minimum' (4) must be below"),
        ({"item_maximum": float("inf")}, "'item_maximum' must be a finite number"),
        ({"method": "median"}, "'method' must be 'sum' or 'mean'"),
        ({"reverse_items": ["q9"]}, "'reverse_items' q9 are not among"),
        ({"cutoff": Cutoff(20, True, "high", "src")}, "'threshold' 20 is outside"),
        ({"reliability": 1.5}, "'reliability' must be a number between 0 and 1"),
        ({"higher_is_better": "yes"}, "'higher_is_better' must be true or false"),
    ],
)
def test_custom_scale_errors_name_the_bad_field(changes, field):
    arguments = {
        "key": "team_strain",
        "label": "Team strain",
        "items": ["q1", "q2", "q3", "q4"],
        "item_minimum": 0,
        "item_maximum": 4,
        "method": "sum",
        "reverse_items": [],
        "higher_is_better": False,
        **changes,
    }
    with pytest.raises(MappingError) as caught:
        custom_scale(**arguments)
    assert field in str(caught.value)
