"""The bundled sample program: reproducible to the byte, calibrated, and realistic.

The calibration targets come from sample_data/README.md: baseline MBI-EE about 24
(SD about 11) and DP about 9 (West et al., Lancet 2016;388:2272-81), EE change by
12 months about -5 coached and +1.5 comparison (Dyrbye et al., JAMA Intern Med
2019;179(10):1406-14), cumulative survey loss about 32 % coached vs 12 % comparison
(Fainstad et al., JAMA Netw Open 2022;5(5):e2214143), 12-month turnover about 8 % in
the comparison group and half that among the coached (Shanafelt, Goh & Sinsky, JAMA
Intern Med 2017;177(12):1826-32). Scores here are computed with plain pandas, the
methods' own rules (sum of items, prorated when at least 80 % answered), not with the
package under test.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.intake.privacy import find_identifiers
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "sample_data"
EE = [f"mbi_ee_{i}" for i in range(1, 10)]
DP = [f"mbi_dp_{i}" for i in range(1, 6)]
PA = [f"mbi_pa_{i}" for i in range(1, 9)]
UWES = [f"uwes_{i}" for i in range(1, 10)]
ITEMS = [*EE, *DP, *PA, "miniz1_burnout", *UWES, "intent_to_leave"]
WAVES = ["baseline", "6m", "12m"]


def load_generator():
    spec = importlib.util.spec_from_file_location("sample_data_generate", SAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "responses_long.csv", dtype={"cohort": str, "modality": str})


@pytest.fixture(scope="module")
def roster() -> pd.DataFrame:
    return pd.read_csv(
        SAMPLE / "roster.csv", parse_dates=["start_date", "exit_date", "censor_date"]
    )


def read_qualtrics(wave: str) -> pd.DataFrame:
    return pd.read_csv(
        SAMPLE / f"qualtrics_{wave}.csv", skiprows=[1, 2], dtype=str, keep_default_na=False,
        encoding="utf-8-sig",
    )  # fmt: skip


def prorated(frame: pd.DataFrame, items: list[str]) -> pd.Series:
    answered = frame[items].notna().sum(axis=1)
    return (frame[items].mean(axis=1) * len(items)).where(answered >= 0.8 * len(items))


def change(long: pd.DataFrame, score: pd.Series, group: str, wave: str = "12m") -> float:
    frame = long.assign(score=score)
    wide = frame[frame["group"] == group].pivot(
        index="participant_id", columns="wave", values="score"
    )
    return float((wide[wave] - wide["baseline"]).dropna().mean())


# ---------------------------------------------------------------------------
# Reproducible
# ---------------------------------------------------------------------------


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path):
    written = load_generator().write_sample_data(tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(p.name for p in SAMPLE.glob("*.csv"))
    for name in names:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_the_sample_folder_stays_small():
    total = sum(p.stat().st_size for p in SAMPLE.iterdir() if p.is_file())
    assert total < 2 * 1024 * 1024


# ---------------------------------------------------------------------------
# The clean long file
# ---------------------------------------------------------------------------


def test_the_long_file_has_the_agreed_columns_and_answer_ranges(long):
    assert list(long.columns) == [
        "participant_id", "wave", "group", "cohort", "modality", "site", "specialty",
        "career_stage", *ITEMS,
    ]  # fmt: skip
    for items, low, high in ((EE + DP + PA + UWES, 0, 6), (["miniz1_burnout"], 1, 5),
                             (["intent_to_leave"], 1, 5)):  # fmt: skip
        values = long[items].stack()
        assert values.between(low, high).all()
        assert (values == values.round()).all()
    assert set(long["wave"]) == set(WAVES)
    assert long["participant_id"].str.fullmatch(r"P\d{4}").all()
    assert not long.duplicated(["participant_id", "wave"]).any()


def test_about_150_physicians_per_group_three_sites_six_specialties(long):
    baseline = long[long["wave"] == "baseline"]
    assert baseline["group"].value_counts().to_dict() == {"coached": 150, "comparison": 150}
    assert baseline["site"].nunique() == 3
    assert baseline["specialty"].nunique() == 6
    assert set(baseline["career_stage"]) == {"early", "mid", "late"}
    coached = baseline[baseline["group"] == "coached"]
    comparison = baseline[baseline["group"] == "comparison"]
    assert coached["cohort"].nunique() == 3
    assert set(coached["modality"]) == {"individual", "group"}
    assert comparison["cohort"].isna().all() and comparison["modality"].isna().all()


def test_baseline_burnout_is_calibrated_to_the_coaching_trials(long):
    baseline = long[long["wave"] == "baseline"]
    ee, dp = prorated(baseline, EE), prorated(baseline, DP)
    assert 22 <= ee.mean() <= 26 and 9 <= ee.std() <= 13
    assert 7 <= dp.mean() <= 11 and 4 <= dp.std() <= 8


def test_emotional_exhaustion_items_hang_together(long):
    complete = long.loc[long["wave"] == "baseline", EE].dropna()
    k = len(EE)
    alpha = k / (k - 1) * (1 - complete.var().sum() / complete.sum(axis=1).var())
    assert 0.85 <= alpha <= 0.93


def test_exhaustion_falls_about_5_points_in_the_coached_and_rises_in_the_comparison(long):
    ee = prorated(long, EE)
    assert change(long, ee, "coached") == pytest.approx(-5, abs=2)
    assert change(long, ee, "comparison") == pytest.approx(1.5, abs=2)
    assert change(long, prorated(long, DP), "coached") == pytest.approx(-1.5, abs=1)


def test_engagement_rises_and_intent_to_leave_falls_a_little_in_the_coached(long):
    engagement = prorated(long, UWES) / len(UWES)
    assert 0 < change(long, engagement, "coached") < 0.6
    assert change(long, engagement, "coached") > change(long, engagement, "comparison")
    intent = long["intent_to_leave"]
    assert -0.6 < change(long, intent, "coached") < 0
    assert change(long, intent, "coached") < change(long, intent, "comparison")


def test_mini_z_burnout_prevalence_falls_to_about_a_third_in_the_coached(long):
    burned_out = (long["miniz1_burnout"] >= 3).where(long["miniz1_burnout"].notna())
    prevalence = burned_out.groupby([long["group"], long["wave"]]).mean()
    assert 0.40 <= prevalence["coached", "baseline"] <= 0.52
    assert 0.40 <= prevalence["comparison", "baseline"] <= 0.52
    assert 0.28 <= prevalence["coached", "12m"] <= 0.40
    assert prevalence["comparison", "12m"] > prevalence["coached", "12m"]


def test_attrition_is_higher_among_the_coached(long):
    answered = long.groupby(["group", "wave"]).size().unstack()
    lost = 1 - answered.div(answered["baseline"], axis=0)
    assert lost.loc["coached", "12m"] == pytest.approx(0.32, abs=0.03)
    assert lost.loc["comparison", "12m"] == pytest.approx(0.12, abs=0.03)
    assert 0 < lost.loc["comparison", "6m"] < lost.loc["coached", "6m"] < 0.25


def test_some_item_answers_are_skipped_so_proration_is_exercised(long):
    missing = long[ITEMS].isna().to_numpy().mean()
    assert 0.02 <= missing <= 0.03
    answered_ee = long[EE].notna().sum(axis=1)
    assert ((answered_ee >= 8) & (answered_ee < 9)).sum() > 20  # prorated
    assert (answered_ee < 8).sum() >= 2  # too few answers to prorate


def test_the_long_file_has_no_identifiers(long):
    assert find_identifiers(long, participant_id_column="participant_id") == []


# ---------------------------------------------------------------------------
# The roster
# ---------------------------------------------------------------------------


def test_twelve_month_turnover_is_about_8_percent_and_half_that_when_coached(roster):
    assert roster["participant_id"].is_unique and len(roster) == 300
    within_a_year = (roster["exit_date"] - roster["start_date"]).dt.days <= 365
    turnover = within_a_year.groupby(roster["group"]).mean()
    assert 0.07 <= turnover["comparison"] <= 0.09
    assert turnover["coached"] == pytest.approx(turnover["comparison"] / 2, abs=0.015)


def test_roster_dates_and_reasons_are_consistent(roster, long):
    assert roster["censor_date"].nunique() == 1
    left = roster["exit_date"].notna()
    assert (roster.loc[left, "exit_date"] > roster.loc[left, "start_date"]).all()
    assert (roster.loc[left, "exit_date"] <= roster["censor_date"].iloc[0]).all()
    assert set(roster.loc[left, "exit_reason"]) <= {"Left organisation", "Retired", "Relocated"}
    assert roster.loc[~left, "exit_reason"].isna().all()
    groups = long.drop_duplicates("participant_id").set_index("participant_id")["group"]
    roster_groups = roster.set_index("participant_id")["group"]
    assert (roster_groups == groups.reindex(roster_groups.index)).all()


def test_nobody_answers_a_survey_after_leaving(roster):
    exits = roster.set_index("participant_id")["exit_date"]
    for wave in WAVES:
        export = read_qualtrics(wave)
        finished = export[(export["Finished"] == "True") & (export["Status"] == "IP Address")]
        codes = finished["ExternalReference"].str.replace(" ", "").str.upper()
        answered_on = pd.to_datetime(finished["StartDate"]).dt.normalize()
        exit_dates = exits.reindex(codes).to_numpy()
        assert not (answered_on.to_numpy() > exit_dates).any(), wave


# ---------------------------------------------------------------------------
# Qualtrics exports
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("wave", WAVES)
def test_qualtrics_exports_have_three_header_rows(wave):
    text = (SAMPLE / f"qualtrics_{wave}.csv").read_bytes().decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(text), header=None, nrows=3, dtype=str)
    names, questions, import_ids = rows.iloc[0], rows.iloc[1], rows.iloc[2]
    assert names.iloc[0] == "StartDate" and questions.iloc[0] == "Start Date"
    assert all("ImportId" in json.loads(cell) for cell in import_ids)
    question_text = " ".join(questions)
    assert "Burnout item 22" in question_text and "Work engagement item 9" in question_text


@pytest.mark.parametrize("wave", WAVES)
def test_qualtrics_exports_hold_the_long_file_plus_previews_and_unfinished(wave, long):
    export = read_qualtrics(wave)
    previews = export["Status"] == "Survey Preview"
    unfinished = export["Finished"] == "False"
    assert previews.sum() == 2 and unfinished.sum() == 3
    assert (export.loc[previews, "IPAddress"] == "").all()
    responses = export[~previews & ~unfinished]
    expected = long[long["wave"] == wave]
    codes = responses["ExternalReference"].str.replace(" ", "").str.upper()
    assert sorted(codes) == sorted(expected["participant_id"])
    # The codes are messy as typed: case and stray spaces.
    assert (responses["ExternalReference"] != codes).mean() > 0.1
    assert responses["IPAddress"].str.startswith("192.0.2.").all()
    recipients = responses[["RecipientLastName", "RecipientFirstName", "RecipientEmail"]]
    assert (recipients == "").all().all()


@pytest.mark.parametrize("wave", WAVES)
def test_qualtrics_labels_decode_to_the_long_file_answers(wave, long):
    generator = load_generator()
    export = read_qualtrics(wave)
    responses = export[(export["Status"] == "IP Address") & (export["Finished"] == "True")]
    responses = responses.assign(
        participant_id=responses["ExternalReference"].str.replace(" ", "").str.upper()
    ).set_index("participant_id")
    expected = long[long["wave"] == wave].set_index("participant_id")
    for question in generator.qualtrics_questions():
        if question.labels is None:
            codes = pd.to_numeric(responses[question.column], errors="coerce")
        else:
            lookup = {label: question.first_code + i for i, label in enumerate(question.labels)}
            codes = responses[question.column].map(lookup)
        pd.testing.assert_series_equal(
            codes.reindex(expected.index).astype("Float64"),
            expected[question.item].astype("Float64"),
            check_names=False,
        )


def test_the_qualtrics_numeric_export_numbers_every_choice_from_one(long):
    """One survey for every wave (the wave is embedded data), answers as Qualtrics numbers
    its choices: the MBI's and UWES's 0-6 answers as 1-7, Mini-Z and intent to leave 1-5
    as they are; Status 0/1 and Finished 1/0 as numbers."""
    generator = load_generator()
    export = pd.read_csv(SAMPLE / "qualtrics_numeric.csv", skiprows=[1, 2], dtype=str,
                         keep_default_na=False, encoding="utf-8-sig")
    assert export["Status"].value_counts().to_dict() == {"0": len(export) - 6, "1": 6}
    assert (export["Finished"] == "0").sum() == 9
    responses = export[(export["Status"] == "0") & (export["Finished"] == "1")]
    responses = responses.assign(
        participant_id=responses["ExternalReference"].str.replace(" ", "").str.upper()
    ).set_index(["participant_id", "wave"])
    expected = long.set_index(["participant_id", "wave"])
    assert sorted(responses.index) == sorted(expected.index)
    for question in generator.qualtrics_questions():
        codes = pd.to_numeric(responses[question.column], errors="coerce")
        shift = 0 if question.labels is None else 1 - question.first_code
        pd.testing.assert_series_equal(
            (codes - shift).reindex(expected.index).astype("Float64"),
            expected[question.item].astype("Float64"), check_names=False)
    ee = pd.to_numeric(export["Q1_1"], errors="coerce")
    assert ee.min() == 1 and ee.max() == 7


def test_qualtrics_identifiers_are_found_by_the_privacy_gate():
    found = find_identifiers(read_qualtrics("6m"), participant_id_column="ExternalReference")
    assert {i.column for i in found} == {
        "StartDate", "EndDate", "RecordedDate", "IPAddress", "RecipientLastName",
        "RecipientFirstName", "RecipientEmail", "LocationLatitude", "LocationLongitude",
    }  # fmt: skip


def test_no_real_mbi_wording_is_shipped():
    # A few distinctive words of the MBI's copyrighted items (checked by absence only).
    for path in SAMPLE.glob("qualtrics_*.csv"):
        text = path.read_text(encoding="utf-8-sig").lower()
        for phrase in ("emotionally drained", "used up at the end", "treat some patients"):
            assert phrase not in text


# ---------------------------------------------------------------------------
# REDCap export
# ---------------------------------------------------------------------------


def test_redcap_export_is_the_long_file_plus_two_test_records(long):
    redcap = pd.read_csv(SAMPLE / "redcap_export.csv", dtype={"cohort": str, "modality": str})
    tests = redcap["record_id"].isin(["test_1", "TEST2"])
    assert set(redcap.loc[tests, "record_id"]) == {"test_1", "TEST2"}
    assert set(redcap["redcap_event_name"]) == {"baseline_arm_1", "6_month_arm_1", "12_month_arm_1"}
    for status in ("participant_information_complete", "burnout_survey_complete",
                   "engagement_survey_complete"):  # fmt: skip
        assert (redcap[status] == 2).all()
    real = redcap[~tests].copy()
    real["wave"] = real["redcap_event_name"].map(
        {"baseline_arm_1": "baseline", "6_month_arm_1": "6m", "12_month_arm_1": "12m"}
    )
    merged = real.set_index(["record_id", "wave"])[ITEMS].sort_index()
    expected = long.set_index(["participant_id", "wave"])[ITEMS].sort_index()
    np.testing.assert_array_equal(merged.index.to_numpy(), expected.index.to_numpy())
    pd.testing.assert_frame_equal(merged.astype("Float64"), expected.astype("Float64"),
                                  check_names=False)  # fmt: skip
