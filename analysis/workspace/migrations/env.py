"""Alembic environment: runs the migrations on the connection the workspace hands it.

Started by :func:`analysis.workspace.db.upgrade` (``python -m analysis workspace
upgrade``), never by the ``alembic`` command, so no ``alembic.ini`` is needed.
"""

from __future__ import annotations

from alembic import context

from analysis.workspace.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
