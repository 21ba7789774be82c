"""The Mini App's button for a command's answer, by the chat it goes to."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.kernel.i18n import Translator
from bot.webapp.buttons import open_button
from handlers.context import BotContext


def app_button(update: Update, context: BotContext, t: Translator) -> InlineKeyboardMarkup | None:
    """The 'Open the map' button, or None when SUMMITWATCH_WEBAPP_URL is unset."""
    chat = update.effective_chat
    return open_button(
        context.services.settings.webapp_url,
        chat.type if chat is not None else None,
        context.bot.username,
        t.locale,
    )
