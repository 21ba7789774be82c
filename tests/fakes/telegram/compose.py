"""What every sending method of the fake Bot API checks and builds.

Formatted text through Telegram's parse modes (see :mod:`tests.fakes.telegram.text`),
trimmed and limited *after* markup is removed; the reply markup (only inline keyboards are
echoed back); the replied message; flood control; the bot's Message object; the
:class:`Sent` record. A send is checked in this order: parameters and markup; the chat
(not found, migrated, kicked); text emptiness and length; blocked or deactivated user;
replied message; forum topic (see :mod:`.topics`); flood control. Only a request that
passes all of them is recorded.
"""

from __future__ import annotations

import time
from types import MappingProxyType
from typing import Final, Literal

from .objects import ApiError, ChatState, Params, typed_param, without_reply
from .records import JSON, Sent
from .text import EntityParseError, parse_text, trim_formatted, utf16_len
from .topics import TopicMethods

__all__ = ["MAX_TEXT_LENGTH", "MessageComposer"]

MAX_TEXT_LENGTH: Final = 4096
MAX_CALLBACK_DATA_BYTES: Final = 64

# Parameters that have their own field in Sent and are therefore left out of Sent.extra.
_SENT_FIELDS: Final = frozenset(
    {"chat_id", "message_id", "text", "caption", "parse_mode", "reply_markup", "photo"}
)


class MessageComposer(TopicMethods):
    """The checks and builders the message, photo and edit methods share."""

    def _formatted(
        self,
        p: Params,
        field_name: Literal["text", "caption"],
        *,
        required: bool,
    ) -> tuple[str | None, str, list[JSON]]:
        """Parses text or caption with its parse mode; returns (raw, plain, entities).

        Length and emptiness are checked separately, after the chat checks, in the order
        the real server applies them.
        """
        raw = p.get(field_name)
        if raw is None or raw == "":
            if required:
                raise ApiError(400, "Bad Request: message text is empty")
            return None, "", []
        parse_mode = p.get("parse_mode")
        entities_name = "entities" if field_name == "text" else "caption_entities"
        given = p.json(entities_name, f"Bad Request: can't parse {entities_name} JSON object")
        if given is not None and not parse_mode:
            if not isinstance(given, list):
                raise ApiError(400, f"Bad Request: can't parse {entities_name} JSON object")
            return raw, raw, list(given)
        try:
            plain, entities = parse_text(
                raw, parse_mode or None, strict_ampersand=self.strict_ampersand
            )
        except EntityParseError as err:
            raise ApiError(400, f"Bad Request: can't parse entities: {err}") from None
        except ValueError:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}") from None
        return raw, plain, entities

    @staticmethod
    def _check_length(
        plain: str, entities: list[JSON], *, limit: int, too_long: str, empty: str | None
    ) -> tuple[str, list[JSON]]:
        plain, entities = trim_formatted(plain, entities)
        if empty is not None and not plain:
            raise ApiError(400, empty)
        if utf16_len(plain) > limit:
            raise ApiError(400, too_long)
        return plain, entities

    def _reply_markup(self, p: Params) -> JSON | None:
        markup = p.json(
            "reply_markup", "Bad Request: can't parse reply keyboard markup JSON object"
        )
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise ApiError(
                    400,
                    'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should '
                    "be an Array of Arrays",
                )
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                        raise ApiError(400, "Bad Request: can't parse inline keyboard button")
                    if len(button) < 2:
                        raise ApiError(
                            400, "Bad Request: text buttons are unallowed in the inline keyboard"
                        )
                    data = button.get("callback_data")
                    if data is not None and (
                        not isinstance(data, str)
                        or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
                    ):
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _reply_target(self, chat: ChatState, p: Params) -> JSON | None:
        parameters = p.json("reply_parameters", "Bad Request: can't parse reply parameters JSON")
        message_id = 0
        allow_without = p.flag("allow_sending_without_reply")
        if isinstance(parameters, dict):
            try:
                message_id = int(parameters.get("message_id") or 0)
            except (TypeError, ValueError):
                raise ApiError(400, "Bad Request: message to be replied not found") from None
            allow_without = allow_without or bool(parameters.get("allow_sending_without_reply"))
        elif p.get("reply_to_message_id"):
            message_id = p.integer("reply_to_message_id")
        if not message_id:
            return None
        replied = chat.messages.get(message_id)
        if replied is None:
            if allow_without:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return without_reply(replied)

    def _admit(self, chat_id: int, method: str) -> None:
        """Flood control: raises 429 or records the send in every window it counts in."""
        if self.limits_enabled:
            self._flood.admit(self, chat_id, method, self.clock())

    def _bot_message(
        self,
        chat: ChatState,
        content: JSON,
        markup: JSON | None,
        reply_to: JSON | None,
        thread_id: int | None = None,
    ) -> JSON:
        _check_web_app_buttons(chat, markup)
        message: JSON = {"message_id": self._take_message_id(chat)}
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if chat.type == "channel":
            message["sender_chat"] = chat.as_object()
        else:
            message["from"] = self.bot_user
        message["chat"] = chat.as_object()
        message["date"] = int(time.time())
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        # Telegram only echoes inline keyboards; reply keyboards live on the client.
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        chat.messages[message["message_id"]] = message
        return message

    def _record_sent(
        self,
        method: str,
        chat: ChatState,
        message: JSON,
        p: Params,
        *,
        markup: JSON | None,
        plain: str | None,
        photo_size: int | None = None,
    ) -> None:
        values = p.values
        record = Sent(
            method=method,
            chat_id=chat.id,
            message_id=message["message_id"],
            text=values.get("text"),
            caption=values.get("caption"),
            parse_mode=values.get("parse_mode"),
            reply_markup=markup,
            extra=MappingProxyType(
                {k: typed_param(k, v) for k, v in values.items() if k not in _SENT_FIELDS}
            ),
            at=self.clock(),
            plain_text=plain,
            photo_size=photo_size,
            message=MappingProxyType(dict(message)),
        )
        self.sent.append(record)
        per_chat = self._sent_by_chat.get(chat.id)
        if per_chat is None:
            self._sent_by_chat[chat.id] = [record]
        else:
            per_chat.append(record)


def _check_web_app_buttons(chat: ChatState, markup: JSON | None) -> None:
    """Telegram allows web_app buttons only in private chats, and only to https pages."""
    if markup is None:
        return
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    for row in rows:
        for button in row:
            web_app = button.get("web_app") if isinstance(button, dict) else None
            if web_app is None:
                continue
            if chat.type != "private":
                raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
            url = web_app.get("url") if isinstance(web_app, dict) else None
            if not isinstance(url, str) or not url.startswith("https://"):
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
