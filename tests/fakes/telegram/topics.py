"""Forum topics in the fake Bot API: the methods, what a send into a topic checks, and the
test's side (a forum supergroup, its topics opened, closed, reopened and deleted).

A forum is a supergroup with ``is_forum``. Creating a topic posts its service message
(``forum_topic_created``), whose id is the topic's ``message_thread_id``; a message in a
topic carries ``message_thread_id`` and ``is_topic_message``, and replies to that service
message unless it replies to another one, as Telegram's do. A send into a topic that was
deleted (or never existed) answers ``400 Bad Request: message thread not found``, into a
closed one ``400 Bad Request: TOPIC_CLOSED``; General takes sends without a thread.
"""

from __future__ import annotations

import time
from typing import Final

from .core import BotAPICore
from .objects import ApiError, ChatState, Params, TopicState
from .records import JSON

__all__ = ["TopicMethods"]

THREAD_NOT_FOUND: Final = "Bad Request: message thread not found"
TOPIC_CLOSED: Final = "Bad Request: TOPIC_CLOSED"
_ICON_COLOR: Final = 7322096  # the first of Telegram's six topic colours


class TopicMethods(BotAPICore):
    """createForumTopic, closeForumTopic, reopenForumTopic, deleteForumTopic, and the
    thread check every send makes."""

    # ------------------------------------------------------------------ the test's side

    def make_forum(self, chat_id: int, *, title: str | None = None) -> None:
        """Turns a supergroup into a forum (a supergroup with topics).

        Raises:
            ValueError: ``chat_id`` is not a supergroup.
        """
        chat = self._chat_or_create(chat_id)
        if chat.type != "supergroup":
            raise ValueError(f"only supergroups have topics, {chat_id} is {chat.type}")
        chat.is_forum = True
        if title is not None:
            chat.title = title
        if chat.state == "unknown":
            chat.state = "ok"

    def create_forum_topic(self, chat_id: int, name: str) -> int:
        """Opens a topic in a forum, as its members do; returns its ``message_thread_id``."""
        return self._open_topic(self._forum(chat_id), name, by=None)

    def close_forum_topic(self, chat_id: int, thread_id: int) -> None:
        """Closes a topic: sends into it answer ``TOPIC_CLOSED`` until it is reopened."""
        self._topic(self._forum(chat_id), thread_id).state = "closed"

    def reopen_forum_topic(self, chat_id: int, thread_id: int) -> None:
        """Reopens a closed topic."""
        self._topic(self._forum(chat_id), thread_id).state = "open"

    def delete_forum_topic(self, chat_id: int, thread_id: int) -> None:
        """Deletes a topic and its messages: sends answer ``message thread not found``."""
        chat = self._forum(chat_id)
        self._topic(chat, thread_id).state = "deleted"
        for message_id in [
            mid for mid, m in chat.messages.items() if m.get("message_thread_id") == thread_id
        ]:
            del chat.messages[message_id]

    def topic_message_fields(self, chat_id: int, thread_id: int) -> JSON:
        """What a user's message in the topic carries (for ``user_message``).

        Raises:
            ValueError: No open topic ``thread_id`` in that forum.
        """
        chat = self._forum(chat_id)
        topic = self._topic(chat, thread_id)
        if topic.state != "open":
            raise ValueError(f"topic {thread_id} of {chat_id} is {topic.state}")
        return {
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "reply_to_message": dict(topic.created),
        }

    # ------------------------------------------------------------------ Bot API methods

    async def _create_forum_topic(self, p: Params) -> JSON:
        chat = self._chat_param(p)
        if not chat.is_forum:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        name = (p.get("name") or "").strip()
        if not name:
            raise ApiError(400, "Bad Request: TOPIC_TITLE_EMPTY")
        if len(name) > 128:
            raise ApiError(400, "Bad Request: TOPIC_TITLE_TOO_LONG")
        thread_id = self._open_topic(chat, name, by=self.bot_user)
        return {"message_thread_id": thread_id, "name": name, "icon_color": _ICON_COLOR}

    async def _close_forum_topic(self, p: Params) -> bool:
        topic = self._api_topic(p)
        if topic.state == "closed":
            raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        topic.state = "closed"
        return True

    async def _reopen_forum_topic(self, p: Params) -> bool:
        topic = self._api_topic(p)
        if topic.state == "open":
            raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        topic.state = "open"
        return True

    async def _delete_forum_topic(self, p: Params) -> bool:
        chat = self._chat_param(p)
        self._api_topic(p)
        self.delete_forum_topic(chat.id, p.integer("message_thread_id"))
        return True

    # ------------------------------------------------------------------ shared

    def _thread_target(self, chat: ChatState, p: Params) -> int | None:
        """The topic a send goes to (None: General or no forum), or Telegram's refusal."""
        thread_id = p.integer("message_thread_id")
        if not thread_id:
            return None
        if not chat.is_forum:
            # Outside forums a thread is a chain of replies: its first message must exist.
            if thread_id not in chat.messages:
                raise ApiError(400, THREAD_NOT_FOUND)
            return None
        topic = chat.topics.get(thread_id)
        if topic is None or topic.state == "deleted":
            raise ApiError(400, THREAD_NOT_FOUND)
        if topic.state == "closed":
            raise ApiError(400, TOPIC_CLOSED)
        return thread_id

    def _open_topic(self, chat: ChatState, name: str, *, by: JSON | None) -> int:
        thread_id = self._take_message_id(chat)
        created: JSON = {
            "message_id": thread_id,
            "from": by or {"id": 10001, "is_bot": False, "first_name": "Analyst"},
            "chat": chat.as_object(),
            "date": int(time.time()),
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "forum_topic_created": {"name": name, "icon_color": _ICON_COLOR},
        }
        chat.messages[thread_id] = created
        chat.topics[thread_id] = TopicState(thread_id, name, created=created)
        return thread_id

    def _forum(self, chat_id: int) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None or not chat.is_forum:
            raise ValueError(f"chat {chat_id} is not a forum; call make_forum first")
        return chat

    @staticmethod
    def _topic(chat: ChatState, thread_id: int) -> TopicState:
        topic = chat.topics.get(thread_id)
        if topic is None or topic.state == "deleted":
            raise ValueError(f"no topic {thread_id} in chat {chat.id}")
        return topic

    def _api_topic(self, p: Params) -> TopicState:
        chat = self._chat_param(p)
        if not chat.is_forum:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        topic = chat.topics.get(p.integer("message_thread_id"))
        if topic is None or topic.state == "deleted":
            raise ApiError(400, THREAD_NOT_FOUND)
        return topic
