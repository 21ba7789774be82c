"""/track, /untrack and /watchlist: bot admins change the watchlist, anyone may read it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from html import escape

from telegram import LinkPreviewOptions, Update
from telegram.ext import Application, CommandHandler

from bot.kernel.i18n import N_, Translator
from bot.watch.confidence import confidence_hint, confidence_label, parse_confidence
from bot.watch.lookup import HEX_RE, resolve
from bot.watch.person_text import person_label
from bot.watch.subject import suggestions
from bot.watch.watchlist_text import aircraft_label, watchlist_pages
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import bot_admin_or_refuse
from storage.models import LinkConfidence, Person, SubscriptionKind
from storage.types import utcnow
from storage.watchlist import (
    add_aircraft,
    aircraft_by_ident,
    all_aircraft,
    all_links,
    all_people,
    person_by_slug,
    remove_aircraft,
    remove_link,
    set_link,
)

# A note follows the arguments after " | " (or an em dash, which phones type for "--").
_NOTE = re.compile(r"\s+(?:\||—|--)\s*")
_HEXISH = re.compile(r"^(0x)?[0-9a-fA-F]+$")
AIRCRAFT_SOURCE = "analyst via /track"
MAX_NOTE = 1024
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class Refusal(Exception):
    """Input we cannot act on; the message (already localized) says why."""


def _command_text(update: Update) -> str:
    message = update.effective_message
    text = (message.text or "") if message else ""
    return text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""


async def _hex_of(context: BotContext, ident: str, t: Translator) -> str:
    """A valid ICAO hex, or the hex of an aircraft known by this registration."""
    if HEX_RE.match(ident):
        if int(ident, 16) == 0:
            raise Refusal(t._("000000 is not an aircraft address."))
        return ident.lower()
    async with context.services.sessions() as session:
        known = await aircraft_by_ident(session, ident)
    if known is not None:
        return known.hex
    shown = escape(ident[:40])
    if _HEXISH.match(ident):
        raise Refusal(
            t._(
                "“{text}” is not a valid ICAO hex: it has exactly 6 hexadecimal digits, "
                "such as a1b2c3.",
                text=shown,
            )
        )
    raise Refusal(
        t._(
            "I do not know the registration “{text}”. Send the aircraft's ICAO hex "
            "(6 hexadecimal digits, such as a1b2c3) instead.",
            text=shown,
        )
    )


async def _person(context: BotContext, words: list[str], t: Translator) -> Person:
    """The one person `words` name; a Refusal with choices or suggestions otherwise."""
    query = " ".join(words)
    async with context.services.sessions() as session:
        resolved = await resolve(session, SubscriptionKind.PERSON, query, t.locale)
        if resolved.unique is not None:
            person = await person_by_slug(session, resolved.unique.key)
            if person is not None:
                return person
        # "witkoff sure": the person is fine, the last word is a bad confidence word.
        if len(words) > 1:
            shorter = await resolve(
                session, SubscriptionKind.PERSON, " ".join(words[:-1]), t.locale
            )
            if shorter.unique is not None:
                raise Refusal(
                    t._("Unknown confidence “{word}”.", word=escape(words[-1][:40]))
                    + " "
                    + confidence_hint(t)
                )
        close = await suggestions(session, query, t.locale)
    if resolved.choices:
        names = ", ".join(escape(c.label) for c in resolved.choices)
        raise Refusal(
            t._(
                "“{query}” matches several people: {names}. Be more specific.",
                query=escape(query[:80]),
                names=names,
            )
        )
    text = t._("I found no watched person matching “{query}”.", query=escape(query[:80]))
    if close:
        text += " " + t._("Did you mean: {names}?", names=", ".join(escape(n) for n in close))
    raise Refusal(text + " " + t._("See /watchlist."))


def _split(update: Update) -> tuple[list[str], str | None]:
    text, note = _command_text(update), None
    parts = _NOTE.split(text, maxsplit=1)
    if len(parts) == 2:
        text, note = parts[0], parts[1].strip()[:MAX_NOTE] or None
    return text.split(), note


TRACK_USAGE = N_(
    "Send /track HEX [person] [believed|confirmed], for example "
    "/track a1b2c3 witkoff believed. A note may follow after “|”."
)
UNTRACK_USAGE = N_("Send /untrack HEX [person], for example /untrack a1b2c3.")
Change = Callable[[Update, BotContext, Translator, list[str], str | None], Awaitable[str]]


async def _change(update: Update, context: BotContext, usage: str, change: Change) -> None:
    """Run a watchlist change for a bot admin and reply with its outcome or refusal."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None or not await bot_admin_or_refuse(update, context, t):
        return
    words, note = _split(update)
    if not words:
        await message.reply_text(t._(usage))
        return
    try:
        text = await change(update, context, t, words, note)
    except Refusal as refusal:
        text = str(refusal)
    await message.reply_text(text)


