"""Where in a chat an update was written: the forum topic (0 for General or none) and
its name, recorded so /subscriptions can name it."""

from __future__ import annotations

from telegram import Message, Update

from handlers.context import BotContext
from storage.forum_topics import remember_topic


def message_of(update: Update) -> Message | None:
    """The message written, or the one whose button was pressed."""
    query = update.callback_query
    if query is not None:
        return query.message if isinstance(query.message, Message) else None
    return update.effective_message


def thread_of(update: Update) -> int:
    """The forum topic the update belongs to; 0 outside topics (General included)."""
    message = message_of(update)
    if message is None or not message.is_topic_message or not message.message_thread_id:
        return 0
    return message.message_thread_id


def topic_name(message: Message | None) -> str | None:
    """The topic's name, from the topic's first message, which a topic message replies to."""
    replied = message.reply_to_message if message is not None else None
    created = replied.forum_topic_created if replied is not None else None
    return created.name if created is not None else None


async def record_topic(update: Update, context: BotContext) -> int:
    """The update's topic (0: none), its name kept and its broken mark lifted, since
    Telegram just carried a message of it."""
    thread_id = thread_of(update)
    chat = update.effective_chat
    if thread_id and chat is not None:
        async with context.services.sessions.begin() as session:
            await remember_topic(session, chat.id, thread_id, topic_name(message_of(update)))
    return thread_id
