"""National reference lines: the shipped figures are methods §10's, a user file is checked."""

from __future__ import annotations

import pytest

from analysis.model.errors import ReferenceFileError
from analysis.model.schema import Cutoff, Outcome
from analysis.present.references import (
    load_reference_file,
    references_csv,
    shipped_effects,
    shipped_references,
)

MINIZ = Outcome("miniz1_burnout", "Burnout, single item (Mini-Z 1.0)", False, 1, 5,
                cutoff=Cutoff(3, True, "burned out (one or more symptoms of burnout)", "x"))


def test_shipped_file_is_versioned_and_holds_the_published_figures_with_sources():
    refs = shipped_references()
    assert refs.version
    by = {(r.outcome, r.year): r.value for r in refs.lines}
    # Shanafelt et al. national MBI surveys, 'at least one symptom of burnout' (methods §10).
    assert [by[("mbi_any_symptom", y)] for y in (2011, 2014, 2017, 2020, 2021, 2023)] == \
        [0.455, 0.544, 0.439, 0.382, 0.628, 0.452]
    # AMA Organizational Biopsy 2022 / 2023 / 2024.
    assert [by[("miniz1_burnout", y)] for y in (2022, 2023, 2024)] == [0.530, 0.482, 0.432]
    assert [by[("intent_to_leave", y)] for y in (2022, 2023, 2024)] == [0.393, 0.357, 0.319]
    assert [by[("miniz_satisfaction", y)] for y in (2022, 2023, 2024)] == [0.680, 0.721, 0.765]
    assert [by[("miniz_valued", y)] for y in (2022, 2023, 2024)] == [0.463, 0.504, 0.545]
    assert all(r.source and r.instrument and r.definition for r in refs.lines)
    effects = {e["value"] for e in shipped_effects()}
    assert {"SMD −0.37", "SMD −0.30", "SMD −0.29"} <= effects


def test_a_user_file_in_percent_is_read_and_drawn_against_the_matching_outcome():
    text = ("outcome,direction,threshold,instrument,definition,population,year,value,source\n"
            "miniz1_burnout,>=,3,Mini-Z,burned out,Our system,2025,38.5,Our 2025 survey\n"
            "miniz1_burnout,<=,3,Mini-Z 2.0,burned out,Other system,2025,41,Their survey\n")
    refs = load_reference_file(text.encode("utf-8-sig"), "ours.csv")
    assert [(r.value, r.origin) for r in refs.lines] == [(0.385, "your file"),
                                                         (0.41, "your file")]
    assert [r.population for r in refs.for_outcome(MINIZ)] == ["Our system"]


def test_the_shipped_template_reads_back_as_a_user_file():
    refs = shipped_references()
    again = load_reference_file(references_csv(refs).encode(), "template.csv")
    drawable = [r for r in refs.lines if r.threshold is not None]
    assert [(r.outcome, r.year, round(r.value, 4)) for r in again.lines] == \
        [(r.outcome, r.year, round(r.value, 4)) for r in drawable]


@pytest.mark.parametrize(("text", "named"), [
    ("outcome,year,value,source\nmbi_ee,2024,40,x\n", "no column direction"),
    ("outcome,direction,threshold,year,value,source\nmbi_ee,>,27,2024,40,x\n", "direction"),
    ("outcome,direction,threshold,year,value,source\nmbi_ee,>=,27,2024,140,x\n", "value"),
    ("outcome,direction,threshold,year,value,source\nmbi_ee,>=,27,24.5,40,x\n", "year"),
    ("outcome,direction,threshold,year,value,source\nmbi_ee,>=,27,2024,lots,x\n", "number"),
    ("outcome,direction,threshold,year,value,source\n", "no reference rows"),
])
def test_a_file_that_cannot_be_used_says_what_is_wrong(text, named):
    with pytest.raises(ReferenceFileError, match=named):
        load_reference_file(text.encode(), "bad.csv")


def test_a_binary_file_is_refused_in_words():
    with pytest.raises(ReferenceFileError, match="not a text file"):
        load_reference_file(b"\xff\xfe\x00\x81\x00", "picture.csv")
