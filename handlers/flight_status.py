"""/status and /flights: where a person's or an aircraft's jets are, and where they went."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from datetime import timedelta
from html import escape
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import LinkPreviewOptions, Update
from telegram.ext import Application, CommandHandler

from bot.flights import airports as airport_data
from bot.flights.destination_status import open_predictions, prediction_line
from bot.flights.overview import AircraftOverview, aircraft_overviews, recent_flights, recent_track
from bot.flights.status_text import flight_line, globe_link, state_line, track_picture
from bot.kernel.i18n import Translator
from bot.kernel.inflection import Name
from bot.kernel.numbers import looks_numeric, parse_int
from bot.links.status import links_section
from bot.statements.views import status_section
from bot.watch.confidence import confidence_label
from bot.watch.person_text import person_name, person_role
from bot.watch.subject import Subject, SubjectLookup, find_subject
from bot.watch.watchlist_text import link_provenance, pages
from handlers.context import BotContext
from handlers.fleet import DETAIL_UP_TO, Member, fleet_messages, split_page
from handlers.locale import chat_translator
from handlers.webapp_button import app_button
from storage.flight_records import Fix
from storage.models import Aircraft, FlightEventRow, PersonAircraft
from storage.types import utcnow

log = logging.getLogger("summitwatch.status")

DEFAULT_FLIGHTS = 5
MAX_FLIGHTS = 20
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class StatusSection(Protocol):
    """An extra part of /status from another feature, or None when it has nothing to say.

    Example: the statements feature adds "latest statements mentioning the person".
    Arguments are plain values so that a feature package can provide one without
    importing this module: the person's slug (None for an aircraft), the aircraft's
    ICAO hexes, and the translator of the chat. The text is HTML, already escaped.
    """

    def __call__(
        self,
        session: AsyncSession,
        person_slug: str | None,
        hexes: Sequence[str],
        t: Translator,
    ) -> Awaitable[str | None]: ...


# Extra sections shown after the flight part of /status, in this order.
STATUS_SECTIONS: tuple[StatusSection, ...] = (status_section,)


async def _extra_sections(
    context: BotContext, session: AsyncSession, subject: Subject, t: Translator
) -> list[str | None]:
    """The extra sections' texts; none while the statement watch is off, where the
    statements section would load its watchlist only to say no source was seen."""
    if not context.services.settings.statements_enabled:
        return []
    slug = subject.person.slug if subject.person else None
    texts = [await section(session, slug, subject.hexes, t) for section in STATUS_SECTIONS]
    settings = context.services.settings
    texts.append(
        await links_section(
            session,
            slug,
            t,
            now=context.services.clock(),
            country_of=_airport_country,
            silence_window=timedelta(hours=settings.host_silence_window_h),
        )
    )
    return texts


def _airport_country(icao: str) -> str | None:
    airport = airport_data.get(icao)
    return airport.country if airport is not None else None


async def _not_found(lookup: SubjectLookup, query: str, t: Translator) -> str:
    shown = escape(query[:80])
    if lookup.choices:
        names = ", ".join(escape(c.label) for c in lookup.choices)
        return t._(
            "“{query}” matches several people: {names}. Be more specific.",
            query=shown,
            names=names,
        )
    text = t._("I found no person, aircraft or callsign matching “{query}”.", query=shown)
    if lookup.suggestions:
        text += " " + t._(
            "Did you mean: {names}?", names=", ".join(escape(n) for n in lookup.suggestions)
        )
    return text + " " + t._("See /watchlist.")


def _aircraft_block(
    subject: Subject,
    overview: AircraftOverview,
    t: Translator,
    predicted: FlightEventRow | None = None,
) -> str:
    entry = next(a for a in subject.aircraft if a.hex == overview.hex)
    line = "• " + globe_link(entry.hex, entry.label)
    if entry.link is not None:
        line += " — " + escape(confidence_label(entry.link.confidence, t))
        if entry.link.note:
            line += f" (“{escape(entry.link.note)}”)"
        line += _dataset_provenance(entry.link, t)
    lines = [line, state_line(overview.where, t)]
    if predicted is not None:
        lines.append(prediction_line(predicted, t))
    if overview.last_flight is not None:
        lines.append(t._("Last flight: {flight}", flight=flight_line(overview.last_flight, t)))
    return "\n".join(lines)


def _heading(subject: Subject, t: Translator) -> str:
    """The subject's name (and role), and the people an aircraft is linked to."""
    title = "<b>" + escape(subject.label) + "</b>"
    role = person_role(subject.person, t.locale) if subject.person is not None else None
    if role:
        title += " — " + escape(role)
    lines = [title]
    for link, person in subject.people:
        lines.append(
            "👤 "
            + t._(
                "Linked to {person} ({confidence})",
                person=person_name(person, t.locale),
                confidence=escape(confidence_label(link.confidence, t)),
            )
            + _dataset_provenance(link, t)
        )
    return "\n".join(lines)


