"""Hospital sign-in: the real ``st.login`` flow against a local OpenID Connect provider.

``oidc-provider-mock`` runs on a loopback port; the app runs under ``streamlit run``
with an ``[auth]`` section pointing at it and a workspace holding one published
program. A lead, an executive and an analyst each sign in through the provider's page
in Chromium; what each may open and download is checked, and an executive's direct
request for the Data or Downloads page is refused by the server.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.intake.mapping.serialise import mapping_to_json
from analysis.workspace import Actor, Role, Workspace, upgrade
from analysis.workspace.db import make_engine
from tests.browser.conftest import (
    TIMEOUT_MS,
    _free_port,
    open_page_by_link,
    running_app,
    screenshot,
    settle,
)
from tests.databases import (
    POSTGRES_SETTING,
    fresh_postgres_database,
    sample_roster,
    sample_wave,
)

pytestmark = pytest.mark.browser

SECRET = "browser-sign-in-test-secret-0123456789"
LEAD = "lead@hospital.example"
EXECUTIVE = "exec@hospital.example"
ANALYST = "analyst@hospital.example"
PROGRAM = "Physician coaching 2026"


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[str]:
    """A local OpenID Connect provider; whoever types an e-mail address is that person."""
    from oidc_provider_mock import run_server_in_thread  # noqa: PLC0415 - test-only package

    with run_server_in_thread(port=_free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def hospital(identity_provider, tmp_path_factory) -> Iterator[tuple[str, Workspace]]:
    """The app with sign-in, on a workspace with one published program of two waves."""
    folder = tmp_path_factory.mktemp("hospital")
    databases = contextlib.ExitStack()
    # PostgreSQL where a test server is set (always in CI), else the SQLite default.
    database = (databases.enter_context(fresh_postgres_database())
                if os.environ.get(POSTGRES_SETTING) else
                f"sqlite:///{folder / 'workspace.sqlite3'}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COACHING_EVAL_SECRET", SECRET)
        upgrade(make_engine(database))
        workspace = Workspace.connect(database)
        lead = Actor(LEAD)
        program = workspace.create_program(lead, PROGRAM, "Coaching for residents")
        prepared = sample_wave("baseline", roster=sample_roster())
        workspace.add_upload(lead, program.id, prepared, "digest-baseline",
                             mapping_json=mapping_to_json(prepared.mapping))
        workspace.publish(lead, program.id, {})
        workspace.grant(lead, program.id, EXECUTIVE, Role.EXECUTIVE)
        workspace.grant(lead, program.id, ANALYST, Role.ANALYST)

    port = _free_port()  # the redirect address must be known before the app starts
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-cookie-secret-for-the-sign-in-tests"\n'
        'client_id = "coaching-eval"\n'
        'client_secret = "coaching-eval-secret"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n',
        "utf-8")
    env = dict(os.environ)
    env.update(COACHING_EVAL_SECRET=SECRET, COACHING_EVAL_DATABASE_URL=database,
               COACHING_EVAL_SECRET_FILE=str(folder / "key"))
    try:
        with running_app(env, folder, "--secrets.files", str(secrets), port=port):
            yield f"http://localhost:{port}", workspace
    finally:
        workspace.engine.dispose()
        databases.close()


def sign_in(browser, url: str, email: str):
    """A fresh browser profile signs in as ``email`` through the provider's own page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').wait_for(timeout=TIMEOUT_MS)  # the provider's form
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("heading", name="Coaching program: the results at a glance").wait_for(
        timeout=TIMEOUT_MS)
    settle(page)
    return context, page


def navigation_links(page) -> set[str]:
    nav = page.locator('[data-testid="stSidebarNav"]')
    # Each link reads "<icon name>\n<title>": keep the title.
    return {text.strip().splitlines()[-1] for text in nav.locator("a").all_inner_texts()}


def test_without_signing_in_nothing_is_shown(browser, hospital):
    url, _ = hospital
    page = browser.new_page()
    page.goto(f"{url}/overview")
    try:
        page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    finally:
        screenshot(page, "sign_in_needed")
    assert page.get_by_text("the results at a glance").count() == 0
    assert page.get_by_text(PROGRAM).count() == 0
    page.close()


def test_a_month_later_the_lead_publishes_a_wave_and_the_executive_sees_it(browser, hospital):
    url, workspace = hospital
    # A month later the 6-month wave is saved (here from the command line's code path).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COACHING_EVAL_SECRET", SECRET)
        workspace.add_upload(Actor(LEAD), PROGRAM, sample_wave("6m"), "digest-6m")

    context, page = sign_in(browser, url, EXECUTIVE)
    screenshot(page, "sign_in_executive_one_wave")
    assert page.get_by_text("baseline to 6m").count() == 0  # only the baseline is published
    context.close()

    context, page = sign_in(browser, url, LEAD)
    open_page_by_link(page, "Program settings", PROGRAM)
    published_before = workspace.program(Actor(LEAD), PROGRAM).published_at
    page.get_by_role("button", name="Publish the waves saved so far").click()
    for _ in range(120):  # the click's rerun writes the publish, then redraws
        if workspace.program(Actor(LEAD), PROGRAM).published_at != published_before:
            break
        page.wait_for_timeout(500)
    settle(page)
    screenshot(page, "sign_in_lead_program_settings")
    context.close()

    context, page = sign_in(browser, url, EXECUTIVE)
    assert page.get_by_text("baseline to 6m").first.is_visible()
    screenshot(page, "sign_in_executive_after_publish")
    trail = workspace.audit_trail(Actor(LEAD), PROGRAM)
    assert {"upload", "published"} <= set(trail[trail["user"] == LEAD]["action"])
    context.close()


