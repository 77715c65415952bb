"""Reshaping to long form: participant codes, wave order, wide files and per-wave files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.codes import normalise_participant_codes
from analysis.intake.mapping.apply import apply_mapping
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping
from analysis.intake.waves import canonical_wave_name, order_waves, order_waves_report
from analysis.intake.wide import stack_wave_files, wide_to_long
from analysis.model.errors import MappingError

MBI_DP = [f"mbi_dp_{i}" for i in range(1, 6)]


# --------------------------------------------------------------------------- codes


def test_codes_are_trimmed_case_folded_and_stripped_of_inner_spaces():
    codes = pd.Series([" P-001 ", "p-001", "P 002", "P\u00a0003", "\uff30004", "p005"])
    normalised, n_changed = normalise_participant_codes(codes)
    assert normalised.tolist() == ["p-001", "p-001", "p002", "p003", "p004", "p005"]
    # Only " P-001 " differs from another spelling of the same code ("p-001", which is
    # tidy and so counts as the usual one); the others are the only spelling of their code.
    assert n_changed == 1


def test_blank_codes_become_missing_and_are_not_counted_as_changed():
    normalised, n_changed = normalise_participant_codes(pd.Series(["", "  ", None, np.nan]))
    assert normalised.isna().all()
    assert n_changed == 0


def test_numeric_codes_read_with_decimals_match_their_text_form():
    from_csv_with_blanks = pd.Series([101.0, 102.0, np.nan])
    as_text = pd.Series(["101", "102", None])
    left, changed_left = normalise_participant_codes(from_csv_with_blanks)
    right, changed_right = normalise_participant_codes(as_text)
    assert left.tolist()[:2] == right.tolist()[:2] == ["101", "102"]
    assert changed_left == changed_right == 0


def test_normalised_codes_keep_the_index_and_count_rows_not_distinct_codes():
    codes = pd.Series(["A1 ", "A1 ", "a1", "B2", "B2", "b 2"], index=[10, 20, 30, 40, 50, 60])
    normalised, n_changed = normalise_participant_codes(codes)
    assert normalised.index.tolist() == [10, 20, 30, 40, 50, 60]
    assert normalised.tolist() == ["a1", "a1", "a1", "b2", "b2", "b2"]
    assert n_changed == 2  # "a1" and "b 2" differ from their code's usual spelling


def test_codes_written_the_same_way_everywhere_count_as_unchanged():
    _, n_changed = normalise_participant_codes(pd.Series(["P0001", "P0002", "P0001"]))
    assert n_changed == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=30))
def test_normalising_twice_changes_nothing_more(raw):
    once, _ = normalise_participant_codes(pd.Series(raw, dtype=object))
    twice, n_changed = normalise_participant_codes(once.astype(object))
    assert n_changed == 0
    pd.testing.assert_series_equal(once, twice)


# --------------------------------------------------------------------------- waves


def test_wave_labels_are_ordered_baseline_months_then_follow_up():
    shuffled = ["post", "12m", "3 months", "baseline", "24m", "1m", "6m"]
    assert order_waves(shuffled) == ["baseline", "1m", "3 months", "6m", "12m", "24m", "post"]


def test_pre_and_t0_are_baselines_and_follow_up_comes_last():
    assert order_waves(["Follow-up", "Pre"]) == ["Pre", "Follow-up"]
    assert order_waves(["T2", "T0", "T1"]) == ["T0", "T1", "T2"]


def test_dates_are_ordered_chronologically_not_alphabetically():
    assert order_waves(["2024-03-01", "2023-11-15", "2024-01-10"]) == [
        "2023-11-15", "2024-01-10", "2024-03-01"
    ]
    assert order_waves(["March 2024", "January 2024", "December 2023"]) == [
        "December 2023", "January 2024", "March 2024"
    ]


def test_redcap_event_names_are_ordered_by_their_stem_without_the_arm():
    events = ["12_month_followup_arm_1", "baseline_arm_2", "6_month_followup_arm_1",
              "baseline_arm_1", "month_3_arm_1"]
    assert order_waves(events) == ["baseline_arm_2", "baseline_arm_1", "month_3_arm_1",
                                   "6_month_followup_arm_1", "12_month_followup_arm_1"]
    assert canonical_wave_name("6_month_followup_arm_1") == "6m"
    assert canonical_wave_name("baseline_arm_2") == "baseline"


def test_unknown_wave_names_keep_first_appearance_order_with_a_warning():
    order, findings = order_waves_report(["spring", "baseline", "autumn", "spring"])
    assert order == ["baseline", "spring", "autumn"]
    assert [f.code for f in findings] == ["waves_unordered"]
    assert "spring, autumn" in findings[0].what


def test_explicit_wave_order_wins_and_unlisted_waves_are_reported():
    order, findings = order_waves_report(["6m", "intake", "exit"], explicit=["intake", "6m"])
    assert order == ["intake", "6m", "exit"]
    assert [f.code for f in findings] == ["wave_not_in_order"]


def test_recognised_waves_need_no_finding():
    _, findings = order_waves_report(["baseline", "6m", "12m"])
    assert findings == []


@settings(max_examples=40, deadline=None)
@given(st.permutations(["baseline", "1m", "3m", "6m", "12m", "24m", "post"]))
def test_order_of_recognised_waves_does_not_depend_on_input_order(shuffled):
    assert order_waves(shuffled) == ["baseline", "1m", "3m", "6m", "12m", "24m", "post"]


# --------------------------------------------------------------------------- wide files


def _long_reference() -> pd.DataFrame:
    """Three participants, two waves, one of them missing the 6m survey."""
    rng = np.random.default_rng(7)
    rows = []
    for code, group in [("A1", "coached"), ("A2", "coached"), ("B1", "control")]:
        for wave in ["baseline", "6m"]:
            if code == "B1" and wave == "6m":
                continue
            row = {"pid": code, "wave": wave, "arm": group, "site": "North"}
            row.update({item: int(rng.integers(0, 7)) for item in MBI_DP})
            rows.append(row)
    return pd.DataFrame(rows)


def _as_wide(long: pd.DataFrame, patterns: dict[str, str]) -> pd.DataFrame:
    pieces = []
    for wave, pattern in patterns.items():
        part = long[long["wave"] == wave].set_index("pid")[MBI_DP]
        part = part.add_prefix(pattern) if pattern.endswith("_") else part.add_suffix(pattern)
        pieces.append(part)
    invariant = long.drop_duplicates("pid").set_index("pid")[["arm", "site"]]
    return pd.concat([invariant, *pieces], axis=1).reset_index()


def test_wide_prefix_file_becomes_one_row_per_participant_and_wave():
    long = _long_reference()
    wide = _as_wide(long, {"baseline": "pre_", "6m": "post_"})
    result = wide_to_long(wide, "pid", {"baseline": "pre_", "6m": "post_"})
    assert len(result) == 5  # B1 has no 6m answers, so no 6m row
    got = result.sort_values(["pid", "wave"]).reset_index(drop=True)
    want = long.sort_values(["pid", "wave"]).reset_index(drop=True)
    for column in ["pid", "wave", "arm", "site"]:
        assert got[column].tolist() == want[column].tolist(), column
    # The wide file holds blanks (B1 at 6m), so its answers read as decimals.
    np.testing.assert_array_equal(got[MBI_DP].to_numpy(float), want[MBI_DP].to_numpy(float))


def test_wide_suffix_longest_pattern_wins():
    wide = pd.DataFrame({"pid": ["A"], "x_2m": [1], "x_12m": [2]})
    result = wide_to_long(wide, "pid", {"2m": "_2m", "12m": "_12m"})
    assert dict(zip(result["wave"], result["x"], strict=True)) == {"2m": 1, "12m": 2}


def test_wide_patterns_must_be_prefix_or_suffix():
    wide = pd.DataFrame({"pid": ["A"], "prex": [1]})
    with pytest.raises(MappingError, match="neither a prefix nor a suffix"):
        wide_to_long(wide, "pid", {"baseline": "pre"})


def test_wide_stem_clashing_with_an_unpatterned_column_is_refused():
    wide = pd.DataFrame({"pid": ["A"], "site": ["N"], "pre_site": ["S"]})
    with pytest.raises(MappingError, match="both with and without"):
        wide_to_long(wide, "pid", {"baseline": "pre_"})


def test_stacked_wave_files_get_their_wave_and_union_of_columns():
    first = pd.DataFrame({"pid": ["A", "B"], "q": [1, 2]})
    second = pd.DataFrame({"pid": ["A"], "q": [3], "extra": ["x"]})
    stacked = stack_wave_files([(first, "baseline"), (second, "6m")])
    assert stacked["wave"].tolist() == ["baseline", "baseline", "6m"]
    assert stacked["extra"].isna().sum() == 2


def test_stacking_needs_a_wave_for_every_file():
    with pytest.raises(MappingError, match="has no wave"):
        stack_wave_files([(pd.DataFrame({"pid": ["A"]}), " ")])


# --------------------------------------------------------------------------- apply_mapping


def _mapping(**changes) -> ColumnMapping:
    base = dict(
        participant_id="pid",
        group="arm",
        group_values={"coached": "coached", "control": "comparison"},
        attributes={"site": "site"},
        scales=(ScaleMapping("mbi_dp", {item: item for item in MBI_DP}),),
    )
    base.update(changes)
    return ColumnMapping(**base)


def test_long_wide_and_per_wave_uploads_give_the_same_long_table():
    long = _long_reference()
    from_long, f1 = apply_mapping([(long, None)], _mapping(wave="wave"))
    wide = _as_wide(long, {"baseline": "_baseline", "6m": "_6m"})
    from_wide, f2 = apply_mapping(
        [(wide, None)], _mapping(wide_waves={"baseline": "_baseline", "6m": "_6m"})
    )
    per_wave = [(long[long["wave"] == w].drop(columns="wave"), w) for w in ["baseline", "6m"]]
    from_files, f3 = apply_mapping(per_wave, _mapping())
    assert not any(f.severity == "blocking" for f in [*f1, *f2, *f3])

    def canonical(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.sort_values(["participant_id", "wave"]).reset_index(drop=True)
        return frame.astype({c: float for c in MBI_DP})

    expected = canonical(from_long)
    assert list(expected.columns) == ["participant_id", "wave", "group", "site", *MBI_DP]
    assert expected["wave"].cat.categories.tolist() == ["baseline", "6m"]
    assert expected["wave"].cat.ordered
    assert expected["group"].tolist() == ["coached"] * 4 + ["comparison"]
    assert expected["participant_id"].tolist() == ["a1", "a1", "a2", "a2", "b1"]
    pd.testing.assert_frame_equal(canonical(from_wide), expected)
    pd.testing.assert_frame_equal(canonical(from_files), expected)


def test_redcap_group_recorded_on_one_event_is_carried_to_the_others():
    export = pd.DataFrame(
        {
            "record_id": ["1", "1", "2", "2"],
            "redcap_event_name": ["baseline_arm_1", "6_month_arm_1"] * 2,
            "arm": ["coached", None, "control", None],
            **{item: [1, 2, 3, 4] for item in MBI_DP},
        }
    )
    mapping = _mapping(participant_id="record_id", wave="redcap_event_name", attributes={},
                       wave_labels={"baseline_arm_1": "baseline", "6_month_arm_1": "6m"})
    result, findings = apply_mapping([(export, None)], mapping)
    assert result["group"].tolist() == ["coached", "coached", "comparison", "comparison"]
    assert result["wave"].astype(str).tolist() == ["baseline", "6m"] * 2
    assert not [f for f in findings if f.severity != "info"]


def test_rows_without_code_wave_or_answers_are_left_out_and_counted():
    frame = pd.DataFrame(
        {
            "pid": ["A", None, "B", "C", "D"],
            "wave": ["baseline", "baseline", None, "baseline", "baseline"],
            "arm": ["coached"] * 5,
            "site": ["N"] * 5,
            **{item: [1, 1, 1, None, 1] for item in MBI_DP},
        }
    )
    result, findings = apply_mapping([(frame, None)], _mapping(wave="wave"))
    codes = {f.code: f for f in findings}
    assert result["participant_id"].tolist() == ["a", "d"]
    assert "1 row have no participant code" in codes["rows_without_id"].what
    assert "1 row have no wave" in codes["rows_without_wave"].what
    assert "1 row had no answers" in codes["rows_without_answers"].what


def test_without_a_group_column_everyone_is_coached_only_when_the_user_says_so():
    frame = _long_reference().drop(columns="arm")
    result, findings = apply_mapping([(frame, None)],
                                     _mapping(wave="wave", group=None, group_values={}))
    assert result.empty
    assert "no_group_column" in [f.code for f in findings if f.severity == "blocking"]
    result, _ = apply_mapping([(frame, None)], _mapping(wave="wave", group=None,
                                                       group_values={}, everyone_coached=True))
    assert set(result["group"]) == {"coached"}


def test_a_file_without_any_wave_information_blocks():
    frame = _long_reference().drop(columns="wave")
    result, findings = apply_mapping([(frame, None)], _mapping())
    assert result.empty
    assert "wave_unknown" in [f.code for f in findings if f.severity == "blocking"]


def test_unmapped_and_ignored_columns_are_dropped():
    frame = _long_reference().assign(StartDate="2024-01-01", comment="x")
    result, _ = apply_mapping([(frame, None)], _mapping(wave="wave", ignore=("comment",)))
    assert "StartDate" not in result.columns and "comment" not in result.columns
    assert "pid" not in result.columns and "arm" not in result.columns
