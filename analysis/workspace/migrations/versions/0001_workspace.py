"""The first workspace: programs, waves of scored responses, roster, roles, audit.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _program_id(index: bool = False) -> sa.Column:
    return sa.Column("program_id", sa.Integer(),
                     sa.ForeignKey("program.id", ondelete="CASCADE"), nullable=False,
                     index=index)


def upgrade() -> None:
    op.create_table(
        "program",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=True),
        sa.Column("outcomes", sa.JSON(), nullable=True),
        sa.Column("scenario_json", sa.Text(), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("published_upload_id", sa.Integer(), nullable=True),
        sa.Column("published_at", WHEN, nullable=True),
        sa.Column("rows_dropped_at", WHEN, nullable=True),
    )
    op.create_table(
        "upload",
        sa.Column("id", sa.Integer(), primary_key=True),
        _program_id(index=True),
        sa.Column("uploaded_at", WHEN, nullable=False),
        sa.Column("uploaded_by", sa.String(320), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("waves", sa.JSON(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_participants", sa.Integer(), nullable=False),
        sa.UniqueConstraint("program_id", "content_digest"),
    )
    op.create_table(
        "response",
        sa.Column("id", ROW_ID, primary_key=True),
        _program_id(),
        sa.Column("upload_id", sa.Integer(), sa.ForeignKey("upload.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("wave", sa.String(100), nullable=False),
        sa.Column("participant_code", sa.String(64), nullable=False, index=True),
        sa.Column("group", sa.String(20), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.UniqueConstraint("program_id", "wave", "participant_code"),
    )
    op.create_table(
        "roster_entry",
        sa.Column("id", ROW_ID, primary_key=True),
        _program_id(),
        sa.Column("participant_code", sa.String(64), nullable=False, index=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.UniqueConstraint("program_id", "participant_code"),
    )
    op.create_table(
        "action_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        _program_id(index=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(320), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), primary_key=True),
        _program_id(),
        sa.Column("user", sa.String(320), nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_by", sa.String(320), nullable=False),
        sa.Column("granted_at", WHEN, nullable=False),
        sa.UniqueConstraint("program_id", "user"),
    )
    op.create_table(
        "published_table",
        sa.Column("id", sa.Integer(), primary_key=True),
        _program_id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_at", WHEN, nullable=False),
        sa.UniqueConstraint("program_id", "name"),
    )
    op.create_table(
        "disclosure_state",
        sa.Column("program_id", sa.Integer(), sa.ForeignKey("program.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", ROW_ID, primary_key=True),
        sa.Column("at", WHEN, nullable=False, index=True),
        sa.Column("user", sa.String(320), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True, index=True),
        sa.Column("program_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_event", "disclosure_state", "published_table", "membership",
                  "action_entry", "roster_entry", "response", "upload", "program"):
        op.drop_table(table)
