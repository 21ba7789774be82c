"""/statements, /sources and /source add|remove."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.kernel.i18n import N_, Translator
from bot.statements.admin import AddOutcome, Refusal, add_source, remove_source
from bot.statements.configured import configured_sources, feed_addresses
from bot.statements.sources import SOURCE_LANGUAGES
from bot.statements.views import sources_table, statement_list
from bot.statements.watchlist import load_watchlist
from bot.watch.lookup import resolve
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import bot_admin_or_refuse
from storage.models import SubscriptionKind
from storage.statements import Topic, recent_statements, statement_sources
from storage.types import utcnow

SHOWN = 8
_QUERY_CHARS = 80
_REFUSALS = {
    Refusal.BAD_LANGUAGE: N_("Unknown language “{detail}”. Use en, ru or az."),
    Refusal.PRIVATE_ADDRESS: N_(
        "Refused: this address points into a private or local network, "
        "which the bot never fetches ({detail})."
    ),
    Refusal.UNREACHABLE: N_("The address could not be read: {detail}."),
    Refusal.NOT_A_FEED: N_(
        "This is neither an RSS/Atom feed nor a news listing whose layout I know ({detail})."
    ),
    Refusal.UNSAFE: N_("Refused: the feed declares XML entities, which I never expand ({detail})."),
}


async def _filters(
    context: BotContext, query: str, locale: str
) -> tuple[list[Topic], list[str]] | None:
    """What a query names: people and venues (as mention topics) and sources; None if nothing."""
    topics: list[Topic] = []
    sources: list[str] = []
    async with context.services.sessions() as session:
        for kind, mention in (
            (SubscriptionKind.PERSON, "person"),
            (SubscriptionKind.VENUE, "place"),
        ):
            found = await resolve(session, kind, query, locale)
            topics += [(mention, choice.key) for choice in found.choices]
        found = await resolve(session, SubscriptionKind.SOURCE, query, locale)
        sources += [choice.key for choice in found.choices]
    if not topics and not sources:
        return None
    return topics, sources


async def statements_command(update: Update, context: BotContext) -> None:
    """`/statements [person|place|source]`: the latest statements that matched."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None:
        return
    query = " ".join(context.args or []).strip()[:_QUERY_CHARS]
    topics: list[Topic] = []
    sources: list[str] = []
    if query:
        found = await _filters(context, query, t.locale)
        if found is None:
            await message.reply_text(
                t._(
                    "I know no person, place or source matching “{query}”. "
                    "Try /statements witkoff, /statements baku or /statements kremlin-en.",
                    query=escape(query),
                )
            )
            return
        topics, sources = found
    async with context.services.sessions() as session:
        views = []
        if topics:
            views += await recent_statements(session, topics=topics, limit=SHOWN)
        if sources:
            views += await recent_statements(session, sources=sources, limit=SHOWN)
        if not query:
            views = await recent_statements(session, limit=SHOWN)
        names = (await load_watchlist(session)).names
    unique = {view.id: view for view in views}
    shown = sorted(unique.values(), key=lambda v: (v.when, v.id), reverse=True)[:SHOWN]
    if not shown:
        await message.reply_text(
            t._("No statement mentioning “{query}” has been seen yet.", query=escape(query))
            if query
            else t._("No statement has mentioned anything watched yet.")
        )
        return
    heading = t._("Latest matching statements:")
    await message.reply_text(
        f"<b>{heading}</b>\n\n" + statement_list(shown, names, t),
        disable_web_page_preview=True,
    )


async def sources_command(update: Update, context: BotContext) -> None:
    """`/sources`: every statement source with its health."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None:
        return
    async with context.services.sessions() as session:
        rows = await statement_sources(session)
    await message.reply_text(sources_table(rows, utcnow(), t))


def _usage(t: Translator) -> str:
    return t._(
        "Usage: /source add <url> [en|ru|az] or /source remove <name>. See /sources for names."
    )


def _added(outcome: AddOutcome, t: Translator) -> str:
    name = f"<b>{escape(outcome.name or '')}</b>"
    if outcome.existing and not outcome.items:
        return t._("This address is already watched as {name}.", name=name)
    if outcome.existing:
        return t._("Source {name} is watched again.", name=name)
    added = t._(
        "Added source {name} ({language}): {count} items found now. "
        "New items will be alerted from the next poll.",
        name=name,
        language=outcome.language,
        count=t.number(outcome.items),
    )
    if not outcome.language_guessed:
        return added
    guessed = t._(
        "Language: {language}, read off its items. If that is wrong, remove the source "
        "and add it again with the language: /source add <url> en|ru|az",
        language=outcome.language,
    )
    return f"{added}\n{escape(guessed)}"


async def source_command(update: Update, context: BotContext) -> None:
    """`/source add <url> [lang]` and `/source remove <name>` (bot admins only)."""
    t = await chat_translator(update, context)
    message, user = update.effective_message, update.effective_user
    if message is None or not await bot_admin_or_refuse(update, context, t):
        return
    args = context.args or []
    action = args[0].lower() if args else ""
    services = context.services
    if action == "add" and len(args) in (2, 3):
        language = args[2].lower() if len(args) == 3 else None
        if language is not None and language not in SOURCE_LANGUAGES:
            refusal = _REFUSALS[Refusal.BAD_LANGUAGE]
            await message.reply_text(t._(refusal, detail=escape(language[:16])))
            return
        await message.reply_text(t._("Checking the address…"))
        outcome = await add_source(
            services.sessions,
            args[1],
            language,
            by=user.id if user else 0,
            specs=configured_sources(services.settings),
            addresses=feed_addresses(services.settings),
        )
        if outcome.refusal is not None:
            detail = escape(outcome.detail[:200])
            await message.reply_text(t._(_REFUSALS[outcome.refusal], detail=detail))
            return
        await message.reply_text(_added(outcome, t))
        return
    if action == "remove" and len(args) == 2:
        name = args[1].strip().lower()
        if await remove_source(services.sessions, name):
            await message.reply_text(
                t._("Source {name} removed: it will not be polled again.", name=escape(name))
            )
        else:
            await message.reply_text(
                t._("There is no source named “{name}”. See /sources.", name=escape(name[:64]))
            )
        return
    await message.reply_text(escape(_usage(t)))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("statements", statements_command))
    application.add_handler(CommandHandler("sources", sources_command))
    application.add_handler(CommandHandler("source", source_command))
