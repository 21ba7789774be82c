"""/subscribe, /unsubscribe and /subscriptions, typed or with buttons.

Where a subscription lands: the chat, the forum topic the command was sent in (its
alerts go there), or a channel the chat manages (`… in @name`, see handlers.channels).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.kernel.i18n import N_, Translator
from bot.kernel.numbers import MAX_ROW_ID, parse_int
from bot.watch.lookup import Choice, browse, describe, resolve
from handlers.buttons import show
from handlers.channel_target import linked_channel, parse_channel, split_target
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.place import record_topic, thread_of
from handlers.rights import chat_manager_or_refuse
from storage.channels import is_linked, linked_channels
from storage.chats import get_chat
from storage.forum_topics import chat_topics
from storage.models import ForumTopic, Subscription, SubscriptionKind
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


@dataclass(frozen=True)
class Destination:
    """Whose subscription it is: a chat (in one of its forum topics) or a linked channel."""

    chat_id: int
    thread_id: int = 0
    channel: str | None = None  # the channel's name, for a linked channel

    @property
    def suffix(self) -> str:
        """What buttons carry to name a channel (a topic is the button's own message's)."""
        return f"|{self.chat_id}" if self.channel is not None else ""


def parse_kind(word: str) -> SubscriptionKind | None:
    """'person', 'самолёт', 'məkan' → the kind they name."""
    return KIND_WORDS.get(word.casefold())


def kinds_keyboard(t: Translator, suffix: str = "") -> InlineKeyboardMarkup:
    """One button per kind of thing to follow (`suffix` names a channel)."""
    buttons = [
        InlineKeyboardButton(t._(label), callback_data=f"{PREFIX}kind:{kind.value}{suffix}")
        for kind, label in KIND_BUTTONS.items()
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def choices_keyboard(
    kind: SubscriptionKind, choices: tuple[Choice, ...], suffix: str = ""
) -> InlineKeyboardMarkup:
    """Two columns of things to follow; callback data stays under Telegram's 64 bytes.

    A key too long for a button (a long operator name) is left out rather than cut:
    a cut key would follow something else. Such a thing is followed by typing it.
    """
    fitting = [
        (c, data)
        for c in choices
        if len((data := f"{PREFIX}add:{kind.value}:{c.key}{suffix}").encode()) <= CALLBACK_BYTES
    ]
    buttons = [
        InlineKeyboardButton(c.label[:60], callback_data=data) for c, data in fitting[:MAX_BUTTONS]
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _add(
    update: Update,
    context: BotContext,
    t: Translator,
    kind: SubscriptionKind,
    choice: Choice,
    where: Destination,
) -> str:
    user = update.effective_user
    async with context.services.sessions.begin() as session:
        added = await subscribe(
            session,
            where.chat_id,
            kind,
            choice.key,
            by=user.id if user else None,
            thread_id=where.thread_id,
        )
    label = escape(choice.label) if kind != SubscriptionKind.ALL else t._("everything")
    what = "<b>" + label + "</b>"
    if where.channel is not None:
        channel = "<b>" + escape(where.channel) + "</b>"
        if added:
            return t._(
                "Subscribed: the channel {channel} now follows {what}.",
                channel=channel,
                what=what,
            )
        return t._("The channel {channel} already follows {what}.", channel=channel, what=what)
    if where.thread_id:
        if added:
            return t._(
                "Subscribed: this topic now follows {what}; its alerts come here.", what=what
            )
        return t._("This topic already follows {what}.", what=what)
    if added:
        return t._("Subscribed: this chat now follows {what}.", what=what)
    return t._("This chat already follows {what}.", what=what)


async def _destination(
    update: Update, context: BotContext, t: Translator, channel_word: str | None
) -> Destination | None:
    """Where a typed command's subscription lands; None (the user told why) when it names
    a channel this chat does not manage."""
    chat = update.effective_chat
    if chat is None:
        return None
    if channel_word is None:
        return Destination(chat.id, await record_topic(update, context))
    channel_id = await linked_channel(update, context, t, channel_word)
    if channel_id is None:
        return None
    return Destination(channel_id, channel=await _channel_name(context, channel_id))


async def _channel_name(context: BotContext, channel_id: int) -> str:
    async with context.services.sessions() as session:
        channel = await get_chat(session, channel_id)
    return channel.title if channel is not None and channel.title else str(channel_id)


async def _pressed_destination(
    update: Update, context: BotContext, target: str
) -> Destination | None:
    """Where a button's subscription lands: its channel (still linked to this chat), else
    this chat and the topic of the button's message. None for a stale or forged channel."""
    chat = update.effective_chat
    if chat is None:
        return None
    if not target:
        return Destination(chat.id, thread_of(update))
    ref = parse_channel(target)
    if ref is None or ref.chat_id is None:
        return None
    async with context.services.sessions() as session:
        linked = await is_linked(session, chat_id=chat.id, channel_id=ref.chat_id)
    if not linked:
        return None
    return Destination(ref.chat_id, channel=await _channel_name(context, ref.chat_id))


