"""The fake Bot API's state and the rules every method shares.

One :class:`BotAPICore` holds what the fake knows (the bot, chats and users, the queue of
updates, files, what was recorded, flood windows, planned faults); the mixins beside it
(transport, methods, updates, driver, observer) each add one concern on top, and
:class:`tests.fakes.telegram.api.FakeBotAPI` puts them together. Shared here: the chat a
call addresses and the errors that gives, recording a call and waking whoever waits on
one, and queueing an update.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from bot.demo_fakes.bot_api_wire import StoredFile
from bot.demo_fakes.server import LoopbackServer

from .faults import FaultPlan
from .limits import FloodControl
from .objects import DEFAULT_ALLOWED_UPDATES, ApiError, ChatState, Params, infer_chat_type
from .records import JSON, AnsweredCallback, RequestRecord, Sent
from .webhook import WebhookPost, WebhookPusher

__all__ = ["DEFAULT_TOKEN", "BotAPICore", "Handler", "Waiter"]

DEFAULT_TOKEN: Final = "123456:TEST-token"

# A Bot API method: its parameters in, its ``result`` out (or an ApiError).
Handler: TypeAlias = Callable[[Params], Awaitable[Any]]


@dataclass(slots=True)
class Waiter:
    """A test waiting until `check()` holds; re-checked after each recorded call."""

    check: Callable[[], bool]
    future: asyncio.Future[None]


class BotAPICore(LoopbackServer):
    """The fake's state; see :class:`tests.fakes.telegram.api.FakeBotAPI` for its attributes."""

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
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

        self.sent: list[Sent] = []
        self.requests: list[RequestRecord] = []
        self.uploads = 0
        self.answered_callbacks: list[AnsweredCallback] = []
        self.deleted: list[tuple[int, int]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        # setChatMenuButton by chat id ("" for the default of private chats).
        self.menu_buttons: dict[str, JSON] = {}
        self.webhook: JSON | None = None
        self.webhook_targets: list[str] = []
        self.webhook_posts: list[WebhookPost] = []
        self._pusher: WebhookPusher | None = None

        self._chats: dict[int, ChatState] = {}
        self._chats_by_username: dict[str, ChatState] = {}
        self._users: dict[int, JSON] = {}
        self._sent_by_chat: dict[int, list[Sent]] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._document_names: dict[str, str] = {}
        self._file_counter = itertools.count(1)
        self._callbacks: dict[str, tuple[int, int, str]] = {}
        self._callback_counter = itertools.count(4_170_000_000_000_000_001)

        self._flood = FloodControl()
        self._faults = FaultPlan()

        self._updates: deque[tuple[int, str, JSON]] = deque()
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._updates_changed = asyncio.Event()
        self._poll_generation = 0

        self._waiters: list[Waiter] = []

        # Canonical name and implementation by lower-case name.
        self._methods = {name.lower(): (name, method) for name, method in self._handlers().items()}

    def _handlers(self) -> dict[str, Handler]:
        """The implementation of each Bot API method, by its canonical name."""
        raise NotImplementedError

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

    def reset_limits(self) -> None:
        """Empties all flood-control windows, as if no message had been sent for a long time."""
        self._flood.reset()

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

    def _wake_pollers(self) -> None:
        event = self._updates_changed
        self._updates_changed = asyncio.Event()
        event.set()

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

    def _check_can_send(self, chat: ChatState) -> None:
        if chat.state == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.state == "deactivated":
            raise ApiError(403, "Forbidden: user is deactivated")
        if chat.type == "channel":
            # Only a channel's administrators post in it; a bot is nothing less there.
            if chat.members.get(self.bot_user["id"]) not in ("administrator", "creator"):
                raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
            if not chat.bot_can_post:
                raise ApiError(
                    400, "Bad Request: not enough rights to send text messages to the chat"
                )

    def _take_message_id(self, chat: ChatState) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

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
