"""The detector's state for one aircraft, and its plain-dict form for snapshots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import Any

# Phases of a track.
UNKNOWN = 0
GROUND = 1
AIR = 2
PHASE_NAMES = {UNKNOWN: "unknown", GROUND: "ground", AIR: "air"}
_PHASES = {name: value for value, name in PHASE_NAMES.items()}

RECENT_KEYS = 8  # dedup keys remembered per track: enough for any burst of events

_F = (int, float)
# Field -> (accepted JSON types, may be null). Times are Unix seconds (float).
_SCHEMA: dict[str, tuple[tuple[type, ...], bool]] = {
    "t": (_F, False),
    "lat": (_F, False),
    "lon": (_F, False),
    "plat": (_F, False),
    "plon": (_F, False),
    "course": (_F, True),
    "alt": ((int,), True),
    "prev_alt": ((int,), True),
    "gs": (_F, True),
    "vrate": (_F, True),
    "provider": ((str,), True),
    "g_t": (_F, True),
    "g_lat": (_F, False),
    "g_lon": (_F, False),
    "g_elev": ((int,), True),
    "g_n": ((int,), False),
    "cand_n": ((int,), False),
    "cand_t": (_F, False),
    "cand_prev_t": (_F, False),
    "cand_lat": (_F, False),
    "cand_lon": (_F, False),
    "cand_alt": ((int,), True),
    "cand_vrate": (_F, True),
    "dep_icao": ((str,), True),
    "dep_t": (_F, True),
    "lost": ((bool,), False),
    "checked": ((bool,), False),
    "pend_key": ((str,), True),
    "pend_thread": ((str,), True),
    "pend_t": (_F, True),
    "pend_icao": ((str,), True),
    "rej_n": ((int,), False),
    "rej_t": (_F, False),
    "rej_lat": (_F, False),
    "rej_lon": (_F, False),
    "em_code": ((str,), True),
    "em_since": (_F, False),
    "em_n": ((int,), False),
    "em_done": ((bool,), False),
}


# The order of a track's values in its row form (`Track.to_row`); a version 1 order:
# changing the fields means a new snapshot version.
ROW_FIELDS = (*_SCHEMA, "phase", "cand", "keys")
_SCHEMA_VALUES = attrgetter(*_SCHEMA)


class SnapshotError(ValueError):
    """A snapshot given to `Detector.restore` is not one `Detector.snapshot` made."""


class Track:
    """Mutable state of one aircraft; every field is a plain JSON value.

    Groups of fields: the last accepted report (`t`, `lat`, ...); the last report on
    the ground and its field elevation (`g_*`); a ground/air change being confirmed
    (`cand*`); the takeoff of the current flight (`dep_*`); silence handling (`lost`,
    `checked`, and the open probable landing `pend_*`); rejected reports that may
    become a new anchor (`rej_*`); the emergency-squawk episode (`em_*`); and the
    dedup keys emitted lately (`keys`).
    """

    __slots__ = ("cand", "hex", "keys", "phase", *_SCHEMA)

    def __init__(self, hex_: str) -> None:
        self.hex = hex_
        self.phase = UNKNOWN
        self.t = 0.0
        self.lat = 0.0
        self.lon = 0.0
        self.plat = 0.0  # the fix before the last one
        self.plon = 0.0
        self.course: float | None = None
        self.alt: int | None = None
        self.prev_alt: int | None = None
        self.gs: float | None = None
        self.vrate: float | None = None
        self.provider: str | None = None
        self.g_t: float | None = None
        self.g_lat = 0.0
        self.g_lon = 0.0
        self.g_elev: int | None = None
        self.g_n = 0  # ground reports in a row at this place
        self.cand = UNKNOWN
        self.cand_n = 0
        self.cand_t = 0.0
        self.cand_prev_t = 0.0
        self.cand_lat = 0.0
        self.cand_lon = 0.0
        self.cand_alt: int | None = None
        self.cand_vrate: float | None = None
        self.dep_icao: str | None = None
        self.dep_t: float | None = None
        self.lost = False
        self.checked = False  # the probable-landing test ran for this silence
        self.pend_key: str | None = None
        self.pend_thread: str | None = None
        self.pend_t: float | None = None
        self.pend_icao: str | None = None
        self.rej_n = 0
        self.rej_t = 0.0
        self.rej_lat = 0.0
        self.rej_lon = 0.0
        self.em_code: str | None = None
        self.em_since = 0.0
        self.em_n = 0
        self.em_done = False
        self.keys: list[str] = []

    def to_dict(self) -> dict[str, Any]:
        """The state as a JSON-ready dict (the hex is the snapshot's key, not a field)."""
        out = {name: getattr(self, name) for name in _SCHEMA}
        out["phase"] = PHASE_NAMES[self.phase]
        out["cand"] = PHASE_NAMES[self.cand]
        out["keys"] = list(self.keys)
        return out

    def to_row(self) -> list[Any]:
        """The values of `to_dict` in `ROW_FIELDS` order: what the store keeps per
        aircraft (a third of the size without the names, and quicker to encode)."""
        phases = PHASE_NAMES[self.phase], PHASE_NAMES[self.cand]
        return [*_SCHEMA_VALUES(self), *phases, list(self.keys)]

    @classmethod
    def from_row(cls, hex_: str, row: Sequence[Any]) -> Track:
        """The state `to_row` gave, checked as `from_dict` checks it.

        Raises:
            SnapshotError: not a row of `ROW_FIELDS`, or a value of the wrong type.
        """
        if isinstance(row, str | bytes) or len(row) != len(ROW_FIELDS):
            raise SnapshotError(f"track {hex_}: not a row of {len(ROW_FIELDS)} values")
        return cls.from_dict(hex_, dict(zip(ROW_FIELDS, row, strict=True)))

    @classmethod
    def from_dict(cls, hex_: str, raw: Mapping[str, Any]) -> Track:
        """The state `to_dict` gave, checked field by field.

        Raises:
            SnapshotError: a field is missing, unknown or of the wrong type.
        """
        expected = {*_SCHEMA, "phase", "cand", "keys"}
        if set(raw) != expected:
            raise SnapshotError(f"track {hex_}: fields differ: {sorted(set(raw) ^ expected)}")
        track = cls(hex_)
        for name, (types, nullable) in _SCHEMA.items():
            value = raw[name]
            if value is None and nullable:
                pass
            elif (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
                raise SnapshotError(f"track {hex_}: field {name!r} has the wrong type")
            setattr(track, name, value)
        try:
            track.phase = _PHASES[raw["phase"]]
            track.cand = _PHASES[raw["cand"]]
        except (KeyError, TypeError):
            raise SnapshotError(f"track {hex_}: unknown phase") from None
        keys = raw["keys"]
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise SnapshotError(f"track {hex_}: 'keys' is not a list of strings")
        track.keys = list(keys[-RECENT_KEYS:])
        return track
