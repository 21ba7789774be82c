"""A faithful fake of the Telegram Bot API server, for end-to-end tests and benchmarks.

The fake is a real HTTP server on 127.0.0.1, so the bot under test runs unmodified: the real
python-telegram-bot client, its real HTTP stack, real (de)serialisation. Point PTB at it::

    async with FakeBotAPI(token=TOKEN) as fake:
        app = (
            Application.builder()
            .token(TOKEN)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        ...  # start the application, polling as usual
        fake.user_message(42, "/start")
        [reply] = await fake.wait_for_messages(42, 1)
        assert "Welcome" in reply.plain_text

What behaves like Telegram
    * Parameters arrive as query string, JSON body, ``application/x-www-form-urlencoded`` or
      ``multipart/form-data`` (PTB uses the last two). As in the real server, every value is
      a string first and each method converts what it needs; objects such as
      ``reply_markup`` arrive as JSON text. Method names are case-insensitive.
    * Answers are ``{"ok": true, "result": ...}`` with real Bot API object shapes, or
      ``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}`` with
      Telegram's own descriptions, which PTB turns into its usual exceptions
      (``BadRequest``, ``Forbidden``, ``ChatMigrated``, ``RetryAfter``, ...).
    * Text goes through Telegram's parse modes (see :mod:`tests.fakes.telegram_text`),
      is trimmed, and is limited to 4096 UTF-16 code units (captions to 1024) *after* markup
      is removed.
    * Message ids increase per chat; dates are integer Unix seconds; ``from`` of a bot
      message is the bot; edits get ``edit_date``; only inline keyboards appear in the
      returned ``reply_markup``; an edit without ``reply_markup`` removes the keyboard.
    * ``getUpdates`` is a real long poll: ``offset`` confirms (drops) older updates, negative
      offsets keep only the last ``-offset``, ``limit`` caps the batch, ``timeout`` waits and
      wakes as soon as an update is injected, ``allowed_updates`` is remembered across calls,
      a newer poll terminates an older one with ``409 Conflict``, and polling while a webhook
      is set is a ``409`` as well.
    * In groups, privacy mode (on by default, as for new bots) hides messages that are
      neither commands for this bot nor replies to it.

Flood control (``limits_enabled``, on by default)
    Three limits over *accepted* sends, with the numbers as attributes:

    * overall: ``global_limit`` (30) sends per ``global_window`` (1 s), counting
      ``sendMessage``, ``sendPhoto``, ``sendLocation`` and ``sendVenue``;
    * per chat: a token bucket of ``chat_burst`` (20) sends, refilled at ``chat_limit`` (1)
      per ``chat_window`` (1 s), counting those and the edits ``editMessageText`` and
      ``editMessageReplyMarkup``. Telegram asks for one message per second in a chat but
      tolerates "short bursts" and does not say how long; 20 is the fake's assumption (the
      burst a group may send at once under its 20 a minute), so a reply split in parts or
      a text and its map go through, while a sustained second-by-second excess is refused
      as Telegram eventually refuses it (``chat_burst = 1`` is a strict one per second);
    * per group (any negative chat id): ``group_limit`` (20) per ``group_window`` (60 s),
      counting the same methods as the per-chat window.

    A send is refused with ``429 Too Many Requests: retry after N`` and
    ``parameters.retry_after = N`` when a window already holds ``limit`` accepted sends
    younger than its length, or the chat's bucket has no whole token. ``N`` is whole
    seconds, rounded up, at least 1, until the blocking send expires or the token is back
    (the largest ``N`` if several refuse). Refused sends do not count. Time comes from
    ``clock`` (``time.monotonic`` by default), which a test may replace to move time without
    sleeping. Other methods are never limited. A send is
    checked in this order: parameters and markup; the chat (not found, migrated, kicked);
    text emptiness and length; blocked or deactivated user; replied message; flood control.
    Only a request that passes all of them is recorded as sent.

    PTB 22 emits a ``PTBDeprecationWarning`` whenever it builds a ``RetryAfter`` unless the
    environment has ``PTB_TIMEDELTA=true``; under ``filterwarnings = error`` a test that can
    meet a 429 must set it (``monkeypatch.setenv``), and then ``retry_after`` is a timedelta.

Fault injection
    ``inject_faults(rate, kinds, seed)`` fails that share of message-sending calls (the
    methods listed above), drawing from a seeded RNG in arrival order: ``"429"`` (retry after
    1), ``"500"`` (Internal Server Error), ``"502"`` (Bad Gateway) or ``"timeout"`` (the
    request is held for ``fault_timeout`` seconds, longer than PTB's default 5 s read
    timeout, then the connection is closed without an answer). ``fail_next(method, ...)``
    queues exact failures for the next calls of one method; queued failures come before
    random ones. An injected failure never reaches the method, so nothing is sent.

Recording
    ``sent`` holds a :class:`Sent` for every successful send or edit, ``requests`` a
    :class:`RequestRecord` for every call (also failed, injected and timed-out ones),
    ``answered_callbacks`` every ``answerCallbackQuery``, ``commands`` the current
    ``setMyCommands`` state. ``wait_for``, ``wait_for_messages`` and ``wait_until`` wake on
    each recorded call, without polling.

Webhooks
    ``setWebhook`` (an ``https://`` URL) stops ``getUpdates`` and starts pushing the queued
    updates to the webhook, with the ``secret_token`` header, until ``deleteWebhook``; see
    :mod:`tests.fakes.telegram_webhook`. ``webhook_targets`` lists the local plain-HTTP
    servers behind the public URL (round-robin, like a load balancer), ``webhook_posts``
    records every attempt.

Not modelled: inline mode, payments, media other than photos, automatic entities other
than bot commands in user messages.

Sibling modules: :mod:`tests.fakes.telegram_text` (parse modes, lengths, command entities),
:mod:`tests.fakes.telegram_limits` (sliding windows), :mod:`tests.fakes.telegram_records`
(:class:`Sent`, :class:`RequestRecord`, :class:`AnsweredCallback`, re-exported here) and
:mod:`tests.fakes.telegram_objects` (chat state, parameter decoding, object shapes).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, overload
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

from .server import LoopbackServer
from .telegram_limits import SlidingWindow, TokenBucket, retry_after_for
from .telegram_objects import (
    ALL_UPDATE_TYPES,
    DEFAULT_ALLOWED_UPDATES,
    SUPERGROUP_ID_BOUND,
    ApiError,
    ChatState,
    ChatType,
    MemberStatus,
    Params,
    Upload,
    callback_buttons,
    chat_member,
    image_size,
    infer_chat_type,
    typed_param,
    without_reply,
)
from .telegram_records import JSON, AnsweredCallback, RequestRecord, Sent
from .telegram_text import (
    EntityParseError,
    bot_command_entities,
    parse_text,
    trim_formatted,
    utf16_len,
)
from .telegram_webhook import WebhookPost, WebhookPusher

__all__ = [
    "DEFAULT_TOKEN",
    "EDIT_METHODS",
    "MESSAGE_METHODS",
    "AnsweredCallback",
    "FakeBotAPI",
    "FaultKind",
    "MemberStatus",
    "RequestRecord",
    "Sent",
]

FaultKind: TypeAlias = Literal["429", "500", "502", "timeout"]

DEFAULT_TOKEN: Final = "123456:TEST-token"
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024

MESSAGE_METHODS: Final = frozenset({"sendMessage", "sendPhoto", "sendLocation", "sendVenue"})
EDIT_METHODS: Final = frozenset({"editMessageText", "editMessageReplyMarkup"})

_TOKEN_SHAPE: Final = re.compile(r"\d+:[A-Za-z0-9_-]+")
_COMMAND_NAME: Final = re.compile(r"[a-z0-9_]{1,32}")
_ERROR_DEFAULTS: Final = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests: retry after 1",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)

# Parameters that have their own field in Sent and are therefore left out of Sent.extra.
_SENT_FIELDS: Final = frozenset(
    {"chat_id", "message_id", "text", "caption", "parse_mode", "reply_markup", "photo"}
)


# ------------------------------------------------------------------------------ internals


@dataclass(slots=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    size: int
    width: int
    height: int
    path: str
    data: bytes | None


@dataclass(frozen=True, slots=True)
class _PlannedFailure:
    status: int | Literal["timeout"]
    description: str
    parameters: JSON | None


@dataclass(slots=True)
class _Waiter:
    check: Callable[[], bool]
    future: asyncio.Future[None]


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _ok(result: object) -> web.Response:
    return web.Response(
        body=_dumps({"ok": True, "result": result}), content_type="application/json"
    )


def _error(status: int, description: str, parameters: JSON | None = None) -> web.Response:
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(status=status, body=_dumps(body), content_type="application/json")


# ------------------------------------------------------------------------------- the fake


class FakeBotAPI(LoopbackServer):
    """A Telegram Bot API server on 127.0.0.1 for one bot token.

    Attributes:
        token: The only token accepted; others get ``401 Unauthorized``.
        bot_user: The bot's ``User`` object (``from`` of its messages).
        privacy_mode: Hide group messages that are neither commands for the bot nor replies
            to it, as Telegram does for bots with privacy mode on (the default there too).
        limits_enabled: Whether flood control applies (switch off for throughput runs).
        global_limit: Sends accepted per ``global_window`` seconds overall.
        global_window: Length of the overall window in seconds.
        chat_limit: Sustained sends and edits per ``chat_window`` seconds in one chat.
        chat_window: Seconds over which ``chat_limit`` sends refill a chat's bucket.
        chat_burst: Sends one chat accepts at once (its bucket's size).
        group_limit: Sends and edits accepted per ``group_window`` seconds in one group.
        group_window: Length of the per-group window in seconds.
        clock: Source of time for flood control and ``at`` stamps.
        strict_ampersand: Reject unescaped ``&`` in HTML (see :mod:`tests.fakes.telegram_text`).
        auto_create_chats: Treat any unseen chat id as an existing chat (private for positive
            ids, supergroup for ids below -10**12, group otherwise). When false, only chats
            created by :meth:`add_chat` or by injected updates exist.
        keep_uploads: Keep uploaded photo bytes (for :meth:`file_bytes` and downloads); switch
            off in benchmarks that upload a lot.
        fault_timeout: Seconds an injected timeout holds a request before dropping it.
        sent: Every successful send or edit, in order.
        requests: Every call, in order, including failures.
        uploads: Files received in ``multipart/form-data`` requests (photos and documents
            uploaded as bytes, not sent by file id or URL), whatever the answer.
        answered_callbacks: Every successful ``answerCallbackQuery``.
        deleted: ``(chat_id, message_id)`` of every successful ``deleteMessage``.
        commands: Current bot commands by ``(scope key, language code)``; see
            :meth:`commands_for` for the scope keys.
        webhook: Current webhook settings from ``setWebhook``, ``None`` if not set.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "summitwatch_test_bot",
        bot_first_name: str = "SummitWatch Test",
    ) -> None:
        """Prepares the fake; nothing listens until :meth:`start`.

        Args:
            token: The bot token the fake accepts, ``"<bot id>:<secret>"``.
            bot_username: The bot's username, without ``@``.
            bot_first_name: The bot's display name.
        """
        super().__init__()
        self.token = token
        prefix = token.partition(":")[0]
        bot_id = int(prefix) if prefix.isdigit() else 123456
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.privacy_mode = True
        self.limits_enabled = True
        self.global_limit = 30
        self.global_window = 1.0
        self.chat_limit = 1
        self.chat_window = 1.0
        self.chat_burst = 20
        self.group_limit = 20
        self.group_window = 60.0
        self._clock: Callable[[], float] = time.monotonic
        self.strict_ampersand = True
        self.auto_create_chats = True
        self.keep_uploads = True
        self.fault_timeout = 6.0

        self.sent: list[Sent] = []
        self.requests: list[RequestRecord] = []
        self.uploads = 0
        self.answered_callbacks: list[AnsweredCallback] = []
        self.deleted: list[tuple[int, int]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: JSON | None = None
        self.webhook_targets: list[str] = []
        self.webhook_posts: list[WebhookPost] = []
        self._pusher: WebhookPusher | None = None

        self._chats: dict[int, ChatState] = {}
        self._chats_by_username: dict[str, ChatState] = {}
        self._users: dict[int, JSON] = {}
        self._sent_by_chat: dict[int, list[Sent]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._callbacks: dict[str, tuple[int, int, str]] = {}
        self._callback_counter = itertools.count(4_170_000_000_000_000_001)

        self._global_hits = SlidingWindow()
        self._chat_hits: dict[int, TokenBucket] = {}
        self._group_hits: dict[int, SlidingWindow] = {}

        self._fault_rate = 0.0
        self._fault_kinds: tuple[FaultKind, ...] = ()
        self._fault_methods: frozenset[str] = frozenset()
        self._fault_rng = random.Random()
        self._planned: dict[str, deque[_PlannedFailure]] = {}

        self._updates: deque[tuple[int, str, JSON]] = deque()
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._updates_changed = asyncio.Event()
        self._poll_generation = 0

        self._waiters: list[_Waiter] = []

        handlers: dict[str, Callable[[Params], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "logOut": self._log_out,
            "close": self._log_out,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendLocation": self._send_location,
            "sendVenue": self._send_venue,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
        }
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # ------------------------------------------------------------------------ lifecycle

    # Bot API uploads go up to 50 MB; leave room for the multipart framing.
    client_max_size = 64 * 1024 * 1024

    def _routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)

    async def _on_stop(self) -> None:
        # Pending long polls wait on their own event, and the webhook pusher on its task.
        self._wake_pollers()
        await self._stop_pusher()

    @property
    def clock(self) -> Callable[[], float]:
        """Source of time (seconds) for flood control and ``at`` stamps.

        Setting a new clock empties the flood-control windows, since timestamps taken from
        different clocks cannot be compared.
        """
        return self._clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.reset_limits()

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url``: ``http://127.0.0.1:PORT/bot`` (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url``: ``http://127.0.0.1:PORT/file/bot``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --------------------------------------------------------------- chats and members

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: ChatType | None = None,
        title: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        """Declares a chat, or updates what is known about it, and makes it reachable.

        Args:
            chat_id: Telegram chat id.
            chat_type: Defaults to what the id implies (see ``auto_create_chats``).
            title: Group or channel title.
            first_name: Private chat user's first name.
            last_name: Private chat user's last name.
            username: Public username, without ``@``; makes ``@username`` chat ids work.
        """
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = ChatState(chat_id, chat_type or infer_chat_type(chat_id))
            self._chats[chat_id] = chat
        elif chat_type is not None:
            chat.type = chat_type
        if title is not None:
            chat.title = title
        if first_name is not None:
            chat.first_name = first_name
        if last_name is not None:
            chat.last_name = last_name
        if username is not None:
            chat.username = username
            self._chats_by_username[username.lower()] = chat
        if chat.state == "unknown":
            chat.state = "ok"

    def mark_unknown(self, chat_id: int) -> None:
        """Makes every method answer ``400 Bad Request: chat not found`` for this chat."""
        self._chat_or_create(chat_id).state = "unknown"

    def mark_blocked(self, chat_id: int) -> None:
        """The user blocked the bot: sends answer ``403 Forbidden: bot was blocked by the user``.

        Raises:
            ValueError: ``chat_id`` is not a private chat.
        """
        chat = self._chat_or_create(chat_id)
        if chat.type != "private":
            raise ValueError(f"only private chats can block the bot, {chat_id} is {chat.type}")
        chat.state = "blocked"

    def mark_deactivated(self, chat_id: int) -> None:
        """The user deleted their account: sends answer ``403 Forbidden: user is deactivated``.

        Raises:
            ValueError: ``chat_id`` is not a private chat.
        """
        chat = self._chat_or_create(chat_id)
        if chat.type != "private":
            raise ValueError(f"only users can be deactivated, {chat_id} is {chat.type}")
        chat.state = "deactivated"

    def mark_kicked(self, chat_id: int) -> None:
        """The bot was removed from the group: ``403 Forbidden: bot was kicked from the ...``.

        Raises:
            ValueError: ``chat_id`` is a private chat.
        """
        chat = self._chat_or_create(chat_id)
        if chat.type == "private":
            raise ValueError(f"{chat_id} is a private chat; use mark_blocked")
        chat.state = "kicked"
        chat.members[self.bot_user["id"]] = "kicked"

    def mark_migrated(self, chat_id: int, to_chat_id: int | None = None) -> int:
        """The group became a supergroup; the old id answers ``400`` with ``migrate_to_chat_id``.

        Args:
            chat_id: The (basic) group's id.
            to_chat_id: The supergroup's id; by default ``-100`` followed by the group's digits.

        Returns:
            The supergroup's chat id, which works normally from now on.

        Raises:
            ValueError: ``chat_id`` is not a group.
        """
        chat = self._chat_or_create(chat_id)
        if chat.type != "group":
            raise ValueError(f"only basic groups migrate, {chat_id} is {chat.type}")
        new_id = to_chat_id if to_chat_id is not None else SUPERGROUP_ID_BOUND + chat_id
        chat.state = "migrated"
        chat.migrate_to = new_id
        self.add_chat(new_id, chat_type="supergroup", title=chat.title or f"Group {-chat_id}")
        self._chats[new_id].members.update(chat.members)
        return new_id

    def mark_ok(self, chat_id: int) -> None:
        """Undoes any ``mark_*``: the chat exists and the bot may write to it."""
        chat = self._chat_or_create(chat_id)
        chat.state = "ok"
        chat.migrate_to = None
        if chat.members.get(self.bot_user["id"]) == "kicked":
            del chat.members[self.bot_user["id"]]

    def set_member_status(self, chat_id: int, user_id: int, status: MemberStatus) -> None:
        """Sets what ``getChatMember(chat_id, user_id)`` answers (default ``"member"``).

        Args:
            chat_id: The chat.
            user_id: The user (or the bot's own id).
            status: Bot API ``ChatMember.status``.
        """
        self._chat_or_create(chat_id).members[user_id] = status

    def messages_in(self, chat_id: int) -> list[Mapping[str, Any]]:
        """Every message the chat holds now (user and bot, edits applied), oldest first."""
        chat = self._chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    # ------------------------------------------------------------------ what users do

    def inject_update(self, kind: str, payload: JSON) -> JSON:
        """Queues an arbitrary update for ``getUpdates``.

        Args:
            kind: Update field name, e.g. ``"message"`` or ``"chat_member"``.
            payload: The object for that field.

        Returns:
            The update, with its new ``update_id``.
        """
        update: JSON = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._updates.append((update["update_id"], kind, update))
        self._wake_pollers()
        return update

    def user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Analyst",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        chat_type: ChatType | None = None,
        chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """A user writes ``text`` in a chat; the update is queued for ``getUpdates``.

        Bot commands (``/cmd`` or ``/cmd@botname``) get ``bot_command`` entities as Telegram
        adds them. In a private chat this also undoes ``mark_blocked`` (writing to a bot
        unblocks it). With ``privacy_mode``, a group message that is neither a command for
        this bot nor a reply to the bot is built but not queued, as Telegram would not
        deliver it.

        Args:
            chat_id: Chat to write in; private if positive, unless declared otherwise.
            text: Message text.
            user_id: Sender; defaults to ``chat_id`` in private chats and 10001 in groups.
            first_name: Sender's first name.
            last_name: Sender's last name.
            username: Sender's username, without ``@``.
            language_code: Sender's client language (IETF tag), ``None`` to leave it out.
            chat_type: Type of a chat not seen before.
            chat_title: Title for a group not seen before (or a new title).
            reply_to_message_id: The message this one replies to.

        Returns:
            The update (``update_id`` and ``message``); ``update_id`` is ``None`` when privacy
            mode kept the message from the bot.

        Raises:
            ValueError: The bot is not in that group, or the replied message does not exist.
        """
        chat = self._chat_for_user_action(chat_id, chat_type, chat_title, first_name, last_name)
        user = self._remember_user(
            user_id if user_id is not None else (chat_id if chat.type == "private" else 10001),
            first_name,
            last_name,
            username,
            language_code,
        )
        message: JSON = {
            "message_id": self._take_message_id(chat),
            "from": user,
            "chat": chat.as_object(),
            "date": int(time.time()),
            "text": text,
        }
        entities = bot_command_entities(text)
        if entities:
            message["entities"] = entities
        replied: JSON | None = None
        if reply_to_message_id is not None:
            replied = chat.messages.get(reply_to_message_id)
            if replied is None:
                raise ValueError(f"message {reply_to_message_id} does not exist in {chat_id}")
            message["reply_to_message"] = without_reply(replied)
        chat.messages[message["message_id"]] = message
        if (
            chat.type != "private"
            and self.privacy_mode
            and not self._visible_in_group(text, entities, replied)
        ):
            return {"update_id": None, "message": message}
        return self.inject_update("message", message)

    def callback_press(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        first_name: str = "Analyst",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        check_button: bool = True,
    ) -> JSON:
        """A user presses an inline button under a bot message.

        Args:
            chat_id: Chat of the message.
            message_id: The bot message carrying the keyboard.
            data: The button's ``callback_data``.
            user_id: Who pressed; defaults to ``chat_id`` in private chats and 10001 in groups.
            first_name: Presser's first name.
            last_name: Presser's last name.
            username: Presser's username.
            language_code: Presser's client language, ``None`` to leave it out.
            check_button: Require a button with this ``callback_data`` on the message as it
                is now, as only existing buttons can be pressed.

        Returns:
            The ``callback_query`` update; its ``message`` is the bot message as stored.

        Raises:
            ValueError: No such bot message, or no such button on it.
        """
        chat = self._chats.get(chat_id)
        message = chat.messages.get(message_id) if chat else None
        if chat is None or message is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise ValueError(f"message {message_id} in chat {chat_id} is not from the bot")
        if check_button and data not in set(callback_buttons(message.get("reply_markup"))):
            raise ValueError(
                f"message {message_id} in chat {chat_id} has no button with callback_data "
                f"{data!r}; it has {sorted(callback_buttons(message.get('reply_markup')))}"
            )
        user = self._remember_user(
            user_id if user_id is not None else (chat_id if chat.type == "private" else 10001),
            first_name,
            last_name,
            username,
            language_code,
        )
        query_id = str(next(self._callback_counter))
        self._callbacks[query_id] = (chat_id, message_id, data)
        query: JSON = {
            "id": query_id,
            "from": user,
            "message": dict(message),
            "chat_instance": str(abs(chat_id) * 7919 % 10**18),
            "data": data,
        }
        return self.inject_update("callback_query", query)

    def bot_added_to_group(
        self,
        chat_id: int,
        *,
        title: str | None = None,
        user_id: int = 10001,
        first_name: str = "Analyst",
        language_code: str | None = "en",
        chat_type: ChatType | None = None,
        status: MemberStatus = "member",
    ) -> JSON:
        """A user adds the bot to a group: a ``my_chat_member`` update, chat becomes reachable.

        Args:
            chat_id: The group.
            title: Group title.
            user_id: Who added the bot.
            first_name: Their first name.
            language_code: Their client language.
            chat_type: Group type, if the id does not imply it.
            status: The bot's new status (``"member"`` or ``"administrator"``).

        Returns:
            The ``my_chat_member`` update.
        """
        self.add_chat(chat_id, chat_type=chat_type, title=title)
        chat = self._chats[chat_id]
        chat.state = "ok"
        chat.migrate_to = None
        chat.members[self.bot_user["id"]] = status
        user = self._remember_user(user_id, first_name, None, None, language_code)
        return self._my_chat_member(chat, user, "left", status)

    def bot_removed_from_group(
        self, chat_id: int, *, user_id: int = 10001, first_name: str = "Analyst"
    ) -> JSON:
        """A user removes the bot from a group: ``my_chat_member`` update, chat marked kicked.

        Args:
            chat_id: The group.
            user_id: Who removed the bot.
            first_name: Their first name.

        Returns:
            The ``my_chat_member`` update.
        """
        chat = self._chat_or_create(chat_id)
        old = chat.members.get(self.bot_user["id"], "member")
        self.mark_kicked(chat_id)
        user = self._remember_user(user_id, first_name, None, None, None)
        return self._my_chat_member(chat, user, old, "kicked")

    def user_blocked_bot(self, chat_id: int) -> JSON:
        """The user blocks the bot: ``my_chat_member`` update, chat marked blocked.

        Args:
            chat_id: The private chat (= user id).

        Returns:
            The ``my_chat_member`` update.
        """
        self.mark_blocked(chat_id)
        chat = self._chats[chat_id]
        user = self._users.get(chat_id) or self._remember_user(
            chat_id, chat.first_name or f"User {chat_id}", None, None, None
        )
        return self._my_chat_member(chat, user, "member", "kicked")

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by a ``getUpdates`` offset, oldest first."""
        return [update for _, _, update in self._updates]

    # ------------------------------------------------------------------ faults

    def inject_faults(
        self,
        rate: float = 0.2,
        kinds: Sequence[FaultKind] = ("429", "500", "timeout"),
        seed: int | None = None,
        *,
        methods: Iterable[str] = MESSAGE_METHODS | EDIT_METHODS,
    ) -> None:
        """Makes a share of sending calls fail at random, reproducibly for a given seed.

        For each call of one of ``methods``, in arrival order, the RNG decides whether it
        fails (probability ``rate``) and then picks the kind uniformly from ``kinds``.

        Args:
            rate: Probability in [0, 1] that a call fails; 0 switches injection off.
            kinds: Failure kinds to pick from (``"429"``, ``"500"``, ``"502"``, ``"timeout"``).
            seed: RNG seed.
            methods: Canonical names of the methods that may fail.

        Raises:
            ValueError: ``rate`` outside [0, 1], or no kinds for a positive rate.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        if rate > 0 and not kinds:
            raise ValueError("kinds must not be empty")
        for kind in kinds:
            if kind not in ("429", "500", "502", "timeout"):
                raise ValueError(f"unknown fault kind {kind!r}")
        self._fault_rate = rate
        self._fault_kinds = tuple(kinds)
        self._fault_methods = frozenset(name.lower() for name in methods)
        self._fault_rng = random.Random(seed)

    def clear_faults(self) -> None:
        """Stops random fault injection and drops failures queued by :meth:`fail_next`."""
        self._fault_rate = 0.0
        self._planned.clear()

    def fail_next(
        self,
        method: str,
        status: int | Literal["timeout"] = 500,
        description: str | None = None,
        parameters: JSON | None = None,
        count: int = 1,
    ) -> None:
        """Makes the next ``count`` calls of ``method`` fail exactly as specified.

        Args:
            method: Method name (case-insensitive), e.g. ``"sendMessage"``.
            status: HTTP status / ``error_code``, or ``"timeout"`` to hold and drop the call.
            description: Error description; defaults to Telegram's generic one for
                the status (``"Too Many Requests: retry after N"`` for 429).
            parameters: ``ResponseParameters``; for 429 ``retry_after`` defaults to 1.
            count: How many consecutive calls fail.
        """
        if status == 429:
            parameters = {"retry_after": 1, **(parameters or {})}
            if description is None:
                description = f"Too Many Requests: retry after {parameters['retry_after']}"
        if description is None:
            description = "timeout" if status == "timeout" else _ERROR_DEFAULTS.get(status, "Error")
        queue = self._planned.setdefault(method.lower(), deque())
        queue.extend([_PlannedFailure(status, description, parameters)] * count)

    # ------------------------------------------------------------------ reading records

    def sent_to(self, chat_id: int) -> list[Sent]:
        """Successful sends and edits in one chat, in order."""
        return list(self._sent_by_chat.get(chat_id, ()))

    def commands_for(
        self, scope: str | Mapping[str, Any] = "default", language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands stored by ``setMyCommands`` for exactly this scope and language.

        Args:
            scope: A ``BotCommandScope`` dict or its key: ``"default"``,
                ``"all_private_chats"``, ``"all_group_chats"``, ``"all_chat_administrators"``,
                ``"chat:<chat_id>"``, ``"chat_administrators:<chat_id>"`` or
                ``"chat_member:<chat_id>:<user_id>"``.
            language_code: Two-letter language code, ``""`` for all languages.

        Returns:
            ``[{"command": ..., "description": ...}, ...]``, empty if none are set.
        """
        key = scope if isinstance(scope, str) else self._scope_key(scope)
        return list(self.commands.get((key, language_code), ()))

    def file_bytes(self, file_id: str) -> bytes | None:
        """Bytes of an uploaded file, if ``keep_uploads`` kept them."""
        stored = self._files.get(file_id)
        return stored.data if stored else None

    def count(self, method: str | None = None, status: int | None = None) -> int:
        """Counts recorded calls, optionally of one method and/or with one status."""
        return sum(
            1
            for record in self.requests
            if (method is None or record.method == method)
            and (status is None or record.status == status)
        )

    def clear_records(self) -> None:
        """Forgets sent messages, requests, uploads, answers, deletions (not chats or updates)."""
        self.sent.clear()
        self.requests.clear()
        self.uploads = 0
        self.answered_callbacks.clear()
        self.deleted.clear()
        self._sent_by_chat.clear()

    def reset_limits(self) -> None:
        """Empties all flood-control windows, as if no message had been sent for a long time."""
        self._global_hits = SlidingWindow()
        self._chat_hits.clear()
        self._group_hits.clear()

    # ------------------------------------------------------------------ waiting

    # The waiting helpers take ``timeout=`` (ASYNC109) because a deadline per wait is what
    # tests read best; they implement it with asyncio.timeout internally.

    @overload
    async def wait_for(self, condition: int, *, timeout: float = 5.0) -> list[Sent]: ...  # noqa: ASYNC109

    @overload
    async def wait_for(
        self,
        condition: Callable[[Sent], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        start: int = 0,
    ) -> Sent: ...

    async def wait_for(
        self,
        condition: int | Callable[[Sent], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        start: int = 0,
    ) -> list[Sent] | Sent:
        """Waits until enough sends happened, or until one matches a predicate.

        Args:
            condition: A number: wait until ``len(sent)`` reaches it. A predicate: wait for
                the first :class:`Sent` (from index ``start`` of ``sent``, so earlier ones
                count too) for which it is true.
            timeout: Seconds to wait.
            start: For a predicate, index in ``sent`` where the search begins.

        Returns:
            For a number, a copy of ``sent``; for a predicate, the matching :class:`Sent`.

        Raises:
            TimeoutError: Nothing matched in time; the message lists the last sends.
        """
        if isinstance(condition, int):
            target = condition
            await self._wait(lambda: len(self.sent) >= target, timeout, f"{target} sends")
            return list(self.sent)
        predicate = condition
        found: list[Sent] = []
        cursor = start

        def check() -> bool:
            nonlocal cursor
            sent = self.sent
            if cursor > len(sent):  # clear_records() ran meanwhile
                cursor = 0
            while cursor < len(sent):
                candidate = sent[cursor]
                cursor += 1
                if predicate(candidate):
                    found.append(candidate)
                    return True
            return False

        await self._wait(check, timeout, "a send matching the predicate")
        return found[0]

    async def wait_for_messages(
        self,
        chat_id: int,
        n: int,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Sent]:
        """Waits until the bot has sent at least ``n`` new messages (edits not counted) to a chat.

        Args:
            chat_id: The chat.
            n: How many messages.
            timeout: Seconds to wait.

        Returns:
            All new messages in that chat so far (at least ``n``), oldest first.

        Raises:
            TimeoutError: Fewer messages arrived in time.
        """

        def messages() -> list[Sent]:
            return [s for s in self._sent_by_chat.get(chat_id, ()) if s.method in MESSAGE_METHODS]

        await self._wait(lambda: len(messages()) >= n, timeout, f"{n} messages to {chat_id}")
        return messages()

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Waits until ``condition()`` is true; it is re-checked after every recorded call.

        Args:
            condition: Any check on the fake's state, e.g.
                ``lambda: fake.count("sendMessage", 429) >= 3``.
            timeout: Seconds to wait.

        Raises:
            TimeoutError: The condition stayed false.
        """
        await self._wait(condition, timeout, "the condition")

    async def _wait(self, check: Callable[[], bool], deadline: float, what: str) -> None:
        if check():
            return
        waiter = _Waiter(check, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(deadline):
                await waiter.future
        except TimeoutError:
            recent = "; ".join(
                f"{s.method} chat={s.chat_id} {s.plain_text!r:.60}" for s in self.sent[-8:]
            )
            raise TimeoutError(
                f"no {what} within {deadline} s ({len(self.sent)} sends, "
                f"{len(self.requests)} requests; last sends: {recent or 'none'})"
            ) from None
        finally:
            self._waiters.remove(waiter)

    def _notify(self) -> None:
        for waiter in self._waiters:
            if waiter.future.done():
                continue
            try:
                satisfied = waiter.check()
            except Exception as exc:  # the waiting test should see its own predicate fail
                waiter.future.set_exception(exc)
                continue
            if satisfied:
                waiter.future.set_result(None)

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        requested = request.match_info["method"]
        if request.match_info["token"] != self.token:
            # Telegram: a well-formed but unknown token is 401, anything else 404.
            if _TOKEN_SHAPE.fullmatch(request.match_info["token"]):
                return self._answer_error(requested, 401, "Unauthorized", None, {})
            return self._answer_error(requested, 404, "Not Found", None, {})
        entry = self._methods.get(requested.lower())
        if entry is None:
            return self._answer_error(requested, 404, "Not Found", None, {})
        name, implementation = entry
        try:
            params = await self._read_params(request)
        except ApiError as err:
            return self._answer_error(name, err.status, err.description, err.parameters, {})

        planned = self._planned_failure(name)
        if planned is not None:
            if planned.status == "timeout":
                return await self._time_out(request, name, params)
            return self._answer_error(
                name, planned.status, planned.description, planned.parameters, params.values, True
            )

        try:
            result = await implementation(params)
        except ApiError as err:
            return self._answer_error(
                name, err.status, err.description, err.parameters, params.values
            )
        self._record_request(name, 200, None, params.values, injected=False)
        return _ok(result)

    async def _read_params(self, request: web.Request) -> Params:
        values: dict[str, str] = dict(request.query) if request.query_string else {}
        files: dict[str, Upload] = {}
        if not request.body_exists:
            return Params(values, files)
        content_type = request.content_type
        if content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    files[part.name] = Upload(part.filename, bytes(await part.read()))
                    self.uploads += 1
                else:
                    values[part.name] = await part.text()
            return Params(values, files)
        raw = await request.read()
        if not raw:
            return Params(values, files)
        if content_type == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON object expected")
            for key, value in body.items():
                if value is not None:
                    values[key] = value if isinstance(value, str) else json.dumps(value)
            return Params(values, files)
        values.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return Params(values, files)

    def _planned_failure(self, name: str) -> _PlannedFailure | None:
        key = name.lower()
        queue = self._planned.get(key)
        if queue:
            return queue.popleft()
        if self._fault_rate > 0 and key in self._fault_methods:
            rng = self._fault_rng
            if rng.random() < self._fault_rate:
                kind = rng.choice(self._fault_kinds)
                if kind == "timeout":
                    return _PlannedFailure("timeout", "timeout", None)
                if kind == "429":
                    return _PlannedFailure(
                        429, "Too Many Requests: retry after 1", {"retry_after": 1}
                    )
                status = int(kind)
                return _PlannedFailure(status, _ERROR_DEFAULTS[status], None)
        return None

    async def _time_out(
        self, request: web.Request, name: str, params: Params
    ) -> web.StreamResponse:
        # Recorded up front so tests can count timeouts while the client is still waiting.
        self._record_request(name, None, "timeout (injected)", params.values, injected=True)
        return await self._hold_and_drop(request, self.fault_timeout)

    def _answer_error(
        self,
        method: str,
        status: int,
        description: str,
        parameters: JSON | None,
        values: Mapping[str, str],
        injected: bool = False,
    ) -> web.Response:
        self._record_request(method, status, description, values, injected=injected)
        return _error(status, description, parameters)

    def _record_request(
        self,
        method: str,
        status: int | None,
        description: str | None,
        values: Mapping[str, str],
        *,
        injected: bool,
    ) -> None:
        raw_chat = values.get("chat_id")
        chat_id: int | None = None
        if raw_chat:
            try:
                chat_id = int(raw_chat)
            except ValueError:
                chat_id = None
        self.requests.append(
            RequestRecord(method, status, description, chat_id, injected, self.clock(), values)
        )
        if self._waiters:
            self._notify()

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None or stored.data is None:
            return _error(404, "Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ------------------------------------------------------------------ shared helpers

    def _chat_or_create(self, chat_id: int) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = ChatState(chat_id, infer_chat_type(chat_id))
            self._chats[chat_id] = chat
        return chat

    def _lookup_chat(self, raw: str) -> ChatState | None:
        try:
            chat_id = int(raw)
        except ValueError:
            if raw.startswith("@"):
                return self._chats_by_username.get(raw[1:].lower())
            return None
        chat = self._chats.get(chat_id)
        if chat is None and self.auto_create_chats and chat_id != 0:
            chat = self._chat_or_create(chat_id)
        return chat

    def _chat_param(self, p: Params, name: str = "chat_id") -> ChatState:
        """The chat a method addresses, with the errors any chat-scoped method gives."""
        raw = p.get(name)
        if raw is None or raw.strip() == "":
            raise ApiError(400, f"Bad Request: {name} is empty")
        chat = self._lookup_chat(raw.strip())
        if chat is None or chat.state == "unknown":
            raise ApiError(400, "Bad Request: chat not found")
        if chat.state == "migrated":
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrate_to},
            )
        if chat.state == "kicked":
            if chat.type == "channel":
                raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        return chat

    @staticmethod
    def _check_can_send(chat: ChatState) -> None:
        if chat.state == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.state == "deactivated":
            raise ApiError(403, "Forbidden: user is deactivated")

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
        if not self.limits_enabled:
            return
        now = self.clock()
        counts_globally = method in MESSAGE_METHODS
        chat_hits = self._chat_hits.get(chat_id)
        if chat_hits is None:
            chat_hits = self._chat_hits[chat_id] = TokenBucket()
        retries = [
            chat_hits.retry_after(now, self.chat_limit / self.chat_window, self.chat_burst),
        ]
        if counts_globally:
            retries.append(
                retry_after_for(self._global_hits, now, self.global_limit, self.global_window)
            )
        group_hits: SlidingWindow | None = None
        if chat_id < 0:
            group_hits = self._group_hits.get(chat_id)
            if group_hits is None:
                group_hits = self._group_hits[chat_id] = SlidingWindow()
            retries.append(retry_after_for(group_hits, now, self.group_limit, self.group_window))
        refused = [retry for retry in retries if retry is not None]
        if refused:
            retry = max(refused)
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        chat_hits.take()
        if counts_globally:
            self._global_hits.add(now)
        if group_hits is not None:
            group_hits.add(now)

    def _take_message_id(self, chat: ChatState) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _bot_message(
        self, chat: ChatState, content: JSON, markup: JSON | None, reply_to: JSON | None
    ) -> JSON:
        message: JSON = {"message_id": self._take_message_id(chat)}
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

    def _remember_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _chat_for_user_action(
        self,
        chat_id: int,
        chat_type: ChatType | None,
        title: str | None,
        first_name: str,
        last_name: str | None,
    ) -> ChatState:
        known = chat_id in self._chats
        chat = self._chat_or_create(chat_id)
        if chat_type is not None:
            chat.type = chat_type
        if chat.type == "private":
            if not known or chat.first_name is None:
                chat.first_name = first_name
                chat.last_name = last_name
            if chat.state in ("blocked", "unknown"):
                chat.state = "ok"
        else:
            if title is not None:
                chat.title = title
            if chat.state == "kicked":
                raise ValueError(f"the bot is not in chat {chat_id} (marked kicked)")
            if chat.state == "migrated":
                raise ValueError(f"chat {chat_id} migrated to {chat.migrate_to}")
            if chat.state == "unknown":
                chat.state = "ok"
        return chat

    def _visible_in_group(self, text: str, entities: list[JSON], replied: JSON | None) -> bool:
        if replied is not None and replied.get("from", {}).get("id") == self.bot_user["id"]:
            return True
        # Entity offsets count UTF-16 code units, so slice the text in that unit.
        encoded = text.encode("utf-16-le")
        username = str(self.bot_user["username"]).lower()
        for entity in entities:
            start = 2 * entity["offset"]
            command = encoded[start : start + 2 * entity["length"]].decode("utf-16-le")
            _, at, target = command.partition("@")
            if not at or target.lower() == username:
                return True
        return False

    def _my_chat_member(
        self, chat: ChatState, user: JSON, old: MemberStatus, new: MemberStatus
    ) -> JSON:
        bot = {
            k: v
            for k, v in self.bot_user.items()
            if k in ("id", "is_bot", "first_name", "username")
        }
        return self.inject_update(
            "my_chat_member",
            {
                "chat": chat.as_object(),
                "from": user,
                "date": int(time.time()),
                "old_chat_member": chat_member(old, bot),
                "new_chat_member": chat_member(new, bot),
            },
        )

    def _wake_pollers(self) -> None:
        event = self._updates_changed
        self._updates_changed = asyncio.Event()
        event.set()

    @staticmethod
    def _scope_key(scope: Mapping[str, Any]) -> str:
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return str(kind)
        if kind in ("chat", "chat_administrators") and "chat_id" in scope:
            return f"{kind}:{scope['chat_id']}"
        if kind == "chat_member" and "chat_id" in scope and "user_id" in scope:
            return f"chat_member:{scope['chat_id']}:{scope['user_id']}"
        raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.json("scope", "Bad Request: can't parse BotCommandScope JSON object")
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        key = self._scope_key(scope)
        if "chat_id" in scope:
            self._chat_param(Params({"chat_id": str(scope["chat_id"])}, {}))
        language = p.get("language_code") or ""
        if language and not (len(language) == 2 and language.isascii() and language.isalpha()):
            raise ApiError(400, "Bad Request: invalid language code specified")
        return key, language

    # ------------------------------------------------------------------ methods

    async def _get_me(self, p: Params) -> JSON:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _log_out(self, p: Params) -> bool:
        return True

    async def _get_updates(self, p: Params) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.integer("offset")
        limit = p.integer("limit", 100)
        if not 1 <= limit <= 100:
            limit = 100
        timeout = max(0.0, p.number("timeout") or 0.0)
        allowed = p.json("allowed_updates", "Bad Request: can't parse allowed updates JSON")
        if isinstance(allowed, list):
            wanted = frozenset(str(kind) for kind in allowed) & ALL_UPDATE_TYPES
            self._allowed_updates = wanted or DEFAULT_ALLOWED_UPDATES

        updates = self._updates
        if offset > 0:
            while updates and updates[0][0] < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll now ends with 409
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            batch = [update for _, kind, update in updates if kind in self._allowed_updates][:limit]
            if batch or self._closing.is_set():
                return batch
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return []
            changed = self._updates_changed
            try:
                async with asyncio.timeout(remaining):
                    await changed.wait()
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    async def _set_webhook(self, p: Params) -> bool:
        url = p.get("url") or ""
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self.webhook = None
            await self._stop_pusher()
            return True
        if not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        allowed = p.json("allowed_updates", "Bad Request: can't parse allowed updates JSON")
        self.webhook = {
            "url": url,
            "max_connections": p.integer("max_connections", 40),
            "allowed_updates": allowed,
            "ip_address": p.get("ip_address"),
            "secret_token": p.get("secret_token"),
        }
        self._wake_pollers()
        await self._start_pusher()
        return True

    async def _start_pusher(self) -> None:
        await self._stop_pusher()
        if self.webhook is None:
            return
        self._pusher = WebhookPusher(
            pending=lambda: [(uid, update) for uid, _, update in self._updates],
            confirm=self._confirm_update,
            changed=lambda: self._updates_changed,
            record=self._record_webhook_post,
            url=str(self.webhook["url"]),
            secret=self.webhook["secret_token"],
            max_connections=int(self.webhook["max_connections"]),
            targets=self.webhook_targets,
        )
        self._pusher.start()

    async def _stop_pusher(self) -> None:
        pusher, self._pusher = self._pusher, None
        if pusher is not None:
            await pusher.stop()

    def _confirm_update(self, update_id: int) -> None:
        self._updates = deque(entry for entry in self._updates if entry[0] != update_id)

    def _record_webhook_post(self, post: WebhookPost) -> None:
        self.webhook_posts.append(post)
        self._notify()

    async def _delete_webhook(self, p: Params) -> bool:
        self.webhook = None
        await self._stop_pusher()
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, p: Params) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
            if self.webhook["ip_address"]:
                info["ip_address"] = self.webhook["ip_address"]
        return info

    async def _set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands", "Bad Request: can't parse commands JSON object")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, str]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name.removeprefix("/")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name.removeprefix("/"), "description": description})
        key = self._commands_key(p)
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, p: Params) -> list[dict[str, str]]:
        return list(self.commands.get(self._commands_key(p), ()))

    async def _delete_my_commands(self, p: Params) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

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
        self._admit(chat.id, "sendMessage")
        content: JSON = {"text": plain}
        if entities:
            content["entities"] = entities
        options = p.json("link_preview_options", "Bad Request: can't parse link preview options")
        if isinstance(options, dict) and options:
            content["link_preview_options"] = options
        message = self._bot_message(chat, content, markup, reply_to)
        self._record_sent("sendMessage", chat, message, p, markup=markup, plain=plain)
        return message

    def _caption_content(self, p: Params) -> tuple[JSON, str | None]:
        _, plain, entities = self._formatted(p, "caption", required=False)
        plain, entities = self._check_length(
            plain,
            entities,
            limit=MAX_CAPTION_LENGTH,
            too_long="Bad Request: message caption is too long",
            empty=None,
        )
        content: JSON = {}
        if plain:
            content["caption"] = plain
            if entities:
                content["caption_entities"] = entities
            if p.flag("show_caption_above_media"):
                content["show_caption_above_media"] = True
        return content, (plain or None)

    async def _send_photo(self, p: Params) -> JSON:
        upload: Upload | None = None
        reference = p.get("photo")
        if reference is not None and reference.startswith("attach://"):
            upload = p.files.get(reference.removeprefix("attach://"))
            reference = None
        elif "photo" in p.files:
            upload = p.files["photo"]
        stored: _StoredFile | None = None
        if upload is None:
            if not reference:
                raise ApiError(400, "Bad Request: there is no photo in the request")
            # Any size's file id names the photo, the thumbnail's ("…_s") included.
            stored = self._files.get(reference.removesuffix("_s"))
            if stored is None and not reference.startswith(("http://", "https://")):
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        markup = self._reply_markup(p)
        content, plain = self._caption_content(p)
        if upload is not None:
            if not upload.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if len(upload.data) > MAX_PHOTO_BYTES:
                raise ApiError(400, "Bad Request: file is too big")
            size = image_size(upload.data)
            if size is None:
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            width, height = size
            # Telegram's documented photo limits: width + height <= 10000, ratio <= 20.
            if (
                width <= 0
                or height <= 0
                or width + height > 10_000
                or (max(width, height) > 20 * min(width, height))
            ):
                raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        chat = self._chat_param(p)
        self._check_can_send(chat)
        reply_to = self._reply_target(chat, p)
        self._admit(chat.id, "sendPhoto")
        if upload is not None:
            stored = self._store_file(upload.data, width, height, "photos", "jpg")
        elif stored is None:  # a URL Telegram would download; no bytes to keep here
            stored = self._store_file(None, 800, 600, "photos", "jpg")
        content["photo"] = self._photo_sizes(stored)
        message = self._bot_message(chat, content, markup, reply_to)
        self._record_sent(
            "sendPhoto",
            chat,
            message,
            p,
            markup=markup,
            plain=plain,
            photo_size=len(upload.data) if upload is not None else None,
        )
        return message

    def _store_file(
        self, data: bytes | None, width: int, height: int, folder: str, extension: str
    ) -> _StoredFile:
        number = next(self._file_counter)
        stored = _StoredFile(
            file_id=f"AgACAgIAAxkDAAI{number:012d}{self.bot_user['id']}",
            file_unique_id=f"AQAD{number:010d}",
            size=len(data) if data is not None else 0,
            width=width,
            height=height,
            path=f"{folder}/file_{number}.{extension}",
            data=data if self.keep_uploads else None,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.path] = stored
        return stored

    @staticmethod
    def _photo_sizes(stored: _StoredFile) -> list[JSON]:
        # Telegram answers with a thumbnail and the (possibly downscaled) original.
        scale = min(1.0, 90 / max(stored.width, stored.height))
        thumb: JSON = {
            "file_id": stored.file_id + "_s",
            "file_unique_id": stored.file_unique_id + "s",
            "width": max(1, round(stored.width * scale)),
            "height": max(1, round(stored.height * scale)),
            "file_size": max(1, stored.size // 20) if stored.size else 0,
        }
        full: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
            "file_size": stored.size,
        }
        return [thumb, full]

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
        self._admit(chat.id, "sendLocation")
        live_period = p.integer("live_period")
        if live_period:
            location["live_period"] = live_period
        message = self._bot_message(chat, {"location": location}, markup, reply_to)
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
            chat, {"venue": venue, "location": dict(location)}, markup, reply_to
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

    async def _answer_callback_query(self, p: Params) -> bool:
        query_id = p.get("callback_query_id") or ""
        pressed = self._callbacks.get(query_id)
        if pressed is None:
            raise ApiError(400, _QUERY_INVALID)
        text = p.get("text") or None
        if text is not None and utf16_len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        del self._callbacks[query_id]
        chat_id, message_id, data = pressed
        self.answered_callbacks.append(
            AnsweredCallback(
                callback_query_id=query_id,
                text=text,
                show_alert=p.flag("show_alert"),
                url=p.get("url") or None,
                cache_time=p.integer("cache_time"),
                data=data,
                chat_id=chat_id,
                message_id=message_id,
                at=self.clock(),
            )
        )
        return True

    async def _get_chat(self, p: Params) -> JSON:
        chat = self._chat_param(p)
        return chat.as_object() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, p: Params) -> JSON:
        chat = self._chat_param(p)
        user_id = p.integer("user_id")
        if user_id <= 0:
            raise ApiError(400, "Bad Request: invalid user_id specified")
        if user_id == self.bot_user["id"]:
            user = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        else:
            user = self._users.get(user_id) or {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
            }
        return chat_member(chat.members.get(user_id, "member"), user)

    async def _get_file(self, p: Params) -> JSON:
        file_id = p.get("file_id") or ""
        stored = self._files.get(file_id.removesuffix("_s"))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.path,
        }
