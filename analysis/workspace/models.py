"""The workspace tables (SQLAlchemy 2 declarative models).

What is kept, and nothing more (issue 12): programs, their column mapping, the
pseudonymised and scored long-form responses per wave, the pseudonymised roster, the
ROI scenario with the program's own costs, an action log, the disclosure-control state,
the tables published to executives, who holds which role, and the audit trail. No raw
upload, no file name, no direct identifier, no free-text answer and no keyed-hash
secret is ever written. Participant codes are the 64-character HMAC-SHA256 pseudonyms
made by :func:`analysis.intake.privacy.pseudonymise_ids`.

The migrations in ``migrations/versions`` create exactly these tables; a test compares
the two on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
ROW_ID = BigInteger().with_variant(Integer(), "sqlite")
CODE_LENGTH = 64  # hex HMAC-SHA256
USER_LENGTH = 320  # the longest e-mail address


class Base(DeclarativeBase):
    pass


class Program(Base):
    __tablename__ = "program"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    k: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(USER_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Raised by every change to participant rows: the dashboard's cache key.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    mapping_json: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[list | None] = mapped_column(JSON)
    scenario_json: Mapped[str | None] = mapped_column(Text)
    retention_days: Mapped[int | None] = mapped_column(Integer)
    published_upload_id: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows_dropped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Upload(Base):
    """One saved upload: which waves it brought and how many rows (never its content)."""

    __tablename__ = "upload"
    __table_args__ = (UniqueConstraint("program_id", "content_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"),
                                            index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(USER_LENGTH))
    content_digest: Mapped[str] = mapped_column(String(64))
    waves: Mapped[list] = mapped_column(JSON)
    n_rows: Mapped[int] = mapped_column(Integer)
    n_participants: Mapped[int] = mapped_column(Integer)


class Response(Base):
    """One participant's scored answers at one wave."""

    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("program_id", "wave", "participant_code"),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("upload.id", ondelete="CASCADE"),
                                           index=True)
    wave: Mapped[str] = mapped_column(String(100))
    participant_code: Mapped[str] = mapped_column(String(CODE_LENGTH), index=True)
    group: Mapped[str] = mapped_column(String(20))
    attributes: Mapped[dict] = mapped_column(JSON)
    answers: Mapped[dict] = mapped_column(JSON)


class RosterEntry(Base):
    """One participant's employment dates (or retained yes/no) for retention."""

    __tablename__ = "roster_entry"
    __table_args__ = (UniqueConstraint("program_id", "participant_code"),)

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    participant_code: Mapped[str] = mapped_column(String(CODE_LENGTH), index=True)
    fields: Mapped[dict] = mapped_column(JSON)


class ActionEntry(Base):
    """A dated event in the program's life ("cohort 2 started"), drawn on trend charts."""

    __tablename__ = "action_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"),
                                            index=True)
    on_date: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(USER_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Membership(Base):
    """A person's role in one program: lead, executive or analyst."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("program_id", "user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    user: Mapped[str] = mapped_column(String(USER_LENGTH), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[str] = mapped_column(String(USER_LENGTH))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PublishedTable(Base):
    """An aggregate table as published (small cells already withheld); outlives retention."""

    __tablename__ = "published_table"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    content: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DisclosureState(Base):
    """The disclosure-control ledger of a program (JSON), shared by every session."""

    __tablename__ = "disclosure_state"

    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"),
                                            primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Who did what, when, to which program. Kept when the program itself is deleted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user: Mapped[str] = mapped_column(String(USER_LENGTH))
    program_id: Mapped[int | None] = mapped_column(Integer, index=True)
    program_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
