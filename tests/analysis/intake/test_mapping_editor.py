"""The mapping as an editable table, and back: nothing is lost on the way."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.intake.instruments import all_scales
from analysis.intake.mapping.editor import (
    NOT_USED,
    column_range,
    duplicate_uses,
    item_option,
    mapping_columns,
    mapping_from_rows,
    mapping_rows,
    question_texts,
    scales_in_rows,
    use_as_options,
    wave_from_file_name,
    wave_value_rows,
    wide_wave_rows,
    with_scale_items,
    with_wave_names,
    with_wide_waves,
)
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping
from analysis.model.errors import MappingError

SCALES = all_scales()


def _mapping() -> ColumnMapping:
    return ColumnMapping(
        participant_id="ExternalReference", group="arm",
        group_values={"A": "coached", "B": "comparison"},
        attributes={"site": "Hospital"},
        scales=(ScaleMapping("miniz1_burnout", {"miniz1_burnout": "Q4"}),),
        ignore=("Status",),
    )


def test_rows_and_back_give_the_same_roles():
    mapping = _mapping()
    columns = ["Status", "ExternalReference", "arm", "Hospital", "Q4", "Q9"]
    rows = mapping_rows(mapping, columns)
    assert rows.set_index("column")["use_as"].to_dict() == {
        "Status": NOT_USED, "ExternalReference": "participant code",
        "arm": "group (coached / comparison)", "Hospital": "site",
        "Q4": item_option("miniz1_burnout"), "Q9": NOT_USED}
    back = mapping_from_rows(rows, mapping, {"miniz1_burnout": SCALES["miniz1_burnout"]})
    assert back == mapping


def test_choosing_items_by_hand_maps_a_scale_and_keeps_the_group_values():
    mapping = ColumnMapping(participant_id="id", group_values={"A": "coached"})
    rows = pd.DataFrame({"column": ["id", *[f"Q1_{i}" for i in range(1, 10)]],
                         "use_as": ["participant code",
                                    *[item_option(f"mbi_ee_{i}") for i in range(1, 10)]]})
    back = mapping_from_rows(rows, mapping, {"mbi_ee": SCALES["mbi_ee"]})
    assert back.scales == (ScaleMapping("mbi_ee", {f"mbi_ee_{i}": f"Q1_{i}"
                                                   for i in range(1, 10)}),)
    assert back.group_values == {"A": "coached"}


def test_a_scale_not_chosen_is_not_scored():
    rows = pd.DataFrame({"column": ["id", "Q4"],
                         "use_as": ["participant code", item_option("miniz1_burnout")]})
    back = mapping_from_rows(rows, ColumnMapping(participant_id="id"), {})
    assert back.scales == ()


def test_options_list_every_item_once():
    options = use_as_options(SCALES)
    items = [o for o in options if o.startswith("item: ")]
    assert len(items) == len(set(items))
    assert item_option("uwes_1") in options and options[0] == NOT_USED


def test_wave_names_are_read_from_file_names():
    assert wave_from_file_name("qualtrics_baseline.csv") == "baseline"
    assert wave_from_file_name("export 6 month.xlsx") == "6m"
    assert wave_from_file_name("survey_12m.csv") == "12m"
    assert wave_from_file_name("pre.csv") == "baseline"
    assert wave_from_file_name("responses.csv") == "responses"


# --------------------------------------------------------------------------- issue 11 helpers

def test_columns_chosen_twice_are_found_so_the_table_is_not_applied():
    rows = pd.DataFrame({"column": ["Q1", "Q2", "Q3", "Q4"], "question": "",
                         "use_as": ["item: mbi_ee_1", "item: mbi_ee_1", "not used", "wave"]})
    assert duplicate_uses(rows) == {"item: mbi_ee_1": ["Q1", "Q2"]}


def test_a_scales_items_are_taken_from_a_column_range_in_one_step():
    columns = ["id", *[f"Q1_{i}" for i in range(1, 10)], "Q2"]
    rows = pd.DataFrame({"column": columns, "question": "",
                         "use_as": ["participant code", *["not used"] * 9, "item: mbi_ee_1"]})
    picked = column_range(columns, "Q1_9", "Q1_1")  # either end first
    assert picked == [f"Q1_{i}" for i in range(1, 10)]
    mapped = with_scale_items(rows, all_scales()["mbi_ee"], picked)
    assert mapped["use_as"].tolist() == ["participant code",
                                         *[f"item: mbi_ee_{i}" for i in range(1, 10)],
                                         "not used"]  # Q2 no longer claims item 1
    with pytest.raises(MappingError, match="9 items, but 8"):
        with_scale_items(rows, all_scales()["mbi_ee"], picked[:8])


def test_scales_whose_items_the_table_maps_are_scored_without_a_second_choice():
    rows = pd.DataFrame({"column": [f"c{i}" for i in range(9)], "question": "",
                         "use_as": [f"item: uwes_{i}" for i in range(1, 10)]})
    assert scales_in_rows(rows, all_scales()) == ["uwes9"]  # not its three subscales


def test_wave_values_are_named_and_ordered_by_time():
    frame = pd.DataFrame({"ev": ["12_month_arm_2", "baseline_arm_1", "baseline_arm_2",
                                 "12_month_arm_1", "baseline_arm_1"]})
    mapping = ColumnMapping("id", wave="ev", wave_labels={
        "baseline_arm_1": "baseline", "baseline_arm_2": "baseline",
        "12_month_arm_1": "12m", "12_month_arm_2": "12m"})
    rows = wave_value_rows([frame], mapping)
    assert rows["wave"].tolist() == ["baseline", "baseline", "12m", "12m"]
    assert rows.set_index("value")["rows"].to_dict()["baseline_arm_1"] == 2
    rows.loc[rows["value"] == "12_month_arm_2", "wave"] = "one year"
    renamed = with_wave_names(mapping, rows)
    assert renamed.wave_labels["12_month_arm_2"] == "one year"


def test_a_wide_file_is_listed_by_its_stems_with_the_question_text():
    wide = pd.DataFrame({"pid": ["A"], "pre_x": [1], "post_x": [2], "group": ["c"]})
    wide.attrs["question_text"] = {"pre_x": "How tired are you?"}
    mapping = ColumnMapping("pid", wide_waves={"baseline": "pre_", "post": "post_"})
    assert mapping_columns([wide], mapping) == ["pid", "x", "group"]
    assert question_texts([wide], mapping) == {"x": "How tired are you?"}
    rows = wide_wave_rows(mapping)
    rows.loc[rows["wave"] == "post", "wave"] = "12m"
    assert with_wide_waves(mapping, rows).wide_waves == {"baseline": "pre_", "12m": "post_"}