async def subscribe_command(update: Update, context: BotContext) -> None:
    """`/subscribe` shows buttons; `/subscribe <kind> <key>` subscribes at once."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None:
        return
    args, channel_word = split_target(context.args or [])
    if not args:
        where = await _destination(update, context, t, channel_word)
        if where is None:
            return
        question = (
            t._("What should the channel {channel} follow?", channel=escape(where.channel))
            if where.channel is not None
            else t._("What should this chat follow?")
        )
        await message.reply_text(question, reply_markup=kinds_keyboard(t, where.suffix))
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
    where = await _destination(update, context, t, channel_word)
    if where is None:
        return
    async with context.services.sessions() as session:
        resolved = await resolve(session, kind, query, t.locale)
    if resolved.unique is not None:
        await message.reply_text(await _add(update, context, t, kind, resolved.unique, where))
    elif resolved.choices:
        await message.reply_text(
            t._("“{query}” matches several. Choose one:", query=escape(query[:80])),
            reply_markup=choices_keyboard(kind, resolved.choices, where.suffix),
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
    args, channel_word = split_target(context.args or [])
    if not args:  # the list, with a remove button for each (the channels' included)
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
    where = await _destination(update, context, t, channel_word)
    if where is None:
        return
    async with context.services.sessions.begin() as session:
        resolved = await resolve(session, kind, query or "*", t.locale)
        removed = [
            c
            for c in resolved.choices
            if await unsubscribe(session, where.chat_id, kind, c.key, thread_id=where.thread_id)
        ]
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
    """What this chat follows, with a remove button for each: in a forum topic, that
    topic's; elsewhere all of the chat's, grouped by topic, then its channels'."""
    chat = update.effective_chat
    if chat is None:
        return "", None
    thread = thread_of(update)
    async with context.services.sessions() as session:
        topics = await chat_topics(session, chat.id)
        own = await chat_subscriptions(session, chat.id, thread_id=thread or None)
        groups: list[tuple[str, list[tuple[Subscription, str]]]] = []
        for thread_id in sorted({s.thread_id for s in own}):
            header = _topic_header(t, thread_id, topics.get(thread_id), bool(chat.is_forum))
            labelled = [(s, await _label(session, s, t)) for s in own if s.thread_id == thread_id]
            groups.append((header, labelled))
        if not thread:
            for channel, _ in await linked_channels(session, chat.id):
                channel_own = await chat_subscriptions(session, channel.id)
                if channel_own:
                    name = "<b>" + escape(channel.title or str(channel.id)) + "</b>"
                    header = t._("The channel {channel} follows:", channel=name)
                    labelled = [(s, await _label(session, s, t)) for s in channel_own]
                    groups.append((header, labelled))
    if not groups:
        if thread:
            return t._("This topic follows nothing yet. Send /subscribe here to choose."), None
        return t._("This chat follows nothing yet. Send /subscribe to choose."), None
    if thread and len(groups) == 1:
        header = _topic_header(t, thread, topics.get(thread), True, here=True)
        groups = [(header, groups[0][1])]
    lines: list[str] = []
    buttons = []
    for header, labelled in groups:
        if lines:
            lines.append("")
        lines.append(header)
        for subscription, label in labelled:
            kind_name = t._(KIND_NAMES[SubscriptionKind(subscription.kind)])
            lines.append(f"• {escape(kind_name)}: {escape(label)}")
            buttons.append(
                [
                    InlineKeyboardButton(
                        f"✖ {label}"[:60], callback_data=f"{PREFIX}rm:{subscription.id}"
                    )
                ]
            )
    return "\n".join(lines), InlineKeyboardMarkup(buttons[:MAX_BUTTONS])


