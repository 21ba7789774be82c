"""/mute <duration> and /unmute: alerts are held while muted, then summarised."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.alerts.mute import end_mute, parse_duration
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import chat_manager_or_refuse
from handlers.schedule import chat_zone_of
from storage.chats import set_mute


async def mute_command(update: Update, context: BotContext) -> None:
    """Mute this chat's alerts for a while."""
    t = await chat_translator(update, context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    duration = parse_duration(" ".join(context.args or []))
    if duration is None:
        await message.reply_text(
            t._("Send /mute with a duration, for example /mute 2h or /mute 1d (at most 30 days).")
        )
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    # Mutes run out and end in a digest by the delivery worker's clock.
    until = context.services.delivery_clock() + duration
    async with context.services.sessions.begin() as session:
        await set_mute(session, chat.id, until)
    await message.reply_text(
        t._(
            "Alerts are muted until {time}. They are kept and summarised when the mute ends; "
            "/unmute ends it now.",
            time=t.date_time(until, await chat_zone_of(context, chat.id)),
        )
    )


async def unmute_command(update: Update, context: BotContext) -> None:
    """End the mute now; what arrived meanwhile follows as one digest."""
    t = await chat_translator(update, context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    async with context.services.sessions.begin() as session:
        missed = await end_mute(session, chat.id, now=context.services.delivery_clock())
    text = t._("Alerts are on again.")
    if missed:
        text += " " + t.n_(
            "{n} alert arrived while muted; a summary follows.",
            "{n} alerts arrived while muted; a summary follows.",
            missed,
        )
    await message.reply_text(text)
    # Only now: the confirmation comes before the digest it announces.
    context.services.wake_delivery()


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("mute", mute_command))
    application.add_handler(CommandHandler("unmute", unmute_command))
