"""The fake Bot API's forum topics and channels, driven by the real python-telegram-bot client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, ChatMemberAdministrator, ChatMemberLeft
from telegram.error import BadRequest, Forbidden

from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeBotAPI

FORUM = -1009000000001
GROUP = -1009000000002
CHANNEL = -1001234567890


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=DEFAULT_TOKEN) as api:
        api.make_forum(FORUM, title="Desk")
        api.add_chat(GROUP, chat_type="supergroup", title="Plain group")
        yield api


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url) as client:
        yield client


async def test_a_topic_takes_messages_until_closed_or_deleted(fake: FakeBotAPI, bot: Bot) -> None:
    topic = await bot.create_forum_topic(FORUM, "Flights")
    assert topic.name == "Flights" and topic.message_thread_id > 0
    thread = topic.message_thread_id
    sent = await bot.send_message(FORUM, "in the topic", message_thread_id=thread)
    assert sent.is_topic_message and sent.message_thread_id == thread
    assert sent.chat.is_forum
    general = await bot.send_message(FORUM, "in General")
    assert not general.is_topic_message and general.message_thread_id is None

    # A user's message in the topic replies to the topic's first message, as Telegram's do.
    update = fake.user_message(FORUM, "/help", thread_id=thread)
    created = update["message"]["reply_to_message"]["forum_topic_created"]
    assert created["name"] == "Flights" and update["message"]["is_topic_message"] is True

    assert await bot.close_forum_topic(FORUM, thread)
    with pytest.raises(BadRequest, match="Topic_closed"):
        await bot.send_message(FORUM, "closed", message_thread_id=thread)
    with pytest.raises(BadRequest, match="Topic_not_modified"):
        await bot.close_forum_topic(FORUM, thread)
    assert await bot.reopen_forum_topic(FORUM, thread)
    await bot.send_message(FORUM, "open again", message_thread_id=thread)

    assert await bot.delete_forum_topic(FORUM, thread)
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(FORUM, "deleted", message_thread_id=thread)
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(FORUM, "never was", message_thread_id=999)
    with pytest.raises(BadRequest, match="The chat is not a forum"):
        await bot.create_forum_topic(GROUP, "Nope")
    refused = [r.description for r in fake.requests if r.status == 400]
    assert "Bad Request: TOPIC_CLOSED" in refused
    assert "Bad Request: message thread not found" in refused


async def test_a_channel_knows_its_administrators_and_refuses_a_bot_without_rights(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.add_channel(CHANNEL, username="desk_alerts", title="Desk alerts")
    chat = await bot.get_chat("@desk_alerts")
    assert (chat.id, chat.type, chat.title) == (CHANNEL, "channel", "Desk alerts")
    me = await bot.get_chat_member(CHANNEL, bot.id)
    assert isinstance(me, ChatMemberAdministrator) and me.can_post_messages
    stranger = await bot.get_chat_member(CHANNEL, 4242)
    assert isinstance(stranger, ChatMemberLeft)
    post = await bot.send_message(CHANNEL, "an alert")
    assert post.sender_chat is not None and post.sender_chat.id == CHANNEL

    fake.revoke_post_right(CHANNEL)
    me = await bot.get_chat_member(CHANNEL, bot.id)
    assert isinstance(me, ChatMemberAdministrator) and not me.can_post_messages
    with pytest.raises(BadRequest, match="Not enough rights to send text messages"):
        await bot.send_message(CHANNEL, "refused")
    fake.mark_kicked(CHANNEL)
    with pytest.raises(Forbidden, match="bot is not a member of the channel chat"):
        await bot.send_message(CHANNEL, "refused")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat("@no_such_channel")