def _dataset_provenance(link: PersonAircraft, t: Translator) -> str:
    """'; plane-alert-db, as of 21 Aug 2026' (and '⚠ stale since …') for a link a dataset
    made; an analyst's own link needs no source beside it here (/watchlist has who and when)."""
    if link.source is None and link.stale_since is None:
        return ""
    return "; " + link_provenance(link, t)


async def _subject(
    update: Update, context: BotContext, t: Translator, words: Sequence[str], usage: str
) -> Subject | None:
    """The subject the words name; otherwise replies (usage, not found) and returns None."""
    message = update.effective_message
    query = " ".join(words).strip()
    if message is None:
        return None
    if not query:
        await message.reply_text(usage)
        return None
    async with context.services.sessions() as session:
        lookup = await find_subject(session, query, t.locale)
    if lookup.subject is None:
        await message.reply_text(await _not_found(lookup, query, t))
    return lookup.subject


async def status_command(update: Update, context: BotContext) -> None:
    """`/status <person|hex|registration|callsign>`: state, last flight, map."""
    # Reads only: the reply does not wait for a first contact's record.
    t = await chat_translator(update, context, reads_only=True)
    message = update.effective_message
    usage = t._(
        "Send /status and a person, ICAO hex, registration or callsign, "
        "for example /status witkoff."
    )
    words, page_no = split_page(context.args or [])
    if page_no is not None and not await _names_something(context, words, t):
        # Not a page after all: a callsign typed with a space ("/status dmo 1").
        words, page_no = list(context.args or []), None
    subject = await _subject(update, context, t, words, usage)
    if message is None or subject is None:
        return
    if len(subject.aircraft) > DETAIL_UP_TO:
        await _fleet_status(update, context, subject, " ".join(words), page_no or 1, t)
        return
    now = utcnow()
    lines = [_heading(subject, t)]
    async with context.services.sessions() as session:
        overviews = await aircraft_overviews(session, subject.hexes, now)
        predicted = await open_predictions(session, overviews)
        extra = await _extra_sections(context, session, subject, t)
        newest = _newest(overviews)
    if not subject.aircraft:
        lines.append(
            t._(
                "No aircraft is linked to {person} yet. Admins link one with /track.",
                person=person_name(subject.person, t.locale)
                if subject.person is not None
                else Name(subject.label, t.locale, "fixed"),
            )
        )
    lines.extend(_aircraft_block(subject, o, t, predicted.get(o.hex)) for o in overviews)
    lines.extend(s for s in extra if s)
    # Many linked aircraft can outgrow one message: split between blocks, never inside one.
    texts = pages(lines, separator="\n\n")
    for number, page in enumerate(texts, start=1):
        markup = app_button(update, context, t) if number == len(texts) else None
        await message.reply_text(page, link_preview_options=_NO_PREVIEW, reply_markup=markup)
    if newest is None:
        return
    # The track (up to thousands of fixes) is read once the text is out: it is only
    # needed for the map, which follows.
    async with context.services.sessions() as session:
        track = await recent_track(session, newest)
    if track:
        linked = next((a.aircraft for a in subject.aircraft if a.hex == newest.hex), None)
        await _send_map(update, newest, track, t, linked)


