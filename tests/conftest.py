"""Shared test settings: a fixed deployment secret and the browser-test policy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _deployment_settings(monkeypatch, tmp_path_factory):
    """Every test runs with a known secret and the default minimum cell size."""
    monkeypatch.setenv("COACHING_EVAL_SECRET", "test-secret-not-for-production")
    monkeypatch.setenv("COACHING_EVAL_SECRET_FILE", str(tmp_path_factory.mktemp("secret") / "key"))
    monkeypatch.delenv("COACHING_EVAL_MIN_CELL", raising=False)
    # The workspace database: a SQLite file of the test's own, never the user's.
    monkeypatch.delenv("COACHING_EVAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("COACHING_EVAL_DATA_DIR", str(tmp_path_factory.mktemp("data")))


def pytest_collection_modifyitems(config, items):
    """Browser tests skip on a developer machine without Chromium, but fail in CI."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        return  # the browser fixture raises, so the tests fail loudly
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (CI installs it and runs these)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
