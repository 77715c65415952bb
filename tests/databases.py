"""Database fixtures: every workspace test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``COACHING_EVAL_TEST_POSTGRES_URL`` (a server where the test user
may create databases; ``.ci/postgres start`` starts a throw-away one and CI always
does). Each test gets a database of its own, dropped afterwards. Without the setting the
PostgreSQL cases skip on a developer machine and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.pipeline import PreparedProgram, prepare_program
from analysis.workspace import Actor, Workspace, make_engine, upgrade
from analysis.workspace.settings import normalise_url
from tests.conftest import REPO_ROOT

POSTGRES_SETTING = "COACHING_EVAL_TEST_POSTGRES_URL"
SAMPLE = REPO_ROOT / "sample_data"
LEAD = Actor("lead@hospital.example")
OPERATOR = Actor("operator (command line)", every_role=True)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_server_url() -> str | None:
    url = os.environ.get(POSTGRES_SETTING, "").strip()
    if url:
        return normalise_url(url)
    if in_ci():
        pytest.fail(f"{POSTGRES_SETTING} is not set: CI must run the PostgreSQL tests "
                    "(.ci/run starts a server with .ci/postgres)")
    pytest.skip(f"no PostgreSQL server: set {POSTGRES_SETTING} (e.g. eval \"$(.ci/postgres "
                "start)\") to run these cases")
    return None


@pytest.fixture()
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with fresh_postgres_database() as url:
        yield url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty database on the test server; drop it afterwards."""
    server = postgres_server_url()
    assert server is not None
    name = f"coaching_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server
        admin.dispose()
        if in_ci():
            pytest.fail(f"the PostgreSQL server at {POSTGRES_SETTING} cannot be used: {error}")
        pytest.skip(f"the PostgreSQL server cannot be used: {error}")
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'workspace.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture()
def workspace(database_url) -> Iterator[Workspace]:
    """A migrated workspace on each kind of database."""
    upgrade(make_engine(database_url))
    opened = Workspace.connect(database_url)
    yield opened
    opened.engine.dispose()


def sample_wave(wave: str, **options) -> PreparedProgram:
    """One wave of the bundled sample, prepared as a program lead would upload it."""
    frame = pd.read_csv(SAMPLE / "responses_long.csv")
    data = frame[frame["wave"] == wave].to_csv(index=False).encode()
    return prepare_program([UploadedFile(f"{wave}.csv", data)], **options)


def sample_roster() -> UploadedFile:
    path = SAMPLE / "roster.csv"
    return UploadedFile(path.name, path.read_bytes())

