"""/venues, /venue <name>, /venue set … (bot admins) and /venue history <name>."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CommandHandler

from bot.alerts.text import split_message
from bot.alerts.venue_text import amount, venue_name
from bot.flights import airports
from bot.kernel.i18n import N_, Translator
from bot.venues.corrections import Correction, Problem, Refusal, parse_correction, record_correction
from bot.venues.knowledge import Knowledge, Venue
from bot.venues.ranking import Ranking, compute_ranking, current_knowledge, weights_from
from bot.venues.stored import StoredValue
from bot.venues.views import ranking_list, value_text, venue_data, venue_detail
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import bot_admin_or_refuse
from handlers.webapp_button import app_button
from storage.models import VenueFactor
from storage.types import utcnow
from storage.venues import factor_history, venue_by_slug

TOP = 5
HISTORY_ROWS = 20
_QUERY_CHARS = 80
_USAGE = N_(
    "Usage: /venue <name>, /venue history <name>, or (bot admins) "
    "/venue set <venue> <factor> <value> <source>."
)
_PROBLEMS = {
    Problem.UNKNOWN_VENUE: N_("I know no venue called “{text}”. See /venues."),
    Problem.AMBIGUOUS: N_("“{text}” could be {options}. Please be more specific."),
    Problem.UNKNOWN_FACTOR: N_("{venue} has no factor “{text}”. Its factors: {options}."),
    Problem.BAD_VALUE: N_("“{text}” is not a value of this factor. Use one of: {options}."),
    Problem.NO_VALUE: N_("Nothing was changed: give a value after the factor, one of: {options}."),
    Problem.NO_SOURCE: N_(
        "Nothing was changed: give a source (a link or a citation) after the value."
    ),
    Problem.TOO_LONG: N_(
        "Nothing was changed: “{text}…” is too long ({length} characters, at most {limit})."
    ),
}


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    parts = split_message(text)
    for number, part in enumerate(parts, start=1):
        await message.reply_text(
            part,
            disable_web_page_preview=True,
            reply_markup=markup if number == len(parts) else None,
        )


async def _ranking(context: BotContext) -> Ranking:
    services = context.services
    async with services.sessions() as session:
        return await compute_ranking(session, services.clock(), weights_from(services.settings))


async def venues_command(update: Update, context: BotContext) -> None:
    """`/venues [all]`: the ranked candidate venues with their strongest reasons."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None:
        return
    wanted = " ".join(context.args or []).strip().lower()
    show_all = wanted in ("all", "все", "hamısı")
    ranking = await _ranking(context)
    heading = t._("Candidate venues, best first:") if show_all else t._("Top candidate venues:")
    body = ranking_list(ranking.scores, ranking.people, t, limit=None if show_all else TOP)
    footer = escape(t._("Details: /venue <name> · all venues: /venues all"))
    await _reply(message, f"<b>{heading}</b>\n\n{body}\n\n{footer}", app_button(update, context, t))


def _refusal_text(refusal: Refusal, t: Translator) -> str:
    if refusal.problem is Problem.USAGE:
        return escape(t._(_USAGE))
    options = tuple(escape(o) for o in refusal.options)
    if refusal.candidates:
        options = tuple(venue_name(venue_data(v), t) for v in refusal.candidates)
    return t._(
        _PROBLEMS[refusal.problem],
        text=escape(refusal.text),
        venue=venue_name(venue_data(refusal.venue), t) if refusal.venue else "",
        options=", ".join(options),
        length=t.number(refusal.length),
        limit=t.number(refusal.limit),
    )


async def _knowledge(context: BotContext) -> tuple[Knowledge, dict[str, dict[str, StoredValue]]]:
    async with context.services.sessions() as session:
        return await current_knowledge(session)


def _find(knowledge: Knowledge, query: str) -> Venue | Refusal:
    found = knowledge.match(query)
    if found.venue is not None:
        return found.venue
    if found.candidates:
        return Refusal(Problem.AMBIGUOUS, query, candidates=found.candidates)
    return Refusal(Problem.UNKNOWN_VENUE, query)


