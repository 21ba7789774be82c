"""Who may change a chat's settings or the bot's shared data, and the refusal for others."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.kernel.i18n import Translator
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


async def bot_admin_or_refuse(update: Update, context: BotContext, t: Translator) -> bool:
    """Whether the sender is a bot admin (SUMMITWATCH_ADMIN_IDS); refuse anyone else.

    For the watchlist, sources, venue corrections and dead letters, which all chats share.
    """
    user = update.effective_user
    if context.services.is_bot_admin(user.id if user else None):
        return True
    await _refuse(update, t._("Only the bot's administrators can do this."))
    return False


async def chat_manager_or_refuse(update: Update, context: BotContext, t: Translator) -> bool:
    """Whether the sender may change this chat's settings (`can_manage_chat`); refuse others."""
    if await can_manage_chat(update, context):
        return True
    await _refuse(update, t._("Only the group's administrators can change this."))
    return False


async def _refuse(update: Update, text: str) -> None:
    # A button press is answered with an alert: a reply would land in the chat for everyone.
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(text)
