"""/deadletters: alerts that could not be delivered, and retrying them (bot admins only)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.kernel.i18n import Translator
from bot.kernel.numbers import MAX_ROW_ID, parse_int
from handlers.buttons import show
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import bot_admin_or_refuse
from storage import outbox
from storage.types import utcnow

PREFIX = "dl:"
RETRY_ALL = f"{PREFIX}retry:all"
SHOWN = 20


async def _listing(context: BotContext, t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
    async with context.services.sessions() as session:
        rows = await outbox.dead_rows(session, limit=SHOWN)
    if not rows:
        return t._("No dead letters: every alert was delivered or is still being tried."), None
    title = t._("Alerts that could not be delivered (newest first):")
    lines = [f"<b>{title}</b>"]
    for row in rows:
        lines.append(
            t._(
                "#{id} to chat {chat} ({event}, {attempts} attempts): {reason}",
                id=row.id,
                chat=row.chat_id,
                event=escape(row.event_type),
                attempts=row.attempts,
                reason=escape(row.last_error or "?"),
            )
        )
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t._("Retry all"), callback_data=RETRY_ALL)]]
    )
    return "\n".join(lines), keyboard


def _retry_ids(words: list[str]) -> tuple[int, ...] | None:
    """The ids after `retry`: () for all (nothing or "all"), None when a word is neither.

    An id beyond any row's is refused here: the database would raise on binding it.
    """
    if not words or [w.lower() for w in words] == ["all"]:
        return ()
    ids = tuple(parse_int(word, low=1, high=MAX_ROW_ID) for word in words)
    return None if None in ids else tuple(i for i in ids if i is not None)


async def deadletters_command(update: Update, context: BotContext) -> None:
    """List dead letters; `/deadletters retry [id ...|all]` queues them again."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None or not await bot_admin_or_refuse(update, context, t):
        return
    args = context.args or []
    if args and args[0].lower() == "retry":
        ids = _retry_ids(args[1:])
        if ids is None:
            await message.reply_text(t._("Send /deadletters retry all, or the numbers to retry."))
            return
        async with context.services.sessions.begin() as session:
            count = await outbox.retry_dead(session, now=utcnow(), ids=list(ids) or None)
        context.services.wake_delivery()
        await message.reply_text(t.n_("{n} alert queued again.", "{n} alerts queued again.", count))
        return
    text, keyboard = await _listing(context, t)
    await message.reply_text(text, reply_markup=keyboard)


async def deadletters_button(update: Update, context: BotContext) -> None:
    """The "Retry all" button."""
    query = update.callback_query
    if query is None:
        return
    t = await chat_translator(update, context)
    if query.data != RETRY_ALL:
        await query.answer(t._("This button is out of date."))
        return
    if not await bot_admin_or_refuse(update, context, t):
        return
    async with context.services.sessions.begin() as session:
        count = await outbox.retry_dead(session, now=utcnow())
    context.services.wake_delivery()
    await query.answer(t.n_("{n} alert queued again.", "{n} alerts queued again.", count))
    text, keyboard = await _listing(context, t)
    await show(query, text, reply_markup=keyboard)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("deadletters", deadletters_command))
    application.add_handler(CallbackQueryHandler(deadletters_button, pattern=f"^{PREFIX}"))
