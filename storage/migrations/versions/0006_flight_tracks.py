"""flight tracks: the poller's state as one row per aircraft, beside a small global row

The `detector` document of `flight_watch_state` held every track and sighting in one
JSON blob (~11 MB for 15,000 airborne aircraft, rewritten whole on each save). Upgrade
moves each aircraft's track (as a row: its values in the version 1 field order, the
names left out) and sighting into a `flight_tracks` row and leaves the global fields
(`version`, `answered_at`) in the document; downgrade folds them back. The revision
is kept both ways, so a running poller notices nothing it must restore.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 03:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "detector"  # the only document with tracks (bot.flights.polling.STATE_NAME)
_HEX_LENGTH = 6
# The fields of a version 1 track in row order (bot.flights.track.ROW_FIELDS then;
# a migration keeps the order it was written for, whatever the code does later).
_ROW_FIELDS = (
    *("t", "lat", "lon", "plat", "plon", "course", "alt", "prev_alt", "gs", "vrate"),
    *("provider", "g_t", "g_lat", "g_lon", "g_elev", "g_n", "cand_n", "cand_t"),
    *("cand_prev_t", "cand_lat", "cand_lon", "cand_alt", "cand_vrate", "dep_icao"),
    *("dep_t", "lost", "checked", "pend_key", "pend_thread", "pend_t", "pend_icao"),
    *("rej_n", "rej_t", "rej_lat", "rej_lon", "em_code", "em_since", "em_n", "em_done"),
    *("phase", "cand", "keys"),
)

_STATE = sa.table(
    "flight_watch_state",
    sa.column("name", sa.String()),
    sa.column("state", sa.JSON()),
    sa.column("updated_at", storage.types.UTCDateTime(timezone=True)),
)
_TRACKS = sa.table(
    "flight_tracks",
    sa.column("hex", sa.String()),
    sa.column("track", sa.JSON()),
    sa.column("seen", sa.JSON()),
    sa.column("updated_at", storage.types.UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "flight_tracks",
        sa.Column("hex", sa.String(length=6), nullable=False),
        sa.Column("track", sa.JSON(), nullable=True),
        sa.Column("seen", sa.JSON(), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hex"),
    )
    bind = op.get_bind()
    found = bind.execute(
        sa.select(_STATE.c.state, _STATE.c.updated_at).where(_STATE.c.name == _NAME)
    ).first()
    if found is None:
        return
    blob, updated_at = found
    document, rows = _split(blob if isinstance(blob, dict) else {})
    if rows:
        op.bulk_insert(_TRACKS, [{**row, "updated_at": updated_at} for row in rows])
    bind.execute(_STATE.update().where(_STATE.c.name == _NAME).values(state=document))


def downgrade() -> None:
    bind = op.get_bind()
    found = bind.execute(sa.select(_STATE.c.state).where(_STATE.c.name == _NAME)).first()
    if found is not None:
        # Without a global row the tracks belong to no saved state: they go.
        rows = bind.execute(sa.select(_TRACKS.c.hex, _TRACKS.c.track, _TRACKS.c.seen)).all()
        document = found[0] if isinstance(found[0], dict) else {}
        blob = _fold(document, [(hex_, track, seen) for hex_, track, seen in rows])
        bind.execute(_STATE.update().where(_STATE.c.name == _NAME).values(state=blob))
    op.drop_table("flight_tracks")


def _split(blob: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The global document and the per-aircraft rows of a whole-state blob."""
    detector = blob.get("detector")
    tracks = detector.get("tracks") if isinstance(detector, dict) else None
    tracks = tracks if isinstance(tracks, dict) else {}
    sightings = blob.get("sightings")
    sightings = sightings if isinstance(sightings, dict) else {}
    document: dict[str, Any] = {"answered_at": blob.get("answered_at")}
    if isinstance(detector, dict) and "version" in detector:
        document["version"] = detector["version"]
    rows = [
        {"hex": hex_, "track": _row(tracks.get(hex_)), "seen": sightings.get(hex_)}
        for hex_ in sorted({*tracks, *sightings})
        # Watched hexes are six characters; anything else could never be polled.
        if isinstance(hex_, str) and len(hex_) <= _HEX_LENGTH
    ]
    return document, rows


def _fold(document: dict[str, Any], rows: Sequence[tuple[str, Any, Any]]) -> dict[str, Any]:
    """The whole-state blob of a global document and its per-aircraft rows."""
    return {
        "detector": {
            "version": document.get("version", 1),
            "tracks": {hex_: _named(track) for hex_, track, _ in rows if track is not None},
        },
        "sightings": {hex_: seen for hex_, _, seen in rows if seen is not None},
        "answered_at": document.get("answered_at"),
    }


def _row(track: Any) -> Any:
    """A version 1 track as a row; anything else as it is (the poller rejects it)."""
    if isinstance(track, dict) and set(track) == set(_ROW_FIELDS):
        return [track[field] for field in _ROW_FIELDS]
    return track


def _named(track: Any) -> Any:
    """A row as the track object it came from; anything else as it is."""
    if isinstance(track, list) and len(track) == len(_ROW_FIELDS):
        return dict(zip(_ROW_FIELDS, track, strict=True))
    return track
