"""What a renderer gives: the text (and picture) one chat is sent for one event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RenderedAlert:
    """What one chat is sent for one event: HTML text and, optionally, a picture."""

    text: str
    photo: bytes | None = None
    # Bot API reply_markup under the alert (the Mini App's button), by the chat's type.
    markup: dict[str, Any] | None = None


class UnknownEventType(LookupError):
    """No renderer knows this event type or version (a row written by a newer release?)."""
