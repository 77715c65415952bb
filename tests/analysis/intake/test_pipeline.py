"""The preparation pipeline: privacy gate first, codes hashed, roster read alongside."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.intake.codes import normalise_participant_codes
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping
from analysis.intake.pipeline import load_sample_program, prepare_program
from analysis.intake.privacy import pseudonymise_ids
from analysis.intake.roster import read_roster
from analysis.model.errors import IngestError
from analysis.model.schema import NO_COMPARISON_CAVEAT

KEY = b"pipeline-test-key-0123456789abcdef"
MBI_DP = [f"mbi_dp_{i}" for i in range(1, 6)]


def _survey(n: int = 12, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for wave in ("baseline", "6m"):
            code = f"P{i:03d}" if wave == "baseline" else f" p {i:03d}"
            row = {"participant_id": code, "wave": wave,
                   "group": "coaching" if i % 2 else "control",
                   "email": f"doc{i}@hospital.org"}
            row.update({item: int(rng.integers(0, 7)) for item in MBI_DP})
            rows.append(row)
    return pd.DataFrame(rows)


def _csv(frame: pd.DataFrame, name: str = "survey.csv", wave: str | None = None) -> UploadedFile:
    return UploadedFile(name, frame.to_csv(index=False).encode(), wave=wave)


def test_an_email_column_blocks_until_it_is_dropped():
    upload = _csv(_survey())
    blocked = prepare_program([upload], key=KEY)
    assert blocked.program is None
    assert [i.column for i in blocked.identifiers] == ["email"]
    assert any(f.code == "identifier_column" and f.where == "email" and f.severity == "blocking"
               for f in blocked.findings)
    prepared = prepare_program([upload], drop_columns=["email"], key=KEY)
    assert prepared.program is not None
    assert prepared.identifiers == ()
    assert "email" not in prepared.program.responses.columns


def test_hashed_ids_never_equal_raw_or_normalised_codes_and_match_across_waves():
    survey = _survey()
    prepared = prepare_program([_csv(survey)], drop_columns=["email"], key=KEY)
    ids = prepared.program.responses["participant_id"]
    raw = set(survey["participant_id"])
    normalised = set(normalise_participant_codes(survey["participant_id"])[0])
    assert not set(ids) & (raw | normalised)
    assert ids.str.fullmatch(r"[0-9a-f]{64}").all()
    # " p 000" at 6m and "P000" at baseline are one person: 12 people, two rows each.
    assert ids.nunique() == 12 and ids.value_counts().eq(2).all()
    expected = set(pseudonymise_ids(pd.Series(sorted(normalised)), KEY))
    assert set(ids) == expected


def test_a_different_key_gives_unrelated_pseudonyms():
    upload = _csv(_survey())
    one = prepare_program([upload], drop_columns=["email"], key=KEY).program.responses
    other = prepare_program([upload], drop_columns=["email"], key=b"another-key-" * 3)
    assert not set(one["participant_id"]) & set(other.program.responses["participant_id"])


def test_per_wave_files_and_a_long_file_prepare_the_same_program():
    survey = _survey().drop(columns="email")
    long = prepare_program([_csv(survey)], key=KEY).program.responses
    per_wave = [_csv(survey[survey["wave"] == w].drop(columns="wave"), f"{w}.csv", w)
                for w in ("baseline", "6m")]
    mapping = ColumnMapping("participant_id", group="group",
                            group_values={"coaching": "coached", "control": "comparison"},
                            scales=(ScaleMapping("mbi_dp", {i: i for i in MBI_DP}),))
    stacked = prepare_program(per_wave, mapping, key=KEY).program.responses
    pd.testing.assert_frame_equal(
        stacked.sort_values(["participant_id", "wave"]).reset_index(drop=True),
        long.sort_values(["participant_id", "wave"]).reset_index(drop=True),
    )


def test_unmapped_free_text_is_dropped_without_blocking():
    survey = _survey().drop(columns="email").assign(
        comments=lambda d: [f"My coach helped me a lot with week {i} of the rota" for i in d.index]
    )
    prepared = prepare_program([_csv(survey)], key=KEY)
    assert prepared.program is not None
    assert "free_text_dropped" in [f.code for f in prepared.findings]


def test_a_mapping_that_does_not_fit_blocks_with_mapping_findings():
    survey = _survey().drop(columns="email")
    prepared = prepare_program([_csv(survey)], ColumnMapping("code", wave="wave"), key=KEY)
    assert prepared.program is None
    assert "missing_column" in [f.code for f in prepared.findings if f.severity == "blocking"]


def test_duplicate_submissions_block_the_program():
    survey = _survey().drop(columns="email")
    prepared = prepare_program([_csv(pd.concat([survey, survey.iloc[:1]]))], key=KEY)
    assert prepared.program is None
    assert [f.code for f in prepared.findings][0] == "duplicate_rows"


def test_a_missing_group_column_blocks_until_everyone_coached_is_confirmed():
    survey = _survey().drop(columns=["email", "group"])
    blocked = prepare_program([_csv(survey)], key=KEY)
    assert blocked.program is None
    assert "no_group_column" in [f.code for f in blocked.findings if f.severity == "blocking"]
    confirmed = replace(blocked.mapping, everyone_coached=True)
    prepared = prepare_program([_csv(survey)], confirmed, key=KEY)
    assert set(prepared.program.responses["group"]) == {"coached"}
    assert NO_COMPARISON_CAVEAT in prepared.program.notes


def test_findings_are_most_severe_first():
    prepared = prepare_program([_csv(_survey())], key=KEY)
    order = {"blocking": 0, "warning": 1, "info": 2}
    ranks = [order[f.severity] for f in prepared.findings]
    assert ranks == sorted(ranks)


def test_no_files_is_a_user_error():
    with pytest.raises(IngestError):
        prepare_program([], key=KEY)


# --------------------------------------------------------------------------- roster


def _roster(rows: list[tuple[str, str, str, str]]) -> UploadedFile:
    frame = pd.DataFrame(rows, columns=["participant_id", "group", "Start Date", "exit_date"])
    return UploadedFile("roster.csv", frame.to_csv(index=False).encode())


MAPPING = ColumnMapping("participant_id", group="group",
                        group_values={"coaching": "coached", "control": "comparison"},
                        follow_up_end="2025-12-31")


def test_roster_codes_are_hashed_like_the_survey_and_groups_translated():
    roster, findings = read_roster(
        _roster([(" p001", "coaching", "2024-01-15", ""), ("P002", "control", "2024-02-01",
                                                           "2024-10-31")]),
        MAPPING, key=KEY,
    )
    assert not [f for f in findings if f.severity == "blocking"]
    expected = pseudonymise_ids(pd.Series(["p001", "p002"]), KEY)
    assert roster["participant_id"].tolist() == expected.tolist()
    assert roster["group"].tolist() == ["coached", "comparison"]
    assert roster["start_date"].tolist() == [pd.Timestamp("2024-01-15"), pd.Timestamp("2024-02-01")]
    assert pd.isna(roster["exit_date"].iloc[0])


@pytest.mark.parametrize(
    ("dates", "first_start", "code"),
    [
        (("31/01/2024", "02/03/2024"), pd.Timestamp("2024-01-31"), None),  # day-first
        (("01/31/2024", "02/03/2024"), pd.Timestamp("2024-01-31"), None),  # month-first
        (("03/04/2024", "02/03/2024"), pd.Timestamp("2024-03-04"), "date_order_ambiguous"),
    ],
)
def test_roster_date_order_is_read_from_the_values(dates, first_start, code):
    roster, findings = read_roster(
        _roster([("P1", "coaching", dates[0], ""), ("P2", "control", dates[1], "")]),
        MAPPING, key=KEY,
    )
    assert roster["start_date"].iloc[0] == first_start
    assert [f.code for f in findings if f.severity != "info"] == ([code] if code else [])


def test_roster_mixing_day_first_and_month_first_blocks():
    _, findings = read_roster(
        _roster([("P1", "coaching", "31/01/2024", "01/31/2025"),
                 ("P2", "control", "02/03/2024", "")]), MAPPING, key=KEY)
    assert "dates_inconsistent" in [f.code for f in findings if f.severity == "blocking"]


def test_roster_exit_before_start_is_left_out_with_a_warning():
    roster, findings = read_roster(
        _roster([("P1", "coaching", "2024-05-01", "2024-01-01"),
                 ("P2", "control", "2024-01-01", "")]), MAPPING, key=KEY)
    assert len(roster) == 1
    assert "exit_before_start" in [f.code for f in findings]


def test_roster_duplicate_codes_block():
    roster, findings = read_roster(
        _roster([("P1", "coaching", "2024-01-01", ""), ("p1 ", "coaching", "2024-01-01", "")]),
        MAPPING, key=KEY)
    assert roster.empty
    assert "roster_duplicate_ids" in [f.code for f in findings]


def test_roster_without_group_takes_the_survey_group():
    survey = _survey().drop(columns="email")
    roster = pd.DataFrame({"participant_id": ["P001", "P002"],
                           "start_date": ["2024-01-01", "2024-01-01"], "exit_date": ["", ""],
                           "censor_date": ["2025-06-30", "2025-06-30"]})
    prepared = prepare_program(
        [_csv(survey)], roster=UploadedFile("r.csv", roster.to_csv(index=False).encode()),
        key=KEY,
    )
    assert prepared.program.roster["group"].tolist() == ["coached", "comparison"]


def test_the_sample_program_prepares_without_blocking_findings():
    prepared = load_sample_program()
    assert prepared.program is not None
    assert prepared.program.waves == ["baseline", "6m", "12m"]
    assert {o.key for o in prepared.program.outcomes} >= {"mbi_ee", "mbi_dp", "uwes9"}
    assert prepared.program.roster is not None and len(prepared.program.roster) == 300
    assert prepared.program.has_comparison


def test_uploaded_file_digest_tells_content_and_wave_apart_and_is_stable():
    import hashlib

    from analysis.intake.ingest.upload import UploadedFile

    first = UploadedFile("a.csv", b"x,y\n1,2\n", wave="baseline")
    assert first.digest == first.digest == UploadedFile("a.csv", b"x,y\n1,2\n", "baseline").digest
    expected = hashlib.sha256(b"a.csv|baseline|None|" + b"x,y\n1,2\n").hexdigest()
    assert first.digest == expected
    assert first.digest != UploadedFile("a.csv", b"x,y\n1,3\n", wave="baseline").digest
    assert first.digest != UploadedFile("a.csv", b"x,y\n1,2\n", wave="12m").digest


def test_a_roster_with_names_offers_them_for_dropping_with_the_surveys_identifiers():
    from analysis.intake.pipeline import SAMPLE_DATA

    survey = UploadedFile("responses_long.csv", (SAMPLE_DATA / "responses_long.csv").read_bytes())
    frame = pd.read_csv(SAMPLE_DATA / "roster.csv")
    frame.insert(1, "email", [f"{c.lower()}@hospital.org" for c in frame["participant_id"]])
    roster = UploadedFile("roster.csv", frame.to_csv(index=False).encode())
    blocked = prepare_program([survey], roster=roster, key=KEY)
    assert blocked.program is None
    assert [i.column for i in blocked.identifiers] == ["email"]
    ready = prepare_program([survey], roster=roster, key=KEY, drop_columns=("email",))
    assert ready.program is not None and ready.program.roster is not None
    plain = load_sample_program()
    assert len(ready.program.roster) == len(plain.program.roster)
