"""Two browser contexts (two people) using the real app at once see only their own data."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.analysis.intake.ingest.test_guards import write_workbook
from tests.browser.conftest import file_input
from tests.browser.test_app_in_browser import TIMEOUT_MS, go_to, wait_for_app
from tests.dashboard.conftest import SAMPLE

pytestmark = pytest.mark.browser


def _file_with_site(tmp_path, site: str):
    frame = pd.read_csv(SAMPLE / "responses_long.csv", dtype=str)
    frame["site"] = site
    path = tmp_path / f"{site.split()[0].lower()}.csv"
    frame.to_csv(path, index=False)
    return path


def _upload(page, path) -> None:
    go_to(page, "data")
    file_input(page, "survey_files").set_input_files(str(path))
    page.get_by_text("Ready.").wait_for(timeout=TIMEOUT_MS)


def test_two_browser_sessions_never_see_each_others_upload(browser, app_url, tmp_path):
    first = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    second = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        for page in (first, second):
            page.goto(app_url)
            wait_for_app(page, "Coaching program: the results at a glance")
        _upload(first, _file_with_site(tmp_path, "Alpha Clinic"))

        go_to(second, "groups")
        assert second.get_by_text("synthetic sample data").count() > 0
        assert second.get_by_text("Alpha Clinic").count() == 0

        _upload(second, _file_with_site(tmp_path, "Beta Clinic"))
        go_to(first, "groups")
        go_to(second, "groups")
        first.get_by_role("tab", name="Site").click(timeout=TIMEOUT_MS)
        second.get_by_role("tab", name="Site").click(timeout=TIMEOUT_MS)
        first.get_by_text("Alpha Clinic").first.wait_for(timeout=TIMEOUT_MS)
        second.get_by_text("Beta Clinic").first.wait_for(timeout=TIMEOUT_MS)
        assert first.get_by_text("Beta Clinic").count() == 0
        assert second.get_by_text("Alpha Clinic").count() == 0
    finally:
        first.context.close()
        second.context.close()


def test_a_huge_upload_in_one_session_is_refused_while_another_session_keeps_working(
    browser, app_url, tmp_path
):
    # 60,000 responses x 40 columns as an .xlsx (61 MB): over the workbook cell cap.
    huge = write_workbook(tmp_path / "everything.xlsx", 60_000, 40)
    uploader = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        for page in (uploader, other):
            page.goto(app_url)
            wait_for_app(page, "Coaching program: the results at a glance")
        go_to(uploader, "data")
        file_input(uploader, "survey_files").set_input_files(str(huge))
        # While that upload is being handled, the other person's pages render.
        go_to(other, "groups")
        assert other.get_by_text("synthetic sample data").count() > 0
        go_to(other, "overview")
        uploader.get_by_text("This upload cannot be read.").wait_for(timeout=TIMEOUT_MS)
        assert uploader.get_by_text("over this deployment's limit").count() > 0
        assert uploader.get_by_text("Traceback").count() == 0
    finally:
        uploader.context.close()
        other.context.close()
