"""The sample data's Qualtrics and REDCap exports, once mapped, give the clean long table.

The three Qualtrics files (one per wave, answers as choice text, codes typed untidily)
and the REDCap longitudinal export (raw codes, event names, test records) are the same
responses as ``sample_data/responses_long.csv``. Prepared with the mappings saved next
to them, each must give the same scored table: same pseudonymous ids (codes normalise
to the same value before hashing), same waves, groups, attributes, items and scores.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import SAMPLE_DATA, prepare_program

KEY = b"sample-round-trip-key-0123456789"
WAVES = ("baseline", "6m", "12m")
QUALTRICS_IDENTIFIERS = (
    "StartDate", "EndDate", "RecordedDate", "IPAddress", "RecipientLastName",
    "RecipientFirstName", "RecipientEmail", "LocationLatitude", "LocationLongitude",
)


def _upload(name: str, wave: str | None = None) -> UploadedFile:
    return UploadedFile(name, (SAMPLE_DATA / name).read_bytes(), wave=wave)


def _mapping(name: str):
    return mapping_from_json((SAMPLE_DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    prepared = prepare_program([_upload("responses_long.csv")], key=KEY)
    assert prepared.program is not None, prepared.findings
    return prepared.program.responses


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["wave"] = frame["wave"].astype(str)
    return frame.sort_values(["participant_id", "wave"]).reset_index(drop=True)


def _assert_same_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got, want = _sorted(got), _sorted(want)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for column in want.columns:
        if pd.api.types.is_numeric_dtype(want[column]):
            np.testing.assert_allclose(
                got[column].to_numpy(float), want[column].to_numpy(float),
                equal_nan=True, err_msg=column,
            )
        else:
            assert got[column].astype(str).tolist() == want[column].astype(str).tolist(), column


def test_reference_table_has_three_ordered_waves_and_both_groups(reference):
    assert reference["wave"].cat.categories.tolist() == list(WAVES)
    assert set(reference["group"]) == {"coached", "comparison"}


def test_qualtrics_per_wave_exports_give_the_long_table(reference):
    files = [_upload(f"qualtrics_{wave}.csv", wave) for wave in WAVES]
    prepared = prepare_program(
        files, _mapping("mapping_qualtrics.json"), drop_columns=QUALTRICS_IDENTIFIERS, key=KEY
    )
    assert prepared.program is not None, [f for f in prepared.findings if f.severity == "blocking"]
    assert prepared.source_formats == ("qualtrics",) * 3
    _assert_same_table(prepared.program.responses, reference)


def test_qualtrics_numeric_export_numbered_from_one_gives_the_long_table(reference):
    prepared = prepare_program([_upload("qualtrics_numeric.csv")],
                               _mapping("mapping_qualtrics_numeric.json"),
                               drop_columns=QUALTRICS_IDENTIFIERS, key=KEY)
    assert prepared.program is not None, [f for f in prepared.findings if f.severity == "blocking"]
    _assert_same_table(prepared.program.responses, reference)


def test_qualtrics_numeric_export_blocks_until_its_numbering_is_said():
    mapping = replace(_mapping("mapping_qualtrics_numeric.json"), numbered_from={})
    prepared = prepare_program([_upload("qualtrics_numeric.csv")], mapping,
                               drop_columns=QUALTRICS_IDENTIFIERS, key=KEY)
    assert prepared.program is None
    blocking = {f.where: f for f in prepared.findings if f.severity == "blocking"}
    # One finding per 0-6 scale, none for Mini-Z and intent to leave (1-5 either way).
    assert set(blocking) == {"mbi_ee", "mbi_dp", "mbi_pa", "uwes9"}
    assert {f.code for f in blocking.values()} == {"answers_numbered_from_one"}
    assert "run from 1 to 7" in blocking["mbi_ee"].what
    assert '"numbered_from": {"mbi_ee": 1}' in blocking["mbi_ee"].fix


def test_qualtrics_exports_block_until_their_identifiers_are_dropped():
    files = [_upload(f"qualtrics_{wave}.csv", wave) for wave in WAVES]
    prepared = prepare_program(files, _mapping("mapping_qualtrics.json"), key=KEY)
    assert prepared.program is None
    assert {i.column for i in prepared.identifiers} == set(QUALTRICS_IDENTIFIERS)


def test_redcap_export_gives_the_long_table(reference):
    prepared = prepare_program(
        [_upload("redcap_export.csv")], _mapping("mapping_redcap.json"), key=KEY
    )
    assert prepared.program is not None, [f for f in prepared.findings if f.severity == "blocking"]
    assert prepared.source_formats == ("redcap",)
    _assert_same_table(prepared.program.responses, reference)
