"""/export <who|source|venue> [days] [csv|json]: the stored history as a document."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler

from bot.exports.document import FORMATS, ExportFile
from bot.exports.gather import flights_file, statements_file, venue_file
from bot.kernel.i18n import Translator
from bot.kernel.numbers import looks_numeric, parse_int
from bot.venues.ranking import current_knowledge
from bot.watch.subject import find_subject
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.schedule import chat_zone_of
from storage.sources import source_named
from storage.venues import venue_by_slug

DEFAULT_DAYS = 7
MAX_DAYS = 365
_KINDS = {"who", "person", "aircraft", "source", "venue"}


def _usage(t: Translator) -> str:
    return t._(
        "Send /export with a person, aircraft, source or venue, then optionally how many "
        "days (1 to {max}, default {default}) and csv or json, for example "
        "/export witkoff 30 csv or /export kremlin-en 7 json.",
        max=MAX_DAYS,
        default=DEFAULT_DAYS,
    )


def _options(words: list[str]) -> tuple[list[str], int, str] | None:
    """(name words, days, format) from the end of the arguments; None when malformed."""
    fmt = "csv"
    if words and words[-1].lower() in FORMATS:
        fmt = words.pop().lower()
    days = DEFAULT_DAYS
    if len(words) > 1 and looks_numeric(words[-1]):
        parsed = parse_int(words.pop(), low=1, high=MAX_DAYS)
        if parsed is None:
            return None
        days = parsed
    if not words:
        return None
    return words, days, fmt


async def export_command(update: Update, context: BotContext) -> None:
    """Send the history of a subject, source or venue as a CSV or JSON document."""
    t = await chat_translator(update, context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    parsed = _options(list(context.args or []))
    if parsed is None:
        await message.reply_text(_usage(t))
        return
    words, days, fmt = parsed
    kind = words.pop(0).lower() if len(words) > 1 and words[0].lower() in _KINDS else None
    query = " ".join(words).strip()
    until = context.services.clock()
    since = until - timedelta(days=days)
    zone = await chat_zone_of(context, chat.id)
    async with context.services.sessions() as session:
        exported: ExportFile | None = None
        what = None
        source = await source_named(session, query) if kind in (None, "source") else None
        if source is not None:
            what = source.name
            exported = await statements_file(
                session, source, since=since, until=until, zone=zone, fmt=fmt
            )
        venue = None
        if what is None and kind in (None, "venue"):
            knowledge, _ = await current_knowledge(session)
            match = knowledge.match(query).venue
            venue = await venue_by_slug(session, match.slug) if match is not None else None
        if venue is not None:
            what = venue.names.get(t.locale) or venue.names.get("en") or venue.slug
            exported = await venue_file(
                session, venue, since=since, until=until, zone=zone, fmt=fmt
            )
        if what is None and kind in (None, "who", "person", "aircraft"):
            subject = (await find_subject(session, query, t.locale)).subject
            if subject is not None:
                what = subject.label
                exported = await flights_file(
                    session,
                    subject.label,
                    subject.hexes,
                    since=since,
                    until=until,
                    zone=zone,
                    fmt=fmt,
                )
    if what is None:
        await message.reply_text(
            t._(
                "I found no person, aircraft, source or venue matching “{query}”. "
                "See /watchlist, /sources and /venues.",
                query=escape(query[:80]),
            )
        )
        return
    if exported is None:
        await message.reply_text(
            t.n_(
                "Nothing is stored for {what} in the last {n} day.",
                "Nothing is stored for {what} in the last {n} days.",
                days,
                what="<b>" + escape(what) + "</b>",
            )
        )
        return
    caption = t.n_(
        "{what}: {rows} rows of the last {n} day; times in UTC and {zone}, with sources.",
        "{what}: {rows} rows of the last {n} days; times in UTC and {zone}, with sources.",
        days,
        what=escape(what),
        rows=exported.rows,
        zone=zone,
    )
    if exported.rows < exported.total:
        caption += " " + t._(
            "Cut to the newest {rows} of {total} rows to keep the file small; "
            "ask for fewer days for the rest.",
            rows=exported.rows,
            total=exported.total,
        )
    await message.reply_document(InputFile(exported.data, filename=exported.name), caption=caption)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("export", export_command))
