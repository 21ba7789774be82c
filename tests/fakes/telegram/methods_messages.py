"""The fake Bot API's message methods: send text, a location or a venue; edit; delete.

Message ids increase per chat; dates are integer Unix seconds; ``from`` of a bot message
is the bot; edits get ``edit_date``; an edit without ``reply_markup`` removes the
keyboard, and an edit that changes nothing is Telegram's "message is not modified".
"""

from __future__ import annotations

import time
from typing import Final

from .compose import MAX_TEXT_LENGTH, MessageComposer
from .objects import ApiError, ChatState, Params
from .records import JSON

__all__ = ["MessageMethods"]

_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class MessageMethods(MessageComposer):
    """sendMessage, sendLocation, sendVenue, editMessageText, editMessageReplyMarkup,
    deleteMessage and sendChatAction."""

    async def _send_message(self, p: Params) -> JSON:
        _, plain, entities = self._formatted(p, "text", required=True)
        markup = self._reply_markup(p)
        chat = self._chat_param(p)
        plain, entities = self._check_length(
            plain,
            entities,
            limit=MAX_TEXT_LENGTH,
            too_long="Bad Request: message is too long",
            empty="Bad Request: message text is empty",
        )
        self._check_can_send(chat)
        reply_to = self._reply_target(chat, p)
        thread_id = self._thread_target(chat, p)
        self._admit(chat.id, "sendMessage")
        content: JSON = {"text": plain}
        if entities:
            content["entities"] = entities
        options = p.json("link_preview_options", "Bad Request: can't parse link preview options")
        if isinstance(options, dict) and options:
            content["link_preview_options"] = options
        message = self._bot_message(chat, content, markup, reply_to, thread_id)
        self._record_sent("sendMessage", chat, message, p, markup=markup, plain=plain)
        return message

    def _location(self, p: Params) -> JSON:
        latitude = p.number("latitude")
        longitude = p.number("longitude")
        if latitude is None:
            raise ApiError(400, "Bad Request: latitude is empty")
        if longitude is None:
            raise ApiError(400, "Bad Request: longitude is empty")
        if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
            raise ApiError(400, "Bad Request: wrong location specified")
        location: JSON = {"latitude": round(latitude, 6), "longitude": round(longitude, 6)}
        accuracy = p.number("horizontal_accuracy")
        if accuracy:
            location["horizontal_accuracy"] = accuracy
        return location

    async def _send_location(self, p: Params) -> JSON:
        location = self._location(p)
        markup = self._reply_markup(p)
        chat = self._chat_param(p)
        self._check_can_send(chat)
        reply_to = self._reply_target(chat, p)
        thread_id = self._thread_target(chat, p)
        self._admit(chat.id, "sendLocation")
        live_period = p.integer("live_period")
        if live_period:
            location["live_period"] = live_period
        message = self._bot_message(chat, {"location": location}, markup, reply_to, thread_id)
        self._record_sent("sendLocation", chat, message, p, markup=markup, plain=None)
        return message

    async def _send_venue(self, p: Params) -> JSON:
        location = self._location(p)
        title = p.get("title") or ""
        address = p.get("address") or ""
        if not title.strip():
            raise ApiError(400, "Bad Request: venue title is empty")
        if not address.strip():
            raise ApiError(400, "Bad Request: venue address is empty")
        markup = self._reply_markup(p)
        chat = self._chat_param(p)
        self._check_can_send(chat)
        reply_to = self._reply_target(chat, p)
        thread_id = self._thread_target(chat, p)
        self._admit(chat.id, "sendVenue")
        venue: JSON = {"location": location, "title": title, "address": address}
        for optional in (
            "foursquare_id",
            "foursquare_type",
            "google_place_id",
            "google_place_type",
        ):
            value = p.get(optional)
            if value:
                venue[optional] = value
        message = self._bot_message(
            chat, {"venue": venue, "location": dict(location)}, markup, reply_to, thread_id
        )
        self._record_sent("sendVenue", chat, message, p, markup=markup, plain=None)
        return message

    def _editable_message(self, p: Params) -> tuple[ChatState, JSON]:
        if p.get("inline_message_id"):
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat_param(p)
        self._check_can_send(chat)
        message_id = p.integer("message_id")
        if message_id == 0:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        sender = message.get("from") or message.get("sender_chat") or {}
        if sender.get("id") not in (self.bot_user["id"], chat.id):
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, message

    @staticmethod
    def _inline_only(markup: JSON | None) -> JSON | None:
        if markup is not None and "inline_keyboard" not in markup:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        return markup

    async def _edit_message_text(self, p: Params) -> JSON:
        _, plain, entities = self._formatted(p, "text", required=True)
        markup = self._inline_only(self._reply_markup(p))
        chat, message = self._editable_message(p)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        plain, entities = self._check_length(
            plain,
            entities,
            limit=MAX_TEXT_LENGTH,
            too_long="Bad Request: message is too long",
            empty="Bad Request: message text is empty",
        )
        if (
            plain == message["text"]
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise ApiError(400, _NOT_MODIFIED)
        self._admit(chat.id, "editMessageText")
        message["text"] = plain
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        self._apply_edit(message, markup)
        self._record_sent("editMessageText", chat, message, p, markup=markup, plain=plain)
        return message

    async def _edit_message_reply_markup(self, p: Params) -> JSON:
        markup = self._inline_only(self._reply_markup(p))
        chat, message = self._editable_message(p)
        if markup == message.get("reply_markup") or (
            markup == {"inline_keyboard": []} and "reply_markup" not in message
        ):
            raise ApiError(400, _NOT_MODIFIED)
        self._admit(chat.id, "editMessageReplyMarkup")
        self._apply_edit(message, markup)
        plain = message.get("text", message.get("caption"))
        self._record_sent("editMessageReplyMarkup", chat, message, p, markup=markup, plain=plain)
        return message

    @staticmethod
    def _apply_edit(message: JSON, markup: JSON | None) -> None:
        if markup and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = max(int(time.time()), message["date"])

    async def _delete_message(self, p: Params) -> bool:
        chat = self._chat_param(p)
        message_id = p.integer("message_id")
        if chat.messages.pop(message_id, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append((chat.id, message_id))
        return True

    async def _send_chat_action(self, p: Params) -> bool:
        chat = self._chat_param(p)
        self._check_can_send(chat)
        if not p.get("action"):
            raise ApiError(400, "Bad Request: action is empty")
        return True
