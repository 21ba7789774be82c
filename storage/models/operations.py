"""Operations: how far periodic maintenance (retention) got, and the index it scans by."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.models.flights import Position
from storage.types import UTCDateTime, utcnow

# Retention cuts positions by age alone; (hex, ts) cannot serve a range on ts.
POSITIONS_TS_INDEX = Index("ix_positions_ts", Position.__table__.c.ts)  # type: ignore[attr-defined]


class MaintenanceMark(SQLModel, table=True):
    """A maintenance task's progress, so each run starts where the last one stopped."""

    __tablename__ = "maintenance_marks"

    name: str = Field(primary_key=True, max_length=64)
    # Everything before this instant is done (e.g. positions already downsampled).
    done_until: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
