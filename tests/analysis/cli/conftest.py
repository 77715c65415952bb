"""The database fixtures (SQLite and PostgreSQL) live in tests/databases.py."""

from tests.databases import database_url, postgres_url, workspace  # noqa: F401
