"""Bot API objects and request parameters as the fake Telegram Bot API models them.

Internal to the fake (:mod:`tests.fakes.telegram.api`): chat state, parameter decoding
the way the Bot API server does it (every value a string, converted by the method that
reads it), and builders for Telegram object shapes. Tests should not need to import this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

from .records import JSON

__all__ = [
    "ALL_UPDATE_TYPES",
    "DEFAULT_ALLOWED_UPDATES",
    "EDIT_METHODS",
    "MESSAGE_METHODS",
    "SUPERGROUP_ID_BOUND",
    "ApiError",
    "ChatState",
    "ChatType",
    "MemberStatus",
    "Params",
    "TopicState",
    "Upload",
    "callback_buttons",
    "chat_member",
    "infer_chat_type",
    "typed_param",
    "without_reply",
]

MemberStatus: TypeAlias = Literal[
    "creator", "administrator", "member", "restricted", "left", "kicked"
]
ChatType: TypeAlias = Literal["private", "group", "supergroup", "channel"]

# The methods that send a message, and the edits; flood control and faults count these.
MESSAGE_METHODS: Final = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendLocation", "sendVenue"}
)
EDIT_METHODS: Final = frozenset({"editMessageText", "editMessageReplyMarkup"})

# Supergroup and channel ids are -100 followed by the peer id, i.e. at most -10**12.
SUPERGROUP_ID_BOUND: Final = -1_000_000_000_000

ALL_UPDATE_TYPES: Final = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# What getUpdates delivers until the bot asks otherwise (Bot API docs, "allowed_updates").
DEFAULT_ALLOWED_UPDATES: Final = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}

# How the Bot API server reads typed parameters; everything else stays a string.
_INT_PARAMS: Final = frozenset(
    {
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "cache_time",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "max_connections",
        "direct_messages_topic_id",
    }
)
_FLOAT_PARAMS: Final = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_BOOL_PARAMS: Final = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "show_alert",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "drop_pending_updates",
    }
)
_JSON_PARAMS: Final = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "scope",
        "commands",
        "allowed_updates",
        "suggested_post_parameters",
    }
)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    data: bytes


class ApiError(Exception):
    """An error answer, raised from deep inside a method implementation."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        """Builds the error.

        Args:
            status: HTTP status and ``error_code``.
            description: Telegram's description.
            parameters: ``ResponseParameters`` such as ``retry_after``.
        """
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass(slots=True)
class ChatState:
    """What the fake knows about one chat.

    Attributes:
        id: Chat id.
        type: Chat type.
        title: Group or channel title.
        first_name: Private chat user's first name.
        last_name: Private chat user's last name.
        username: Public username, without ``@``.
        state: What sending to the chat does (see the ``mark_*`` methods of the fake).
        migrate_to: The supergroup a migrated group became.
        next_message_id: Id the next message in this chat gets.
        messages: Messages by id, user and bot alike, with edits applied.
        members: ``getChatMember`` answers by user id (default ``"member"``; in a
            channel ``"left"``, since only administrators of a channel are known).
        is_forum: A supergroup with topics (``Chat.is_forum``).
        topics: A forum's topics by ``message_thread_id``.
        bot_can_post: Whether the bot, an administrator of this channel, may post in it.
    """

    id: int
    type: ChatType
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    state: Literal["ok", "unknown", "blocked", "kicked", "deactivated", "migrated"] = "ok"
    migrate_to: int | None = None
    next_message_id: int = 1
    messages: dict[int, JSON] = field(default_factory=dict)
    members: dict[int, MemberStatus] = field(default_factory=dict)
    is_forum: bool = False
    topics: dict[int, TopicState] = field(default_factory=dict)
    bot_can_post: bool = True

    def as_object(self) -> JSON:
        """The Bot API ``Chat`` object."""
        chat: JSON = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or f"User {self.id}"
            if self.last_name:
                chat["last_name"] = self.last_name
        else:
            chat["title"] = self.title or f"Group {abs(self.id)}"
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat


@dataclass(slots=True)
class TopicState:
    """One forum topic: its name, and whether it was closed or deleted."""

    thread_id: int
    name: str
    state: Literal["open", "closed", "deleted"] = "open"
    created: JSON = field(default_factory=dict)


class Params:
    """Request parameters the way the Bot API server sees them: strings, converted on use."""

    __slots__ = ("files", "values")

    def __init__(self, values: dict[str, str], files: dict[str, Upload]) -> None:
        """Wraps decoded parameters.

        Args:
            values: Parameter strings by name.
            files: Uploaded files by part name.
        """
        self.values = values
        self.files = files

    def get(self, name: str) -> str | None:
        """The raw string value, ``None`` if absent."""
        return self.values.get(name)

    def integer(self, name: str, default: int = 0) -> int:
        """The value as an int; ``default`` if absent, 0 if unreadable (as the server does)."""
        raw = self.values.get(name)
        if raw is None or raw == "":
            return default
        # The server's to_integer() is lenient: garbage reads as 0 and fails later.
        try:
            return int(raw.strip())
        except ValueError:
            try:
                return int(float(raw))
            except ValueError:
                return 0

    def number(self, name: str) -> float | None:
        """The value as a float; ``None`` if absent, 0.0 if unreadable."""
        raw = self.values.get(name)
        if raw is None or raw.strip() == "":
            return None
        try:
            return float(raw)
        except ValueError:
            return 0.0

    def flag(self, name: str) -> bool:
        """The value as a bool: only ``"true"`` (any case) and ``"1"`` are true."""
        raw = self.values.get(name)
        return raw is not None and (raw.lower() == "true" or raw == "1")

    def json(self, name: str, error: str) -> Any:
        """The value parsed as JSON, ``None`` if absent.

        Raises:
            ApiError: 400 with description ``error`` if the value is not JSON.
        """
        raw = self.values.get(name)
        if raw is None or raw == "":
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, error) from None


def typed_param(name: str, raw: str) -> Any:
    """Converts one parameter as Telegram reads it, for :attr:`Sent.extra`."""
    if name in _JSON_PARAMS:
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    if name in _BOOL_PARAMS:
        return raw.lower() == "true" or raw == "1"
    try:
        if name in _INT_PARAMS:
            return int(raw)
        if name in _FLOAT_PARAMS:
            return float(raw)
    except ValueError:
        return raw
    return raw


def infer_chat_type(chat_id: int) -> ChatType:
    """The chat type an id implies: users are positive, supergroups at most -10**12."""
    if chat_id > 0:
        return "private"
    if chat_id <= SUPERGROUP_ID_BOUND:
        return "supergroup"
    return "group"


def chat_member(status: MemberStatus, user: JSON, *, channel: bool = False) -> JSON:
    """A Bot API ``ChatMember`` object with every field its status requires (a channel's
    administrators also have the channel's rights)."""
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
        )
        if channel:
            member.update(can_post_messages=True, can_edit_messages=True)
    elif status == "restricted":
        member.update(
            is_member=True,
            can_send_messages=False,
            can_send_audios=False,
            can_send_documents=False,
            can_send_photos=False,
            can_send_videos=False,
            can_send_video_notes=False,
            can_send_voice_notes=False,
            can_send_polls=False,
            can_send_other_messages=False,
            can_add_web_page_previews=False,
            can_change_info=False,
            can_invite_users=False,
            can_pin_messages=False,
            can_manage_topics=False,
            can_edit_tag=False,
            until_date=0,
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member


def without_reply(message: Mapping[str, Any]) -> JSON:
    """A copy of ``message`` fit to be nested as ``reply_to_message``."""
    # Telegram nests reply_to_message one level deep only.
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def callback_buttons(markup: Mapping[str, Any] | None) -> Iterable[str]:
    """The ``callback_data`` of every inline button in ``markup``."""
    if not markup:
        return
    for row in markup.get("inline_keyboard", ()):
        for button in row:
            data = button.get("callback_data")
            if isinstance(data, str):
                yield data
