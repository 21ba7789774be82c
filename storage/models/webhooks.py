"""Outgoing webhooks: a chat's alerts POSTed, signed, to a URL its admin registered.

Deliveries have their own outbox (`webhook_outbox`): one row per (webhook, event),
claimed, retried with backoff and dead-lettered like the Telegram outbox, apart from
it because a receiver is not a chat (no pacing, no mute, no language).
"""

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.outbox import OutboxStatus
from storage.types import UTCDateTime, utcnow


class Webhook(SQLModel, table=True):
    """A receiver of one chat's alerts; `kinds` limits which (comma-separated, None: all)."""

    __tablename__ = "webhooks"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    url: str = Field(max_length=2048)
    # The HMAC key, shown once when added; never logged.
    secret: str = Field(max_length=128)
    kinds: str | None = Field(default=None, max_length=256)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One alert owed to one webhook; the payload is the event's (`alert_payloads`)."""

    __tablename__ = "webhook_outbox"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_type", "event_id", name="uq_webhook_event"),
        Index("ix_webhook_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(
        sa_column=Column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False)
    )
    event_type: str = Field(max_length=16)
    event_id: int
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1024)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
