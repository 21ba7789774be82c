"""The test-facing side of the fake Bot API: the chats that exist and what users do in them.

A test declares chats and their state (``add_chat``, ``mark_blocked``, ``mark_migrated``,
...), writes as a user (``user_message``), presses buttons (``callback_press``), adds or
removes the bot (``bot_added_to_group``, ...), and plans failures (``inject_faults``,
``fail_next``). In groups, privacy mode (on by default, as for new bots) hides messages
that are neither commands for this bot nor replies to it.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from .faults import FaultKind
from .objects import (
    EDIT_METHODS,
    MESSAGE_METHODS,
    SUPERGROUP_ID_BOUND,
    ChatState,
    ChatType,
    MemberStatus,
    Params,
    callback_buttons,
    chat_member,
    infer_chat_type,
    without_reply,
)
from .records import JSON
from .text import bot_command_entities
from .topics import TopicMethods

__all__ = ["Driver"]


class Driver(TopicMethods):
    """Chats, users and planned failures, as a test sets them up."""

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

    def add_channel(
        self, chat_id: int, *, username: str | None, title: str, bot_is_admin: bool = True
    ) -> None:
        """Declares a channel (``@username`` works for public ones) and the bot's place in it.

        Args:
            chat_id: The channel's id (at most -10**12).
            username: Public username without ``@``; None for a private channel.
            title: The channel's title.
            bot_is_admin: The bot is an administrator that may post (else not in it).
        """
        self.add_chat(chat_id, chat_type="channel", title=title, username=username)
        if bot_is_admin:
            self._chats[chat_id].members[self.bot_user["id"]] = "administrator"
            self._chats[chat_id].bot_can_post = True

    def revoke_post_right(self, chat_id: int) -> None:
        """The bot stays an administrator of the channel but may no longer post: sends
        answer ``400 Bad Request: not enough rights to send text messages to the chat``."""
        self._chat_or_create(chat_id).bot_can_post = False

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
        thread_id: int | None = None,
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
            thread_id: The forum topic it is written in (see :mod:`.topics`); General if
                None.

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
        if thread_id is not None:
            message.update(self.topic_message_fields(chat_id, thread_id))
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

    # ------------------------------------------------------------------ call hooks

    def on_call(self, method: str, hook: Callable[[], Awaitable[None] | None]) -> None:
        """Runs ``hook`` whenever ``method`` is called, before the fake answers it.

        The bot is then waiting for the answer: a test can act at that exact moment of
        its start-up or work (send it a stop signal at ``setWebhook``, say). An async
        hook is awaited first, so it can also hold the answer back. Planned faults come
        before the hook; a second hook on the same method runs after the first.

        Args:
            method: Method name (case-insensitive), e.g. ``"setWebhook"``.
            hook: Called with no arguments on each call of ``method`` from now on.

        Raises:
            KeyError: The fake has no such method.
        """
        key = method.lower()
        name, answer = self._methods[key]

        async def hooked(params: Params) -> Any:
            outcome = hook()
            if inspect.isawaitable(outcome):
                await outcome
            return await answer(params)

        self._methods[key] = (name, hooked)

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
        self._faults.inject(rate, kinds, seed, methods)

    def clear_faults(self) -> None:
        """Stops random fault injection and drops failures queued by :meth:`fail_next`."""
        self._faults.clear()

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
        self._faults.queue(method, status, description, parameters, count)

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
