"""/lang: choose the chat's language with buttons or as `/lang ru`; `/lang @name ru` (or
`/lang ru in @name`) chooses the language of a channel this chat manages."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.kernel.config import SUPPORTED_LOCALES
from bot.kernel.i18n import Translator, normalize_language, translator
from handlers.buttons import show
from handlers.channel_target import IN_WORDS, linked_channel, looks_like_channel, parse_channel
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import chat_manager_or_refuse
from storage.channels import is_linked
from storage.chats import get_chat, set_chat_locale

CALLBACK_PREFIX = "lang:"
# Each language names itself, so a user who cannot read the current one still finds theirs.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "az": "Azərbaycanca"}


def language_keyboard(current: str, channel_id: int | None = None) -> InlineKeyboardMarkup:
    """One button per language; the current one is ticked (for a channel, when given)."""
    suffix = f"|{channel_id}" if channel_id is not None else ""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == current else "") + LANGUAGE_NAMES[code],
            callback_data=f"{CALLBACK_PREFIX}{code}{suffix}",
        )
        for code in SUPPORTED_LOCALES
    ]
    return InlineKeyboardMarkup([buttons])


async def _apply(update: Update, context: BotContext, locale: str) -> Translator:
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("a language is chosen for a chat")
    async with context.services.sessions.begin() as session:
        await set_chat_locale(session, chat.id, locale)
    return translator(locale)


async def lang_command(update: Update, context: BotContext) -> None:
    """Show the language buttons, or set the language given as an argument."""
    t = await chat_translator(update, context)
    message = update.effective_message
    if message is None:
        return
    args = list(context.args or [])
    channel_word = next((a for a in args if looks_like_channel(a)), None)
    if channel_word is not None:
        await _channel_lang(update, context, t, args, channel_word)
        return
    if not args:
        await message.reply_text(
            t._("Choose the language of this chat:"), reply_markup=language_keyboard(t.locale)
        )
        return
    wanted = normalize_language(args[0])
    if wanted is None or len(args) > 1:
        await message.reply_text(
            t._("I speak English, Russian and Azerbaijani. Send /lang en, /lang ru or /lang az."),
            reply_markup=language_keyboard(t.locale),
        )
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    t = await _apply(update, context, wanted)
    await message.reply_text(t._("Done: I will speak English in this chat."))


async def _channel_lang(
    update: Update, context: BotContext, t: Translator, args: list[str], channel_word: str
) -> None:
    message = update.effective_message
    if message is None:
        return
    rest = [a for a in args if a is not channel_word and a.casefold() not in IN_WORDS]
    wanted = normalize_language(rest[0]) if len(rest) == 1 else None
    if rest and wanted is None:
        await message.reply_text(
            t._("I speak English, Russian and Azerbaijani. Send /lang en, /lang ru or /lang az.")
        )
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    channel_id = await linked_channel(update, context, t, channel_word)
    if channel_id is None:
        return
    if wanted is None:
        async with context.services.sessions() as session:
            channel = await get_chat(session, channel_id)
        current = channel.locale if channel is not None and channel.locale else t.locale
        await message.reply_text(
            t._("Choose the language of the channel {channel}:", channel=escape(channel_word)),
            reply_markup=language_keyboard(current, channel_id),
        )
        return
    await message.reply_text(await _apply_channel(context, channel_id, wanted))


async def _apply_channel(context: BotContext, channel_id: int, locale: str) -> str:
    async with context.services.sessions.begin() as session:
        await set_chat_locale(session, channel_id, locale)
        channel = await get_chat(session, channel_id)
    name = "<b>" + escape(channel.title if channel and channel.title else str(channel_id)) + "</b>"
    # In the channel's new language, as the chat's own confirmation is in its new one.
    return translator(locale)._(
        "Done: alerts in the channel {channel} will be in English.", channel=name
    )


async def lang_button(update: Update, context: BotContext) -> None:
    """A language button was pressed."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or query.data is None or chat is None:
        return
    t = await chat_translator(update, context)
    wanted, _, target = query.data.removeprefix(CALLBACK_PREFIX).partition("|")
    if wanted not in SUPPORTED_LOCALES:
        await query.answer(t._("This button is out of date."))
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    if target:
        ref = parse_channel(target)
        async with context.services.sessions() as session:
            linked = (
                ref is not None
                and ref.chat_id is not None
                and await is_linked(session, chat_id=chat.id, channel_id=ref.chat_id)
            )
        if not linked or ref is None or ref.chat_id is None:
            await query.answer(t._("This button is out of date."))
            return
        done = await _apply_channel(context, ref.chat_id, wanted)
        await query.answer()
        await show(query, done, reply_markup=language_keyboard(wanted, ref.chat_id))
        return
    t = await _apply(update, context, wanted)
    done = t._("Done: I will speak English in this chat.")
    await query.answer(done)
    await show(query, done, reply_markup=language_keyboard(wanted))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("lang", lang_command))
    application.add_handler(CallbackQueryHandler(lang_button, pattern=f"^{CALLBACK_PREFIX}"))
