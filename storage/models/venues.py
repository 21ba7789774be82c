"""Candidate meeting venues and their cited factors."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Venue(SQLModel, table=True):
    """A city that could host a meeting."""

    __tablename__ = "venues"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    names: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    country: str = Field(max_length=2)
    airports: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    lat: float
    lon: float
    timezone: str = Field(max_length=64)
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class VenueFactor(SQLModel, table=True):
    """One value of one factor for one venue; corrections append, history stays."""

    __tablename__ = "venue_factors"
    __table_args__ = (Index("ix_venue_factor_current", "venue_id", "factor", "set_at"),)

    id: int | None = Field(default=None, primary_key=True)
    venue_id: int = Field(
        sa_column=Column(ForeignKey("venues.id", ondelete="CASCADE"), nullable=False)
    )
    factor: str = Field(max_length=64)
    value: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source: str = Field(max_length=1024)
    as_of: date | None = None
    set_by: int | None = Field(default=None, sa_type=BigInteger)
    set_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VenueEvent(SQLModel, table=True):
    """An alert-worthy change of the venue ranking (new leader, score jump)."""

    __tablename__ = "venue_events"

    id: int | None = Field(default=None, primary_key=True)
    # One ranking round and one change -> one key, so a retried round stores it once.
    dedup_key: str = Field(max_length=128, unique=True)
    kind: str = Field(max_length=32)
    venue_slug: str = Field(max_length=64, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    detected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VenueRanking(SQLModel, table=True):
    """The last computed ranking, kept across restarts so start-up alerts only on change."""

    __tablename__ = "venue_rankings"

    id: int | None = Field(default=None, primary_key=True)
    # [{"slug": "baku", "total": 9.01}, ...], best first.
    ranking: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
