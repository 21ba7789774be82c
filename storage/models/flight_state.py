"""The flight watch's own state: what the detector needs to continue after a restart.

A small global row (revision, when a provider last answered) and one row per watched
aircraft, so a save rewrites only the aircraft that changed since the last one.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class FlightWatchState(SQLModel, table=True):
    """One named state document of the flight poller: its global fields.

    `revision` grows with every save, also one that only writes `flight_tracks`: a
    poller that finds a revision it did not write (another process polled while it was
    not the leader) restores from the store first.
    """

    __tablename__ = "flight_watch_state"

    name: str = Field(primary_key=True, max_length=32)
    revision: int = 0
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FlightTrackState(SQLModel, table=True):
    """One aircraft's part of the poller's state (of the `detector` document).

    `track` is the detector's state of it (`Track.to_row`: its values in a fixed
    order, the names left out; None once the detector forgot it), `seen` what the
    poller saw last (`Sightings` entry: newest position time, last kept position,
    callsign). A row goes when the aircraft is unwatched.
    """

    __tablename__ = "flight_tracks"

    hex: str = Field(primary_key=True, max_length=6)
    track: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    seen: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
