"""Answering the message an update carries (in its forum topic: PTB's reply_text keeps it)."""

from __future__ import annotations

from telegram import Update


async def reply(update: Update, text: str) -> None:
    """Answer the update's message with `text`; an update without one gets nothing."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)
