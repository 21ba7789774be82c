"""Editing the message under a pressed button, the one way every handler does it."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest


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
