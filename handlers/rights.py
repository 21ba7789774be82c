"""Who may change a chat's settings."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from handlers.context import BotContext

_ADMIN_STATUSES = {ChatMember.OWNER, ChatMember.ADMINISTRATOR}


async def can_manage_chat(update: Update, context: BotContext) -> bool:
    """In private chats the user may; in groups chat administrators and bot admins may."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE or context.services.is_bot_admin(user.id):
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        # Unknown rights are no rights: refuse rather than let anyone change a group.
        return False
    return member.status in _ADMIN_STATUSES
