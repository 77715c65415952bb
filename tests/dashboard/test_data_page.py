"""The Data page as a program lead meets it: bad files never break the session, "Remove
upload" always works, and who was coached is said on screen, value by value."""

from __future__ import annotations

import pandas as pd

from tests.dashboard.conftest import SAMPLE, new_app, open_page

SAMPLE_BANNER = "synthetic sample data"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _upload(at, *files, key: str = "survey_files"):
    at.file_uploader(key=key).set_value(list(files)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _csv(name: str) -> tuple[str, bytes, str]:
    return name, (SAMPLE / name).read_bytes(), "text/csv"


def test_an_unreadable_upload_is_refused_on_the_data_page_and_the_sample_stays():
    at = open_page(new_app(), "data")
    for bad in (("empty.csv", b"", "text/csv"), ("picture.csv", PNG, "text/csv")):
        _upload(at, bad)
        assert any("This upload cannot be read" in e.value for e in at.error), bad[0]
        assert any("sample data" in e.value for e in at.error)
        for page in ("overview", "roi", "data"):
            open_page(at, page)
            if page != "data":
                assert any(SAMPLE_BANNER in i.value for i in at.info)


def test_a_bad_upload_after_a_good_one_keeps_the_good_one_in_use():
    at = open_page(new_app(), "data")
    _upload(at, _csv("responses_long.csv"))
    assert any(s.value.startswith("**Ready.**") for s in at.success)
    _upload(at, ("broken.csv", PNG, "text/csv"))
    assert any("The previous upload stays in use" in e.value for e in at.error)
    assert any("In use: responses_long.csv" in c.value for c in at.caption)
    open_page(at, "overview")
    assert not any(SAMPLE_BANNER in i.value for i in at.info)


def test_remove_upload_always_brings_back_an_empty_uploader_and_the_sample():
    at = open_page(new_app(), "data")
    _upload(at, _csv("responses_long.csv"))
    at.button(key="remove_upload").click().run()
    assert not at.exception
    assert any("No upload yet" in i.value for i in at.info)
    assert [u.key for u in at.file_uploader][:2] == ["survey_files_1", "roster_file_1"]
    open_page(at, "overview")
    assert any(SAMPLE_BANNER in i.value for i in at.info)
    # A new upload in the fresh uploader works as the first one did.
    open_page(at, "data")
    _upload(at, _csv("responses_long.csv"), key="survey_files_1")
    assert any(s.value.startswith("**Ready.**") for s in at.success)


def test_redcap_arms_are_listed_with_their_participants_for_the_user_to_assign():
    at = open_page(new_app(), "data")
    _upload(at, _csv("redcap_arms_export.csv"))
    assert any("Who was coached?" in m.value for m in at.markdown)
    assert any("not assigned yet" in w.value for w in at.warning)
    assert not any(s.value.startswith("**Ready.**") for s in at.success)
    expected = (pd.read_csv(SAMPLE / "responses_long.csv")
                .drop_duplicates("participant_id")["group"].value_counts())
    labels = [r.label for r in at.radio if r.key and r.key.startswith("group_value_")]
    assert sorted(labels) == [f"**Arm 1** ({expected['coached']} participants)",
                              f"**Arm 2** ({expected['comparison']} participants)"]
    assert {r.value for r in at.radio if (r.key or "").startswith("group_value_")} == {""}

    for radio in at.radio:
        if (radio.key or "").startswith("group_value_"):
            radio.set_value("coached" if "Arm 1" in radio.label else "comparison")
    at.run()
    at.button(key="apply_mapping").click().run()
    assert any(s.value.startswith("**Ready.**") for s in at.success), [
        e.value for e in at.error]


def test_a_file_without_a_group_column_asks_whether_everyone_was_coached():
    frame = pd.read_csv(SAMPLE / "responses_long.csv").drop(columns="group")
    at = open_page(new_app(), "data")
    _upload(at, ("nogroup.csv", frame.to_csv(index=False).encode(), "text/csv"))
    assert not any(s.value.startswith("**Ready.**") for s in at.success)
    (confirm,) = [c for c in at.checkbox if c.label.startswith("Everyone in these files")]
    confirm.check().run()
    at.button(key="apply_mapping").click().run()
    assert any(s.value.startswith("**Ready.**") for s in at.success)


def test_a_numeric_qualtrics_export_is_read_once_the_lead_says_answers_start_at_1():
    """Qualtrics numeric values: every MBI answer one step high (1 = Never). The page says
    so in plain words, one click says the answers are numbered from 1, and the scores are
    then those of the clean long file."""
    at = open_page(new_app(), "data")
    _upload(at, _csv("qualtrics_numeric.csv"))
    at.button(key="drop_identifiers").click().run()
    one_step = next(e for e in at.expander if e.label.startswith("Choose a scale's items"))
    one_step.selectbox[0].set_value("mbi_ee")
    one_step.selectbox[1].set_value("Q1_1")
    one_step.selectbox[2].set_value("Q1_9")
    one_step.button[0].click().run()
    assert not at.exception
    warning = next(w.value for w in at.warning if "number the answers from 1" in w.value)
    assert "Emotional exhaustion (MBI-HSS)" in warning and "from 1 to 7" in warning
    assert "0 = Never" in warning
    assert not any(s.value.startswith("**Ready.**") for s in at.success)

    at.button(key="numbered_from_one").click().run()
    assert not at.exception
    assert any(s.value.startswith("**Ready.**") for s in at.success), [
        e.value for e in at.error]
    (chosen,) = [m for m in at.multiselect if (m.key or "").startswith("numbered_from_")]
    assert chosen.value == ["mbi_ee"]
    assert not any("number the answers from 1" in w.value for w in at.warning)
    # Saying it again is undone as easily: unselect, apply, and it blocks once more.
    chosen.set_value([]).run()
    at.button(key="apply_mapping").click().run()
    assert not any(s.value.startswith("**Ready.**") for s in at.success)


def test_a_roster_with_its_own_column_names_is_described_on_screen():
    """An HR export: no column has the tool's names, no follow-up end column. The lead
    picks each column and the follow-up end on the Data page; the roster then reads
    exactly as the sample's own roster does."""
    from datetime import date

    from analysis.intake.ingest.upload import UploadedFile
    from analysis.intake.mapping.serialise import mapping_from_json
    from analysis.intake.roster import read_roster
    from dashboard.state import MAPPING_JSON

    names = {"participant_id": "Employee code", "group": "Arm",
             "start_date": "Coaching began", "exit_date": "Date of separation",
             "exit_reason": "Why they left"}
    hr = pd.read_csv(SAMPLE / "roster.csv").drop(columns=["censor_date", "cohort"])
    hr = hr.rename(columns=names)
    at = open_page(new_app(), "data")
    _upload(at, _csv("responses_long.csv"))
    _upload(at, ("hr_export.csv", hr.to_csv(index=False).encode(), "text/csv"),
            key="roster_file")
    assert not any(s.value.startswith("**Ready.**") for s in at.success)

    boxes = {b.key.split("_", 1)[1].rsplit("_", 1)[0]: b for b in at.selectbox
             if (b.key or "").startswith("roster_")}
    assert set(boxes) == {"participant_id", "start_date", "exit_date", "retained",
                          "exit_reason", "censor_date", "group"}
    assert boxes["retained"].value == "(not in the roster)"
    for field, column in names.items():
        boxes[field].set_value(column)
    (end,) = [d for d in at.date_input if (d.key or "").startswith("follow_up_end_")]
    end.set_value(date(2026, 9, 30))
    at.run()
    at.button(key="apply_mapping").click().run()
    assert not at.exception
    ready = [s.value for s in at.success if s.value.startswith("**Ready.**")]
    assert ready and "with a roster" in ready[0], [e.value for e in at.error]

    # What was said on screen, saved in the mapping, reads the roster as the sample's own.
    mapping = mapping_from_json(at.session_state[MAPPING_JSON])
    assert mapping.roster_columns == {**names, "retained": "", "censor_date": ""}
    got, _ = read_roster(UploadedFile("hr_export.csv", hr.to_csv(index=False).encode()),
                         mapping, key=b"k" * 32)
    want, _ = read_roster(UploadedFile("roster.csv", (SAMPLE / "roster.csv").read_bytes()),
                          mapping_from_json('{"participant_id": "participant_id"}'),
                          key=b"k" * 32)
    pd.testing.assert_frame_equal(got, want, check_like=True)
