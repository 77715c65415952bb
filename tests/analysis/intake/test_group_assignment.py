"""Who was coached: suggestions that never guess silently, values assigned by the user,
"everyone coached" only when said, and REDCap arms offered as the group."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.apply import apply_mapping
from analysis.intake.mapping.check import check_mapping
from analysis.intake.mapping.editor import group_value_rows, with_group_values
from analysis.intake.mapping.model import EXCLUDE, REDCAP_ARM, ColumnMapping
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.intake.mapping.suggest import find_participant_column, suggest_mapping
from analysis.intake.pipeline import SAMPLE_DATA, prepare_program
from analysis.model.errors import MappingError
from analysis.present.readings import with_readings
from analysis.stats.summary import summarize_program as _summarize_program

KEY = b"group-assignment-test-key-012345"
def summarize_program(program, options=None):
    """The summary as the app and the CLI build it: statistics, then their readings."""
    return with_readings(_summarize_program(program, options))


MBI_EE = [f"mbi_ee_{i}" for i in range(1, 10)]


def _long(groups: dict[str, str], waves=("baseline", "12m"), seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [{"participant_id": code, "wave": wave, "Gruppe": group,
             **{item: int(rng.integers(0, 7)) for item in MBI_EE}}
            for code, group in groups.items() for wave in waves]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- suggestion


def test_a_group_column_named_as_such_is_suggested_even_when_its_words_are_unknown():
    frame = _long({f"P{i}": ("Coaching" if i % 2 else "Vergleich") for i in range(10)})
    mapping = suggest_mapping(frame)
    assert mapping.group == "Gruppe"
    # "Coaching" is a known word; "Vergleich" is left for the user, and that blocks.
    assert mapping.group_values == {"Coaching": "coached"}
    blocking = [f for f in check_mapping(mapping, frame) if f.severity == "blocking"]
    assert [f.code for f in blocking] == ["unmapped_group_value"]
    assert "'Vergleich' (10 rows)" in blocking[0].what


def test_without_any_group_column_nothing_says_everyone_was_coached():
    frame = _long({f"P{i}": "x" for i in range(10)}).drop(columns="Gruppe")
    mapping = suggest_mapping(frame)
    assert mapping.group is None and not mapping.everyone_coached
    assert "no_group_column" in [f.code for f in check_mapping(mapping, frame)]
    assert not [f for f in check_mapping(replace(mapping, everyone_coached=True), frame)
                if f.severity == "blocking"]


def test_redcap_data_access_group_is_suggested_as_the_group_without_guessing_numbers():
    frame = _long({f"P{i}": "x" for i in range(10)}).drop(columns="Gruppe")
    frame["redcap_data_access_group"] = np.where(frame.index % 4 < 2, "1", "2")
    mapping = suggest_mapping(frame)
    assert mapping.group == "redcap_data_access_group"
    assert mapping.group_values == {}  # "1" is not read as coached in a neutral column


def test_redcap_arms_are_offered_as_the_group_and_the_wave_keeps_only_the_time():
    prepared = prepare_program(
        [UploadedFile("redcap_arms_export.csv",
                      (SAMPLE_DATA / "redcap_arms_export.csv").read_bytes())], key=KEY)
    mapping = prepared.mapping
    assert (mapping.participant_id, mapping.wave, mapping.group) == (
        "record_id", "redcap_event_name", REDCAP_ARM)
    assert set(mapping.wave_labels.values()) == {"baseline", "6m", "12m"}
    assert prepared.program is None  # which arm was coached is the user's to say
    blocking = [f for f in prepared.findings if f.severity == "blocking"]
    assert [f.code for f in blocking] == ["unmapped_group_value"]
    assert "'Arm 1'" in blocking[0].what and "'Arm 2'" in blocking[0].what


def test_redcap_arms_assigned_by_the_user_give_the_planted_effects():
    upload = UploadedFile("redcap_arms_export.csv",
                          (SAMPLE_DATA / "redcap_arms_export.csv").read_bytes())
    suggested = prepare_program([upload], key=KEY).mapping
    assigned = replace(suggested, group_values={"Arm 1": "coached", "Arm 2": "comparison"})
    from_arms = summarize_program(prepare_program([upload], assigned, key=KEY).program)
    long = UploadedFile("responses_long.csv",
                        (SAMPLE_DATA / "responses_long.csv").read_bytes())
    reference = summarize_program(prepare_program([long], key=KEY).program)
    columns = ["outcome", "group", "n", "mean_change"]
    pd.testing.assert_frame_equal(
        from_arms.pre_post[columns].reset_index(drop=True),
        reference.pre_post[columns].reset_index(drop=True))
    assert from_arms.has_comparison


def test_the_participant_column_is_never_an_empty_one():
    waves = ("baseline", "6m")
    frame = _long({f"P{i}": "coached" for i in range(12)}, waves=waves)
    frame = frame.rename(columns={"participant_id": "code_typed"})
    frame["ExternalReference"] = pd.NA  # Qualtrics' unused field
    frame["ResponseId"] = [f"R_{i}" for i in range(len(frame))]  # new at every wave
    assert find_participant_column(frame, frame["wave"]) == "code_typed"
    assert suggest_mapping(frame.drop(columns="wave"),
                           file_waves=frame["wave"]).participant_id == "code_typed"


def test_one_file_per_wave_suggests_the_column_whose_codes_come_back():
    frame = _long({f"P{i}": "coached" for i in range(12)})
    frame = frame.rename(columns={"participant_id": "Badge"})
    frame["Response number"] = range(len(frame))
    files = [UploadedFile(f"{wave}.csv",
                          frame[frame["wave"] == wave].drop(columns="wave")
                          .to_csv(index=False).encode(), wave=wave)
             for wave in ("baseline", "12m")]
    assert prepare_program(files, key=KEY).mapping.participant_id == "Badge"


# --------------------------------------------------------------------------- assignment


def test_group_value_rows_count_participants_and_show_what_each_value_counts_as():
    frame = _long({"P1": "Coaching", "p 1": "Coaching", "P2": "Vergleich", "P3": "Staff"})
    mapping = ColumnMapping("participant_id", wave="wave", group="Gruppe",
                            group_values={"Coaching": "coached"})
    rows = group_value_rows([frame], mapping)
    assert rows.to_dict("records") == [
        {"value": "Coaching", "participants": 1, "counts_as": "coached"},  # P1 = "p 1"
        {"value": "Staff", "participants": 1, "counts_as": ""},
        {"value": "Vergleich", "participants": 1, "counts_as": ""},
    ]
    rows["counts_as"] = ["coached", "left out", "comparison"]
    assigned = with_group_values(mapping, rows)
    assert assigned.group_values == {"Coaching": "coached", "Staff": EXCLUDE,
                                     "Vergleich": "comparison"}


def test_excluded_group_values_leave_their_rows_out_with_a_count():
    frame = _long({"P1": "Coaching", "P2": "Vergleich", "P3": "Staff"})
    mapping = ColumnMapping("participant_id", wave="wave", group="Gruppe",
                            group_values={"Coaching": "coached", "Vergleich": "comparison",
                                          "Staff": EXCLUDE})
    result, findings = apply_mapping([(frame, None)], mapping)
    assert set(result["group"]) == {"coached", "comparison"}
    assert len(result) == 4
    (excluded,) = [f for f in findings if f.code == "group_values_excluded"]
    assert "2 rows of 1 participant" in excluded.what and "'Staff'" in excluded.what


def test_group_value_rows_read_a_wide_files_per_wave_group_columns():
    wide = pd.DataFrame({"pid": ["A", "B", "C"], "pre_arm": ["x", "y", "x"],
                         "post_arm": ["x", "y", None]})
    mapping = ColumnMapping("pid", group="arm", wide_waves={"baseline": "pre_",
                                                             "post": "post_"})
    rows = group_value_rows([wide], mapping)
    assert dict(zip(rows["value"], rows["participants"], strict=True)) == {"x": 2, "y": 1}


# --------------------------------------------------------------------------- mapping file


def test_mapping_json_keeps_the_new_statements_and_defaults_the_version():
    mapping = ColumnMapping("id", everyone_coached=True, follow_up_end="2026-09-30",
                            group_values={"Staff": EXCLUDE})
    assert mapping_from_json(mapping_to_json(mapping)) == mapping
    assert mapping_from_json('{"participant_id": "id"}') == ColumnMapping("id")


@pytest.mark.parametrize(("document", "named"), [
    ('{"participant_id": "id", "follow_up_end": "30/09/2026"}', "'follow_up_end'"),
    ('{"participant_id": "id", "everyone_coached": "yes"}', "'everyone_coached'"),
    ('{"participant_id": "id", "group_values": {"A": "treated"}}', "'group_values.A'"),
])
def test_bad_new_mapping_fields_are_refused_naming_them(document, named):
    with pytest.raises(MappingError, match=named):
        mapping_from_json(document)
