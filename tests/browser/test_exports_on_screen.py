"""Each sample export, from upload to the Overview, on screen only: no mapping file is
loaded, nothing is edited outside the app. The Overview must show the planted coached
change and the ANCOVA difference against the comparison group, computed independently
by ``analysis`` from the clean long file's mapping of the same answers."""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd
import pytest

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import prepare_program
from analysis.present.formatting import score
from analysis.stats.summary import summarize_program
from tests.browser.conftest import file_input, screenshot
from tests.browser.test_app_in_browser import NAVIGATION, TIMEOUT_MS, go_to, wait_for_app
from tests.dashboard.conftest import SAMPLE

pytestmark = pytest.mark.browser


def _expected(files: list[UploadedFile], mapping_json: str | None = None, **changes):
    """Coached mean change and ANCOVA difference of emotional exhaustion, from analysis."""
    drop = changes.pop("_drop", ())
    mapping = mapping_from_json(mapping_json) if mapping_json else None
    if mapping is not None and changes:
        mapping = replace(mapping, **changes)
    prepared = prepare_program(files, mapping, drop_columns=drop)
    summary = summarize_program(prepared.program)
    pre_post = summary.pre_post.set_index(["outcome", "group"])
    comparison = summary.group_comparison
    ancova = comparison[(comparison["outcome"] == "mbi_ee")
                        & (comparison["method"] == "ANCOVA adjusted difference")]
    return (float(pre_post.loc[("mbi_ee", "coached"), "mean_change"]),
            float(ancova["estimate"].iloc[0]))


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def _overview_shows(page, coached: float, versus: float, name: str) -> None:
    go_to(page, "overview")
    assert page.get_by_text("synthetic sample data").count() == 0
    assert page.get_by_text("Emotional exhaustion").count() > 0
    value = _metric(page, "Change, coached")
    assert score(coached, 1, signed=True) in value.replace("\u2212", "−"), value
    versus_text = _metric(page, "Vs comparison")
    assert score(versus, 1, signed=True) in versus_text.replace("\u2212", "−"), versus_text
    screenshot(page, f"export_{name}_overview")


def _upload(page, paths) -> None:
    file_input(page, "survey_files").set_input_files([str(p) for p in paths])
    page.get_by_role("heading", name="1. What we read").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, NAVIGATION["data"][1])


def _drop_identifiers(page) -> None:
    page.get_by_role("button", name=re.compile(r"^Drop these \d+ column")).click()
    page.get_by_text("No direct identifiers remain").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, NAVIGATION["data"][1])


def _scale_items_in_one_step(page, scale_label: str, columns: list[str]) -> None:
    """The "Choose a scale's items in one step" form: pick the scale, then its columns."""
    form = page.locator('[data-testid="stForm"]').filter(has_text="Use these columns as")
    if not form.is_visible():
        page.get_by_text("Choose a scale's items in one step").click()
    form.locator('[data-testid="stSelectbox"]').first.click()
    page.keyboard.type(scale_label)
    page.get_by_role("option", name=scale_label, exact=True).click()
    for position, column in ((1, columns[0]), (2, columns[-1])):
        form.locator('[data-testid="stSelectbox"]').nth(position).click()
        page.keyboard.type(column)
        page.get_by_role("option").filter(has_text=column).first.click()
    form.get_by_role("button", name="Use these columns as its items").click()
    wait_for_app(page, NAVIGATION["data"][1])


def _assign_group(page, value: str, counts_as: str) -> None:
    wait_for_app(page, NAVIGATION["data"][1])
    group = page.locator('[data-testid="stRadio"]').filter(has_text=value).first
    for _ in range(3):  # a click during a rerun can be lost; the choice must stick
        group.get_by_text(counts_as, exact=True).click()
        wait_for_app(page, NAVIGATION["data"][1])
        if group.get_by_role("radio", name=counts_as, exact=True).is_checked():
            return
    raise AssertionError(f"could not choose {counts_as!r} for {value!r}")


def _apply_until_ready(page) -> None:
    page.get_by_role("button", name="Apply this mapping").click()
    try:
        page.get_by_text("Ready.").first.wait_for(timeout=TIMEOUT_MS)
    except Exception:
        screenshot(page, "export_not_ready")  # for the person reading the failure
        raise
    wait_for_app(page, NAVIGATION["data"][1])


def _start(page, app_url) -> None:
    page.goto(app_url)
    wait_for_app(page, NAVIGATION["overview"][1])
    go_to(page, "data")


