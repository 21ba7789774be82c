"""Digest events: each quiet-hours or daily digest a chat is owed, stored once by its key.

A digest has no feature row of its own (no flight, statement or venue), so this table
gives `bot.alerts.record.record_event` the dedup key that makes it exactly once: two
processes, or one that restarted, scheduling the same digest find the key taken.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class DigestEvent(SQLModel, table=True):
    """One digest owed to one chat.

    Keys: "quiet:<chat>:<first held row>", "daily:<chat>:<local date>T<local time>".
    """

    __tablename__ = "digest_events"

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=128, unique=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    kind: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
