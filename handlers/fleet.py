"""/fleet and /providers, and the fleet view /status uses for a person with many aircraft.

A fleet view is a summary line (how many aircraft are airborne, on the ground, not seen
lately), then at most `FLEET_PAGE` aircraft, most recently active first, each with its
link (believed or confirmed, and its source), then how to see the next page. Paging is
by a number after the query (`/status putin 2`, `/fleet gov of azerbaijan 2`), so a
page is one short message whatever the fleet's size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import LinkPreviewOptions, Update
from telegram.ext import Application, CommandHandler

from bot.flights.freshness import Freshness
from bot.flights.overview import aircraft_overviews
from bot.flights.polling import STATE_NAME
from bot.flights.status_text import activity_key, fleet_state_line, fleet_summary, globe_link
from bot.kernel.i18n import Translator
from bot.kernel.numbers import parse_int
from bot.kernel.textfold import skeleton
from bot.watch.fuzzy import find
from bot.watch.operator_names import operator_candidates
from bot.watch.person_text import person_label
from bot.watch.watchlist_text import aircraft_label, link_text, pages
from handlers.context import BotContext
from handlers.locale import chat_translator
from storage.fleets import fleet_aircraft, fleet_names, links_of_fleet
from storage.flight_queries import flight_provider_sources, watch_document
from storage.models import Aircraft, Person, PersonAircraft, Source

FLEET_PAGE = 10
# A page number has at most 4 digits; a longer number is part of the query.
MAX_PAGE = 9999
# A person with this many aircraft or fewer gets the detailed /status (state, last
# flight, map of each); more get the fleet view.
DETAIL_UP_TO = 3
# Fleets named when /fleet is sent alone or a query matches several.
LISTED_FLEETS = 8
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Member:
    """An aircraft of a fleet view and the person links shown with it."""

    hex: str
    aircraft: Aircraft | None
    links: tuple[tuple[PersonAircraft, Person | None], ...] = ()


def _member_block(member: Member, line: str, t: Translator) -> str:
    label = aircraft_label(member.aircraft) if member.aircraft else member.hex
    head = "• " + globe_link(member.hex, label)
    if member.aircraft is not None and member.aircraft.type_code:
        head += f" · {escape(member.aircraft.type_code)}"
    lines = [head]
    for link, person in member.links:
        who = f"👤 {escape(person_label(person, t.locale))} — " if person is not None else ""
        lines.append(who + link_text(link, t))
    lines.append(line)
    return "\n".join(lines)


def _footer(page: int, count: int, more: str, t: Translator) -> str:
    last_page = max(1, math.ceil(count / FLEET_PAGE))
    first, last = (page - 1) * FLEET_PAGE + 1, min(count, page * FLEET_PAGE)
    text = t._(
        "Aircraft {first}–{last} of {count}, most recently active first.",
        first=t.number(first),
        last=t.number(last),
        count=t.number(count),
    )
    if page < last_page:
        text += " " + t._("Next: {command}", command=escape(f"{more} {page + 1}"))
    return text


async def fleet_messages(
    session: AsyncSession,
    members: Sequence[Member],
    heading: Sequence[str],
    *,
    page: int,
    more: str,
    now: datetime,
    t: Translator,
    extra: Sequence[str] = (),
) -> list[str]:
    """The messages of one page of a fleet view (HTML): heading, summary, aircraft, footer.

    Args:
        members: the fleet's aircraft, in any order.
        heading: lines shown first (already HTML).
        page: 1-based; past the end shows the last page.
        more: the command that shows another page when a number is added to it.
        extra: blocks shown after the page (other features' /status sections).
    """
    overviews = await aircraft_overviews(session, [m.hex for m in members], now)
    ranked = sorted(zip(members, overviews, strict=True), key=lambda p: activity_key(p[1].where))
    last_page = max(1, math.ceil(len(ranked) / FLEET_PAGE))
    page = min(max(1, page), last_page)
    shown = ranked[(page - 1) * FLEET_PAGE : page * FLEET_PAGE]
    blocks = [
        "\n".join([*heading, fleet_summary([o.where for _m, o in ranked], t)]),
        *(_member_block(m, fleet_state_line(o.where, o.last_fix, now, t), t) for m, o in shown),
        _footer(page, len(ranked), more, t),
        *extra,
    ]
    return pages(blocks, separator="\n\n")


def split_page(args: Sequence[str]) -> tuple[list[str], int | None]:
    """(the query's words, the page number when the last word is one)."""
    words = list(args)
    # ASCII digits only: "²" passes str.isdigit() and then breaks int().
    page = parse_int(words[-1], high=MAX_PAGE) if len(words) > 1 else None
    if page is not None:
        return words[:-1], page
    return words, None


async def _reply(update: Update, texts: Sequence[str]) -> None:
    message = update.effective_message
    if message is None:
        return
    for text in texts:
        await message.reply_text(text, link_preview_options=_NO_PREVIEW)


def _fleet_list(fleets: Sequence[tuple[str, str, int]], t: Translator) -> str:
    return "\n".join(
        "• " + t.n_("{name}: {n} aircraft", "{name}: {n} aircraft", count, name=escape(name))
        for _key, name, count in fleets[:LISTED_FLEETS]
    )


async def fleet_command(update: Update, context: BotContext) -> None:
    """`/fleet <operator> [page]`: where an operator's aircraft are."""
    t = await chat_translator(update, context)
    words, page = split_page(context.args or [])
    query = " ".join(words).strip()
    async with context.services.sessions() as session:
        fleets = await fleet_names(session, "operator")
        if not query:
            usage = t._(
                "Send /fleet and an operator, for example /fleet Gov of Azerbaijan. "
                "The largest fleets watched:"
            )
            await _reply(update, [escape(usage) + "\n" + _fleet_list(fleets, t)])
            return
        keys = _matching_fleets(query, fleets)
        found = [f for f in fleets if f[0] in keys]
        if len(found) != 1:
            await _reply(update, [_no_single_fleet(query, found, t)])
            return
        key, name, _count = found[0]
        aircraft = await fleet_aircraft(session, "operator", key)
        links = await links_of_fleet(session, [a.hex for a in aircraft])
        members = [Member(a.hex, a, tuple(links.get(a.hex, ()))) for a in aircraft]
        heading = ["<b>" + escape(name) + "</b>"]
        texts = await fleet_messages(
            session,
            members,
            heading,
            page=page or 1,
            more=f"/fleet {query}",
            now=context.services.clock(),
            t=t,
        )
    await _reply(update, texts)


def _matching_fleets(query: str, fleets: Sequence[tuple[str, str, int]]) -> set[str]:
    """Keys of the fleets `query` names: fuzzy over names and their ru/az aliases, else
    the fleets whose name has every word of the query at the start of one of its words
    ("russia special flight" finds "Russia Special Flight Detachment")."""
    match = find(query, operator_candidates(list(fleets)))
    if match.keys:
        return set(match.keys)
    words = skeleton(query).split()
    found = set()
    for key, name, _count in fleets:
        name_words = skeleton(name).split()
        if words and all(any(n.startswith(w) for n in name_words) for w in words):
            found.add(key)
    return found


def _no_single_fleet(query: str, found: Sequence[tuple[str, str, int]], t: Translator) -> str:
    shown = escape(query[:80])
    if found:
        return (
            t._("“{query}” matches several fleets. Be more specific:", query=shown)
            + "\n"
            + _fleet_list(found, t)
        )
    return t._(
        "No watched operator matches “{query}”. Send /fleet alone for the largest fleets.",
        query=shown,
    )


# ---------------------------------------------------------------- /providers


def _age(moment: datetime | None, now: datetime, t: Translator) -> str:
    if moment is None:
        return t._("never")
    seconds = max(0, round((now - moment).total_seconds()))
    if seconds < 120:
        return t._("{n} s ago", n=t.number(seconds))
    if seconds < 7200:
        return t._("{n} min ago", n=t.number(seconds // 60))
    return t._("{n} h ago", n=t.number(seconds // 3600))


def _provider_line(source: Source, now: datetime, t: Translator) -> str:
    name = f"<b>{escape(source.name)}</b>"
    if source.consecutive_failures:
        state = "✗ " + t.n_(
            "failing {n} time in a row",
            "failing {n} times in a row",
            source.consecutive_failures,
        )
        if source.last_error:
            state += f": {escape(source.last_error[:120])}"
    else:
        state = "✓"
    parts = [name, state, t._("last answer {age}", age=_age(source.last_success_at, now, t))]
    if source.latency_ms is not None:
        parts.append(t._("{ms} ms", ms=t.number(round(source.latency_ms))))
    return "• " + " · ".join(parts)


def freshness_text(freshness: Freshness | None, now: datetime, t: Translator) -> str:
    """'1,998 of 2,000 watched aircraft (99.9%) asked within 60 s; oldest 75 s ago.'"""
    if freshness is None or not freshness.watched:
        return t._("No poll round has been stored yet.")
    share = t.percent(freshness.share, decimals=1)
    text = t._(
        "{fresh} of {watched} watched aircraft ({share}) were asked of a provider "
        "within {window} s of the last round ({age}).",
        fresh=t.number(freshness.fresh),
        watched=t.number(freshness.watched),
        share=share,
        window=t.number(round(freshness.window_s)),
        age=_age(freshness.at, now, t),
    )
    if freshness.oldest is not None:
        text += " " + t._("Oldest answer: {age}.", age=_age(freshness.oldest, now, t))
    if freshness.never:
        text += " " + t.n_(
            "{n} aircraft not asked yet since the poller started.",
            "{n} aircraft not asked yet since the poller started.",
            freshness.never,
        )
    if now - freshness.at > timedelta(seconds=max(300.0, 5 * freshness.window_s)):
        text += " ⚠️ " + t._("The poller has not stored a round for a while.")
    return text


async def providers_command(update: Update, context: BotContext) -> None:
    """`/providers`: the flight providers' health and how fresh the watched fleet is."""
    t = await chat_translator(update, context)
    now = context.services.clock()
    async with context.services.sessions() as session:
        sources = await flight_provider_sources(session)
        document = await watch_document(session, STATE_NAME)
    freshness = Freshness.from_document((document or {}).get("freshness"))
    lines = ["<b>" + escape(t._("Flight providers")) + "</b>"]
    if sources:
        lines.extend(_provider_line(s, now, t) for s in sources)
    else:
        lines.append(escape(t._("No flight provider has been polled yet.")))
    lines += [
        "",
        "<b>" + escape(t._("Fleet freshness")) + "</b>",
        freshness_text(freshness, now, t),
    ]
    await _reply(update, ["\n".join(lines)])


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("fleet", fleet_command))
    application.add_handler(CommandHandler("providers", providers_command))
