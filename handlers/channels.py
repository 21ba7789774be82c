"""/channel: link a channel to this chat, unlink it, list the linked ones.

A channel is managed from a group or private chat: its admins link it (the bot must be
an administrator of the channel allowed to post, and the user an administrator of both),
subscribe it (`/subscribe … in @name`) and choose its language (`/lang @name ru`).
"""

from __future__ import annotations

from html import escape

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, CommandHandler

from bot.alerts.destinations import warn_managers
from bot.kernel.i18n import Translator
from handlers.channel_target import (
    ChannelRef,
    channel_label,
    look_up,
    malformed,
    not_linked,
    parse_channel,
)
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import chat_manager_or_refuse
from storage.channels import link_channel, linked_channels, linking_chats, unlink_channel
from storage.chats import deactivate_chat
from storage.subscriptions import chat_subscriptions
from storage.types import utcnow

_ADMINS = {ChatMember.OWNER, ChatMember.ADMINISTRATOR}
ADD_WORDS = frozenset({"add", "link", "добавить", "привязать", "əlavə"})
REMOVE_WORDS = frozenset({"remove", "unlink", "delete", "удалить", "отвязать", "sil"})


def usage(t: Translator) -> str:
    """How /channel is used."""
    return t._(
        "Link a channel where I am an administrator: /channel add @name (or the channel's id). "
        "/channel remove @name unlinks it; /channel lists the linked channels."
    )


async def channel_command(update: Update, context: BotContext) -> None:
    """`/channel`, `/channel add <channel>`, `/channel remove <channel>`."""
    t = await chat_translator(update, context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    args = context.args or []
    if not args or (len(args) == 1 and args[0].casefold() == "list"):
        text, keyboard = await _listing(context, chat.id, t)
        await message.reply_text(text, reply_markup=keyboard)
        return
    action = args[0].casefold()
    if action not in ADD_WORDS | REMOVE_WORDS or len(args) != 2:
        await message.reply_text(usage(t))
        return
    if chat.type == ChatType.CHANNEL:
        return  # a channel is linked from a group or private chat, not from itself
    if not await chat_manager_or_refuse(update, context, t):
        return
    ref = parse_channel(args[1])
    if ref is None:
        await message.reply_text(malformed(t, args[1]))
        return
    if action in ADD_WORDS:
        await message.reply_text(await _add(update, context, t, ref))
    else:
        await message.reply_text(await _remove(update, context, t, ref))


async def _add(update: Update, context: BotContext, t: Translator, ref: ChannelRef) -> str:
    here, user = update.effective_chat, update.effective_user
    if here is None or user is None:
        return ""
    found = await look_up(context, ref)
    if found is None:
        return t._(
            "I can't find the channel {channel}. Check the name, and add me to the channel "
            "as an administrator first.",
            channel=escape(ref.text),
        )
    label = channel_label(found, ref)
    if found.type != ChatType.CHANNEL:
        return t._("{channel} is not a channel; I can only link channels.", channel=label)
    if not await _bot_may_post(context, found.id):
        return t._(
            "I am not an administrator of {channel} allowed to post messages. Add me as an "
            "administrator with the right to post, then try again.",
            channel=label,
        )
    if not context.services.is_bot_admin(user.id) and not await _is_admin(
        context, found.id, user.id
    ):
        return t._("Only an administrator of {channel} can link it here.", channel=label)
    async with context.services.sessions.begin() as session:
        added = await link_channel(
            session, channel_id=found.id, title=found.title, chat_id=here.id, by=user.id
        )
    name = f"@{found.username}" if found.username else str(found.id)
    if not added:
        return t._("The channel {channel} is already linked to this chat.", channel=label)
    return t._(
        "Linked: the channel {channel} is managed from this chat. Subscribe it with "
        "/subscribe person witkoff in {name}, or /subscribe in {name} for buttons; choose "
        "its language with /lang {name} ru.",
        channel=label,
        name=escape(name),
    )


async def _remove(update: Update, context: BotContext, t: Translator, ref: ChannelRef) -> str:
    here = update.effective_chat
    if here is None:
        return ""
    channel_id = ref.chat_id
    found = None
    if channel_id is None:
        found = await look_up(context, ref)
        if found is None:
            return not_linked(t, ref)
        channel_id = found.id
    async with context.services.sessions.begin() as session:
        dropped = await unlink_channel(session, channel_id=channel_id, chat_id=here.id)
    if dropped is None:
        return not_linked(t, ref)
    text = t._("Unlinked the channel {channel}.", channel=channel_label(found, ref))
    if dropped:
        text += " " + t.n_(
            "Its {n} subscription was removed, as no other chat manages the channel.",
            "Its {n} subscriptions were removed, as no other chat manages the channel.",
            dropped,
        )
    return text


async def _bot_may_post(context: BotContext, channel_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(channel_id, context.bot.id)
    except TelegramError:
        return False
    if member.status == ChatMember.OWNER:
        return True
    return member.status == ChatMember.ADMINISTRATOR and bool(
        getattr(member, "can_post_messages", False)
    )


async def _is_admin(context: BotContext, channel_id: int, user_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(channel_id, user_id)
    except TelegramError:
        # Unknown rights are no rights: nobody posts into a channel they cannot vouch for.
        return False
    return member.status in _ADMINS


async def _listing(
    context: BotContext, chat_id: int, t: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    async with context.services.sessions() as session:
        channels = [
            (channel, link, len(await chat_subscriptions(session, channel.id)))
            for channel, link in await linked_channels(session, chat_id)
        ]
    if not channels:
        return t._("This chat manages no channel yet. Link one with /channel add @name."), None
    lines = ["<b>" + escape(t._("Channels managed from this chat:")) + "</b>"]
    buttons = []
    for channel, link, count in channels:
        title = channel.title or str(channel.id)
        line = "• " + escape(title) + f" (<code>{channel.id}</code>)"
        line += " — " + t.n_("{n} subscription", "{n} subscriptions", count)
        if channel.locale:
            line += ", " + escape(channel.locale)
        if link.rights_lost_at is not None or not channel.active:
            line += " — ⚠️ " + escape(t._("I lost my rights to post there"))
        lines.append(line)
        # Picks what the channel follows; handled by handlers.subscriptions.
        buttons.append(
            [InlineKeyboardButton(f"＋ {title}"[:60], callback_data=f"sub:to:{channel.id}")]
        )
    return "\n".join(lines), InlineKeyboardMarkup(buttons[:24])


async def bot_rights_changed(update: Update, context: BotContext) -> None:
    """Telegram says the bot's place in a linked channel changed: once it may no longer
    post there, stop routing to it and tell the managing chats at once (once each), not
    only when the next alert is refused."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.CHANNEL:
        return
    member = change.new_chat_member
    if member.status == ChatMember.OWNER or (
        member.status == ChatMember.ADMINISTRATOR and getattr(member, "can_post_messages", False)
    ):
        return  # rights back: /channel add links it again
    services = context.services
    async with services.sessions.begin() as session:
        if not await linking_chats(session, change.chat.id):
            return
        await deactivate_chat(session, change.chat.id)
    await warn_managers(
        context.bot,
        services.sessions,
        channel_id=change.chat.id,
        channel_title=change.chat.title,
        # Telegram's own word for the bot's new status, as its error descriptions are.
        reason=f"status {member.status}",
        default_locale=services.settings.default_locale,
        now=utcnow(),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("channel", channel_command))
    application.add_handler(ChatMemberHandler(bot_rights_changed, ChatMemberHandler.MY_CHAT_MEMBER))
