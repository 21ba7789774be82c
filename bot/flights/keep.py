"""Which position reports are new, and which of them to keep in the store. Pure.

Providers answer every poll with the aircraft's latest position; when it has not
changed (the same `seen_pos` age against a later `now`, or no newer fix at all) its
time is not newer than the last one seen, and it is neither fed to the detector nor
stored. Of the new ones, a track is kept at most every `every_s` seconds, plus every
report that changes something a map or an analyst cares about: air/ground, a climb or
descent of `alt_step_ft`, a turn of `turn_deg`, a squawk change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.flights.geo import angle_between
from bot.flights.reports import PositionReport


@dataclass(frozen=True, slots=True)
class KeepRule:
    """When a new report is stored.

    Attributes:
        every_s: at least one kept report per this many seconds of flight: a
            3.6-hour flight keeps ~220 points, plenty for a map, little for a table.
        alt_step_ft: an altitude change this large is kept (climb and descent shape).
        turn_deg: a change of track this large is kept (the corners of the route).
    """

    every_s: float = 60.0
    alt_step_ft: int = 1000
    turn_deg: float = 20.0


@dataclass(slots=True)
class _Seen:
    t: float  # newest position time seen (Unix seconds)
    kept_t: float | None = None
    kept_alt: int | None = None
    kept_ground: bool = False
    kept_track: float | None = None
    kept_squawk: str | None = None
    callsign: str | None = None


class Sightings:
    """Per aircraft: the newest position seen, the last one kept, the last callsign."""

    def __init__(self, rule: KeepRule | None = None) -> None:
        self._rule = rule or KeepRule()
        self._seen: dict[str, _Seen] = {}
        self._changed: set[str] = set()  # see `take_changed`

    def fresh(self, reports: Iterable[PositionReport]) -> list[PositionReport]:
        """The reports newer than anything seen for their aircraft, oldest first.

        Marks them seen: the same answer given twice is fresh once.
        """
        out = []
        for report in sorted(reports, key=lambda r: (r.ts, r.hex)):
            t = report.ts.timestamp()
            seen = self._seen.get(report.hex)
            if seen is not None and t <= seen.t:
                continue
            if seen is None:
                seen = self._seen[report.hex] = _Seen(t)
            seen.t = t
            self._changed.add(report.hex)
            if report.callsign:
                seen.callsign = report.callsign
            out.append(report)
        return out

    def keep(self, report: PositionReport) -> bool:
        """Whether to store this (fresh) report; if so, it becomes the last kept."""
        t = report.ts.timestamp()
        seen = self._seen.get(report.hex)
        if seen is None:
            seen = self._seen[report.hex] = _Seen(t)
            self._changed.add(report.hex)
        rule = self._rule
        wanted = (
            seen.kept_t is None
            or t - seen.kept_t >= rule.every_s
            or report.on_ground != seen.kept_ground
            or report.squawk != seen.kept_squawk
            or _changed(report.alt_ft, seen.kept_alt, rule.alt_step_ft)
            or (
                report.track_deg is not None
                and seen.kept_track is not None
                and angle_between(report.track_deg, seen.kept_track) >= rule.turn_deg
            )
        )
        if wanted:
            seen.kept_t = t
            seen.kept_alt = report.alt_ft
            seen.kept_ground = report.on_ground
            seen.kept_track = report.track_deg
            seen.kept_squawk = report.squawk
            self._changed.add(report.hex)
        return wanted

    def callsign(self, hex_code: str) -> str | None:
        """The last callsign heard from this aircraft."""
        seen = self._seen.get(hex_code)
        return None if seen is None else seen.callsign

    def retain(self, hexes: Iterable[str]) -> None:
        """Forget aircraft no longer watched."""
        keep = set(hexes)
        gone = [h for h in self._seen if h not in keep]
        for hex_code in gone:
            del self._seen[hex_code]
        self._changed.update(gone)

    def take_changed(self) -> set[str]:
        """The aircraft whose entry changed, appeared or went since the last call (or
        `restore`); the next call starts afresh. `entry` gives their state."""
        changed, self._changed = self._changed, set()
        return changed

    def entry(self, hex_code: str) -> list[Any] | None:
        """One aircraft's part of `to_dict()`, or None when it has none."""
        seen = self._seen.get(hex_code)
        return None if seen is None else _row(seen)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return {hex_code: _row(s) for hex_code, s in self._seen.items()}

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace the state with one `to_dict` made; malformed entries are dropped
        (and count as changed, so that the store forgets them too)."""
        seen: dict[str, _Seen] = {}
        dropped: set[str] = set()
        for hex_code, row in data.items():
            try:
                t, kept_t, alt, ground, track, squawk, callsign = row
                seen[str(hex_code)] = _Seen(
                    float(t),
                    None if kept_t is None else float(kept_t),
                    None if alt is None else int(alt),
                    bool(ground),
                    None if track is None else float(track),
                    None if squawk is None else str(squawk),
                    None if callsign is None else str(callsign),
                )
            except (TypeError, ValueError):
                dropped.add(str(hex_code))
        self._seen = seen
        # What was restored is what the store holds; a dropped entry is rewritten.
        self._changed = dropped


def _row(seen: _Seen) -> list[Any]:
    return [
        seen.t,
        seen.kept_t,
        seen.kept_alt,
        seen.kept_ground,
        seen.kept_track,
        seen.kept_squawk,
        seen.callsign,
    ]


def _changed(alt: int | None, kept: int | None, step: int) -> bool:
    if alt is None or kept is None:
        return False
    return abs(alt - kept) >= step
