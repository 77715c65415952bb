"""The data-quality report: each finding triggered by a crafted long table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.intake.instruments import all_scales
from analysis.intake.validation import item_missingness, quality_table, validate_responses
from analysis.model.findings import Finding

MBI_DP = all_scales()["mbi_dp"]
CBI_WORK = all_scales()["cbi_work"]


def _responses(n: int = 10, waves=("baseline", "6m"), seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        {"participant_id": f"h{i:02d}", "wave": wave, "group": "coached" if i % 2 else "comparison"}
        for i in range(n) for wave in waves
    ]
    frame = pd.DataFrame(rows)
    frame["wave"] = pd.Categorical(frame["wave"], categories=list(waves), ordered=True)
    for item in MBI_DP.items:
        frame[item] = rng.integers(0, 7, len(frame)).astype(float)
    return frame


def _codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def test_clean_data_only_gets_information():
    findings = validate_responses(_responses(), [MBI_DP])
    assert _codes(findings) == ["item_missingness"]
    assert "0.0 % to 0.0 %" in findings[0].what


def test_no_rows_blocks():
    empty = _responses().iloc[0:0]
    assert _codes(validate_responses(empty, [MBI_DP]), "blocking") == ["no_rows"]


def test_no_participant_codes_block():
    frame = _responses().assign(participant_id=pd.NA)
    assert _codes(validate_responses(frame, [MBI_DP]), "blocking") == [
        "no_participant_id", "no_rows"
    ]


def test_duplicate_participant_wave_rows_block_with_counts_and_no_codes():
    frame = _responses()
    frame = pd.concat([frame, frame.iloc[[0, 0, 3]]], ignore_index=True)
    (finding,) = [f for f in validate_responses(frame, [MBI_DP]) if f.code == "duplicate_rows"]
    assert finding.severity == "blocking"
    assert "2 participant(s)" in finding.what and "5 rows in all" in finding.what
    assert "h00" not in finding.what and "h01" not in finding.what


def test_participant_in_both_groups_blocks():
    frame = _responses()
    frame.loc[(frame["participant_id"] == "h01") & (frame["wave"] == "6m"), "group"] = "comparison"
    findings = validate_responses(frame, [MBI_DP])
    assert "participant_in_two_groups" in _codes(findings, "blocking")
    assert "1 participant(s)" in next(f.what for f in findings
                                      if f.code == "participant_in_two_groups")


def test_group_other_than_coached_or_comparison_blocks():
    frame = _responses().assign(group="control")
    assert "unknown_group" in _codes(validate_responses(frame, [MBI_DP]), "blocking")


def test_out_of_range_and_non_numeric_values_warn_with_counts():
    frame = _responses().astype({"mbi_dp_1": object})
    frame.loc[[0, 1], "mbi_dp_1"] = 7
    frame.loc[2, "mbi_dp_1"] = "sometimes"
    findings = validate_responses(frame, [MBI_DP])
    by_code = {f.code: f for f in findings}
    assert by_code["out_of_range_values"].severity == "warning"
    assert by_code["out_of_range_values"].what.startswith("2 rows of mbi_dp_1")
    assert "0 to 6" in by_code["out_of_range_values"].what
    assert by_code["non_numeric_values"].what.startswith("1 row of mbi_dp_1")


def test_answers_outside_an_instruments_allowed_values_warn():
    frame = _responses()
    for item in CBI_WORK.items:
        frame[item] = 50.0
    frame.loc[0, "cbi_w_1"] = 60.0  # the CBI allows 0, 25, 50, 75, 100 only
    findings = validate_responses(frame, [CBI_WORK])
    (finding,) = [f for f in findings if f.code == "out_of_range_values"]
    assert finding.where == "cbi_w_1" and "0, 25, 50, 75, 100" in finding.what


def test_waves_without_declared_order_warn():
    frame = _responses().assign(wave=lambda d: d["wave"].astype(str))
    assert "waves_unordered" in _codes(validate_responses(frame, [MBI_DP]), "warning")


def test_a_single_wave_warns_that_no_pre_post_is_possible():
    findings = validate_responses(_responses(waves=("baseline",)), [MBI_DP])
    assert "single_wave" in _codes(findings, "warning")
    assert "seen_at_one_wave" not in _codes(findings)


def test_attrition_is_reported_by_group_with_percentages():
    frame = _responses(n=10)
    # Drop the 6m row of three coached (odd) participants and one comparison participant.
    lost = frame["participant_id"].isin(["h01", "h03", "h05", "h00"]) & (frame["wave"] == "6m")
    findings = validate_responses(frame.loc[~lost], [MBI_DP])
    (finding,) = [f for f in findings if f.code == "seen_at_one_wave"]
    assert finding.severity == "warning"  # 60 % of the coached > 20 %
    assert "coached: 3 of 5 (60.0 %)" in finding.what
    assert "comparison: 1 of 5 (20.0 %)" in finding.what


def test_low_attrition_is_information_only():
    frame = _responses(n=20)
    lost = (frame["participant_id"] == "h01") & (frame["wave"] == "6m")
    (finding,) = [f for f in validate_responses(frame.loc[~lost], [MBI_DP])
                  if f.code == "seen_at_one_wave"]
    assert finding.severity == "info"


def test_items_missing_in_over_a_fifth_of_rows_warn():
    frame = _responses(n=10)
    frame.loc[frame.index[:5], "mbi_dp_2"] = np.nan  # 5 of 20 rows = 25 %
    frame.loc[frame.index[:2], "mbi_dp_3"] = np.nan  # 10 %: information only
    findings = validate_responses(frame, [MBI_DP])
    assert [f.where for f in findings if f.code == "item_often_missing"] == ["mbi_dp_2"]
    table = item_missingness(frame, [MBI_DP]).set_index("item")
    assert table.loc["mbi_dp_2", "n_missing"] == 5
    assert table.loc["mbi_dp_2", "share_missing"] == pytest.approx(0.25)
    assert table.loc["mbi_dp_3", "share_missing"] == pytest.approx(0.10)


def test_exclusions_from_earlier_steps_are_passed_through_in_severity_order():
    earlier = [Finding("info", "rows_without_answers", "wave", "2 rows had no answers."),
               Finding("warning", "rows_without_id", "pid", "1 row has no participant code.")]
    findings = validate_responses(_responses(), [MBI_DP], excluded=earlier)
    assert _codes(findings)[:3] == ["rows_without_id", "rows_without_answers", "item_missingness"]
    table = quality_table(findings)
    assert list(table.columns) == ["severity", "code", "where", "what", "fix"]
    assert table["severity"].tolist()[0] == "warning"
