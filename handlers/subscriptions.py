"""/subscribe, /unsubscribe and /subscriptions, typed or with buttons."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.kernel.i18n import N_, Translator
from bot.kernel.numbers import MAX_ROW_ID, parse_int
from bot.watch.lookup import Choice, browse, describe, resolve
from handlers.buttons import show
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import chat_manager_or_refuse
from storage.models import SubscriptionKind
from storage.subscriptions import (
    chat_subscriptions,
    subscribe,
    unsubscribe,
    unsubscribe_by_id,
)

PREFIX = "sub:"
MAX_BUTTONS = 24
CALLBACK_BYTES = 64  # Telegram's limit on callback_data

KIND_BUTTONS: dict[SubscriptionKind, str] = {
    SubscriptionKind.PERSON: N_("People"),
    SubscriptionKind.AIRCRAFT: N_("Aircraft"),
    SubscriptionKind.VENUE: N_("Venues"),
    SubscriptionKind.SOURCE: N_("Sources"),
    SubscriptionKind.ALL: N_("Everything"),
}
KIND_NAMES: dict[SubscriptionKind, str] = {
    SubscriptionKind.PERSON: N_("person"),
    SubscriptionKind.AIRCRAFT: N_("aircraft"),
    SubscriptionKind.VENUE: N_("venue"),
    SubscriptionKind.SOURCE: N_("source"),
    SubscriptionKind.ALL: N_("everything"),
    SubscriptionKind.OPERATOR: N_("operator"),
    SubscriptionKind.CATEGORY: N_("category"),
}
# What people type for each kind, in our three languages.
KIND_WORDS: dict[str, SubscriptionKind] = {
    word: kind
    for kind, words in {
        SubscriptionKind.PERSON: "person people человек люди персона şəxs şəxslər",
        SubscriptionKind.AIRCRAFT: "aircraft plane jet самолёт самолет борт təyyarə",
        SubscriptionKind.VENUE: "venue place city место город məkan şəhər",
        SubscriptionKind.SOURCE: "source источник mənbə",
        SubscriptionKind.ALL: "all everything всё все hamısı",
        SubscriptionKind.OPERATOR: "operator оператор эксплуатант",
        SubscriptionKind.CATEGORY: "category категория kateqoriya",
    }.items()
    for word in words.split()
}


def parse_kind(word: str) -> SubscriptionKind | None:
    """'person', 'самолёт', 'məkan' → the kind they name."""
    return KIND_WORDS.get(word.casefold())


def kinds_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """One button per kind of thing to follow."""
    buttons = [
        InlineKeyboardButton(t._(label), callback_data=f"{PREFIX}kind:{kind.value}")
        for kind, label in KIND_BUTTONS.items()
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def choices_keyboard(kind: SubscriptionKind, choices: tuple[Choice, ...]) -> InlineKeyboardMarkup:
    """Two columns of things to follow; callback data stays under Telegram's 64 bytes.

    A key too long for a button (a long operator name) is left out rather than cut:
    a cut key would follow something else. Such a thing is followed by typing it.
    """
    fitting = [
        (c, data)
        for c in choices
        if len((data := f"{PREFIX}add:{kind.value}:{c.key}").encode()) <= CALLBACK_BYTES
    ]
    buttons = [
        InlineKeyboardButton(c.label[:60], callback_data=data) for c, data in fitting[:MAX_BUTTONS]
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _add(
    update: Update, context: BotContext, t: Translator, kind: SubscriptionKind, choice: Choice
) -> str:
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return ""
    async with context.services.sessions.begin() as session:
        added = await subscribe(session, chat.id, kind, choice.key, by=user.id if user else None)
    label = escape(choice.label) if kind != SubscriptionKind.ALL else t._("everything")
    what = "<b>" + label + "</b>"
    if added:
        return t._("Subscribed: this chat now follows {what}.", what=what)
    return t._("This chat already follows {what}.", what=what)


async def subscribe_command(update: Update, context: BotContext) -> None:
    """`/subscribe` shows buttons; `/subscribe <kind> <key>` subscribes at once."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if not args:
        await message.reply_text(
            t._("What should this chat follow?"), reply_markup=kinds_keyboard(t)
        )
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    kind = parse_kind(args[0])
    if kind is None:
        await message.reply_text(_unknown_kind(args[0], t))
        return
    query = " ".join(args[1:]).strip()
    if kind != SubscriptionKind.ALL and not query:
        await message.reply_text(
            t._(
                "Which {kind}? For example /subscribe {example}.",
                kind=t._(KIND_NAMES[kind]),
                example=_example(kind),
            ),
        )
        return
    async with context.services.sessions() as session:
        resolved = await resolve(session, kind, query, t.locale)
    if resolved.unique is not None:
        await message.reply_text(await _add(update, context, t, kind, resolved.unique))
    elif resolved.choices:
        await message.reply_text(
            t._("“{query}” matches several. Choose one:", query=escape(query[:80])),
            reply_markup=choices_keyboard(kind, resolved.choices),
        )
    else:
        await message.reply_text(
            t._(
                "I found no {kind} matching “{query}”. Send /subscribe to pick from a list.",
                kind=t._(KIND_NAMES[kind]),
                query=escape(query[:80]),
            )
        )


