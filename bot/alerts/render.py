"""Rendering: event data to message text, in one chat's language, at send time.

Outbox rows keep event data, never text, so a `/lang` change reaches alerts that are
already queued. Each event type has one renderer; all are pure functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.i18n import Translator


@dataclass(frozen=True)
class RenderedAlert:
    """What one chat is sent for one event: HTML text and, optionally, a picture."""

    text: str
    photo: bytes | None = None


Renderer = Callable[[dict[str, Any], Translator], RenderedAlert]
_RENDERERS: dict[str, Renderer] = {}


def renderer(event_type: str) -> Callable[[Renderer], Renderer]:
    """Register the renderer of one event type."""

    def register(function: Renderer) -> Renderer:
        if event_type in _RENDERERS:
            raise ValueError(f"a renderer for {event_type!r} exists already")
        _RENDERERS[event_type] = function
        return function

    return register


PhotoMaker = Callable[[dict[str, Any]], bytes | None]
_PHOTOS: dict[str, PhotoMaker] = {}


def photo_maker(event_type: str) -> Callable[[PhotoMaker], PhotoMaker]:
    """Register a picture for an event type (the same for every language).

    Feature packages register these (flights draw track maps); alerts cannot import
    them, so the composition root imports the module that registers.
    """

    def register(function: PhotoMaker) -> PhotoMaker:
        _PHOTOS[event_type] = function
        return function

    return register


def photo_for(event_type: str, payload: dict[str, Any]) -> bytes | None:
    """The event's picture, if one is registered and the event has one. CPU-heavy."""
    maker = _PHOTOS.get(event_type)
    return maker(payload) if maker is not None else None


class UnknownEventType(LookupError):
    """No renderer knows this event type (a row written by a newer version?)."""


def render(event_type: str, payload: dict[str, Any], t: Translator) -> RenderedAlert:
    """Render one event for one chat."""
    # Importing here registers the renderers without an import cycle.
    from bot.alerts import (  # noqa: F401
        render_digest,
        render_flight,
        render_statement,
        render_venue,
    )

    try:
        function = _RENDERERS[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None
    return function(payload, t)