def test_a_lead_sees_every_page_of_the_program(browser, hospital):
    url, _ = hospital
    context, page = sign_in(browser, url, LEAD)
    assert page.get_by_text(f"{LEAD} · lead").first.is_visible()
    assert {"Overview", "ROI", "Outcomes", "Groups & cohorts", "Retention", "Data",
            "Downloads", "Programs", "Program settings", "Access", "Audit trail"} <= (
        navigation_links(page))
    open_page_by_link(page, "Audit trail", f"Audit trail of {PROGRAM}")
    screenshot(page, "sign_in_lead_audit")
    context.close()


def test_an_executive_sees_results_and_is_refused_data_and_downloads(browser, hospital):
    url, workspace = hospital
    context, page = sign_in(browser, url, EXECUTIVE)
    links = navigation_links(page)
    assert {"Overview", "ROI", "Outcomes", "Groups & cohorts", "Retention"} <= links
    assert not links & {"Data", "Downloads", "Program settings", "Access", "Audit trail"}
    screenshot(page, "sign_in_executive_overview")

    # Asking the server for the pages by address: they are not served.
    for address in ("data", "downloads", "audit"):
        page.goto(f"{url}/{address}")
        page.get_by_role("heading", name="Coaching program: the results at a glance").wait_for(
            timeout=TIMEOUT_MS)
        settle(page)
        # Not the survey upload of Data, not the files of Downloads, not the audit trail.
        uploaders = page.locator('[data-testid="stFileUploader"]')
        assert uploaders.filter(has_text="Survey exports").count() == 0
        assert page.get_by_role("heading", name="Downloads").count() == 0
        assert page.get_by_role("button", name="Excel workbook").count() == 0
        assert page.get_by_role("heading", name="Audit trail", exact=False).count() == 0
    screenshot(page, "sign_in_executive_refused_data")
    trail = workspace.audit_trail(Actor(LEAD), PROGRAM)
    mine = trail[trail["user"] == EXECUTIVE]
    assert "page view" in set(mine["action"]) and "download" not in set(mine["action"])
    context.close()


def test_an_analyst_downloads_tables_but_has_no_data_page(browser, hospital):
    url, workspace = hospital
    context, page = sign_in(browser, url, ANALYST)
    links = navigation_links(page)
    assert "Downloads" in links and "Data" not in links and "Access" not in links
    open_page_by_link(page, "Downloads", "Downloads")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="pre_post.csv").first.click()
    saved = download.value.path()
    text = Path(saved).read_text("utf-8-sig")
    assert text.startswith("outcome,") and "baseline" in text and "6m" in text
    settle(page)
    trail = workspace.audit_trail(Actor(LEAD), PROGRAM)
    downloads = trail[(trail["user"] == ANALYST) & (trail["action"] == "download")]
    assert "pre_post.csv" in set(downloads["detail"])
    screenshot(page, "sign_in_analyst_downloads")
    context.close()


def test_the_lead_grants_a_new_person_the_executive_role_on_the_access_page(browser, hospital):
    url, workspace = hospital
    newcomer = "newcomer@hospital.example"
    context, page = sign_in(browser, url, LEAD)
    page.get_by_role("link", name="Access").click()
    page.get_by_role("heading", name=f"Access to {PROGRAM}").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Their sign-in e-mail address").fill(newcomer)
    form.get_by_label("Role").click()  # the role picker's options open below it
    page.get_by_role("option", name="executive", exact=True).click()
    form.get_by_role("button", name="Grant").click()
    roles: dict = {}
    for _ in range(120):  # the click's rerun writes the grant, then redraws the page
        roles = {m.user: m.role for m in workspace.members(Actor(LEAD), PROGRAM)}
        if newcomer in roles:
            break
        page.wait_for_timeout(250)
    settle(page)
    screenshot(page, "sign_in_lead_grants_executive")
    assert roles.get(newcomer) is Role.EXECUTIVE
    assert page.get_by_role("button", name="Withdraw").count() == 1  # the list holds them
    context.close()

    context, page = sign_in(browser, url, newcomer)
    assert page.get_by_text(f"{newcomer} · executive").first.is_visible()
    links = navigation_links(page)
    assert {"Overview", "ROI"} <= links
    assert not links & {"Data", "Downloads", "Program settings", "Access", "Audit trail"}
    screenshot(page, "sign_in_newcomer_overview")
    context.close()