def _example(kind: SubscriptionKind) -> str:
    return {
        SubscriptionKind.PERSON: "person witkoff",
        SubscriptionKind.AIRCRAFT: "aircraft ffa001",
        SubscriptionKind.VENUE: "venue baku",
        SubscriptionKind.SOURCE: "source kremlin-en",
        SubscriptionKind.ALL: "all",
        SubscriptionKind.OPERATOR: "operator government",
        SubscriptionKind.CATEGORY: "category head of state",
    }[kind]


async def unsubscribe_command(update: Update, context: BotContext) -> None:
    """`/unsubscribe <kind> <key>`; without arguments, the list with remove buttons."""
    args = context.args or []
    if not args:
        await subscriptions_command(update, context)
        return
    t = await chat_translator(update, context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    kind = parse_kind(args[0])
    query = " ".join(args[1:]).strip()
    if kind is None:
        await message.reply_text(_unknown_kind(args[0], t))
        return
    async with context.services.sessions.begin() as session:
        resolved = await resolve(session, kind, query or "*", t.locale)
        removed = [c for c in resolved.choices if await unsubscribe(session, chat.id, kind, c.key)]
    if removed:
        what = "<b>" + ", ".join(escape(c.label) for c in removed) + "</b>"
        await message.reply_text(t._("Unsubscribed from {what}.", what=what))
    else:
        await message.reply_text(
            t._(
                "This chat did not follow “{query}”. See /subscriptions.",
                query=escape(query[:80] or "*"),
            )
        )


async def subscriptions_text(
    update: Update, context: BotContext, t: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The chat's subscriptions as text, with a remove button for each."""
    chat = update.effective_chat
    if chat is None:
        return "", None
    async with context.services.sessions() as session:
        subscriptions = await chat_subscriptions(session, chat.id)
        labels = [
            (
                s,
                await describe(session, s.kind, s.key, t.locale)
                if s.key != "*"
                else t._("everything"),
            )
            for s in subscriptions
        ]
    if not labels:
        return t._("This chat follows nothing yet. Send /subscribe to choose."), None
    title = t._("This chat follows:")
    lines = [f"<b>{title}</b>"]
    buttons = []
    for subscription, label in labels:
        kind_name = t._(KIND_NAMES[SubscriptionKind(subscription.kind)])
        lines.append(f"• {escape(kind_name)}: {escape(label)}")
        buttons.append(
            [InlineKeyboardButton(f"✖ {label}"[:60], callback_data=f"{PREFIX}rm:{subscription.id}")]
        )
    return "\n".join(lines), InlineKeyboardMarkup(buttons[:MAX_BUTTONS])


async def subscriptions_command(update: Update, context: BotContext) -> None:
    """List what this chat follows."""
    t = await chat_translator(update, context)
    if update.effective_message is None:
        return
    text, keyboard = await subscriptions_text(update, context, t)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def subscription_button(update: Update, context: BotContext) -> None:
    """Buttons: pick a kind, pick a thing to follow, remove a subscription."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or query.data is None or chat is None:
        return
    t = await chat_translator(update, context)
    action, _, rest = query.data.removeprefix(PREFIX).partition(":")
    if action == "kind":
        await _show_kind(update, context, t, rest)
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    if action == "add":
        kind_value, _, key = rest.partition(":")
        try:
            kind = SubscriptionKind(kind_value)
        except ValueError:
            await query.answer(t._("This button is out of date."))
            return
        async with context.services.sessions() as session:
            label = await describe(session, kind, key, t.locale)
        text = await _add(update, context, t, kind, Choice(key, label))
        await query.answer()
        await show(query, text)
    elif action == "rm" and (subscription_id := parse_int(rest, low=1, high=MAX_ROW_ID)):
        async with context.services.sessions.begin() as session:
            removed = await unsubscribe_by_id(session, chat.id, subscription_id)
        await query.answer(t._("Removed.") if removed else t._("This button is out of date."))
        text, keyboard = await subscriptions_text(update, context, t)
        await show(query, text, reply_markup=keyboard)
    else:
        await query.answer(t._("This button is out of date."))


async def _show_kind(update: Update, context: BotContext, t: Translator, value: str) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        kind = SubscriptionKind(value)
    except ValueError:
        await query.answer(t._("This button is out of date."))
        return
    if kind == SubscriptionKind.ALL:
        if not await chat_manager_or_refuse(update, context, t):
            return
        text = await _add(update, context, t, kind, Choice("*", "*"))
        await query.answer()
        await show(query, text)
        return
    async with context.services.sessions() as session:
        choices = await browse(session, kind, t.locale)
    await query.answer()
    if not choices:
        await show(query, t._("Nothing to follow in this category yet."))
        return
    await show(query, t._("Choose what to follow:"), reply_markup=choices_keyboard(kind, choices))


def _unknown_kind(word: str, t: Translator) -> str:
    return t._(
        "Unknown category “{word}”. Use person, aircraft, operator, category, venue, "
        "source or all, for example /subscribe person witkoff.",
        word=escape(word[:40]),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("subscribe", subscribe_command))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe_command))
    application.add_handler(CommandHandler("subscriptions", subscriptions_command))
    application.add_handler(CallbackQueryHandler(subscription_button, pattern=f"^{PREFIX}"))