async def _names_something(context: BotContext, words: Sequence[str], t: Translator) -> bool:
    """Whether the words name a subject (without answering the user)."""
    async with context.services.sessions() as session:
        lookup = await find_subject(session, " ".join(words), t.locale)
    return lookup.subject is not None


async def _fleet_status(
    update: Update, context: BotContext, subject: Subject, query: str, page: int, t: Translator
) -> None:
    """A person with many aircraft: grouped by state, a page at a time (`handlers.fleet`)."""
    members = [
        Member(a.hex, a.aircraft, ((a.link, None),) if a.link else ()) for a in subject.aircraft
    ]
    async with context.services.sessions() as session:
        extra = await _extra_sections(context, session, subject, t)
        texts = await fleet_messages(
            session,
            members,
            [_heading(subject, t)],
            page=page,
            more=f"/status {query}",
            now=context.services.clock(),
            t=t,
            extra=[s for s in extra if s],
        )
    message = update.effective_message
    if message is None:
        return
    for text in texts:
        await message.reply_text(text, link_preview_options=_NO_PREVIEW)


def _newest(overviews: Sequence[AircraftOverview]) -> AircraftOverview | None:
    """The aircraft with the newest position: its track is the one drawn."""
    seen = [(o.last_fix.ts, o) for o in overviews if o.last_fix is not None]
    return max(seen, key=lambda pair: pair[0])[1] if seen else None


async def _send_map(
    update: Update,
    overview: AircraftOverview,
    track: list[Fix],
    t: Translator,
    aircraft: Aircraft | None,
) -> None:
    message = update.effective_message
    if message is None:
        return
    try:
        # Drawing takes a CPU-bound fraction of a second: keep it off the event loop.
        picture = await asyncio.to_thread(track_picture, track, overview.last_flight, t, aircraft)
    except ValueError:
        log.warning("could not draw the track of %s", overview.hex, exc_info=True)
        return
    if picture is None:
        return
    caption = t._("Recent track of {hex}", hex=escape(overview.hex))
    await message.reply_photo(picture, caption=caption)


async def flights_command(update: Update, context: BotContext) -> None:
    """`/flights <who> [n]`: the newest flights, takeoff to landing."""
    # Reads only: the reply does not wait for a first contact's record.
    t = await chat_translator(update, context, reads_only=True)
    message = update.effective_message
    args = list(context.args or [])
    count: int | None = DEFAULT_FLIGHTS
    if len(args) > 1 and looks_numeric(args[-1]):
        # A count above the maximum means "as many as you show"; "²" or 20 digits is no count.
        count = parse_int(args.pop())
        count = None if count is None else max(1, min(MAX_FLIGHTS, count))
    usage = t._(
        "Send /flights and a person, ICAO hex, registration or callsign, and how many "
        "flights (up to {max}), for example /flights witkoff 5.",
        max=MAX_FLIGHTS,
    )
    if count is None:
        if message is not None:
            await message.reply_text(usage)
        return
    subject = await _subject(update, context, t, args, usage)
    if message is None or subject is None:
        return
    async with context.services.sessions() as session:
        found = await recent_flights(session, subject.hexes, count)
    if not found:
        await message.reply_text(
            t._("No flights of {who} are stored yet.", who="<b>" + escape(subject.label) + "</b>")
        )
        return
    labels = {a.hex: a.label for a in subject.aircraft}
    several = len({f.hex for f in found}) > 1
    title = t._("Recent flights of {who}:", who="<b>" + escape(subject.label) + "</b>")
    lines = [title]
    for flight in found:
        ident = labels.get(flight.hex, flight.hex) if several else None
        lines.append("• " + flight_line(flight, t, ident=ident))
    await message.reply_text("\n".join(lines), reply_markup=app_button(update, context, t))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("status", status_command))
    application.add_handler(CommandHandler("flights", flights_command))