def test_qualtrics_choice_text_exports_one_per_wave(page, app_url):
    names = [f"qualtrics_{w}.csv" for w in ("baseline", "6m", "12m")]
    _start(page, app_url)
    _upload(page, [SAMPLE / n for n in names])
    _drop_identifiers(page)
    _scale_items_in_one_step(page, "Emotional exhaustion (MBI-HSS)",
                             [f"Q1_{i}" for i in range(1, 10)])
    page.get_by_text("Ready.").first.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "export_qualtrics_data_ready")

    files = [UploadedFile(n, (SAMPLE / n).read_bytes(), wave=n[10:-4]) for n in names]
    expected = _expected(files, (SAMPLE / "mapping_qualtrics.json").read_text(),
                         _drop=("StartDate", "EndDate", "IPAddress", "RecordedDate",
                                "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                                "LocationLatitude", "LocationLongitude"))
    _overview_shows(page, *expected, "qualtrics")


def test_qualtrics_numeric_export_whose_answers_are_numbered_from_one(page, app_url):
    """Numeric values: 1 = Never ... 7 = Every day. The page says so and one click reads
    them as the questionnaire numbers them; the Overview then matches the long file."""
    _start(page, app_url)
    _upload(page, [SAMPLE / "qualtrics_numeric.csv"])
    _drop_identifiers(page)
    _scale_items_in_one_step(page, "Emotional exhaustion (MBI-HSS)",
                             [f"Q1_{i}" for i in range(1, 10)])
    page.get_by_text("Your file seems to number the answers from 1").wait_for(
        timeout=TIMEOUT_MS)
    wait_for_app(page, NAVIGATION["data"][1])
    screenshot(page, "export_qualtrics_numeric_suggestion")
    yes = page.get_by_role("button", name="Yes: the answers are numbered from 1")
    for _ in range(3):  # a click during a rerun can be lost
        if page.get_by_text("Ready.").count() or not yes.count():
            break
        yes.click()
        wait_for_app(page, NAVIGATION["data"][1])
    page.get_by_text("Ready.").first.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "export_qualtrics_numeric_data_ready")
    _overview_shows(page, *_expected_from_long(), "qualtrics_numeric")


def test_surveymonkey_export_with_its_own_group_words(page, app_url):
    _start(page, app_url)
    _upload(page, [SAMPLE / "surveymonkey_export.csv"])
    _drop_identifiers(page)
    question = "How often do you feel this way about your work? - Burnout item"
    _scale_items_in_one_step(page, "Emotional exhaustion (MBI-HSS)",
                             [f"{question} {i}" for i in range(1, 10)])
    _assign_group(page, "Comparison (no coaching yet)", "comparison")
    _apply_until_ready(page)
    screenshot(page, "export_surveymonkey_data_ready")
    _overview_shows(page, *_expected_from_long(), "surveymonkey")


def _expected_from_long():
    """The clean long file holds the same answers as every export of the program."""
    long = UploadedFile("responses_long.csv", (SAMPLE / "responses_long.csv").read_bytes())
    return _expected([long])


def test_redcap_export_with_two_arms(page, app_url):
    _start(page, app_url)
    _upload(page, [SAMPLE / "redcap_arms_export.csv"])
    _assign_group(page, "Arm 1", "coached")
    _assign_group(page, "Arm 2", "comparison")
    _apply_until_ready(page)
    screenshot(page, "export_redcap_arms_data_ready")
    _overview_shows(page, *_expected_from_long(), "redcap_arms")


def test_wide_european_file_with_decimal_commas_and_german_group_labels(page, app_url):
    _start(page, app_url)
    _upload(page, [SAMPLE / "wide_european.csv"])
    _assign_group(page, "Vergleichsgruppe", "comparison")
    _apply_until_ready(page)
    screenshot(page, "export_wide_european_data_ready")
    # Baseline and 12 months side by side: the change from baseline to 12m.
    long = pd.read_csv(SAMPLE / "responses_long.csv")
    two_waves = long[long["wave"].isin(["baseline", "12m"])]
    expected = _expected([UploadedFile("two.csv", two_waves.to_csv(index=False).encode())])
    _overview_shows(page, *expected, "wide_european")


def test_excel_workbook(page, app_url, tmp_path):
    workbook = tmp_path / "program_export.xlsx"
    pd.read_csv(SAMPLE / "responses_long.csv").to_excel(workbook, index=False)
    _start(page, app_url)
    _upload(page, [workbook])
    page.get_by_text("Ready.").first.wait_for(timeout=TIMEOUT_MS)
    _overview_shows(page, *_expected_from_long(), "excel")
