"""The outbox: one row per (event, chat), drained by the delivery workers."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """Where a row is on its way to Telegram."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    HELD = "held"  # kept while the chat is muted, summarised on unmute
    DEAD = "dead"


class OutboxRow(SQLModel, table=True):
    """An alert owed to one chat; holds event data, rendered only when sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_type", "event_id", "chat_id", name="uq_outbox_event_chat"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Not a foreign key: a migrated chat keeps its undelivered rows, moved explicitly.
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    event_type: str = Field(max_length=16)  # flight / statement / venue
    event_id: int
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
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
