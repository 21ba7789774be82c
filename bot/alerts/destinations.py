"""Where an alert lands when its forum topic or channel is gone.

A forum topic that was closed or deleted makes Telegram refuse the send with
"message thread not found" or "TOPIC_CLOSED": the alert goes to the chat's General
topic with a note saying so, and the topic is marked broken (routing sends its
subscriptions to General from then on; /subscriptions lists them as broken). A
channel where the bot lost its rights (removed, or no longer allowed to post) gets no
more sends: its row is dead-lettered with the reason and each chat that manages the
channel is told once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.alerts.ratelimiter import RateLimitArgs
from bot.alerts.rendered import RenderedAlert
from bot.kernel.i18n import Translator, resolve_locale, translator
from storage import outbox
from storage.channels import chats_to_warn, mark_rights_lost
from storage.chats import chats_by_id
from storage.forum_topics import mark_broken, topic_title

log = logging.getLogger("summitwatch.delivery")
NO_RETRY: RateLimitArgs = {"retries": 0}
# Telegram's descriptions for a forum topic that is gone or closed.
_TOPIC_GONE = ("message thread not found", "topic_closed", "topic_deleted")
# ... and for a channel the bot may no longer post in.
_NO_RIGHTS = ("not enough rights", "need administrator rights", "chat_write_forbidden")


def topic_refused(error: BadRequest) -> bool:
    """Whether Telegram refused the send because its forum topic is closed or deleted."""
    description = error.message.lower()
    return any(marker in description for marker in _TOPIC_GONE)


def rights_lost(error: TelegramError) -> bool:
    """Whether the answer says the bot may not post in the chat any more."""
    if isinstance(error, Forbidden):
        return True
    description = error.message.lower()
    return isinstance(error, BadRequest) and any(marker in description for marker in _NO_RIGHTS)


def topic_note(t: Translator, title: str | None) -> str:
    """The line above an alert that reached General instead of its topic."""
    if title:
        return t._(
            "⚠️ This alert was meant for the topic “{topic}”, which is closed or deleted. "
            "Its subscriptions are marked broken and their alerts come here; see /subscriptions.",
            topic=escape(title),
        )
    return t._(
        "⚠️ This alert was meant for a topic that is closed or deleted. Its subscriptions "
        "are marked broken and their alerts come here; see /subscriptions."
    )


async def to_general(
    sessions: async_sessionmaker[AsyncSession],
    *,
    chat_id: int,
    thread_id: int,
    row_id: int,
    event_type: str,
    event_id: int,
    error: BadRequest,
    alert: RenderedAlert,
    t: Translator,
    now: datetime,
) -> RenderedAlert:
    """Mark the topic broken and give what General is to be sent instead: the alert with
    its note, or the note alone when General gets the alert from another row anyway (the
    chat follows it there too, or through another broken topic)."""
    async with sessions.begin() as session:
        newly = await mark_broken(session, chat_id, thread_id, reason=error.message, now=now)
        title = await topic_title(session, chat_id, thread_id)
        elsewhere = await outbox.general_copy_exists(
            session, chat_id=chat_id, event_type=event_type, event_id=event_id, row_id=row_id
        )
    if newly:
        log.warning("chat %s: topic %s refused (%s)", chat_id, thread_id, error.message)
    note = topic_note(t, title)
    if elsewhere:
        return RenderedAlert(text=note)
    return replace(alert, text=note + "\n\n" + alert.text)


def rights_warning(t: Translator, channel: str, reason: str) -> str:
    """What a managing chat is told when the bot lost its rights in its channel."""
    return t._(
        "⚠️ I can no longer post to the channel {channel} (Telegram says: {reason}). "
        "Its alerts are kept as dead letters, not sent. Make me an administrator with the "
        "right to post messages, then send /channel add again.",
        channel=channel,
        reason=escape(reason),
    )


async def warn_managers(
    bot: ExtBot[Any],
    sessions: async_sessionmaker[AsyncSession],
    *,
    channel_id: int,
    channel_title: str | None,
    reason: str,
    default_locale: str,
    now: datetime,
) -> list[int]:
    """Tell each chat that manages the channel, once, that the bot lost its rights there.

    A chat is marked told only once its message went out: a failed warning is tried
    again by the next refused send.
    """
    async with sessions() as session:
        to_warn = await chats_to_warn(session, channel_id)
        chats = await chats_by_id(session, set(to_warn))
    name = "<b>" + escape(channel_title or str(channel_id)) + "</b>"
    told = []
    for chat_id in to_warn:
        chat = chats.get(chat_id)
        locale = resolve_locale(chat.locale if chat else None, None, default_locale)
        try:
            await bot.send_message(
                chat_id,
                rights_warning(translator(locale), name, reason),
                rate_limit_args=NO_RETRY,
            )
        except TelegramError as exc:
            log.warning("could not tell chat %s about channel %s: %s", chat_id, channel_id, exc)
            continue
        async with sessions.begin() as session:
            await mark_rights_lost(session, channel_id=channel_id, chat_id=chat_id, now=now)
        told.append(chat_id)
    return told
