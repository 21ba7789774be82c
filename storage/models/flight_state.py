"""The flight watch's own state: the detector snapshot that survives a restart."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class FlightWatchState(SQLModel, table=True):
    """One named state document of the flight poller (the detector's per-aircraft state).

    `revision` grows with every save: a poller that finds a revision it did not write
    (another process polled while it was not the leader) restores from the row first.
    """

    __tablename__ = "flight_watch_state"

    name: str = Field(primary_key=True, max_length=32)
    revision: int = 0
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
