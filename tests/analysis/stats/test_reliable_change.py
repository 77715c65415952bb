"""Reliable change (Jacobson & Truax 1991) against a published worked computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import prepare_program
from analysis.model.errors import UserFacingError
from analysis.model.schema import Outcome
from analysis.stats.reliable_change import (
    CATEGORIES,
    classify_change,
    reliable_change,
    reliable_change_index,
    standard_error_of_difference,
    standard_error_of_measurement,
)
from analysis.stats.summary import SummaryOptions, summarize_program
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "sample_data"

ENGAGEMENT = Outcome("eng", "Engagement", True, 0, 100, reliability=0.84,
                     reliability_source="UWES manual")


def test_textbook_computation_of_s_diff_and_the_reliable_change_criterion():
    # Wodrich, "How to Calculate Reliable Change Indexes", Appendix E, Table A.3.1
    # (University of Arizona open textbook): SEM 3.07 → S_diff 4.34 → 1.96·S_diff = 8.51;
    # a change from 24 to 35 (11 points) is reliable.
    s_diff = standard_error_of_difference(3.07)
    assert round(s_diff, 2) == 4.34
    assert round(1.96 * s_diff, 2) == 8.51
    rci = reliable_change_index(35 - 24, s_diff)
    assert abs(rci) > 1.96
    assert classify_change(np.array([rci]), higher_is_better=True)[0] == "reliably improved"


def test_sem_follows_jacobson_truax_formula():
    # SEM = s₁·√(1 − r_xx) (Jacobson & Truax 1991, J Consult Clin Psychol 59:12-19, p. 14):
    # s₁ = 10 and r_xx = 0.91 give SEM = 3 and S_diff = 3√2.
    assert standard_error_of_measurement(10.0, 0.91) == pytest.approx(3.0)
    assert standard_error_of_difference(3.0) == pytest.approx(3.0 * np.sqrt(2.0))


def test_direction_matters_when_lower_is_better():
    rci = np.array([-2.5, 0.3, 2.5])
    assert list(classify_change(rci, higher_is_better=False)) == [
        "reliably improved", "no reliable change", "reliably worse"]
    assert list(classify_change(rci, higher_is_better=True)) == [
        "reliably worse", "no reliable change", "reliably improved"]


def paired_data(changes_by_group: dict[str, np.ndarray], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for group, changes in changes_by_group.items():
        pre = rng.normal(50, 10, changes.size)
        for i, (before, change) in enumerate(zip(pre, changes, strict=True)):
            pid = f"{group}{i}"
            rows.append({"participant_id": pid, "wave": "baseline", "group": group,
                         "eng": before})
            rows.append({"participant_id": pid, "wave": "12m", "group": group,
                         "eng": before + change})
    frame = pd.DataFrame(rows)
    frame["wave"] = pd.Categorical(frame["wave"], ["baseline", "12m"], ordered=True)
    return frame


def test_counts_match_a_direct_threshold_on_points_of_change():
    rng = np.random.default_rng(3)
    changes = {"coached": rng.normal(6, 8, 80), "comparison": rng.normal(0, 8, 60)}
    data = paired_data(changes)
    table = reliable_change(data, ENGAGEMENT)
    baseline = data.loc[data["wave"] == "baseline", "eng"].to_numpy()
    threshold = 1.96 * np.sqrt(2) * baseline.std(ddof=1) * np.sqrt(1 - 0.84)
    for group, change in changes.items():
        expected = {
            "reliably improved": int((change > threshold).sum()),
            "no reliable change": int((np.abs(change) <= threshold).sum()),
            "reliably worse": int((change < -threshold).sum()),
        }
        rows = table[table["group"] == group].set_index("category")
        for category, count in expected.items():
            if not rows.loc[category, "suppressed"]:
                assert rows.loc[category, "n_category"] == count
                assert rows.loc[category, "pct"] == pytest.approx(100 * count / change.size)
    assert table["reliable_change_points"].iloc[0] == pytest.approx(threshold)
    assert set(table["reliability_source"]) == {"UWES manual"}
    assert list(table["category"][:3]) == list(CATEGORIES)


def test_user_supplied_reliability_is_used_and_named():
    data = paired_data({"coached": np.linspace(-20, 20, 30)})
    table = reliable_change(data, ENGAGEMENT, reliability=0.9,
                            reliability_source="Cronbach's alpha from these data")
    assert set(table["reliability_used"]) == {0.9}
    assert set(table["reliability_source"]) == {"Cronbach's alpha from these data"}


def test_missing_or_impossible_reliability_is_a_user_facing_error():
    data = paired_data({"coached": np.zeros(10)})
    with pytest.raises(UserFacingError, match="No reliability"):
        reliable_change(data, Outcome("eng", "Engagement", True, 0, 100))
    with pytest.raises(UserFacingError, match="outside the usable range"):
        reliable_change(data, ENGAGEMENT, reliability=1.2)


def test_constant_baseline_gives_no_categories_and_says_why():
    frame = paired_data({"coached": np.ones(8)})
    frame.loc[frame["wave"] == "baseline", "eng"] = 50.0
    table = reliable_change(frame, ENGAGEMENT)
    assert table["n_category"].isna().all()
    assert table["note"].str.contains("cannot be estimated").all()


@settings(max_examples=25, deadline=None)
@given(
    improved=st.integers(0, 15), unchanged=st.integers(0, 15), worse=st.integers(0, 15),
    k=st.integers(5, 7),
)
def test_complementary_suppression_holds_for_every_group(improved, unchanged, worse, k):
    changes = np.concatenate([np.full(improved, 40.0), np.zeros(unchanged), np.full(worse, -40.0)])
    if changes.size < 2:
        return
    table = reliable_change(paired_data({"coached": changes}), ENGAGEMENT, k=k,
                            baseline_sd=10.0)
    counts = dict(zip(CATEGORIES, (improved, unchanged, worse), strict=True))
    hidden = table["n_category"].isna()
    # Never exactly one hidden cell of a breakdown shown with its total.
    assert hidden.sum() != 1 or pd.isna(table["n"].iloc[0])
    for _, row in table.iterrows():
        if not pd.isna(row["n_category"]):
            assert row["n_category"] == counts[row["category"]] >= k
        else:
            assert pd.isna(row["pct"]) and row["suppressed"]
    if changes.size < k:
        assert table["n"].isna().all() and hidden.all()


def test_a_category_of_k_or_more_is_shown_when_a_small_one_needs_a_complement():
    # One category below k: the second cell withheld is "no reliable change", never a
    # headline count that is itself large enough (issue 10: "reliably improved", 21 of
    # 100 in the Qualtrics example, was shown as "< 5").
    changes = np.concatenate([np.full(21, 40.0), np.zeros(76), np.full(3, -40.0)])
    table = reliable_change(paired_data({"coached": changes}), ENGAGEMENT, k=5,
                            baseline_sd=10.0).set_index("category")
    assert table.loc["reliably improved", "n_category"] == 21
    assert pd.isna(table.loc["reliably worse", "n_category"])
    assert pd.isna(table.loc["no reliable change", "n_category"])  # the complement


def test_the_qualtrics_example_shows_its_coached_improvement_count():
    """The sample's Qualtrics exports, depersonalisation, coached: 21 of 100 reliably
    improved (counted here independently from the scores and the printed yardstick);
    "reliably worse" is below 5, so it and "no reliable change" are withheld."""
    drop = ["StartDate", "EndDate", "IPAddress", "RecordedDate", "RecipientLastName",
            "RecipientFirstName", "RecipientEmail", "LocationLatitude", "LocationLongitude"]
    files = [UploadedFile(f"qualtrics_{w}.csv", (SAMPLE / f"qualtrics_{w}.csv").read_bytes(),
                          wave=w) for w in ("baseline", "6m", "12m")]
    mapping = mapping_from_json((SAMPLE / "mapping_qualtrics.json").read_text())
    program = prepare_program(files, mapping, drop_columns=drop).program
    summary = summarize_program(program, SummaryOptions(
        k=5, tables=("reliable_change",), outcomes=("mbi_dp",), resample=False))
    rows = summary.reliable_change.query("group == 'coached'").set_index("category")

    responses = program.responses
    wide = responses[responses["group"] == "coached"].pivot_table(
        index="participant_id", columns="wave", values="mbi_dp", observed=True)
    change = (wide["12m"] - wide["baseline"]).dropna()
    yardstick = float(rows["reliable_change_points"].iloc[0])
    improved = int((change <= -yardstick).sum())  # lower depersonalisation is better
    worse = int((change >= yardstick).sum())
    assert (len(change), improved) == (100, 21) and worse < 5
    assert rows.loc["reliably improved", "n_category"] == improved
    assert pd.isna(rows.loc["reliably worse", "n_category"])
    assert pd.isna(rows.loc["no reliable change", "n_category"])
