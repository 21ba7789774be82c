"""Statements fetched from sources, what they mention, and the events they raise."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Statement(SQLModel, table=True):
    """One item of a source, in its original language; edits bump the revision."""

    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("source_id", "guid", name="uq_statement_guid"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(
        sa_column=Column(ForeignKey("sources.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    guid: str = Field(max_length=1024)
    url: str | None = Field(default=None, max_length=2048)
    title: str = Field(max_length=2048)
    summary: str | None = None
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    language: str | None = Field(default=None, max_length=8)
    content_hash: str = Field(max_length=64, index=True)
    revision: int = 1
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Mention(SQLModel, table=True):
    """A watched person, place or meeting word found in a statement."""

    __tablename__ = "mentions"

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(
        sa_column=Column(
            ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=16)  # person / place / keyword
    key: str = Field(max_length=128, index=True)
    matched_text: str = Field(max_length=256)


class StatementEvent(SQLModel, table=True):
    """A statement that matched what analysts watch: the unit that is alerted."""

    __tablename__ = "statement_events"

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=128, unique=True)
    statement_id: int = Field(
        sa_column=Column(
            ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    revision: int = 1
    thread_key: str | None = Field(default=None, max_length=128, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    detected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatementRevision(SQLModel, table=True):
    """An earlier text of an edited statement; `statements` holds the latest one.

    Kept so an analyst can see what a publisher changed after publication (a
    title re-worded, a name added or dropped): provenance, not decoration.
    """

    __tablename__ = "statement_revisions"
    __table_args__ = (UniqueConstraint("statement_id", "revision", name="uq_statement_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(
        sa_column=Column(
            ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    revision: int
    url: str | None = Field(default=None, max_length=2048)
    title: str = Field(max_length=2048)
    summary: str | None = None
    content_hash: str = Field(max_length=64)
    # When this text stopped being the current one.
    replaced_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
