"""SUMMITWATCH_ALLOWED_CHATS: when set, the bot answers only the listed chats."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.kernel.i18n import resolve_locale, translator
from handlers.context import BotContext

log = logging.getLogger("summitwatch.access")


async def gate(update: Update, context: BotContext) -> None:
    """Stop updates from chats that are not allowed, with one polite answer to commands."""
    allowed = context.services.settings.allowed_chats
    chat = update.effective_chat
    if allowed is None or chat is None or chat.id in allowed:
        return
    log.info(
        "refused update %s from chat %s (not in SUMMITWATCH_ALLOWED_CHATS)",
        update.update_id,
        chat.id,
    )
    user = update.effective_user
    t = translator(
        resolve_locale(
            None, user.language_code if user else None, context.services.settings.default_locale
        )
    )
    text = t._("Sorry, this bot is private to its team and does not work in this chat.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None and (update.effective_message.text or "").startswith(
        "/"
    ):
        await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Run the gate before every other handler."""
    application.add_handler(TypeHandler(Update, gate), group=-1)
