"""Which language to answer an update in, and the chat record behind it."""

from __future__ import annotations

from telegram import Update

from bot.kernel.i18n import Translator, resolve_locale, translator
from handlers.context import BotContext
from storage.chats import Contact


async def chat_translator(
    update: Update, context: BotContext, *, reactivate: bool = False, reads_only: bool = False
) -> Translator:
    """Record the chat (first contact creates it) and pick its language.

    Order: the chat's /lang setting, the user's Telegram language, the default.
    `reads_only`: the handler writes nothing that needs the chat's row, so its reply
    does not wait for the chat's record (`ContactBook.reply_locale`), which on SQLite
    may queue behind another writer's lock; the record is written right after.
    """
    chat = update.effective_chat
    user = update.effective_user
    services = context.services
    default = services.settings.default_locale
    if chat is None:
        return translator(resolve_locale(None, user.language_code if user else None, default))
    title = chat.title or chat.full_name
    contact = Contact(chat.id, chat.type, title, reactivate=reactivate)
    if reads_only:
        chat_locale = await services.contacts.reply_locale(contact)
    else:
        chat_locale = await services.contacts.locale(contact)
    return translator(resolve_locale(chat_locale, user.language_code if user else None, default))
