"""/lang: choose the chat's language with buttons or as `/lang ru`."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.kernel.config import SUPPORTED_LOCALES
from bot.kernel.i18n import Translator, normalize_language, translator
from handlers.buttons import show
from handlers.context import BotContext
from handlers.locale import chat_translator
from handlers.rights import chat_manager_or_refuse
from storage.chats import set_chat_locale

CALLBACK_PREFIX = "lang:"
# Each language names itself, so a user who cannot read the current one still finds theirs.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "az": "Azərbaycanca"}


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    """One button per language; the current one is ticked."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == current else "") + LANGUAGE_NAMES[code],
            callback_data=f"{CALLBACK_PREFIX}{code}",
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
    if not context.args:
        await message.reply_text(
            t._("Choose the language of this chat:"), reply_markup=language_keyboard(t.locale)
        )
        return
    wanted = normalize_language(context.args[0])
    if wanted is None or len(context.args) > 1:
        await message.reply_text(
            t._("I speak English, Russian and Azerbaijani. Send /lang en, /lang ru or /lang az."),
            reply_markup=language_keyboard(t.locale),
        )
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    t = await _apply(update, context, wanted)
    await message.reply_text(t._("Done: I will speak English in this chat."))


async def lang_button(update: Update, context: BotContext) -> None:
    """A language button was pressed."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    t = await chat_translator(update, context)
    wanted = query.data.removeprefix(CALLBACK_PREFIX)
    if wanted not in SUPPORTED_LOCALES:
        await query.answer(t._("This button is out of date."))
        return
    if not await chat_manager_or_refuse(update, context, t):
        return
    t = await _apply(update, context, wanted)
    done = t._("Done: I will speak English in this chat.")
    await query.answer(done)
    await show(query, done, reply_markup=language_keyboard(wanted))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handlers of this module."""
    application.add_handler(CommandHandler("lang", lang_command))
    application.add_handler(CallbackQueryHandler(lang_button, pattern=f"^{CALLBACK_PREFIX}"))
