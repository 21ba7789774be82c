"""What the fake Telegram Bot API records about the bot's calls.

These immutable records are what tests assert on; :class:`tests.fakes.telegram.api.FakeBotAPI`
creates them and re-exports the types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.demo_fakes.bot_api_wire import JSON

__all__ = ["JSON", "AnsweredCallback", "RequestRecord", "Sent"]


@dataclass(frozen=True, slots=True)
class Sent:
    """One successful message send or edit by the bot.

    Attributes:
        method: Canonical Bot API method name, e.g. ``"sendMessage"``, ``"editMessageText"``.
        chat_id: Numeric id of the chat (``@username`` chat ids are resolved).
        message_id: Id of the new message, or of the edited one.
        text: ``text`` parameter exactly as sent, markup included; ``None`` if absent.
        caption: ``caption`` parameter exactly as sent; ``None`` if absent.
        parse_mode: ``parse_mode`` parameter as sent (e.g. ``"HTML"``), ``None`` if absent.
        reply_markup: Parsed ``reply_markup`` object, ``None`` if absent.
        extra: All other parameters, converted as Telegram reads them (ints, floats, bools,
            parsed JSON objects, else strings).
        at: Time of acceptance on the fake's ``clock`` (``time.monotonic`` by default).
        plain_text: What the user sees: text or caption with markup removed and trimmed.
        photo_size: Size in bytes of an uploaded photo; ``None`` if no file was uploaded.
        message: The Message object returned to the bot, as it was at that moment.
    """

    method: str
    chat_id: int
    message_id: int
    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: JSON | None
    extra: Mapping[str, Any]
    at: float
    plain_text: str | None = None
    photo_size: int | None = None
    message: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One call to the API, whatever its outcome.

    Attributes:
        method: Canonical method name if known, else the name as requested.
        status: HTTP status answered (200 on success); ``None`` for an injected timeout,
            which is recorded when the request is held, i.e. before the client gives up.
        description: Error description; ``None`` on success.
        chat_id: ``chat_id`` parameter as an int if it was one, else ``None``.
        injected: Whether the failure came from ``inject_faults``/``fail_next`` rather than
            from Telegram's rules.
        at: Time of the answer on the fake's ``clock``.
        params: Request parameters as the strings Telegram sees (files left out).
    """

    method: str
    status: int | None
    description: str | None
    chat_id: int | None
    injected: bool
    at: float
    params: Mapping[str, str]

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200


@dataclass(frozen=True, slots=True)
class AnsweredCallback:
    """One successful ``answerCallbackQuery``.

    Attributes:
        callback_query_id: The query answered.
        text: Notification text, if any.
        show_alert: Whether an alert was requested instead of a toast.
        url: URL to open, if any.
        cache_time: Seconds the client may cache the answer.
        data: ``callback_data`` of the pressed button.
        chat_id: Chat of the message whose button was pressed.
        message_id: That message.
        at: Time of the answer on the fake's ``clock``.
    """

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
    data: str
    chat_id: int
    message_id: int
    at: float
