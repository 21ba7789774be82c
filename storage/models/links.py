"""Linked signals: a watched person's landing and a statement about it, stored once a pair.

A pair is its own alert ("linked"), so this table is also that alert's event row: its
`dedup_key` ("link:<landing>:<statement>:<person>") makes the alert exactly once,
whichever of the two signals the bot saw second. Each part keeps its own source and
confidence, so the pair can be explained and weighed later (venue evidence, /status).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class SignalLink(SQLModel, table=True):
    """One landing of a person's aircraft linked to one statement near it in time.

    Attributes:
        person_slug: the watched person the aircraft is linked to.
        flight_event_id, statement_id: the two parts.
        airport_icao, venue_slug: where it landed (the venue, when the airport is one's).
        landing_ts, statement_ts: when each happened (the statement's publication, or
            its fetch when the feed gave no date).
        matched: what the statement named: "person", "place" or "meeting".
        flight_provider, flight_confidence: the landing's ADS-B provider and detection
            confidence (confirmed | probable).
        aircraft_confidence: the aircraft-person link (believed | confirmed).
        statement_source, statement_official: where the statement was published.
        confidence: the pair's: a believed aircraft link makes it believed.
        data: the alert's JSON form, as recorded.
    """

    __tablename__ = "signal_links"

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=128, unique=True)
    person_slug: str = Field(max_length=64, index=True)
    flight_event_id: int = Field(
        sa_column=Column(
            ForeignKey("flight_events.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    statement_id: int = Field(
        sa_column=Column(
            ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    airport_icao: str = Field(max_length=8)
    venue_slug: str | None = Field(default=None, max_length=64)
    landing_ts: datetime = Field(sa_type=UTCDateTime)
    statement_ts: datetime = Field(sa_type=UTCDateTime)
    matched: str = Field(max_length=16)
    flight_provider: str | None = Field(default=None, max_length=64)
    flight_confidence: str = Field(max_length=16)
    aircraft_confidence: str = Field(max_length=16)
    statement_source: str = Field(max_length=128)
    statement_official: bool = False
    confidence: str = Field(max_length=16)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
