"""/timeline <who|place> [days]: flights, statements and venue changes in time order, as
text in the chat's zone and UTC and as a chart (drawn in the map worker, sent once and
then by Telegram's file id)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import LinkPreviewOptions, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler

from bot.exports.timeline import (
    DEFAULT_DAYS,
    MAX_DAYS,
    Timeline,
    place_timeline,
    subject_timeline,
)
from bot.exports.timeline_chart import ChartSpec, chart_spec, draw_chart
from bot.exports.timeline_text import timeline_blocks
from bot.flights import airports
from bot.kernel.i18n import Translator
from bot.kernel.numbers import looks_numeric, parse_int
from bot.venues.knowledge import Knowledge, Venue
from bot.venues.ranking import current_knowledge
from bot.watch.subject import find_subject
from bot.watch.watchlist_text import pages
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.schedule import chat_zone_of
from storage.picture_files import forget_picture, picture_file_id, remember_picture

log = logging.getLogger("summitwatch.timeline")

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_WRONG_FILE_ID = "wrong file identifier"


@dataclass(frozen=True, slots=True)
class _Asked:
    words: list[str]
    days: int | None  # None: a number was typed but is no valid count of days


def _usage(t: Translator) -> str:
    return t._(
        "Send /timeline with a person, aircraft or place, then optionally how many days "
        "(1 to {max}, default {default}), for example /timeline witkoff 14 or /timeline Баку.",
        max=MAX_DAYS,
        default=DEFAULT_DAYS,
    )


def _parse(args: list[str]) -> _Asked:
    words = list(args)
    if len(words) > 1 and (looks_numeric(words[-1]) or words[-1].lstrip("+-").isdigit()):
        return _Asked(words[:-1], parse_int(words[-1], low=1, high=MAX_DAYS))
    return _Asked(words, DEFAULT_DAYS)


async def timeline_command(update: Update, context: BotContext) -> None:
    """Answer with the timeline's text in parts, then its chart."""
    t = await chat_translator(update, context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    asked = _parse(list(context.args or []))
    query = " ".join(asked.words).strip()
    if not query:
        await message.reply_text(_usage(t))
        return
    if asked.days is None:
        await message.reply_text(
            t._("The number of days must be a whole number from 1 to {max}.", max=MAX_DAYS)
            + " "
            + _usage(t)
        )
        return
    days = asked.days
    until = context.services.clock()
    since = until - timedelta(days=days)
    zone = await chat_zone_of(context, chat.id)
    async with context.services.sessions() as session:
        found = await _resolve(session, query, t)
        if isinstance(found, str):
            await message.reply_text(found)
            return
        label, read = found
        timeline = await read(session, since, until)
    if not timeline.moments:
        await message.reply_text(
            t.n_(
                "Nothing happened for {what} in the last {n} day: no flights, statements "
                "or venue changes are stored.",
                "Nothing happened for {what} in the last {n} days: no flights, statements "
                "or venue changes are stored.",
                days,
                what="<b>" + escape(label) + "</b>",
            )
        )
        return
    for page in pages(timeline_blocks(timeline, label, days, zone, t)):
        await message.reply_text(page.strip(), link_preview_options=_NO_PREVIEW)
    await _send_chart(message, context, chart_spec(timeline, label, zone, t))


Reader = Callable[[AsyncSession, datetime, datetime], Awaitable[Timeline]]


def _place_reader(airport_codes: Sequence[str], venue_slug: str | None) -> Reader:
    async def read(session: AsyncSession, since: datetime, until: datetime) -> Timeline:
        return await place_timeline(session, airport_codes, venue_slug, since=since, until=until)

    return read


def _subject_reader(hexes: Sequence[str], person_slug: str | None) -> Reader:
    async def read(session: AsyncSession, since: datetime, until: datetime) -> Timeline:
        return await subject_timeline(session, hexes, person_slug, since=since, until=until)

    return read


def _venue_of_code(code: str, knowledge: Knowledge) -> Venue | None:
    """The venue one of whose airports has this IATA or ICAO code."""
    for venue in knowledge.venues:
        for icao in venue.airports:
            known = airports.get(icao)
            if code in (icao, known.iata if known is not None else None):
                return venue
    return None


async def _resolve(session: AsyncSession, query: str, t: Translator) -> tuple[str, Reader] | str:
    """(label, how to read its timeline) for a venue, a person or aircraft, or an airport
    code; otherwise the answer that says why not."""
    knowledge, _ = await current_knowledge(session)
    code = query.strip().upper()
    match = knowledge.match(query)
    venue = _venue_of_code(code, knowledge) if len(code) in (3, 4) else None
    venue = venue or match.venue
    if venue is not None:
        return venue.name(t.locale), _place_reader(venue.airports, venue.slug)
    if match.how == "ambiguous" and match.candidates:
        return t._(
            "“{query}” matches several places: {names}. Be more specific.",
            query=escape(query[:80]),
            names=", ".join(escape(v.name(t.locale)) for v in match.candidates),
        )
    lookup = await find_subject(session, query, t.locale)
    subject = lookup.subject
    if subject is not None:
        slug = subject.person.slug if subject.person is not None else None
        return subject.label, _subject_reader(subject.hexes, slug)
    airport = airports.get(code) if len(code) == 4 and code.isalnum() else None
    if airport is not None:
        return f"{airport.name} ({airport.iata or airport.icao})", _place_reader([code], None)
    shown = escape(query[:80])
    if lookup.choices:
        return t._(
            "“{query}” matches several people: {names}. Be more specific.",
            query=shown,
            names=", ".join(escape(c.label) for c in lookup.choices),
        )
    text = t._("I found no person, aircraft or place matching “{query}”.", query=shown)
    if lookup.suggestions:
        text += " " + t._(
            "Did you mean: {names}?", names=", ".join(escape(n) for n in lookup.suggestions)
        )
    return text + " " + t._("See /watchlist and /venues.")


async def _send_chart(message: Message, context: BotContext, spec: ChartSpec) -> None:
    """The chart by its remembered file id, else drawn and uploaded (its id remembered)."""
    key = spec.key()
    async with context.services.sessions() as session:
        known = await picture_file_id(session, key)
    if known is not None:
        try:
            await message.reply_photo(known)
            return
        except BadRequest as error:
            if _WRONG_FILE_ID not in str(error).lower():
                raise
            async with context.services.sessions.begin() as session:
                await forget_picture(session, key)
    # Drawing is CPU-bound (in the worker process, or here when none runs): off the loop.
    picture = await asyncio.to_thread(draw_chart, spec)
    if picture is None:
        return
    sent = await message.reply_photo(picture.png)
    if sent.photo:
        async with context.services.sessions.begin() as session:
            await remember_picture(session, key, sent.photo[-1].file_id)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("timeline", timeline_command))
