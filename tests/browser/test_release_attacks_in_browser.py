"""Issue 10's filter-differencing attack, as a curious executive would mount it.

In the real app under Chromium: the sample plus one coached physician alone at "Lone
Clinic" (and six at "Six Clinic" who are exactly the modality "hybrid"), uploaded with
the roster. The attacker downloads the CSVs with no filter, then sets the site filter to
every site it offers except the one holding the lone physician, downloads again and
subtracts. The lone site is never offered (merged into "Other", the sidebar says why in
one line), and every released population differs between the two states by 0 or ≥ k.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.attack_program import (
    LONE_SITE,
    SIX_SITE,
    population_differences,
    write_attack_files,
)
from tests.browser.conftest import file_input, screenshot
from tests.browser.test_app_in_browser import NAVIGATION, TIMEOUT_MS, go_to, wait_for_app

pytestmark = pytest.mark.browser
K = 5
TABLES = ("trend", "pre_post", "prevalence", "retention_at_horizon")


def _download(page, name: str, folder) -> pd.DataFrame:
    page.mouse.move(0, 0)  # the last button's tooltip would cover this one
    button = page.get_by_role("button", name=f"{name}.csv")
    try:
        button.wait_for(timeout=TIMEOUT_MS)
    except Exception:
        screenshot(page, f"release_attack_no_{name}")
        raise
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    path = folder / f"{name}.csv"
    info.value.save_as(path)
    wait_for_app(page, NAVIGATION["downloads"][1])
    return pd.read_csv(path, encoding="utf-8-sig")


def test_filter_differencing_through_the_sidebar_and_the_downloads(page, app_url, tmp_path):
    responses, roster = write_attack_files(tmp_path)
    page.goto(app_url)
    wait_for_app(page, NAVIGATION["overview"][1])
    go_to(page, "data")
    file_input(page, "survey_files").set_input_files(str(responses))
    page.get_by_text("Ready.").first.wait_for(timeout=TIMEOUT_MS)
    for _ in range(3):  # a file given during a rerun can be lost; it must stick
        file_input(page, "roster_file").set_input_files(str(roster))
        wait_for_app(page, NAVIGATION["data"][1])
        if page.get_by_text("with a roster").count():
            break
    page.get_by_text("with a roster").first.wait_for(timeout=TIMEOUT_MS)

    go_to(page, "downloads")
    sidebar = page.locator('[data-testid="stSidebar"]')
    # The lone site is not a filter level, and the sidebar says why in one line.
    reason = sidebar.get_by_text("shown as “Other”")
    assert LONE_SITE in reason.inner_text() and SIX_SITE in reason.inner_text()
    (tmp_path / "a").mkdir()
    before = {name: _download(page, name, tmp_path / "a") for name in TABLES}

    site = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Site")
    site.locator("input").click()
    page.keyboard.press("ArrowDown")  # opens the list of levels
    try:
        page.get_by_role("option").first.wait_for(timeout=30_000)
    except Exception:
        screenshot(page, "release_attack_no_options")
        raise
    offered = [o.inner_text().strip() for o in page.get_by_role("option").all()]
    offered = [level for level in offered if level != "Select all"]  # the widget's own
    assert "Other" in offered and LONE_SITE not in offered and SIX_SITE not in offered, offered
    # Every offered site except the one that holds the lone physician.
    others = [level for level in offered if level != "Other"]
    page.keyboard.press("Escape")
    for level in others:
        for _ in range(3):  # a choice made during a rerun can be lost; it must stick
            site.locator("input").click()
            page.keyboard.type(level)
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            page.mouse.click(700, 60)  # away from the list, so it closes
            try:
                wait_for_app(page, NAVIGATION["downloads"][1])
            except Exception:
                screenshot(page, "release_attack_filter_chosen")
                raise
            if site.get_by_text(level, exact=True).count():
                break
        else:
            raise AssertionError(f"could not choose the site {level!r}")
    screenshot(page, "release_attack_filtered_downloads")
    (tmp_path / "b").mkdir()
    after = {name: _download(page, name, tmp_path / "b") for name in TABLES}

    compared = 0
    for name in TABLES:
        for key, column, n_before, n_after in population_differences(before[name],
                                                                      after[name]):
            compared += 1
            assert n_before == n_after or abs(n_before - n_after) >= K, (name, key, column)
    assert compared > 20
    # The subtraction on trend.csv: it is over ≥ k people, never over one.
    trend = [t.query("outcome == 'mbi_ee' and group == 'coached' and not suppressed")
             .set_index("wave") for t in (before["trend"], after["trend"])]
    for wave in trend[0].index.intersection(trend[1].index):
        assert int(trend[0].loc[wave, "n"]) - int(trend[1].loc[wave, "n"]) >= K
