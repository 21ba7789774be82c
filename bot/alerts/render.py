"""Rendering: event data to message text, in one chat's language, at send time.

Outbox rows keep event data, never text, so a `/lang` change reaches alerts that are
already queued. The table below is the whole list: each event type's JSON form is
read back into its typed event (`bot.alerts.events`) and handed to its one renderer,
a pure function; nothing registers itself by being imported. Pictures come from the
features (the landing map is drawn by `bot.flights`, which this package may not
import), so the composition root builds the table with them and hands it to the
delivery worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.alerts.destination_alert import DestinationAlert
from bot.alerts.events import (
    DailyDigestAlert,
    DigestAlert,
    FlightAlert,
    QuietDigestAlert,
    StatementAlert,
    VenueChangeAlert,
)
from bot.alerts.linked import LinkedAlert
from bot.alerts.render_destination import render_destination
from bot.alerts.render_digest import render_digest
from bot.alerts.render_flight import render_flight
from bot.alerts.render_linked import render_linked
from bot.alerts.render_scheduled import render_daily_digest, render_quiet_digest
from bot.alerts.render_statement import render_statement
from bot.alerts.render_venue import render_venue_change
from bot.alerts.rendered import RenderedAlert, UnknownEventType
from bot.kernel.i18n import Translator

__all__ = [
    "AlertRenderers",
    "RenderedAlert",
    "UnknownEventType",
    "alert_renderers",
    "render",
]

E = TypeVar("E")
FlightPhoto = Callable[[FlightAlert], bytes | None]


@dataclass(frozen=True, slots=True)
class AlertKind(Generic[E]):
    """One event type's entry: how its JSON is read, rendered and (maybe) pictured."""

    parse: Callable[[Mapping[str, Any]], E]
    text: Callable[[E, Translator], RenderedAlert]
    photo: Callable[[E], bytes | None] | None = None


class AlertRenderers:
    """Event type -> (typed event, renderer, picture): the delivery worker's one table."""

    def __init__(self, *, flight_photo: FlightPhoto | None = None) -> None:
        """Args:
        flight_photo: the picture of a flight alert (the landing map), if any.
        """
        self._kinds: dict[str, AlertKind[Any]] = {
            FlightAlert.TYPE: AlertKind(FlightAlert.from_json, render_flight, flight_photo),
            DestinationAlert.TYPE: AlertKind(DestinationAlert.from_json, render_destination),
            StatementAlert.TYPE: AlertKind(StatementAlert.from_json, render_statement),
            VenueChangeAlert.TYPE: AlertKind(VenueChangeAlert.from_json, render_venue_change),
            LinkedAlert.TYPE: AlertKind(LinkedAlert.from_json, render_linked),
            # The digest lists other alerts' first lines, so it renders through this table.
            DigestAlert.TYPE: AlertKind(
                DigestAlert.from_json, lambda digest, t: render_digest(digest, t, self.render)
            ),
            QuietDigestAlert.TYPE: AlertKind(
                QuietDigestAlert.from_json,
                lambda digest, t: render_quiet_digest(digest, t, self.render),
            ),
            DailyDigestAlert.TYPE: AlertKind(DailyDigestAlert.from_json, render_daily_digest),
        }

    def _kind(self, event_type: str) -> AlertKind[Any]:
        try:
            return self._kinds[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def render(self, event_type: str, payload: Mapping[str, Any], t: Translator) -> RenderedAlert:
        """Render one stored event for one chat."""
        kind = self._kind(event_type)
        return kind.text(kind.parse(payload), t)

    def photo(self, event_type: str, payload: Mapping[str, Any]) -> bytes | None:
        """The event's picture, if its type has one and the event too. CPU-heavy."""
        kind = self._kinds.get(event_type)
        if kind is None or kind.photo is None:
            return None  # an unknown type is refused by `render`, not here
        return kind.photo(kind.parse(payload))


def alert_renderers(*, flight_photo: FlightPhoto | None = None) -> AlertRenderers:
    """The table of every alert kind (pictures as the caller hands them)."""
    return AlertRenderers(flight_photo=flight_photo)


_TEXT_ONLY = AlertRenderers()


def render(event_type: str, payload: Mapping[str, Any], t: Translator) -> RenderedAlert:
    """Render one stored event's text for one chat (no picture)."""
    return _TEXT_ONLY.render(event_type, payload, t)