async def _show(message: Message, context: BotContext, query: str, t: Translator) -> None:
    ranking = await _ranking(context)
    found = _find(ranking.knowledge, query)
    if isinstance(found, Refusal):
        await message.reply_text(_refusal_text(found, t))
        return
    place = ranking.position(found.slug)
    if place is None:
        await message.reply_text(_refusal_text(Refusal(Problem.UNKNOWN_VENUE, query), t))
        return
    rank, item = place
    text = venue_detail(
        item,
        rank,
        len(ranking.scores),
        ranking.knowledge,
        ranking.stored.get(found.slug, {}),
        ranking.people,
        ranking.at,
        t,
    )
    await _reply(message, text)
    main = found.airports[0]
    airport = airports.get(main)
    address = f"{airport.name} ({main})" if airport else main
    await message.reply_venue(
        latitude=found.lat,
        longitude=found.lon,
        title=found.name(t.locale),
        address=address,
    )


def _history_line(row: VenueFactor, t: Translator) -> str:
    # Keys are `name`, `name:when` or either with `#n` (see `factor_keys`).
    name = row.factor.partition(":")[0].partition("#")[0]
    value = value_text(name, str((row.value or {}).get("value", "")), t)
    when = row.set_at.strftime("%Y-%m-%d %H:%M")
    who = (
        t._("by {user}", user=escape(str(row.set_by)))
        if row.set_by is not None
        else t._("from the knowledge file")
    )
    return t._(
        "• {when} UTC · <b>{factor}</b> = {value}, {who}; source: {source}",
        when=when,
        factor=escape(row.factor),
        value=value,
        who=who,
        source=escape(row.source),
    )


async def _history(message: Message, context: BotContext, query: str, t: Translator) -> None:
    knowledge, _stored = await _knowledge(context)
    found = _find(knowledge, query)
    if isinstance(found, Refusal):
        await message.reply_text(_refusal_text(found, t))
        return
    async with context.services.sessions() as session:
        row = await venue_by_slug(session, found.slug)
        corrections = (
            await factor_history(session, row.id, corrections_only=True, limit=HISTORY_ROWS)
            if row is not None and row.id is not None
            else []
        )
    name = venue_name(venue_data(found), t)
    if not corrections:
        await message.reply_text(
            t._(
                "No analyst has corrected a factor of {venue}: all come from the knowledge file.",
                venue=name,
            )
        )
        return
    heading = t._("Corrections of {venue}, newest first:", venue=name)
    await _reply(
        message, f"<b>{heading}</b>\n" + "\n".join(_history_line(r, t) for r in corrections)
    )


async def _set(
    message: Message, context: BotContext, tokens: list[str], user_id: int, t: Translator
) -> None:
    services = context.services
    knowledge, stored = await _knowledge(context)
    checked = parse_correction(tokens, knowledge)
    if isinstance(checked, Refusal):
        await message.reply_text(_refusal_text(checked, t))
        return
    await _store(context, checked, stored.get(checked.venue.slug, {}).get(checked.key), user_id)
    after = await _ranking(context)
    place = after.position(checked.venue.slug)
    rank, item = place if place else (0, None)
    await message.reply_text(
        t._(
            "Recorded: {venue} · {factor} = {value} (source: {source}), by {user}. "
            "Score now {score}, rank {rank}. See /venue history {slug}.",
            venue=venue_name(venue_data(checked.venue), t),
            factor=escape(checked.key),
            value=value_text(checked.name, checked.value, t),
            source=escape(checked.source),
            user=escape(str(user_id)),
            score=amount(item.total if item else 0.0, t),
            rank=t.number(rank),
            slug=escape(checked.venue.slug),
        ),
        disable_web_page_preview=True,
    )
    services.wake_delivery()


async def _store(
    context: BotContext, checked: Correction, current: StoredValue | None, user_id: int
) -> None:
    services = context.services
    async with services.sessions.begin() as session:
        # Who and when is the analyst's wall-clock time, whatever clock the scores use.
        await record_correction(session, checked, current, by=user_id, now=utcnow())


async def venue_command(update: Update, context: BotContext) -> None:
    """`/venue <name>`, `/venue history <name>`, `/venue set <venue> <factor> <value> <source>`."""
    t = await chat_translator(update, context)
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    args = list(context.args or [])
    action = args[0].lower() if args else ""
    if action == "set":
        # The guard refuses a missing user too; the second test is for the type checker.
        if await bot_admin_or_refuse(update, context, t) and user is not None:
            await _set(message, context, args[1:], user.id, t)
        return
    if action == "history" and len(args) > 1:
        await _history(message, context, " ".join(args[1:])[:_QUERY_CHARS], t)
        return
    query = " ".join(args).strip()[:_QUERY_CHARS]
    if not query or action == "history":
        await message.reply_text(escape(t._(_USAGE)))
        return
    await _show(message, context, query, t)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("venues", venues_command))
    application.add_handler(CommandHandler("venue", venue_command))
