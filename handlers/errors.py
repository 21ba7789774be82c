"""The one error handler: log the failure, answer the user politely, never leak secrets."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.kernel.i18n import resolve_locale, translator
from handlers.context import BotContext

log = logging.getLogger("summitwatch.handlers")


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception with the update's ids and tell the user something went wrong."""
    error = context.error
    ids = ""
    if isinstance(update, Update):
        chat_id = update.effective_chat.id if update.effective_chat else None
        ids = f" update={update.update_id} chat={chat_id}"
    log.error("handler failed:%s", ids, exc_info=error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    user = update.effective_user
    t = translator(
        resolve_locale(
            None,
            user.language_code if user else None,
            context.services.settings.default_locale,
        )
    )
    try:
        await update.effective_message.reply_text(
            t._("Sorry, something went wrong on my side. It has been logged; please try again.")
        )
    except TelegramError:
        log.warning("could not tell the user about the failure:%s", ids)
