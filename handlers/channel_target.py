"""A channel named in a command (`@name` or its id): parsed, looked up, and checked to be
linked to the chat the command came from, with a clear answer for each way it is not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from telegram import ChatFullInfo, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.kernel.i18n import Translator
from bot.kernel.numbers import parse_int
from handlers.context import BotContext
from storage.channels import is_linked

# Telegram usernames: 5 to 32 letters, digits and underscores, starting with a letter.
_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
# Channel and supergroup ids are -100 followed by the peer id.
CHANNEL_ID_MAX = -1_000_000_000_000
CHANNEL_ID_MIN = -1_999_999_999_999
# "in @desk", as people write it in our three languages.
IN_WORDS = frozenset({"in", "to", "в", "во", "на", "kanal", "kanala"})


@dataclass(frozen=True)
class ChannelRef:
    """A channel as typed: `@name`, or its numeric id."""

    text: str
    username: str | None = None
    chat_id: int | None = None

    @property
    def api_id(self) -> str | int:
        """What the Bot API takes as its chat_id."""
        return self.chat_id if self.chat_id is not None else f"@{self.username}"


def looks_like_channel(word: str) -> bool:
    """Whether a word is meant as a channel (`@…` or `-100…`), well formed or not."""
    return word.startswith("@") or word.startswith("-100")


def parse_channel(word: str) -> ChannelRef | None:
    """`@name` or `-100…` → the reference; None when malformed."""
    if _USERNAME.fullmatch(word):
        return ChannelRef(word, username=word[1:])
    if not word.startswith("-100"):
        return None
    magnitude = parse_int(word[1:], low=-CHANNEL_ID_MAX, high=-CHANNEL_ID_MIN)
    return ChannelRef(word, chat_id=-magnitude) if magnitude is not None else None


def split_target(args: list[str]) -> tuple[list[str], str | None]:
    """Arguments without a trailing `in @name` (or a bare trailing `@name`), and the channel
    word if there was one."""
    if len(args) >= 2 and args[-2].casefold() in IN_WORDS:
        return args[:-2], args[-1]
    if args and args[-1].startswith("@"):
        return args[:-1], args[-1]
    return args, None


def malformed(t: Translator, word: str) -> str:
    """The answer to a channel that is not written as one."""
    return t._(
        "“{word}” is not a channel: write its @username or its id (it starts with -100).",
        word=escape(word[:40]),
    )


def channel_label(chat: ChatFullInfo | None, ref: ChannelRef) -> str:
    """A channel's name for answers: its title, else what was typed."""
    name = chat.title if chat is not None and chat.title else ref.text
    return "<b>" + escape(name[:80]) + "</b>"


async def look_up(context: BotContext, ref: ChannelRef) -> ChatFullInfo | None:
    """The chat Telegram knows by this reference; None when it knows none the bot can see."""
    try:
        return await context.bot.get_chat(ref.api_id)
    except (BadRequest, Forbidden):
        return None


async def linked_channel(
    update: Update, context: BotContext, t: Translator, word: str
) -> int | None:
    """The id of the channel `word` names, when it is linked to this chat; otherwise the
    user is told why not and None is returned."""
    message, here = update.effective_message, update.effective_chat
    if message is None or here is None:
        return None
    ref = parse_channel(word)
    if ref is None:
        await message.reply_text(malformed(t, word))
        return None
    channel_id = ref.chat_id
    if channel_id is None:
        try:
            found = await look_up(context, ref)
        except TelegramError:
            found = None
        if found is None or found.type != ChatType.CHANNEL:
            await message.reply_text(not_linked(t, ref))
            return None
        channel_id = found.id
    async with context.services.sessions() as session:
        linked = await is_linked(session, chat_id=here.id, channel_id=channel_id)
    if not linked:
        await message.reply_text(not_linked(t, ref))
        return None
    return channel_id


def not_linked(t: Translator, ref: ChannelRef) -> str:
    """The answer for a channel this chat does not manage."""
    return t._(
        "This chat has not linked the channel {channel}. Link it first: /channel add {channel}.",
        channel=escape(ref.text),
    )
