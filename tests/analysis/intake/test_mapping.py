"""Column mapping: suggestion from names and values, JSON round trip, checks against data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.mapping.check import check_mapping
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping, group_lookup, resolve_scales
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.intake.mapping.suggest import suggest_mapping
from analysis.model.errors import MappingError

MBI_EE = [f"mbi_ee_{i}" for i in range(1, 10)]
UWES = [f"uwes_{i}" for i in range(1, 10)]


def _survey(n: int = 12, waves=("baseline", "6m"), seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for wave in waves:
            rows.append({"Study ID": f"S{i:03d}", "Time point": wave})
    return pd.DataFrame(rows).assign(
        **{f"EE{k}": rng.integers(0, 7, len(rows)) for k in range(1, 10)}
    )


# --------------------------------------------------------------------------- suggestion


def test_suggestion_reads_id_wave_group_attributes_and_export_item_spellings():
    frame = _survey().assign(
        Arm=lambda d: np.where(d.index % 4 < 2, "Coaching", "Usual care"),
        Hospital="North",
        **{"Career Stage": "early"},
    )
    frame = frame.rename(columns={"EE1": "MBI_EE_1", "EE2": "mbi ee 2", "EE3": "MBI-EE-03"})
    mapping = suggest_mapping(frame)
    assert mapping.participant_id == "Study ID"
    assert mapping.wave == "Time point"
    assert mapping.group == "Arm"
    assert mapping.group_values == {"Coaching": "coached", "Usual care": "comparison"}
    assert mapping.attributes == {"site": "Hospital", "career_stage": "Career Stage"}
    (scale,) = mapping.scales
    assert scale.scale == "mbi_ee"
    assert scale.items["mbi_ee_1"] == "MBI_EE_1"
    assert scale.items["mbi_ee_2"] == "mbi ee 2"
    assert scale.items["mbi_ee_3"] == "MBI-EE-03"
    assert scale.items["mbi_ee_9"] == "EE9"


def test_group_column_is_found_from_its_values_when_its_name_says_nothing():
    frame = _survey().assign(status=lambda d: np.where(d.index % 2, "intervention", "waitlist"))
    mapping = suggest_mapping(frame)
    assert mapping.group == "status"
    assert mapping.group_values == {"intervention": "coached", "waitlist": "comparison"}


def test_zero_one_columns_are_only_groups_when_named_as_one():
    numbers = _survey().assign(flag=lambda d: d.index % 2)
    assert suggest_mapping(numbers).group is None
    named = _survey().assign(coached=lambda d: d.index % 2)
    mapping = suggest_mapping(named)
    assert mapping.group == "coached"
    assert mapping.group_values == {"1": "coached", "0": "comparison"}


def test_wave_column_is_found_from_its_values():
    frame = _survey().rename(columns={"Time point": "survey_round_label"})
    assert suggest_mapping(frame).wave == "survey_round_label"


def test_id_is_the_named_column_whose_codes_are_unique_within_each_wave():
    frame = _survey().assign(code=lambda d: d.index % 3)  # "code" repeats within a wave
    frame = frame.rename(columns={"Study ID": "Participant"})
    # "code" is ranked below "participant" anyway; swap the names to test the values.
    assert suggest_mapping(frame).participant_id == "Participant"
    swapped = frame.rename(columns={"Participant": "record id", "code": "participant_id"})
    assert suggest_mapping(swapped).participant_id == "record id"


def test_qualtrics_response_ids_are_not_participants_but_external_reference_is():
    frame = _survey().rename(columns={"Study ID": "ExternalReference"})
    frame.insert(0, "ResponseId", [f"R_{i}" for i in range(len(frame))])
    frame.insert(0, "IPAddress", "10.0.0.1")
    mapping = suggest_mapping(frame, "qualtrics", ["ResponseId", "IPAddress",
                                                   "ExternalReference"])
    assert mapping.participant_id == "ExternalReference"
    assert set(mapping.ignore) == {"ResponseId", "IPAddress"}


def test_redcap_exports_map_record_id_and_event_names_to_short_waves():
    frame = _survey(waves=("baseline_arm_1", "6_month_followup_arm_1", "12_month_arm_1"))
    frame = frame.rename(columns={"Study ID": "record_id", "Time point": "redcap_event_name"})
    mapping = suggest_mapping(frame, "redcap")
    assert (mapping.participant_id, mapping.wave) == ("record_id", "redcap_event_name")
    assert mapping.wave_labels == {
        "baseline_arm_1": "baseline", "6_month_followup_arm_1": "6m", "12_month_arm_1": "12m"
    }


@pytest.mark.parametrize(
    ("prefix", "suffix", "expected"),
    [
        ("pre_", None, {"baseline": "pre_", "post": "post_"}),
        (None, "_baseline", {"baseline": "_baseline", "6m": "_6m"}),
    ],
)
def test_wide_files_are_recognised_and_items_mapped_by_their_stem(prefix, suffix, expected):
    rng = np.random.default_rng(5)
    data = {"participant_id": [f"P{i}" for i in range(10)]}
    for pattern in expected.values():
        for item in UWES:
            name = pattern + item if pattern.endswith("_") else item + pattern
            data[name] = rng.integers(0, 7, 10)
    mapping = suggest_mapping(pd.DataFrame(data))
    assert mapping.wide_waves == expected
    assert mapping.wave is None
    assert mapping.participant_id == "participant_id"
    assert [s.scale for s in mapping.scales] == ["uwes9"]  # subscales left to the user
    assert mapping.scales[0].items == {item: item for item in UWES}


def test_question_numbers_cannot_be_guessed_and_stay_unmapped():
    frame = _survey().rename(columns={f"EE{k}": f"Q12_{k}" for k in range(1, 10)})
    assert suggest_mapping(frame).scales == ()


def test_pre_computed_score_column_is_suggested_when_items_are_absent():
    frame = _survey().drop(columns=[f"EE{k}" for k in range(1, 10)]).assign(
        **{"UWES9 score": 3.2}
    )
    assert suggest_mapping(frame).scales == (ScaleMapping("uwes9", {}, "UWES9 score"),)


def test_group_lookup_ignores_case_spaces_and_decimal_numbers():
    lookup = group_lookup({"Control": "comparison", "1": "coached"})
    assert lookup(" control ") == "comparison"
    assert lookup("CONTROL group") == "comparison"
    assert lookup(1.0) == "coached"
    assert lookup("other") is None
    assert lookup(np.nan) is None


# --------------------------------------------------------------------------- JSON


def _full_mapping() -> ColumnMapping:
    return ColumnMapping(
        participant_id="Study ID",
        wave="Time point",
        group="Arm",
        group_values={"Coaching": "coached", "Usual care": "comparison"},
        attributes={"site": "Hospital"},
        scales=(ScaleMapping("mbi_ee", {i: i.upper() for i in MBI_EE}),
                ScaleMapping("uwes9", {}, "engagement")),
        custom_scales=({"key": "team_climate", "label": "Team climate", "items": ["tc_1"],
                        "item_minimum": 1, "item_maximum": 5, "higher_is_better": True},),
        wave_order=("baseline", "6m"),
        wave_labels={"Pre": "baseline"},
        label_map={"Hardly ever": 1.0},
        ignore=("StartDate",),
        numbered_from={"mbi_ee": 1.0},
        roster_columns={"participant_id": "Badge", "retained": ""},
    )


def test_json_round_trip_gives_back_the_same_mapping():
    mapping = _full_mapping()
    text = mapping_to_json(mapping)
    assert json.loads(text)["version"] == 1
    assert json.loads(text)["numbered_from"] == {"mbi_ee": 1}  # written as people would
    assert mapping_from_json(text) == mapping
    assert mapping_to_json(mapping_from_json(text)) == text  # stable: byte-for-byte


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(st.text(min_size=1, max_size=10), st.sampled_from(["coached", "comparison"]),
                    max_size=4),
    st.lists(st.text(max_size=10), max_size=4),
)
def test_json_round_trip_holds_for_any_group_values_and_ignore_list(group_values, ignore):
    mapping = ColumnMapping("id", group="g", group_values=group_values, ignore=tuple(ignore))
    assert mapping_from_json(mapping_to_json(mapping)) == mapping


@pytest.mark.parametrize(
    ("document", "names"),
    [
        ("{not json", "not valid JSON (line 1"),
        ("[]", "must be a JSON object"),
        ('{"version": 2, "participant_id": "id"}', "'version'"),
        ('{"version": 1}', "'participant_id'"),
        ('{"version": 1, "participant_id": "id", "colour": "red"}', "'colour'"),
        ('{"version": 1, "participant_id": 7}', "'participant_id'"),
        ('{"version": 1, "participant_id": "id", "group_values": {"A": "treated"}}',
         "'group_values.A'"),
        ('{"version": 1, "participant_id": "id", "attributes": {"age": "Age"}}',
         "'attributes.age'"),
        ('{"version": 1, "participant_id": "id", "scales": [{"scale": "mbi_ee", "items": []}]}',
         "'scales[0].items'"),
        ('{"version": 1, "participant_id": "id", "label_map": {"Often": "four"}}',
         "'label_map.Often'"),
        ('{"version": 1, "participant_id": "id", "wide_waves": {"pre": "pre"}}',
         "'wide_waves.pre'"),
        ('{"version": 1, "participant_id": "id", "numbered_from": {"mbi_ee": "one"}}',
         "'numbered_from.mbi_ee'"),
        ('{"version": 1, "participant_id": "id", "numbered_from": [1]}', "'numbered_from'"),
        ('{"version": 1, "participant_id": "id", "roster_columns": {"hired": "Hire"}}',
         "'roster_columns.hired'"),
    ],
)
def test_bad_mapping_json_is_refused_naming_the_field(document, names):
    with pytest.raises(MappingError, match=None) as raised:
        mapping_from_json(document)
    assert names in str(raised.value)


# --------------------------------------------------------------------------- checks


def _codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def test_a_mapping_that_fits_has_no_blocking_findings():
    frame = _survey().assign(Arm="Coaching").rename(
        columns={f"EE{k}": f"MBI_EE_{k}" for k in range(1, 10)})
    mapping = ColumnMapping(
        "Study ID", wave="Time point", group="Arm", group_values={"Coaching": "coached"},
        scales=(ScaleMapping("mbi_ee", {i: i.upper() for i in MBI_EE}),),
    )
    assert check_mapping(mapping, frame) == []


@pytest.mark.parametrize(
    ("mapping", "code"),
    [
        (ColumnMapping(""), "no_participant_id"),
        (ColumnMapping("Nope", wave="Time point"), "missing_column"),
        (ColumnMapping("Study ID", wave="Study ID"), "column_used_twice"),
        (ColumnMapping("Study ID", wave="Time point", scales=(ScaleMapping("mbi_xx", {}),)),
         "unknown_scale"),
        (ColumnMapping("Study ID", wave="Time point",
                       scales=(ScaleMapping("mbi_ee", {"uwes_1": "EE1"}),)), "unknown_item"),
        (ColumnMapping("Study ID", wave="Time point", scales=(ScaleMapping("mbi_ee", {}),)),
         "empty_scale"),
        (ColumnMapping("Study ID", wave="Time point",
                       scales=(ScaleMapping("mbi_ee", {}, "x"), ScaleMapping("mbi_ee", {}, "y"))),
         "duplicate_scale"),
        (ColumnMapping("Study ID", wave="Time point", wide_waves={"pre": "pre_"}),
         "wave_conflict"),
        (ColumnMapping("Study ID", wave="Time point", ignore=("Time point",)),
         "ignored_column_mapped"),
        (ColumnMapping("Study ID", wave="Time point", attributes={"age": "EE1"}),
         "unknown_attribute"),
        (ColumnMapping("Study ID", wave="Time point", group="EE1",
                       group_values={"1": "treated"}), "bad_group_value"),
        (ColumnMapping("Study ID", wave="Time point", custom_scales=({"key": "x"},)),
         "bad_custom_scale"),
        (ColumnMapping("Study ID", wide_waves={"pre": "pre"}), "bad_wide_pattern"),
        (ColumnMapping("Study ID", wave="Time point", numbered_from={"mbi_ee": 1}),
         "numbered_from_unknown_scale"),
        (ColumnMapping("Study ID", wave="Time point", numbered_from={"mbi_ee": 8},
                       scales=(ScaleMapping("mbi_ee", {"mbi_ee_1": "EE1"}),)),
         "numbered_from_out_of_range"),
        (ColumnMapping("Study ID", wave="Time point",
                       scales=(ScaleMapping("mbi_ee", {"mbi_ee_1": "EE1"}),
                               ScaleMapping("mbi_ee_single", {}, "EE2"),
                               ScaleMapping("mbi_dp", {}, "EE1"))), "column_used_twice"),
    ],
)
def test_each_mapping_problem_blocks_with_its_own_code(mapping, code):
    assert code in _codes(check_mapping(mapping, _survey()), "blocking")


def test_group_values_left_unmapped_block_with_counts():
    frame = _survey().assign(Arm=lambda d: np.where(d.index < 4, "Pilot B", "Coaching"))
    mapping = ColumnMapping("Study ID", wave="Time point", group="Arm",
                            group_values={"coaching": "coached"})
    (finding,) = check_mapping(mapping, frame)
    assert finding.code == "unmapped_group_value"
    assert "'Pilot B' (4 rows)" in finding.what


def test_partly_mapped_scale_warns_that_it_will_not_be_scored():
    mapping = ColumnMapping("Study ID", wave="Time point", everyone_coached=True,
                            scales=(ScaleMapping("mbi_ee", {f"mbi_ee_{k}": f"EE{k}"
                                                            for k in range(1, 9)}),))
    findings = check_mapping(mapping, _survey())
    assert _codes(findings) == ["items_unmapped"]
    assert "mbi_ee_9" in findings[0].what and "not be scored" in findings[0].what


def test_a_column_missing_from_one_of_several_files_only_warns():
    baseline = _survey(waves=("baseline",)).drop(columns="Time point")
    follow_up = baseline.drop(columns="EE9")
    mapping = ColumnMapping("Study ID", everyone_coached=True,
                            scales=(ScaleMapping("mbi_ee", {f"mbi_ee_{k}": f"EE{k}"
                                                            for k in range(1, 10)}),))
    assert _codes(check_mapping(mapping, [baseline, follow_up])) == [
        "column_missing_in_some_files"
    ]
    assert "missing_column" in _codes(check_mapping(mapping, follow_up), "blocking")


def test_wide_mappings_refer_to_column_stems():
    wide = pd.DataFrame({"pid": ["A"], "pre_EE1": [1], "post_EE1": [2]})
    mapping = ColumnMapping("pid", wide_waves={"baseline": "pre_", "post": "post_"},
                            everyone_coached=True,
                            scales=(ScaleMapping("mbi_ee_single", {"mbi_ee_single": "EE1"}),))
    assert check_mapping(mapping, wide) == []


def test_custom_scales_are_built_from_their_json_definition():
    mapping = ColumnMapping(
        "id", everyone_coached=True,
        scales=(ScaleMapping("team_climate", {"tc_1": "a", "tc_2": "b"}),),
        custom_scales=({"key": "team_climate", "label": "Team climate", "items": ["tc_1", "tc_2"],
                        "item_minimum": 1, "item_maximum": 5, "higher_is_better": True,
                        "cutoff": {"threshold": 2, "at_or_above": False,
                                   "condition": "poor climate", "source": "our 2023 survey"}},),
    )
    (scale,) = resolve_scales(mapping)
    assert scale.items == ("tc_1", "tc_2")
    assert scale.default_cutoff.condition == "poor climate"
    assert check_mapping(mapping, pd.DataFrame({"id": ["x"], "a": [1], "b": [2]})) == []
