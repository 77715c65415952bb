"""Fixtures for browser tests: the real app under `streamlit run`, driven by Chromium.

Chromium comes from the operating system (/usr/bin/chromium) and Playwright drives it
through ``executable_path``; nothing is downloaded. Without Chromium these tests are
skipped on a developer machine and fail in CI (see tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, REPO_ROOT

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path,
                        timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}:\n"
                               + log_tail(log))
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time:\n" + log_tail(log))


# The app's own output goes to a file, never to an unread pipe: a pipe's buffer fills
# after some 64 KB of log lines and the server then blocks on its next write, which a
# test sees as a page that never appears. A failing browser test prints the log's tail.
APP_LOGS: list[Path] = []


def log_tail(log: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def running_app(env: dict[str, str], folder: Path, *extra: str,
                port: int | None = None) -> Iterator[int]:
    """``streamlit run dashboard/app.py`` on a loopback port (a free one unless given);
    yields the port."""
    port = port or _free_port()
    log = folder / f"streamlit-{port}.log"
    APP_LOGS.append(log)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *extra],
            cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            _wait_until_healthy(f"http://127.0.0.1:{port}", process, log)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and APP_LOGS:
        report.sections.append(("streamlit log (tail)", log_tail(APP_LOGS[-1])))


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """Start the dashboard on a free local port for the whole browser session."""
    env = dict(os.environ)
    env["COACHING_EVAL_SECRET"] = "browser-test-secret"
    env["COACHING_EVAL_SECRET_FILE"] = str(tmp_path_factory.mktemp("secret") / "key")
    env["COACHING_EVAL_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    env.pop("COACHING_EVAL_DATABASE_URL", None)
    with running_app(env, tmp_path_factory.mktemp("app")) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the system, or a loud failure in CI when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


TIMEOUT_MS = 120_000
# The page is idle: no script running, no spinner, and no progress bar (a progress bar
# is either a step of the page or a background job whose end reruns the page).
IDLE = """() => !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
          && !document.querySelector('[data-testid="stSpinner"]')
          && !document.querySelector('[data-testid="stProgress"]')"""


def page_text(page, limit: int = 1500) -> str:
    """What the page shows, for a failure message."""
    try:
        return page.locator("body").inner_text()[:limit]
    except Exception as error:  # noqa: BLE001 - a message, never a second failure
        return f"(page text unavailable: {error})"


def settle(page, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the app is idle twice, half a second apart (a finished background job
    reruns the page in between), and fail on any exception shown."""
    for _ in range(2):
        page.wait_for_function(IDLE, timeout=timeout)
        page.wait_for_timeout(500)
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()


def open_page_by_link(page, link: str, heading: str, timeout: int = TIMEOUT_MS) -> None:
    """Click a sidebar link and wait for the page's heading, then for the page to settle.

    A click that lands while the app reruns can be dropped by the browser client, as a
    person would see a click not take; it is repeated then, up to three times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: PLC0415

    for attempt in range(3):
        page.get_by_role("link", name=link, exact=True).first.click()
        try:
            page.get_by_role("heading", name=heading).first.wait_for(timeout=timeout // 3)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise AssertionError(f"{heading!r} did not open after three clicks on "
                                     f"{link!r}; the page shows:\n{page_text(page)}") from None
    settle(page, timeout)


def file_input(page, key: str):
    """The file input of the uploader with this widget key (Streamlit marks each keyed
    element's container with the class ``st-key-<key>``; the Data page adds a suffix
    to its keys after "Remove upload")."""
    return page.locator(f'[class*="st-key-{key}"] input[type="file"]').first


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its main section, so a "full page" is only the window:
    # grow the window to the content's height for the shot, then restore it.
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section')]
                 .map(e => e.scrollHeight), document.body.scrollHeight)""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
