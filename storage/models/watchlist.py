"""Watched people and aircraft, and who is believed to fly on what."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Computed,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class LinkConfidence(StrEnum):
    """How sure we are that a person uses an aircraft."""

    BELIEVED = "believed"
    CONFIRMED = "confirmed"


class Person(SQLModel, table=True):
    """A watched person with names and aliases per language."""

    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    # {"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"}
    names: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # {"en": ["Witkoff"], "ru": ["Уиткофф"], "az": ["Uitkoff"]}
    aliases: dict[str, list[str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    # {"en": "United States special envoy", "ru": "...", "az": "..."}; {} when unknown.
    # The database default lets 0007 add the column to a filled table; SQLite cannot
    # drop it afterwards without rebuilding `people`, which would cascade-delete links.
    roles: dict[str, str] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default=text("'{}'")),
    )
    source: str | None = Field(default=None, max_length=512)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Aircraft(SQLModel, table=True):
    """An aircraft identified by its ICAO 24-bit address (six lowercase hex digits)."""

    __tablename__ = "aircraft"
    __table_args__ = (
        # The registration as `/status <registration>` matches it, computed by the
        # database (migration 0017) and indexed, so a lookup reads the index instead of
        # every aircraft. A table column only, not a model field: nothing writes it and
        # the ORM never tries to.
        Column(
            "registration_key",
            String(16),
            Computed("upper(registration)", persisted=True),
            nullable=True,
        ),
        Index("ix_aircraft_registration_key", "registration_key"),
    )
    __mapper_args__ = {"exclude_properties": ["registration_key"]}

    hex: str = Field(primary_key=True, max_length=6)
    registration: str | None = Field(default=None, max_length=16, index=True)
    type_code: str | None = Field(default=None, max_length=8)
    type_name: str | None = Field(default=None, max_length=128)
    operator: str | None = Field(default=None, max_length=256, index=True)
    category: str | None = Field(default=None, max_length=128, index=True)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Provenance: where the identity comes from and who added it.
    source: str | None = Field(default=None, max_length=512)
    added_by: int | None = Field(default=None, sa_type=BigInteger)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PersonAircraft(SQLModel, table=True):
    """A person is believed, or confirmed, to fly on an aircraft."""

    __tablename__ = "person_aircraft"
    __table_args__ = (UniqueConstraint("person_id", "aircraft_hex", name="uq_person_aircraft"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(
        sa_column=Column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    aircraft_hex: str = Field(
        sa_column=Column(
            String(6), ForeignKey("aircraft.hex", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    confidence: LinkConfidence = Field(default=LinkConfidence.BELIEVED, sa_type=String(16))
    note: str | None = Field(default=None, max_length=1024)
    set_by: int | None = Field(default=None, sa_type=BigInteger)
    since: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Where a link read from a dataset comes from ("plane-alert-db"); None when an
    # analyst set it. A dataset never changes a link whose source is None.
    source: str | None = Field(default=None, max_length=64)
    # The dataset row's own reference (its $#Link) and the date the data is true as of.
    source_url: str | None = Field(default=None, max_length=1024)
    as_of: str | None = Field(default=None, max_length=10)
    # Set when a refresh no longer supports the link (row gone, operator changed, the
    # person no longer named): the link is kept and shown with this date, never deleted.
    stale_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stale_reason: str | None = Field(default=None, max_length=32)


class DatasetImport(SQLModel, table=True):
    """The last copy of a dataset applied to the store, so an unchanged one is skipped."""

    __tablename__ = "dataset_imports"

    name: str = Field(primary_key=True, max_length=64)
    # sha256 of what was applied (the file and the people it was matched against).
    digest: str = Field(max_length=64)
    as_of: str | None = Field(default=None, max_length=10)
    # The HTTP validators of the last download, for a conditional GET.
    etag: str | None = Field(default=None, max_length=256)
    last_modified: str | None = Field(default=None, max_length=64)
    applied_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AircraftDismissal(SQLModel, table=True):
    """An admin's /untrack, remembered so no dataset import brings the aircraft (or link) back.

    `person_slug` is "" when the whole aircraft was dropped, else the unlinked person.
    """

    __tablename__ = "aircraft_dismissals"

    aircraft_hex: str = Field(primary_key=True, max_length=6)
    person_slug: str = Field(default="", primary_key=True, max_length=64)
    dismissed_by: int | None = Field(default=None, sa_type=BigInteger)
    dismissed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
