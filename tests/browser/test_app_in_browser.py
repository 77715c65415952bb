"""The real app under ``streamlit run``, driven by headless Chromium.

Visits every page, uploads the sample's Qualtrics exports through the real file input,
downloads the Excel workbook and opens it, and saves a full-page screenshot of each
page under artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import subprocess

import openpyxl
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pptx import Presentation

from tests.browser.conftest import (
    TIMEOUT_MS,
    file_input,
    open_page_by_link,
    page_text,
    running_app,
    screenshot,
    settle,
)
from tests.dashboard.conftest import SAMPLE, qualtrics_mapping_json

pytestmark = pytest.mark.browser

NAVIGATION = {
    "overview": ("Overview", "Coaching program: the results at a glance"),
    "roi": ("ROI", "Return on investment"),
    "outcomes": ("Outcomes", "Outcomes: how much did scores change?"),
    "groups": ("Groups & cohorts", "Groups & cohorts"),
    "retention": ("Retention", "Retention: did coached physicians stay?"),
    "data": ("Data", "Your data"),
    "downloads": ("Downloads", "Downloads"),
}


def wait_for_app(page, heading: str) -> None:
    """Wait until the page's title is shown and the app is idle."""
    page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT_MS)
    settle(page)


def go_to(page, name: str) -> None:
    link, heading = NAVIGATION[name]
    open_page_by_link(page, link, heading)


def test_every_page_opens_on_the_sample_data(page, app_url):
    page.goto(app_url)
    wait_for_app(page, NAVIGATION["overview"][1])
    assert page.get_by_text("synthetic sample data").first.is_visible()
    screenshot(page, "01_overview")
    for number, name in enumerate(("roi", "outcomes", "groups", "retention", "data",
                                   "downloads"), start=2):
        go_to(page, name)
        if name != "data":
            assert page.get_by_text("synthetic sample data").first.is_visible()
        if name in ("roi", "outcomes", "groups", "retention"):
            page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
        screenshot(page, f"{number:02d}_{name}")


def test_qualtrics_upload_through_the_file_input_reaches_the_outcomes(page, app_url, tmp_path):
    page.goto(app_url)
    wait_for_app(page, NAVIGATION["overview"][1])
    go_to(page, "data")
    survey_input = file_input(page, "survey_files")
    survey_input.set_input_files([str(SAMPLE / f"qualtrics_{w}.csv")
                                  for w in ("baseline", "6m", "12m")])
    page.get_by_text("column(s) hold direct identifiers").wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "08_data_blocked_by_identifiers")

    page.get_by_role("button", name="Drop these 9 column(s)").click()
    page.get_by_text("No direct identifiers remain").wait_for(timeout=TIMEOUT_MS)
    mapping = tmp_path / "column_mapping.json"
    mapping.write_text(qualtrics_mapping_json(), encoding="utf-8")
    page.get_by_text("Load or save a mapping").click()
    file_input(page, "mapping_file").set_input_files(str(mapping))
    page.get_by_text("Ready.").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, NAVIGATION["data"][1])
    screenshot(page, "09_data_ready")

    go_to(page, "outcomes")
    assert page.get_by_text("synthetic sample data").count() == 0
    page.get_by_text("coached physicians followed up").first.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "10_outcomes_on_uploaded_data")


def test_the_workbook_brief_and_deck_download_and_open(page, app_url, tmp_path):
    page.goto(app_url)
    wait_for_app(page, NAVIGATION["overview"][1])
    go_to(page, "downloads")
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="Excel workbook").click()
    target = tmp_path / "workbook.xlsx"
    download_info.value.save_as(target)
    settle(page)  # the page is idle before the next click
    workbook = openpyxl.load_workbook(target, read_only=True)
    assert workbook.sheetnames[0] == "Summary" and workbook.sheetnames[-1] == "Methods"
    for sheet in ("pre_post", "group_comparison", "subgroups", "retention_curves",
                  "roi_assumptions"):
        assert sheet in workbook.sheetnames
    header = [cell.value for cell in next(workbook["pre_post"].iter_rows(max_row=1))]
    assert "mean_change" in header and "withheld" in header

    # The executive files, written when their button is clicked.
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="PDF executive brief").click()
    brief = tmp_path / "brief.pdf"
    download_info.value.save_as(brief)
    settle(page)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(brief), str(tmp_path / "page")],
                   check=True, timeout=120)
    assert 2 <= len(list(tmp_path.glob("page-*.png"))) <= 4
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="PowerPoint deck").click()
    deck = tmp_path / "deck.pptx"
    download_info.value.save_as(deck)
    assert len(Presentation(str(deck)).slides) == 6


def _choose(page, label: str, option: str) -> None:
    """Open the sidebar drop-down with this label and pick an option by its name, opening
    it again when a rerun (a background job filling in) closed it meanwhile."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    opener = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    if not opener.count():  # a multiselect opens from its text entry
        opener = sidebar.locator('[data-testid="stMultiSelect"]').filter(
            has_text=label).first.locator("input").first
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        settle(page)
        opener.click()
        try:
            choice.click(timeout=5000)
            break
        except PlaywrightTimeout:
            pass
        finally:
            page.keyboard.press("Escape")  # a multiselect stays open after a choice
    else:
        raise AssertionError(f"{option!r} could not be chosen in {label!r}:\n"
                             f"{page_text(page)}")
    settle(page)


def test_sidebar_choices_hold_across_a_page_without_the_sidebar(page, app_url):
    """A program lead picks the waves and a site on Outcomes, looks at Programs (no
    sidebar there) and comes back: the choices and the numbers for them are still there
    (Streamlit alone would forget widgets a page does not draw)."""
    page.goto(app_url)
    wait_for_app(page, NAVIGATION["overview"][1])
    go_to(page, "outcomes")
    _choose(page, "To wave", "6m")
    _choose(page, "Site", "South Clinic")
    heading = page.get_by_role("heading", name="change from baseline to 6m").first
    heading.wait_for(timeout=TIMEOUT_MS)
    open_page_by_link(page, "Programs", "Programs")
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]'
                        ).filter(has_text="To wave").count() == 0
    go_to(page, "outcomes")
    site = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text="Site").first
    assert "South Clinic" in (site.text_content() or ""), page_text(page)
    heading.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "sidebar_choices_kept")


def test_a_freshly_started_app_opens_a_page_address_through_the_app(page, tmp_path):
    """The first address asked of a freshly started server is a page's (a bookmark, or a
    tab reconnecting after a restart): it opens inside the app (its sign-in gate, its
    navigation and its sidebar), never as a bare page file (Streamlit would run a file
    in a folder called ``pages/`` on its own for that first request)."""
    env = dict(os.environ, COACHING_EVAL_SECRET="browser-test-secret",
               COACHING_EVAL_SECRET_FILE=str(tmp_path / "key"),
               COACHING_EVAL_DATA_DIR=str(tmp_path / "data"))
    env.pop("COACHING_EVAL_DATABASE_URL", None)
    with running_app(env, tmp_path) as port:
        page.goto(f"http://127.0.0.1:{port}/outcomes")
        wait_for_app(page, NAVIGATION["outcomes"][1])
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Local mode").count(), page_text(page)
        assert sidebar.locator('[data-testid="stSelectbox"]').filter(
            has_text="To wave").count(), page_text(page)
        assert sidebar.get_by_role("link", name="Programs").count(), page_text(page)
