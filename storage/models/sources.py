"""Polled sources (statement feeds and ADS-B providers) with their health."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class SourceKind(StrEnum):
    """Wire format of a source."""

    RSS = "rss"
    HTML = "html"
    READSB = "readsb"
    OPENSKY = "opensky"


class Source(SQLModel, table=True):
    """A source we poll, its politeness state and its health."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    kind: SourceKind = Field(sa_type=String(16))
    url: str = Field(max_length=2048)
    language: str | None = Field(default=None, max_length=8)
    country: str | None = Field(default=None, max_length=2)
    official: bool = False
    enabled: bool = True
    interval_s: int = 300
    # Conditional GET state.
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    # Health.
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1024)
    consecutive_failures: int = 0
    latency_ms: float | None = None
    items_seen: int = 0
    added_by: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
