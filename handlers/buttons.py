"""Editing the message under a pressed button, the one way every handler does it."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from handlers.context import BotContext
from handlers.locale import chat_translator


def is_not_modified(error: BadRequest) -> bool:
    """Telegram's 400 for an edit that would change nothing."""
    return "message is not modified" in error.message.lower()


async def show(
    query: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show `text` (and buttons) in the pressed button's message.

    A second tap on a button whose answer is already shown (the ticked language, a
    subscription removed by the first tap) makes Telegram refuse the edit as "not
    modified": the message already says what it should, so there is nothing to do.
    The press itself is answered by the caller before the edit.
    """
    try:
        await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:
        if not is_not_modified(error):
            raise


async def unknown_button(update: Update, context: BotContext) -> None:
    """A press no handler claims (forged data, a button of an older version of the bot).

    Unanswered, the user's app would spin on the button until Telegram gives up.
    """
    query = update.callback_query
    if query is None:
        return
    t = await chat_translator(update, context)
    await query.answer(t._("This button is out of date."))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the catch-all for button presses; registered after every other module."""
    application.add_handler(CallbackQueryHandler(unknown_button))
