"""Connecting to the workspace database and keeping its tables on the current migration.

One code path for both engines: SQLite (the embedded default, a file created on first
run) and PostgreSQL through psycopg 3. SQLite transactions start with ``BEGIN
IMMEDIATE`` so that two uploads at once queue for the write lock instead of failing
half-way; PostgreSQL serialises them on the program's row (see ``store``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.exc import SQLAlchemyError as DatabaseFault

from analysis.workspace.errors import UPGRADE_COMMAND, WorkspaceUnavailable
from analysis.workspace.settings import DATABASE_URL_SETTING, database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration this version of the program knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def describe(url: str) -> str:
    """The database's URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


def make_engine(url: str | None = None) -> Engine:
    """An engine for the workspace URL (default: :func:`settings.database_url`).

    A SQLite file's folder is created with owner-only permissions on first use.
    """
    url = url or database_url()
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise WorkspaceUnavailable(
            f"The workspace database URL is not a database URL: {describe(url)}.",
            f"Set {DATABASE_URL_SETTING} to a URL such as "
            "postgresql://user:password@host:5432/database, or unset it to use the "
            "built-in SQLite file.",
        ) from error
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() != "postgresql":
        raise WorkspaceUnavailable(
            f"The workspace supports SQLite and PostgreSQL, not {parsed.get_backend_name()}.",
            f"Set {DATABASE_URL_SETTING} to a PostgreSQL URL.",
        )
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).expanduser().resolve().parent
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    if database and database != ":memory:" and os.name == "posix":
        engine.connect().close()  # creates the file
        os.chmod(Path(database).expanduser(), 0o600)
    return engine


@dataclass(frozen=True)
class SchemaStatus:
    """Where the database's tables stand against this program's migrations."""

    current: str | None  # the database's migration, None when it has no workspace tables
    head: str
    has_tables: bool

    @property
    def is_current(self) -> bool:
        return self.current == self.head

    @property
    def is_empty(self) -> bool:
        return self.current is None and not self.has_tables


def schema_status(engine: Engine) -> SchemaStatus:
    """Read the database's migration; raises :class:`WorkspaceUnavailable` when unreachable."""
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            has_tables = bool(inspect(connection).get_table_names())
    except OperationalError as error:
        raise unreachable(engine, error) from error
    return SchemaStatus(current=current, head=head_revision(), has_tables=has_tables)


def unreachable(engine: Engine, error: Exception) -> WorkspaceUnavailable:
    reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
    return WorkspaceUnavailable(
        f"The workspace database {describe(str(engine.url))} cannot be reached ({reason}).",
        f"Check that the database server is running and that {DATABASE_URL_SETTING} names "
        "it, with the right user and password; then reload this page.",
    )


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the tables to the newest migration; returns (before, after)."""
    before = schema_status(engine).current
    config = _alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise unreachable(engine, error) from error
    return before, head_revision()


def ensure_current(engine: Engine) -> None:
    """Check the tables before any use; create them in a new SQLite file.

    Raises :class:`WorkspaceUnavailable` (with the command that fixes it) when the
    database is on an older migration, on a newer one, or is an empty PostgreSQL
    database (whose tables a deployment creates once with the upgrade command).
    """
    status = schema_status(engine)
    if status.is_current:
        return
    if status.is_empty and engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    where = describe(str(engine.url))
    if status.is_empty:
        raise WorkspaceUnavailable(
            f"The workspace database {where} has no workspace tables yet.",
            f"Create them once with: {UPGRADE_COMMAND}",
        )
    if status.current is None:
        raise WorkspaceUnavailable(
            f"The database {where} holds other tables and no workspace version.",
            f"Point {DATABASE_URL_SETTING} at an empty database of its own, then run "
            f"{UPGRADE_COMMAND}",
        )
    known = {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
    if status.current not in known:
        raise WorkspaceUnavailable(
            f"The workspace database {where} was set up by a newer version of this program "
            f"(migration {status.current}).",
            "Update this program to the newest version; do not downgrade the database.",
        )
    raise WorkspaceUnavailable(
        f"The workspace database {where} is on an older version (migration "
        f"{status.current}; this program needs {status.head}).",
        f"Back it up, then run: {UPGRADE_COMMAND}",
    )


__all__ = ["DatabaseFault", "SchemaStatus", "ensure_current", "head_revision", "make_engine",
           "schema_status", "upgrade"]
