"""The fake Bot API's chat and member methods: getChat, getChatMember, answerCallbackQuery."""

from __future__ import annotations

from typing import Final

from .core import BotAPICore
from .objects import ApiError, MemberStatus, Params, chat_member
from .records import JSON, AnsweredCallback
from .text import utf16_len

__all__ = ["ChatMethods"]

_QUERY_INVALID: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


class ChatMethods(BotAPICore):
    """What the bot asks about chats and members, and its answers to button presses."""

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
        # A channel's members are not listed: anyone but its administrators reads as "left".
        default: MemberStatus = "left" if chat.type == "channel" else "member"
        member = chat_member(
            chat.members.get(user_id, default), user, channel=chat.type == "channel"
        )
        if user_id == self.bot_user["id"] and member.get("can_post_messages"):
            member["can_post_messages"] = chat.bot_can_post
        return member
