"""Chats the bot is in, and what each one subscribed to."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, ForeignKey, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class SubscriptionKind(StrEnum):
    """What a subscription follows."""

    PERSON = "person"
    AIRCRAFT = "aircraft"
    VENUE = "venue"
    SOURCE = "source"
    ALL = "all"
    # Fleets: every aircraft of an operator or category (keys from storage.fleets.fleet_key).
    OPERATOR = "operator"
    CATEGORY = "category"


class Chat(SQLModel, table=True):
    """A private chat, group or channel the bot talks to."""

    __tablename__ = "chats"

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    type: str = Field(max_length=16)
    title: str | None = Field(default=None, max_length=256)
    # None means "not chosen": fall back to the user's language, then the default.
    locale: str | None = Field(default=None, max_length=8)
    active: bool = Field(default=True)
    muted_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The chat's IANA zone (/tz); None: the zone of its language (bot.alerts.schedule).
    tz: str | None = Field(default=None, max_length=64)
    # Quiet hours (/quiet) in minutes of the local day; the end may be before the start.
    quiet_start: int | None = None
    quiet_end: int | None = None
    # Kinds that still go through during quiet hours, comma-separated (emergencies always).
    urgent_kinds: str | None = Field(default=None, max_length=256)
    # The daily digest (/digest) in minutes of the local day, and the scheduled moment
    # of the last one sent (UTC): the next is the first local digest_at after it.
    digest_at: int | None = None
    digest_last: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Subscription(SQLModel, table=True):
    """One chat follows one person, aircraft, venue, source, or everything."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("chat_id", "thread_id", "kind", "key", name="uq_subscription"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    # The forum topic the alerts go to (Telegram's message_thread_id); 0: the whole chat,
    # or a forum's General topic. Not NULL, so it takes part in the unique constraint.
    thread_id: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default=text("0"))
    )
    kind: SubscriptionKind = Field(sa_type=String(16))
    # The followed thing's stable key: person slug, ICAO hex, venue slug, source name, "*".
    key: str = Field(max_length=128)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ForumTopic(SQLModel, table=True):
    """A forum topic of a supergroup that has subscriptions: its name, and whether
    Telegram refused it (closed or deleted), in which case its alerts go to General."""

    __tablename__ = "forum_topics"

    chat_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    thread_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    title: str | None = Field(default=None, max_length=128)
    broken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Telegram's description when it refused the topic ("message thread not found").
    broken_reason: str | None = Field(default=None, max_length=256)


class ChannelLink(SQLModel, table=True):
    """A channel linked by a group or private chat, whose admins manage it from there."""

    __tablename__ = "channel_links"

    channel_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    chat_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
            primary_key=True,
            autoincrement=False,
            index=True,
        )
    )
    linked_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # When a send told us the bot lost its rights there; the linking chat was told once.
    rights_lost_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
