"""Who may see the Mini App's data: the same rule as commands (SUMMITWATCH_ALLOWED_CHATS).

Unset, everyone may. Set, a user may when their private chat (its id is the user's id)
is listed, when Telegram says the app was opened from a listed chat, or when they are a
member of a listed group (asked of Telegram with getChatMember, remembered a while).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field

from bot.webapp.auth import WebAppUser

log = logging.getLogger("summitwatch.webapp")

# (chat id, user id) -> is a member; Telegram's answer, not ours to make up.
MemberCheck = Callable[[int, int], Awaitable[bool]]
# A user removed from a group loses access within this long.
MEMBER_TTL_S = 300.0


@dataclass
class AccessRule:
    """Decides, and remembers group answers for MEMBER_TTL_S."""

    allowed: Collection[int] | None
    is_member: MemberCheck
    _known: dict[int, tuple[float, bool]] = field(default_factory=dict)

    async def may_see(self, user: WebAppUser) -> bool:
        """True when this user may see the bot's data."""
        if self.allowed is None:
            return True
        if user.id in self.allowed or (user.chat_id is not None and user.chat_id in self.allowed):
            return True
        known = self._known.get(user.id)
        now = time.monotonic()
        if known is not None and now - known[0] < MEMBER_TTL_S:
            return known[1]
        answer = False
        for chat_id in sorted(self.allowed):
            if chat_id >= 0:
                continue  # a private chat is its user's alone
            try:
                if await self.is_member(chat_id, user.id):
                    answer = True
                    break
            except Exception as exc:
                log.warning("getChatMember(%s) failed: %s", chat_id, type(exc).__name__)
        self._known[user.id] = (now, answer)
        return answer