async def track_command(update: Update, context: BotContext) -> None:
    """`/track <hex|registration> [person] [believed|confirmed] [| note]`."""
    await _change(update, context, TRACK_USAGE, _track)


async def _track(
    update: Update, context: BotContext, t: Translator, words: list[str], note: str | None
) -> str:
    user = update.effective_user
    by = user.id if user else None
    hex_code = await _hex_of(context, words[0], t)
    rest = words[1:]
    confidence = parse_confidence(rest[-1]) if rest else None
    if confidence is not None:
        rest = rest[:-1]
    person = await _person(context, rest, t) if rest else None
    if person is None and (confidence is not None or note):
        raise Refusal(
            t._(
                "A confidence or a note belongs to a person: /track {hex} witkoff believed | note.",
                hex=hex_code,
            )
        )
    async with context.services.sessions.begin() as session:
        aircraft, created = await add_aircraft(session, hex_code, by=by, source=AIRCRAFT_SOURCE)
        label = "<b>" + escape(aircraft_label(aircraft)) + "</b>"
        if person is None or person.id is None:
            if created:
                return t._("Now watching aircraft {aircraft}.", aircraft=label)
            return t._("Aircraft {aircraft} is already on the watchlist.", aircraft=label)
        link = await set_link(
            session,
            person.id,
            hex_code,
            confidence=confidence or LinkConfidence.BELIEVED,
            note=note,
            by=by,
            now=utcnow(),
        )
    return t._(
        "Watching aircraft {aircraft}, linked to {person} ({confidence}). "
        "Set by you; see /watchlist.",
        aircraft=label,
        person="<b>" + escape(person_label(person, t.locale)) + "</b>",
        confidence=escape(confidence_label(link.confidence, t)),
    )


async def untrack_command(update: Update, context: BotContext) -> None:
    """`/untrack <hex|registration> [person]`: drop the aircraft, or only one person's link."""
    await _change(update, context, UNTRACK_USAGE, _untrack)


async def _untrack(
    update: Update, context: BotContext, t: Translator, words: list[str], note: str | None
) -> str:
    hex_code = await _hex_of(context, words[0], t)
    person = await _person(context, words[1:], t) if words[1:] else None
    user = update.effective_user
    by = user.id if user else None
    async with context.services.sessions.begin() as session:
        if person is not None and person.id is not None:
            name = "<b>" + escape(person_label(person, t.locale)) + "</b>"
            if await remove_link(session, person.id, hex_code, by=by):
                return t._("{person} is no longer linked to {hex}.", person=name, hex=hex_code)
            return t._("{person} was not linked to {hex}.", person=name, hex=hex_code)
        if await remove_aircraft(session, hex_code, by=by):
            return t._("Stopped watching {hex}. Its stored flights are kept.", hex=hex_code)
    return t._("{hex} is not on the watchlist. See /watchlist.", hex=hex_code)


async def watchlist_command(update: Update, context: BotContext) -> None:
    """People and aircraft watched, with links, confidence and who set them when."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None:
        return
    async with context.services.sessions() as session:
        people = await all_people(session)
        fleet = await all_aircraft(session)
        links = await all_links(session)
    for page in watchlist_pages(people, fleet, links, t):
        await message.reply_text(page, link_preview_options=NO_PREVIEW)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("track", track_command))
    application.add_handler(CommandHandler("untrack", untrack_command))
    application.add_handler(CommandHandler("watchlist", watchlist_command))
