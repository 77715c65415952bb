"""The release plan's mechanism: atoms, kinds in priority order, global recoding, JSON."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.model.release import (
    OTHER,
    Kind,
    Participants,
    ReleasePlan,
    plan_releases,
    unsafe_blocks,
)


def _people(sites: list[str], groups: list[str], answered_late: list[bool],
            values: list[float]) -> Participants:
    n = len(sites)
    return Participants(
        cells=pd.DataFrame({"group": groups, "site": sites}),
        members=pd.DataFrame({"all": [True] * n, "late": answered_late}),
        table=pd.DataFrame({"x": values}),
        values={"x": ["x"]},
    )


KINDS = [Kind("all", ("x",)), Kind("late", ("x",))]


def test_an_atom_of_fewer_than_k_or_of_one_value_is_unsafe():
    people = _people(["A"] * 8, ["c"] * 8, [True] * 6 + [False] * 2,
                     [1, 2, 3, 4, 5, 6, 7, 8])
    blocks = np.zeros(8, dtype=int)
    assert unsafe_blocks(blocks, people, KINDS[:1], 5) == {}
    # "late" leaves 2 people out: everyone minus late isolates them.
    assert unsafe_blocks(blocks, people, KINDS, 5) == {0: "a group of fewer than 5 people"}
    same = _people(["A"] * 6, ["c"] * 6, [True] * 6, [3] * 6)
    assert unsafe_blocks(np.zeros(6, dtype=int), same, KINDS[:1], 5) == {
        0: "a group whose members all gave the same answer"}


def test_a_kind_that_would_split_off_a_small_group_is_refused_with_a_reason():
    people = _people(["A"] * 12, ["c"] * 12, [True] * 10 + [False] * 2, list(range(12)))
    plan = plan_releases(people, KINDS, ["site"], 5, {"all": "everyone"})
    assert plan.allows("all") and not plan.allows("late")
    assert "everyone" in plan.why_not("late") and "minimum group size 5" in plan.why_not("late")


def test_a_site_of_one_is_merged_into_other_with_the_next_smallest():
    sites = ["Big"] * 10 + ["Mid"] * 6 + ["Tiny"]
    people = _people(sites, ["c"] * 17, [True] * 17, list(range(17)))
    plan = plan_releases(people, KINDS[:1], ["site"], 5)
    assert plan.recoding["site"] == {"Big": "Big", "Mid": OTHER, "Tiny": OTHER}
    assert plan.levels("site") == ["Big", OTHER]
    assert "Tiny" in plan.merged["site"]


def test_an_attribute_that_cannot_be_made_safe_is_not_offered():
    sites = ["A"] * 3 + ["B"] * 3
    people = _people(sites, ["c"] * 6, [True] * 6, list(range(6)))
    plan = plan_releases(people, KINDS[:1], ["site"], 5)
    assert "site" not in plan.recoding
    assert plan.refused_attributes["site"].startswith("Site is not offered")


def test_the_plan_round_trips_through_json():
    people = _people(["Big"] * 10 + ["Mid"] * 6 + ["Tiny"], ["c"] * 17, [True] * 17,
                     list(range(17)))
    plan = plan_releases(people, KINDS, ["site"], 5)
    again = ReleasePlan.from_json(plan.to_json())
    assert again == plan
