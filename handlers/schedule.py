"""/tz, /quiet and /digest: a chat's time zone, quiet hours and daily digest."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.alerts.schedule import (
    DAY_MINUTES,
    URGENT_CHOICES,
    QuietError,
    chat_zone,
    clock_text,
    find_zone,
    next_daily_moment,
    parse_clock,
    parse_quiet,
)
from bot.kernel.i18n import Translator, resolve_locale
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.replies import reply
from handlers.rights import chat_manager_or_refuse
from storage.chats import get_chat, set_chat_zone, set_daily_digest, set_quiet_hours
from storage.models import Chat

_OFF = {"off", "reset", "default", "выкл", "сброс", "söndür"}
# How a chat's own urgent kinds are named in the answers (event kinds, as typed).
_KINDS = ", ".join(URGENT_CHOICES)


async def _chat(context: BotContext, chat_id: int) -> Chat | None:
    async with context.services.sessions() as session:
        return await get_chat(session, chat_id)


def _zone(context: BotContext, chat: Chat | None) -> str:
    default = context.services.settings.default_locale
    locale = resolve_locale(chat.locale if chat else None, None, default)
    return chat_zone(chat.tz if chat else None, locale)


async def chat_zone_of(context: BotContext, chat_id: int) -> str:
    """The zone a chat's "your time" is shown in (/tz, else its language's)."""
    return _zone(context, await _chat(context, chat_id))


def _now(context: BotContext) -> datetime:
    return context.services.delivery_clock()


def _zone_line(t: Translator, zone: str, now: datetime) -> str:
    return t._("{zone}, local time now {time}", zone=zone, time=t.date_time(now, zone))


async def tz_command(update: Update, context: BotContext) -> None:
    """Show or set the chat's time zone."""
    t = await chat_translator(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    args = context.args or []
    stored = await _chat(context, chat.id)
    now = _now(context)
    if not args:
        text = t._(
            "This chat's time zone: {zone}.", zone=_zone_line(t, _zone(context, stored), now)
        )
        await reply(update, text + "\n" + t._("Change it with /tz Europe/Berlin (any IANA name)."))
        return
    wanted = " ".join(args)
    if wanted.strip().lower() in _OFF:
        zone = None
    else:
        zone = find_zone(wanted)
        if zone is None:
            await reply(
                update,
                t._(
                    "I do not know a time zone called “{name}”. Use an IANA name such as "
                    "Europe/Moscow, Asia/Baku or America/New_York.",
                    name=wanted[:64],
                ),
            )
            return
    if not await chat_manager_or_refuse(update, context, t):
        return
    async with context.services.sessions.begin() as session:
        await set_chat_zone(session, chat.id, zone)
        updated = await get_chat(session, chat.id)
    shown = _zone_line(t, _zone(context, updated), now)
    if zone is None:
        await reply(update, t._("Time zone reset to the language's: {zone}.", zone=shown))
    else:
        await reply(update, t._("Time zone set: {zone}.", zone=shown))


def _quiet_refusal(t: Translator, reason: str) -> str:
    if reason == "empty":
        return t._("A quiet period cannot start and end at the same time.")
    if reason == "whole":
        return t._("Quiet hours cannot cover the whole day; /mute holds alerts for longer.")
    if reason == "overlap":
        return t._("These quiet periods overlap. Give one period, for example /quiet 22:00-07:00.")
    if reason == "several":
        return t._("A chat has one quiet period a day. Give one, for example /quiet 23:00-07:00.")
    return t._(
        "Send /quiet with a period in local time, for example /quiet 23:00-07:00, "
        "optionally followed by kinds that still come at once ({kinds}); /quiet off ends it.",
        kinds=_KINDS,
    )


def _quiet_text(t: Translator, chat: Chat, zone: str) -> str:
    if chat.quiet_start is None or chat.quiet_end is None:
        return t._(
            "No quiet hours. /quiet 23:00-07:00 holds alerts during that time and sends them "
            "as one digest when it ends; emergencies always come at once."
        )
    period = f"{clock_text(chat.quiet_start)}–{clock_text(chat.quiet_end)}"
    kinds = ", ".join(["emergency", *[k for k in (chat.urgent_kinds or "").split(",") if k]])
    return t._(
        "Quiet hours {period} ({zone}): alerts are held and sent as one digest when they "
        "end. Still sent at once: {kinds}. /quiet off ends them.",
        period=period,
        zone=zone,
        kinds=kinds,
    )


async def quiet_command(update: Update, context: BotContext) -> None:
    """Show, set or end the chat's quiet hours."""
    t = await chat_translator(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    args = context.args or []
    stored = await _chat(context, chat.id)
    if not args:
        if stored is not None:
            await reply(update, _quiet_text(t, stored, _zone(context, stored)))
        return
    off = len(args) == 1 and args[0].strip().lower() in _OFF
    start = end = None
    urgent: str | None = None
    if not off:
        try:
            start, end, kinds = parse_quiet(args)
        except QuietError as error:
            await reply(update, _quiet_refusal(t, error.reason))
            return
        urgent = ",".join(kinds) or None
    if not await chat_manager_or_refuse(update, context, t):
        return
    async with context.services.sessions.begin() as session:
        await set_quiet_hours(session, chat.id, start, end, urgent)
        updated = await get_chat(session, chat.id)
    if updated is None:
        return
    if off:
        # Whatever they held goes out as their digest at the worker's next look.
        await reply(update, t._("Quiet hours are off; anything they held follows as a digest."))
        context.services.wake_delivery()
        return
    await reply(update, _quiet_text(t, updated, _zone(context, updated)))


async def digest_command(update: Update, context: BotContext) -> None:
    """Show, set or end the chat's daily digest."""
    t = await chat_translator(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    args = context.args or []
    stored = await _chat(context, chat.id)
    now = _now(context)
    if not args:
        if stored is None or stored.digest_at is None:
            text = t._(
                "No daily digest. /digest 08:00 sends a summary of the chat's last day "
                "(flights per person, statements, venue changes) every day at that local time."
            )
        else:
            text = _digest_set(t, stored.digest_at, _zone(context, stored), now)
        await reply(update, text)
        return
    wanted = " ".join(args).strip().lower()
    at = None if wanted in _OFF else parse_clock(wanted)
    if wanted not in _OFF and at is None:
        await reply(
            update,
            t._("Send /digest with a local time, for example /digest 08:00, or /digest off."),
        )
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    async with context.services.sessions.begin() as session:
        await set_daily_digest(session, chat.id, at, now=now)
        updated = await get_chat(session, chat.id)
    if at is None or updated is None:
        await reply(update, t._("The daily digest is off."))
        return
    context.services.wake_delivery()
    await reply(update, _digest_set(t, at, _zone(context, updated), now))


def _digest_set(t: Translator, at: int, zone: str, now: datetime) -> str:
    upcoming = next_daily_moment(now, at % DAY_MINUTES, zone)
    return t._(
        "A daily digest is sent at {time} ({zone}); the next one {next}. /digest off ends it.",
        time=clock_text(at),
        zone=zone,
        next=t.date_time(upcoming, zone),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("tz", tz_command))
    application.add_handler(CommandHandler("quiet", quiet_command))
    application.add_handler(CommandHandler("digest", digest_command))