async def _label(session: AsyncSession, subscription: Subscription, t: Translator) -> str:
    if subscription.key == "*":
        return t._("everything")
    return await describe(session, subscription.kind, subscription.key, t.locale)


def _topic_header(
    t: Translator, thread_id: int, topic: ForumTopic | None, forum: bool, *, here: bool = False
) -> str:
    """The line above one topic's subscriptions; a broken topic says where its alerts go."""
    if not thread_id:
        return "<b>" + escape(t._("General:") if forum else t._("This chat follows:")) + "</b>"
    name = escape(topic.title) if topic is not None and topic.title else f"#{thread_id}"
    if here:
        header = "<b>" + escape(t._("This topic follows:")) + "</b>"
    else:
        header = "<b>" + t._("Topic “{topic}”:", topic=name) + "</b>"
    if topic is not None and topic.broken_at is not None:
        header += "\n⚠️ " + escape(
            t._("Broken: the topic is closed or deleted, so its alerts go to General.")
        )
    return header


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
    rest, _, target = rest.partition("|")
    if action == "to":
        target, rest = rest, ""
    where = await _pressed_destination(update, context, target)
    if where is None or (action == "to" and where.channel is None):
        await query.answer(t._("This button is out of date."))
        return
    if action in ("kind", "to"):
        await _show_kind(update, context, t, rest or "", where)
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
        text = await _add(update, context, t, kind, Choice(key, label), where)
        await query.answer()
        await show(query, text)
    elif action == "rm" and (subscription_id := parse_int(rest, low=1, high=MAX_ROW_ID)):
        async with context.services.sessions.begin() as session:
            channels = [channel.id for channel, _ in await linked_channels(session, chat.id)]
            removed = await unsubscribe_by_id(session, [chat.id, *channels], subscription_id)
        await query.answer(t._("Removed.") if removed else t._("This button is out of date."))
        text, keyboard = await subscriptions_text(update, context, t)
        await show(query, text, reply_markup=keyboard)
    else:
        await query.answer(t._("This button is out of date."))


async def _show_kind(
    update: Update, context: BotContext, t: Translator, value: str, where: Destination
) -> None:
    query = update.callback_query
    if query is None:
        return
    if not value:  # a channel's "follow" button: which kind, first
        await query.answer()
        question = t._(
            "What should the channel {channel} follow?", channel=escape(where.channel or "")
        )
        await show(query, question, reply_markup=kinds_keyboard(t, where.suffix))
        return
    try:
        kind = SubscriptionKind(value)
    except ValueError:
        await query.answer(t._("This button is out of date."))
        return
    if kind == SubscriptionKind.ALL:
        if not await chat_manager_or_refuse(update, context, t):
            return
        text = await _add(update, context, t, kind, Choice("*", "*"), where)
        await query.answer()
        await show(query, text)
        return
    async with context.services.sessions() as session:
        choices = await browse(session, kind, t.locale)
    await query.answer()
    if not choices:
        await show(query, t._("Nothing to follow in this category yet."))
        return
    await show(
        query,
        t._("Choose what to follow:"),
        reply_markup=choices_keyboard(kind, choices, where.suffix),
    )


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
