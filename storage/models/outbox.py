"""The outbox: one row per (event, chat), drained by the delivery workers.

An event's payload is stored once, in `alert_payloads`, however many chats it goes
to; the rows reference it by (event_type, event_id). A landing's payload carries up
to 600 track points for its map, so a copy per chat cost megabytes per fan-out.
"""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    String,
    UniqueConstraint,
    and_,
    select,
    text,
)
from sqlalchemy.orm import column_property
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """Where a row is on its way to Telegram."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    HELD = "held"  # kept while the chat is muted, summarised on unmute
    DEAD = "dead"


class AlertPayload(SQLModel, table=True):
    """The data an event's alerts are rendered from, once per event (not per chat)."""

    __tablename__ = "alert_payloads"

    event_type: str = Field(max_length=16, primary_key=True)
    event_id: int = Field(primary_key=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutboxRow(SQLModel, table=True):
    """An alert owed to one chat; rendered from its event's payload only when sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint(
            "event_type", "event_id", "chat_id", "thread_id", name="uq_outbox_event_chat"
        ),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Not a foreign key: a migrated chat keeps its undelivered rows, moved explicitly.
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    # The forum topic it goes to (0: none, or General); one row per topic of the chat.
    thread_id: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default=text("0"))
    )
    event_type: str = Field(max_length=16)  # flight / statement / venue / digest
    event_id: int
    thread_key: str | None = Field(default=None, max_length=128, index=True)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    last_error: str | None = Field(default=None, max_length=1024)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Telegram's file id of the picture this row was sent with: later chats of the
    # same event are sent the id instead of uploading the picture again.
    photo_file_id: str | None = Field(default=None, max_length=256)

    if TYPE_CHECKING:
        # The event's payload, read through the mapping below (not a column of the row):
        # a property, so type checkers do not take it for a field a new row must be given.
        @property
        def payload(self) -> dict[str, Any]: ...


_PAYLOADS = AlertPayload.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
# An ORM read of a row (select(OutboxRow)) brings its event's payload along; the hot
# paths (claim, held rows, dead letters) select plain columns and load payloads once
# per event instead.
OutboxRow.__mapper__.add_property(  # type: ignore[attr-defined]
    "payload",
    column_property(
        select(_PAYLOADS.c.payload)
        .where(
            and_(
                _PAYLOADS.c.event_type == _OUTBOX.c.event_type,
                _PAYLOADS.c.event_id == _OUTBOX.c.event_id,
            )
        )
        .correlate_except(_PAYLOADS)
        .scalar_subquery()
    ),
)
