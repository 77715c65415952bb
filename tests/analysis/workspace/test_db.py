"""Connecting, creating and migrating the workspace database, and its failures."""

from __future__ import annotations

import os
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from analysis.workspace import (
    UPGRADE_COMMAND,
    Workspace,
    WorkspaceUnavailable,
    head_revision,
    make_engine,
    schema_status,
    upgrade,
)
from analysis.workspace import db as workspace_db
from analysis.workspace.models import Base
from analysis.workspace.settings import database_url


def test_the_migrations_build_exactly_the_models_tables(database_url):
    engine = make_engine(database_url)
    assert schema_status(engine).is_empty
    before, after = upgrade(engine)
    assert (before, after) == (None, head_revision())
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert upgrade(engine) == (head_revision(), head_revision())  # running it again is fine
    engine.dispose()


def test_the_default_sqlite_file_is_created_on_first_run(tmp_path, monkeypatch):
    monkeypatch.delenv("COACHING_EVAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("COACHING_EVAL_DATA_DIR", str(tmp_path / "coaching-data"))
    url = database_url()
    assert url == f"sqlite:///{tmp_path / 'coaching-data' / 'workspace.sqlite3'}"
    workspace = Workspace.connect()
    assert schema_status(workspace.engine).is_current
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "coaching-data").stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "coaching-data" / "workspace.sqlite3")
                            .stat().st_mode) == 0o600


def test_postgres_urls_are_driven_by_psycopg_3(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_DATABASE_URL", "postgresql://u:p@db.example:5432/coach")
    assert database_url() == "postgresql+psycopg://u:p@db.example:5432/coach"


def test_an_empty_postgres_database_asks_for_the_upgrade_command(postgres_url):
    with pytest.raises(WorkspaceUnavailable, match="no workspace tables") as raised:
        Workspace.connect(postgres_url)
    assert UPGRADE_COMMAND in str(raised.value)


def test_an_older_migration_is_named_with_the_command_that_fixes_it(database_url, monkeypatch):
    upgrade(make_engine(database_url))
    monkeypatch.setattr(workspace_db, "head_revision", lambda: "0002")
    with pytest.raises(WorkspaceUnavailable, match="older version") as raised:
        Workspace.connect(database_url)
    assert UPGRADE_COMMAND in str(raised.value)


def test_a_newer_migration_is_not_touched(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(WorkspaceUnavailable, match="newer version"):
        Workspace.connect(database_url)


def test_an_unreachable_server_is_reported_without_its_password():
    url = "postgresql+psycopg://coach:hunter2@127.0.0.1:9/coaching"  # port 9: discard
    with pytest.raises(WorkspaceUnavailable, match="cannot be reached") as raised:
        Workspace.connect(url)
    assert "hunter2" not in str(raised.value)
    assert "COACHING_EVAL_DATABASE_URL" in str(raised.value)


def test_a_url_of_another_kind_is_refused():
    with pytest.raises(WorkspaceUnavailable, match="SQLite and PostgreSQL"):
        make_engine("mysql://x@localhost/db")
