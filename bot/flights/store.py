"""Store a flight event whose alert is given in its stored JSON form.

The poller builds the typed alert (`bot.flights.payload.flight_alert`) and hands it
to `bot.alerts.record.record_event` itself. Fixtures and benches hold payloads as
the store keeps them, partial ones too (a test's `{"kind": "landing"}`); this stores
such a payload as given, routed like a flight alert of that aircraft and people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.events import FlightAlert
from bot.alerts.record import record_event
from bot.alerts.routing import Topic, flight_topics
from storage.models import FlightEventRow


@dataclass(frozen=True, slots=True)
class StoredFlightAlert:
    """A flight alert already in its JSON form: stored as it is, routed as a flight's."""

    TYPE: ClassVar[str] = FlightAlert.TYPE
    VERSION: ClassVar[int] = FlightAlert.VERSION

    payload: dict[str, Any]
    hex: str
    person_slugs: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return self.payload

    def topics(self) -> list[Topic]:
        return flight_topics(self.hex, self.person_slugs)

    def fleet_hex(self) -> str | None:
        return self.hex


async def record_flight_event(
    session: AsyncSession,
    *,
    values: dict[str, Any],
    payload: dict[str, Any],
    person_slugs: Iterable[str],
    now: datetime,
) -> int | None:
    """Insert the event (columns of `flight_events` in `values`) and queue its alerts.

    Returns the event id, or None when the dedup key was seen before.
    """
    alert = StoredFlightAlert(payload, str(values["hex"]), tuple(person_slugs))
    recorded = await record_event(
        session, alert, now, row=FlightEventRow(**values, detected_at=now)
    )
    return recorded.event_id if recorded else None
