"""The privacy gate: identifier detection, findings, removal, pseudonymisation, the key."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.privacy import (
    MAX_VALUES_CHECKED,
    IdentifierColumn,
    drop_identifiers,
    find_identifiers,
    identifier_findings,
    load_secret,
    pseudonymise_ids,
)
from analysis.model.errors import PrivacyError
from analysis.model.findings import has_blocking
from tests.conftest import REPO_ROOT

MBI_LABELS = [
    "Never", "A few times a year or less", "Once a month or less", "A few times a month",
    "Once a week", "A few times a week", "Every day",
]  # fmt: skip


def kinds(frame: pd.DataFrame, **kwargs) -> dict[str, str]:
    return {i.column: i.kind for i in find_identifiers(frame, **kwargs)}


def clean_survey(n: int = 60, seed: int = 3) -> pd.DataFrame:
    """A realistic de-identified survey and roster extract, with every column the
    product expects and the look-alikes that must not be mistaken for identifiers."""
    rng = np.random.default_rng(seed)
    ids = [f"P{i:04d}" for i in range(1, n + 1)]
    return pd.DataFrame(
        {
            "participant_id": ids,
            "alt_code": [f"C-{i:03d}" for i in range(1, n + 1)],
            "wave": rng.choice(["baseline", "6m", "12m"], n),
            "group": rng.choice(["coached", "comparison"], n),
            "cohort": rng.choice(["2025 Spring", "2025 Fall", ""], n),
            "modality": rng.choice(["individual", "group"], n),
            "coaching_type": rng.choice(["Individual Coaching", "Group Coaching"], n),
            "site": rng.choice(["North Campus", "Central Hospital", "South Clinic"], n),
            "specialty": rng.choice(
                ["Internal Medicine", "Family Medicine", "Emergency Medicine", "Surgery"], n
            ),
            "physician_specialty": rng.choice(["Internal Medicine", "Pediatrics"], n),
            "role": rng.choice(["Attending Physician", "Medical Director"], n),
            "career_stage": rng.choice(["early", "mid", "late"], n),
            "coach": rng.choice(["Coach A", "Coach B", "Coach C"], n),
            "mbi_ee_1": rng.choice(MBI_LABELS, n),
            "mbi_ee_2": rng.integers(0, 7, n),
            "uwes_1": rng.integers(0, 7, n).astype(str),
            "miniz1_burnout": rng.choice(
                ["1 - I enjoy my work. I have no symptoms of burnout.",
                 "3 - I am definitely burning out and have one or more symptoms of burnout."], n
            ),  # fmt: skip
            "intent_to_leave": rng.choice(["None", "Slight", "Moderate", "Likely"], n),
            "ee_score": rng.normal(24, 11, n).round(4),
            "How often do you check email after hours?": rng.choice(MBI_LABELS, n),
            "coach_feedback": rng.integers(1, 6, n),
            "hours_per_week": rng.choice(["40-50", "50-60", "60+"], n),
            "survey_date": rng.choice(["2025-03-01", "2025-09-14", "2026-03-02"], n),
            "start_date": pd.to_datetime(rng.choice(["2024-09-01", "2025-03-01"], n)),
            "exit_date": rng.choice(["2025-10-19", ""], n),
            "censor_date": "2026-09-30",
            "year_of_birth": rng.integers(1960, 1995, n).astype(str),
            "Duration (in seconds)": rng.integers(100, 900, n).astype(str),
            "ResponseId": [f"R_{i:015d}" for i in range(n)],
            "Finished": "True",
            "Status": "IP Address",
            "DistributionChannel": "anonymous",
            "UserLanguage": "EN",
            "redcap_event_name": rng.choice(["baseline_arm_1", "6_month_arm_1"], n),
            "record_id": ids,
            "burnout_survey_complete": 2,
        }
    )


# ---------------------------------------------------------------------------
# No false alarms
# ---------------------------------------------------------------------------


def test_a_realistic_clean_survey_has_no_identifiers():
    assert find_identifiers(clean_survey(), participant_id_column="participant_id") == []


def test_study_codes_in_the_participant_column_are_not_flagged():
    frame = pd.DataFrame({"participant_id": ["P0001", "C-014", " p0003", "P 0004", "1001"]})
    assert find_identifiers(frame, participant_id_column="participant_id") == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.from_regex(r"[A-Z]-?[0-9]{1,5}|[0-9]{1,8}|[A-Z]{2,4}-[0-9]{2,4}", fullmatch=True),
        min_size=1,
        max_size=30,
    )
)
def test_study_code_shapes_are_never_identifiers(codes):
    frame = pd.DataFrame({"participant_id": codes})
    assert find_identifiers(frame, participant_id_column="participant_id") == []


def test_numeric_likert_items_and_scores_are_not_checked_for_patterns():
    frame = pd.DataFrame({"q1": [1, 2, 3, 4, 5] * 4, "score": np.linspace(0, 54, 20)})
    assert find_identifiers(frame) == []


# ---------------------------------------------------------------------------
# Detection by column name
# ---------------------------------------------------------------------------

BY_NAME = [
    ("RecipientEmail", "email"), ("Email Address", "email"), ("e_mail", "email"),
    ("Mobile phone", "phone"), ("Fax", "phone"), ("phone_number", "phone"),
    ("Name", "name"), ("RecipientFirstName", "name"), ("RecipientLastName", "name"),
    ("Full name", "name"), ("Respondent name", "name"), ("surname", "name"),
    ("Street address", "street_address"), ("Home Address", "street_address"),
    ("Zip code", "street_address"),
    ("Date of birth", "date_of_birth"), ("DOB", "date_of_birth"), ("birthdate", "date_of_birth"),
    ("SSN", "ssn"), ("Social Security Number", "ssn"),
    ("MRN", "record_number"), ("Medical record number", "record_number"),
    ("Health plan ID", "record_number"), ("Account number", "record_number"),
    ("NPI", "npi"), ("employee_id", "record_number"),
    ("IPAddress", "ip_address"), ("IP Address", "ip_address"),
    ("URL", "url"), ("Website", "url"),
    ("Device ID", "device_id"), ("Serial number", "device_id"),
    ("LocationLatitude", "geolocation"), ("LocationLongitude", "geolocation"),
    ("Comments", "free_text"), ("Anything else you would like to tell us?", "free_text"),
    ("Other (please specify)", "free_text"), ("Q7_4_TEXT", "free_text"),
    ("Start time", "exact_timestamp"), ("Completion time", "exact_timestamp"),
    ("Last modified time", "exact_timestamp"), ("Timestamp", "exact_timestamp"),
    ("StartDate", "exact_timestamp"), ("EndDate", "exact_timestamp"),
    ("RecordedDate", "exact_timestamp"),
]  # fmt: skip


@pytest.mark.parametrize(("column", "kind"), BY_NAME)
def test_identifier_columns_are_found_by_name_even_when_empty(column, kind):
    frame = pd.DataFrame({column: [None] * 5, "group": ["coached"] * 5})
    found = find_identifiers(frame)
    assert [(i.column, i.kind) for i in found] == [(column, kind)]
    assert found[0].matched_values == 0
    assert f'column name "{column}"' in found[0].reason


def test_qualtrics_metadata_columns_are_flagged_and_the_rest_are_not():
    columns = [
        "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
        "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
        "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
        "DistributionChannel", "UserLanguage", "Q1_1", "Q4",
    ]  # fmt: skip
    frame = pd.DataFrame({c: pd.Series([None] * 3, dtype=object) for c in columns})
    assert set(kinds(frame, participant_id_column="ExternalReference")) == {
        "StartDate", "EndDate", "RecordedDate", "IPAddress", "RecipientLastName",
        "RecipientFirstName", "RecipientEmail", "LocationLatitude", "LocationLongitude",
    }  # fmt: skip


def test_microsoft_and_google_forms_metadata_columns_are_flagged():
    microsoft = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    frame = pd.DataFrame({c: [None] * 3 for c in microsoft})
    assert kinds(frame) == {
        "Start time": "exact_timestamp", "Completion time": "exact_timestamp",
        "Email": "email", "Name": "name", "Last modified time": "exact_timestamp",
    }  # fmt: skip
    google = pd.DataFrame({"Timestamp": [None] * 3, "Email Address": [None] * 3})
    assert kinds(google) == {"Timestamp": "exact_timestamp", "Email Address": "email"}


def test_the_roster_dates_the_retention_analysis_needs_are_not_flagged_by_name():
    frame = pd.DataFrame(
        {
            "start_date": pd.to_datetime(["2024-09-01", "2025-03-01"]),
            "exit_date": pd.to_datetime(["2025-10-19", None]),
            "censor_date": ["2026-09-30", "2026-09-30"],
            "program_start_date": ["2024-09-01", "2025-03-01"],
        }
    )
    assert find_identifiers(frame) == []


def test_a_year_of_birth_is_allowed_but_a_date_of_birth_is_not():
    frame = pd.DataFrame({"Year of birth": ["1970", "1985"], "Birth date": [None, None]})
    assert kinds(frame) == {"Birth date": "date_of_birth"}


def test_the_named_participant_column_is_exempt_from_name_detection():
    frame = pd.DataFrame({"Employee ID": ["P0001", "P0002", "P0003"]})
    assert kinds(frame) == {"Employee ID": "record_number"}
    assert find_identifiers(frame, participant_id_column="Employee ID") == []


# ---------------------------------------------------------------------------
# Detection by value
# ---------------------------------------------------------------------------

BY_VALUE = [
    ("email", ["jane.doe@example.org", "r.smith+survey@hospital.example.com", "x_y@a.co"]),
    ("phone", ["(555) 123-4567", "555-123-4567", "+1 555 123 4567", "+44 20 7946 0958"]),
    ("ip_address", ["192.0.2.1", "198.51.100.23", "2001:db8::1", "2001:db8:0:0:0:0:2:1"]),
    ("ssn", ["123-45-6789", "987 65 4321"]),
    ("url", ["https://example.org/profile/123", "www.example.com", "http://a.example"]),
    ("street_address", ["12 Main St", "400 North Lake Shore Drive, Chicago, IL 60611",
                        "9 Elm Ave.", "PO Box 1234"]),
    ("record_number", ["MRN123456", "MRN 0099887", "mrn-1234567", "ACCT 5566778"]),
    ("record_number", ["1234567890", "1029384756", "5647382910"]),
    ("geolocation", ["41.8781, -87.6298", "(40.7128,-74.0060)", "-33.8688, 151.2093"]),
    ("device_id", ["00:1A:2B:3C:4D:5E", "a4-5e-60-c2-11-9f"]),
    ("exact_timestamp", ["2025-03-04 09:12:33", "2025-03-05T17:01:02Z", "3/4/2025 9:12 AM"]),
    ("date_of_birth", ["1975-03-02", "04/12/1980", "March 3, 1969", "1990-01-01"]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "values"), BY_VALUE)
def test_identifier_values_are_found_under_an_innocent_column_name(kind, values):
    frame = pd.DataFrame({"answer_17": values})
    found = find_identifiers(frame)
    assert [(i.column, i.kind) for i in found] == [("answer_17", kind)]
    assert found[0].matched_values == len(values)
    assert f"{len(values)} of the {len(values)} different values checked" in found[0].reason


def test_people_names_are_found_under_a_person_like_header():
    frame = pd.DataFrame({"Who is your coach": ["Jane Smith", "John O'Neil", "Mary-Ann Lee"]})
    assert kinds(frame) == {"Who is your coach": "name"}
    assert find_identifiers(pd.DataFrame({"Coach": ["Coach A", "Coach B"]})) == []


def test_two_capitalised_words_are_not_names_under_an_attribute_header():
    frame = pd.DataFrame({"physician_specialty": ["Internal Medicine", "Family Medicine"] * 5})
    assert find_identifiers(frame) == []


def test_long_mostly_unique_answers_are_free_text_whatever_the_header():
    rng = np.random.default_rng(7)
    words = np.array(["clinic", "schedule", "coach", "helped", "boundaries", "team", "nights"])
    answers = [" ".join(rng.choice(words, 12)) for _ in range(30)]
    found = find_identifiers(pd.DataFrame({"q12": answers}))
    assert [(i.column, i.kind) for i in found] == [("q12", "free_text")]
    assert "different" in found[0].reason


def test_long_repeated_answer_labels_are_not_free_text():
    label = "3 - I am definitely burning out and have one or more symptoms of burnout."
    assert find_identifiers(pd.DataFrame({"q4": [label] * 30})) == []


def test_a_single_email_in_an_other_column_is_enough_to_block():
    values = ["Internal Medicine"] * 200 + ["someone@example.org"]
    found = find_identifiers(pd.DataFrame({"specialty_other": values}))
    assert [(i.kind, i.matched_values) for i in found] == [("email", 1)]


def test_a_few_long_numbers_among_answers_do_not_make_a_record_number_column():
    values = ["3", "4", "5", "2", "1"] * 10 + ["123456789"]
    assert find_identifiers(pd.DataFrame({"q9": values})) == []


def test_parsed_datetime_columns_are_checked_for_birth_dates_and_times():
    frame = pd.DataFrame(
        {
            "d1": pd.to_datetime(["1970-05-01", "1982-11-30", "1965-02-14"]),
            "d2": pd.to_datetime(
                ["2025-03-01 09:15:02", "2025-03-02 17:40:11", "2025-03-05 08:00:59"]
            ),
            "d3": pd.to_datetime(["2025-03-01", "2025-09-01", "2026-03-01"]),
        }
    )
    assert kinds(frame) == {"d1": "date_of_birth", "d2": "exact_timestamp"}


def test_participant_ids_that_are_emails_are_flagged_as_the_participant_column():
    frame = pd.DataFrame({"participant_id": ["a.b@example.org", "c.d@example.org", "e@f.org"]})
    found = find_identifiers(frame, participant_id_column="participant_id")
    assert [(i.column, i.kind, i.is_participant_id) for i in found] == [
        ("participant_id", "email", True)
    ]


def test_participant_ids_that_are_record_numbers_are_flagged():
    frame = pd.DataFrame({"pid": ["MRN00123456", "MRN00123457", "MRN00123499"]})
    assert kinds(frame, participant_id_column="pid") == {"pid": "record_number"}


def test_value_checks_read_a_bounded_sample_of_different_values():
    n = 30_000
    frame = pd.DataFrame({"contact": [f"person{i}@example.org" for i in range(n)]})
    (found,) = find_identifiers(frame)
    assert found.matched_values == MAX_VALUES_CHECKED
    assert f"of the {MAX_VALUES_CHECKED:,} different values checked" in found.reason


def test_low_cardinality_columns_are_checked_in_full_however_long():
    values = pd.Series(["Never", "Often"] * 150_000 + ["jane@example.org"])
    (found,) = find_identifiers(pd.DataFrame({"q3": values}))
    assert (found.kind, found.matched_values) == ("email", 1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.ip_addresses(v=4).map(str), min_size=1, max_size=20))
def test_any_ipv4_address_is_found(addresses):
    assert kinds(pd.DataFrame({"x": addresses})) == {"x": "ip_address"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.ip_addresses(v=6).map(str), min_size=1, max_size=20))
def test_any_ipv6_address_is_found(addresses):
    assert kinds(pd.DataFrame({"x": addresses})) == {"x": "ip_address"}


def test_clock_times_ratios_and_ranges_are_not_addresses_or_numbers():
    frame = pd.DataFrame(
        {"x": ["12:30:45", "10:00", "1:2:3", "40-50", "3/4", "2025-03", "1.5.2", "v2.10.1"]}
    )
    assert find_identifiers(frame) == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.from_regex(r"[a-z][a-z0-9._]{0,15}@[a-z]{2,12}\.(org|com|edu|co\.uk)", fullmatch=True),
        min_size=1,
        max_size=20,
    )
)
def test_any_plain_email_address_is_found(addresses):
    assert kinds(pd.DataFrame({"x": addresses})) == {"x": "email"}


def test_reasons_and_findings_never_echo_cell_values():
    secret_values = {
        "contact": ["jane.doe@example.org", "r.smith@example.org", "t.lee@example.org"],
        "pid": ["MRN123456", "MRN654321", "MRN777777"],
        "q12": [
            "My coach Jane Smith at North Campus really helped with my schedule",
            "Another long and identifying story about a night shift in the department",
            "Dr Brown in Pediatrics told everyone about my divorce, which was not okay",
        ],
    }
    frame = pd.DataFrame(secret_values)
    found = find_identifiers(frame, participant_id_column="pid")
    assert {i.column for i in found} == {"contact", "pid", "q12"}
    text = " ".join(i.reason for i in found) + " ".join(
        f.what + f.fix for f in identifier_findings(found)
    )
    for values in secret_values.values():
        for value in values:
            assert value not in text
    assert "Jane" not in text and "Brown" not in text


# ---------------------------------------------------------------------------
# Findings and removal
# ---------------------------------------------------------------------------


def test_each_identifier_column_gives_one_blocking_finding_with_a_fix():
    frame = pd.DataFrame(
        {
            "participant_id": ["a@example.org", "b@example.org"],
            "RecipientEmail": [None, None],
            "Comments": ["x", "y"],
            "Start time": [None, None],
        }
    )
    found = find_identifiers(frame, participant_id_column="participant_id")
    findings = identifier_findings(found)
    assert has_blocking(findings)
    assert [f.severity for f in findings] == ["blocking"] * 4
    by_column = {f.where: f for f in findings}
    assert set(by_column) == {"participant_id", "RecipientEmail", "Comments", "Start time"}
    assert by_column["participant_id"].code == "participant_id_is_identifier"
    assert "study code" in by_column["participant_id"].fix
    assert "Do not drop" in by_column["participant_id"].fix
    assert by_column["RecipientEmail"].code == "identifier_column"
    assert by_column["RecipientEmail"].fix.startswith('Drop the column "RecipientEmail"')
    assert by_column["Comments"].code == "free_text_column"
    assert "Drop" in by_column["Comments"].fix
    assert "wave" in by_column["Start time"].fix


def test_no_identifiers_means_no_findings():
    assert identifier_findings([]) == []


def test_a_finding_for_the_participant_id_column_by_name_says_replace_not_drop():
    finding = identifier_findings([IdentifierColumn("participant_id", "email", "r", 3)])[0]
    assert finding.code == "participant_id_is_identifier"


def test_drop_identifiers_removes_only_the_named_columns_and_leaves_the_input_alone():
    frame = pd.DataFrame({"participant_id": ["P1"], "IPAddress": ["192.0.2.1"], "q1": [3]})
    found = find_identifiers(frame, participant_id_column="participant_id")
    cleaned = drop_identifiers(frame, [i.column for i in found])
    assert list(cleaned.columns) == ["participant_id", "q1"]
    assert list(frame.columns) == ["participant_id", "IPAddress", "q1"]
    assert find_identifiers(cleaned, participant_id_column="participant_id") == []
    assert list(drop_identifiers(cleaned, ["IPAddress", "not_there"]).columns) == list(
        cleaned.columns
    )


# ---------------------------------------------------------------------------
# Pseudonymisation
# ---------------------------------------------------------------------------

KEY = b"a-deployment-key-for-tests-only!"


def reference_hmac(key: bytes, code: str) -> str:
    return hmac.new(key, code.encode("utf-8"), hashlib.sha256).hexdigest()


def test_pseudonyms_are_the_keyed_hmac_sha256_of_each_code():
    ids = pd.Series(["P0001", "P0002", "P0001", "C-014"], index=[10, 11, 12, 13], name="pid")
    out = pseudonymise_ids(ids, KEY)
    assert list(out) == [reference_hmac(KEY, code) for code in ids]
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.name == "pid"


def test_pseudonyms_are_stable_across_calls_and_differ_between_keys():
    ids = pd.Series(["P0001", "P0002"])
    first, again = pseudonymise_ids(ids, KEY), pseudonymise_ids(ids, KEY)
    other = pseudonymise_ids(ids, b"another-deployment-key-0123456789")
    assert first.equals(again)
    assert not (first == other).any()


def test_missing_and_blank_codes_stay_missing():
    out = pseudonymise_ids(pd.Series(["P0001", None, np.nan, "  ", pd.NA]), KEY)
    assert out.isna().tolist() == [False, True, True, True, True]


def test_the_default_key_is_the_deployment_secret():
    ids = pd.Series(["P0001"])
    secret = os.environ["COACHING_EVAL_SECRET"].encode("utf-8")
    assert pseudonymise_ids(ids).iloc[0] == reference_hmac(secret, "P0001")


def test_a_million_rows_hash_each_participant_once_and_map_back():
    codes = np.array([f"P{i:05d}" for i in range(5_000)], dtype=object)
    ids = pd.Series(codes[np.random.default_rng(1).integers(0, 5_000, 1_000_000)])
    out = pseudonymise_ids(ids, KEY)
    assert out.nunique() == ids.nunique()
    for position in (0, 123_456, 999_999):
        assert out.iloc[position] == reference_hmac(KEY, ids.iloc[position])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12).map(str.strip).filter(bool), max_size=20))
def test_pseudonyms_match_codes_one_to_one(codes):
    out = pseudonymise_ids(pd.Series(codes, dtype=object), KEY)
    assert len(set(out)) == len(set(codes))
    assert all(len(p) == 64 for p in out)


def test_an_empty_key_is_refused():
    with pytest.raises(PrivacyError):
        pseudonymise_ids(pd.Series(["P0001"]), b"")


# ---------------------------------------------------------------------------
# The deployment key
# ---------------------------------------------------------------------------


@pytest.fixture
def key_file(monkeypatch, tmp_path):
    path = tmp_path / "config" / "coaching-eval" / "secret"
    monkeypatch.delenv("COACHING_EVAL_SECRET", raising=False)
    monkeypatch.setenv("COACHING_EVAL_SECRET_FILE", str(path))
    return path


@pytest.mark.skipif(os.name != "posix", reason="file permissions are POSIX")
def test_a_generated_key_is_created_owner_only_and_reused(key_file):
    key = load_secret()
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(key_file.parent.parent.stat().st_mode) == 0o700
    content = key_file.read_bytes()
    assert load_secret() == key
    assert key_file.read_bytes() == content
    assert bytes.fromhex(content.decode().strip()) == key


def test_the_configured_secret_takes_precedence(monkeypatch, key_file):
    monkeypatch.setenv("COACHING_EVAL_SECRET", "a-configured-secret-of-enough-length")
    assert load_secret() == b"a-configured-secret-of-enough-length"
    assert not key_file.exists()


def test_a_too_short_configured_secret_is_refused(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_SECRET", "short")
    with pytest.raises(PrivacyError, match="COACHING_EVAL_SECRET"):
        load_secret()


@pytest.mark.skipif(os.name != "posix", reason="file permissions are POSIX")
def test_a_key_file_others_can_read_is_refused(key_file):
    load_secret()
    key_file.chmod(0o644)
    with pytest.raises(PrivacyError, match="chmod 600"):
        load_secret()


def test_a_damaged_key_file_is_refused(key_file):
    key_file.parent.mkdir(parents=True)
    key_file.write_text("not hex at all")
    key_file.chmod(0o600)
    with pytest.raises(PrivacyError, match="damaged"):
        load_secret()


def test_a_key_file_inside_the_program_folder_is_refused(monkeypatch):
    inside = REPO_ROOT / "sample_data" / "never-created-key"
    monkeypatch.delenv("COACHING_EVAL_SECRET", raising=False)
    monkeypatch.setenv("COACHING_EVAL_SECRET_FILE", str(inside))
    with pytest.raises(PrivacyError, match="outside"):
        load_secret()
    assert not inside.exists()


def test_empty_frames_odd_headers_and_categoricals_are_handled():
    assert find_identifiers(pd.DataFrame()) == []
    assert find_identifiers(pd.DataFrame({"q1": pd.Series([], dtype=object)})) == []
    frame = pd.DataFrame(
        {
            0: ["Never", "Often", None],
            "site": pd.Categorical(["North Campus", "South Clinic", None]),
            "contact": pd.Categorical(["a@example.org", None, None]),
            "flag": [True, False, True],
        }
    )
    assert kinds(frame) == {"contact": "email"}


@pytest.mark.parametrize("key", [b"k", b"k" * 32, b"k" * 64, b"k" * 65, bytes(range(200))])
def test_pseudonyms_equal_the_standard_library_hmac_for_short_and_long_keys(key):
    ids = pd.Series(["p0001", "é-ünïcode", "x" * 300, "P0001"])
    expected = [hmac.new(key, code.encode("utf-8"), hashlib.sha256).hexdigest()
                for code in ids]
    assert list(pseudonymise_ids(ids, key)) == expected


def test_numbers_and_their_decimal_spellings_keep_different_pseudonyms():
    # The codes arrive normalised; a raw 101 and 101.0 are hashed as the text they are.
    out = pseudonymise_ids(pd.Series([101, 101.0, "101", True], dtype=object), KEY)
    assert out[0] == out[2] == reference_hmac(KEY, "101")
    assert out[1] == reference_hmac(KEY, "101.0")
    assert out[3] == reference_hmac(KEY, "True")
