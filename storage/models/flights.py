"""Position reports (downsampled) and the flight events detected from them."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Computed, Index, String
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Position(SQLModel, table=True):
    """One kept position report of a watched aircraft."""

    __tablename__ = "positions"
    __table_args__ = (
        # The callsign as `/status <callsign>` matches it, computed by the database
        # (migration 0008) and indexed with hex and ts, so a lookup reads the index
        # instead of every position. A table column only, not a model field: nothing
        # writes it and the ORM never tries to.
        Column(
            "callsign_key",
            String(16),
            Computed("upper(trim(callsign))", persisted=True),
            nullable=True,
        ),
        Index("ix_positions_hex_ts", "hex", "ts"),
        Index("ix_positions_callsign_key", "callsign_key", "hex", "ts"),
    )
    __mapper_args__ = {"exclude_properties": ["callsign_key"]}

    id: int | None = Field(default=None, primary_key=True)
    hex: str = Field(max_length=6)
    ts: datetime = Field(sa_type=UTCDateTime)
    lat: float
    lon: float
    alt_ft: int | None = None
    on_ground: bool = False
    ground_speed_kt: float | None = None
    track_deg: float | None = None
    vertical_rate_fpm: float | None = None
    squawk: str | None = Field(default=None, max_length=4)
    callsign: str | None = Field(default=None, max_length=16)
    provider: str = Field(max_length=64)


class FlightEventRow(SQLModel, table=True):
    """Takeoff, landing, signal lost or regained, emergency: one detected event."""

    __tablename__ = "flight_events"

    id: int | None = Field(default=None, primary_key=True)
    # Same event from a replay or a restart -> same key -> stored once.
    dedup_key: str = Field(max_length=128, unique=True)
    kind: str = Field(max_length=32, index=True)
    hex: str = Field(max_length=6, index=True)
    ts: datetime = Field(sa_type=UTCDateTime, index=True)
    airport_icao: str | None = Field(default=None, max_length=4, index=True)
    lat: float | None = None
    lon: float | None = None
    alt_ft: int | None = None
    # "confirmed" or "probable" for the event itself (not the person link).
    confidence: str = Field(default="confirmed", max_length=16)
    provider: str | None = Field(default=None, max_length=64)
    # Events that revise an earlier one (probable -> confirmed landing) share a thread key.
    thread_key: str | None = Field(default=None, max_length=128, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    detected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
