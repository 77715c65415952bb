"""The mapping as an editable table, and back: nothing is lost on the way."""

from __future__ import annotations

import pandas as pd

from analysis.intake.instruments import all_scales
from analysis.intake.mapping.editor import (
    NOT_USED,
    item_option,
    mapping_from_rows,
    mapping_rows,
    use_as_options,
    wave_from_file_name,
)
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping

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
