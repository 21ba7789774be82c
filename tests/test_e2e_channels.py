"""Linked channels end to end: the real bot against the fake Bot API (real HTTP).

A group's admin links a channel where the bot is an administrator, subscribes it and
sets its language from the group; alerts are posted to the channel in its language.
When the bot loses its rights there the alert is dead-lettered with Telegram's reason
and the group is told once. Every bad input gets a clear answer in the chat's language.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.runtime.app import SummitApp
from storage.models import Aircraft, ChannelLink, Chat, OutboxRow, OutboxStatus, Subscription
from tests.alerting import store_landing
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI, Sent

GROUP = -1009000000002
CHANNEL = -1001234567890
NOT_ADMIN_CHANNEL = -1001234567891
OTHER_GROUP = -1009000000003
OWNER = 10001  # administrator of the group and of the channel
GROUP_ADMIN = 10002  # administrator of the group only
MEMBER = 10003
APOLOGY = "Sorry, something went wrong"


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        server.add_chat(GROUP, chat_type="supergroup", title="Analyst desk")
        server.set_member_status(GROUP, OWNER, "administrator")
        server.set_member_status(GROUP, GROUP_ADMIN, "administrator")
        server.add_channel(CHANNEL, username="desk_alerts", title="Desk alerts")
        server.set_member_status(CHANNEL, OWNER, "creator")
        server.add_channel(
            NOT_ADMIN_CHANNEL, username="other_news", title="Other news", bot_is_admin=False
        )
        server.add_chat(OTHER_GROUP, chat_type="supergroup", title="A group", username="a_group")
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_DELIVERY_RATE="1000")
    async with running_bot(settings) as application:
        async with services_of(application).sessions.begin() as session:
            session.add(Aircraft(hex="ffa001", registration="DEMO1", source="test data"))
        yield application


async def _say(
    fake: FakeBotAPI, text: str, *, user: int = OWNER, language: str = "en", chat: int = GROUP
) -> str:
    before = len([s for s in fake.sent_to(chat) if not s.method.startswith("edit")])
    fake.user_message(chat, text, user_id=user, language_code=language)
    messages = await fake.wait_for_messages(chat, before + 1, timeout=15)
    return messages[-1].plain_text or ""


def _posts(fake: FakeBotAPI) -> list[Sent]:
    return [s for s in fake.sent_to(CHANNEL) if s.method in ("sendMessage", "sendPhoto")]


@pytest.mark.parametrize(
    ("command", "user", "language", "answer"),
    [
        (
            "/channel add @no_such_channel",
            OWNER,
            "en",
            "I can't find the channel @no_such_channel. Check the name, and add me to the "
            "channel as an administrator first.",
        ),
        (
            "/channel add @no_such_channel",
            OWNER,
            "ru",
            "Не могу найти канал @no_such_channel. Проверьте имя и сначала добавьте меня в "
            "канал администратором.",
        ),
        (
            "/channel add desk_alerts!",
            OWNER,
            "az",
            "«desk_alerts!» kanal deyil: onun @adını və ya id-sini yazın (-100 ilə başlayır).",
        ),
        (
            "/channel add -100abc",
            OWNER,
            "en",
            "“-100abc” is not a channel: write its @username or its id (it starts with -100).",
        ),
        (
            "/channel add -1009999999999999999999",
            OWNER,
            "en",
            "“-1009999999999999999999” is not a channel: write its @username or its id (it "
            "starts with -100).",
        ),
        (
            "/channel add @other_news",
            OWNER,
            "en",
            "I am not an administrator of Other news allowed to post messages. Add me as an "
            "administrator with the right to post, then try again.",
        ),
        (
            "/channel add @a_group",
            OWNER,
            "en",
            "A group is not a channel; I can only link channels.",
        ),
        (
            "/channel add @desk_alerts",
            GROUP_ADMIN,
            "ru",
            "Привязать Desk alerts сюда может только администратор этого канала.",
        ),
        (
            "/channel add @desk_alerts",
            MEMBER,
            "en",
            "Only the group's administrators can change this.",
        ),
        (
            "/subscribe all in @desk_alerts",
            OWNER,
            "en",
            "This chat has not linked the channel @desk_alerts. Link it first: "
            "/channel add @desk_alerts.",
        ),
        (
            "/lang @desk_alerts ru",
            OWNER,
            "az",
            "Bu söhbət @desk_alerts kanalını bağlamayıb. Əvvəlcə onu bağlayın: "
            "/channel add @desk_alerts.",
        ),
        (
            "/channel add",
            OWNER,
            "en",
            "Link a channel where I am an administrator: /channel add @name (or the channel's "
            "id). /channel remove @name unlinks it; /channel lists the linked channels.",
        ),
        (
            "/channel remove -1001234567890",
            OWNER,
            "en",
            "This chat has not linked the channel -1001234567890. Link it first: "
            "/channel add -1001234567890.",
        ),
    ],
)
async def test_bad_channel_input_gets_a_clear_answer(
    fake: FakeBotAPI, app: SummitApp, command: str, user: int, language: str, answer: str
) -> None:
    assert await _say(fake, command, user=user, language=language) == answer
    async with services_of(app).sessions() as session:
        assert not (await session.exec(select(ChannelLink))).all()
    assert not any(APOLOGY in (s.plain_text or "") for s in fake.sent)


async def test_a_linked_channel_gets_alerts_in_its_language_until_the_bot_loses_its_rights(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    sessions = services_of(app).sessions
    linked = await _say(fake, "/channel add @desk_alerts")
    assert linked.startswith("Linked: the channel Desk alerts is managed from this chat.")
    assert await _say(fake, "/channel add -1001234567890") == (
        "The channel Desk alerts is already linked to this chat."
    )
    assert await _say(fake, "/subscribe aircraft demo1 in @desk_alerts") == (
        "Subscribed: the channel Desk alerts now follows DEMO1 (ffa001)."
    )
    assert await _say(fake, "/lang @desk_alerts ru") == (
        "Готово: оповещения в канале Desk alerts будут на русском."
    )
    # The group itself follows nothing; its listing shows the channel's.
    assert await _say(fake, "/subscriptions") == (
        "The channel Desk alerts follows:\n• aircraft: DEMO1 (ffa001)"
    )
    assert await _say(fake, "/channel") == (
        "Channels managed from this chat:\n• Desk alerts (-1001234567890) — 1 subscription, ru"
    )

    # Buttons subscribe the channel too (the channel's id rides on each button).
    fake.user_message(GROUP, "/subscribe in @desk_alerts", user_id=OWNER)
    [menu] = (await fake.wait_for_messages(GROUP, 7, timeout=15))[-1:]
    assert menu.plain_text == "What should the channel Desk alerts follow?"
    fake.callback_press(GROUP, menu.message_id, f"sub:kind:all|{CHANNEL}", user_id=OWNER)
    await fake.wait_for(
        lambda s: (
            s.method == "editMessageText"
            and (s.plain_text or "")
            == "Subscribed: the channel Desk alerts now follows everything."
        )
    )

    await store_landing(sessions)
    services_of(app).wake_delivery()
    await fake.wait_until(lambda: len(_posts(fake)) == 1, timeout=30)
    [post] = _posts(fake)
    assert "Посадка: Баку" in (post.plain_text or "")
    assert not any("Посадка" in (s.plain_text or "") for s in fake.sent_to(GROUP))

    # The bot may no longer post: the alert is dead-lettered with the reason, the group
    # is told once (not again for the next alert), nothing is sent to the channel.
    fake.revoke_post_right(CHANNEL)
    await store_landing(sessions, key="ffa001:landing:2")
    services_of(app).wake_delivery()
    warning = await fake.wait_for(lambda s: "I can no longer post" in (s.plain_text or ""))
    assert warning.chat_id == GROUP
    assert warning.plain_text == (
        "⚠️ I can no longer post to the channel Desk alerts (Telegram says: Not enough rights "
        "to send text messages to the chat). Its alerts are kept as dead letters, not sent. "
        "Make me an administrator with the right to post messages, then send /channel add again."
    )
    async with sessions() as session:
        dead = (
            await session.exec(select(OutboxRow).where(OutboxRow.status == OutboxStatus.DEAD))
        ).all()
        channel = await session.get(Chat, CHANNEL)
    assert [row.chat_id for row in dead] == [CHANNEL]
    assert "not enough rights" in (dead[0].last_error or "").lower()
    assert channel is not None and not channel.active
    assert "⚠️ I lost my rights to post there" in await _say(fake, "/channel")
    await store_landing(sessions, key="ffa001:landing:3")
    services_of(app).wake_delivery()
    assert await _say(fake, "/help") != ""  # a round trip: the delivery worker had its turn
    assert (
        len([s for s in fake.sent_to(GROUP) if "I can no longer post" in (s.plain_text or "")]) == 1
    )
    assert len(_posts(fake)) == 1

    # Rights back, linked again: alerts flow; then the bot is removed (403): told again.
    fake.add_channel(CHANNEL, username="desk_alerts", title="Desk alerts")
    assert await _say(fake, "/channel add @desk_alerts") == (
        "The channel Desk alerts is already linked to this chat."
    )
    await store_landing(sessions, key="ffa001:landing:4")
    services_of(app).wake_delivery()
    await fake.wait_until(lambda: len(_posts(fake)) == 2, timeout=30)
    fake.mark_kicked(CHANNEL)
    await store_landing(sessions, key="ffa001:landing:5")
    services_of(app).wake_delivery()
    await fake.wait_until(
        lambda: (
            len([s for s in fake.sent_to(GROUP) if "I can no longer post" in (s.plain_text or "")])
            == 2
        ),
        timeout=30,
    )
    last = [s for s in fake.sent_to(GROUP) if "I can no longer post" in (s.plain_text or "")][-1]
    assert "Forbidden: bot is not a member of the channel chat" in (last.plain_text or "")

    # Unlinked by its id (its @name no longer resolves for the bot): its subscriptions go.
    assert await _say(fake, "/channel remove -1001234567890") == (
        "Unlinked the channel -1001234567890. Its 2 subscriptions were removed, as no other "
        "chat manages the channel."
    )
    async with sessions() as session:
        left = (await session.exec(select(Subscription))).all()
    assert not left
    assert not any(APOLOGY in (s.plain_text or "") for s in fake.sent)


async def test_a_private_chat_links_a_channel_and_removes_it_by_name(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    linked = await _say(fake, "/channel add @desk_alerts", chat=OWNER, language="ru")
    assert linked.startswith("Готово: канал Desk alerts управляется из этого чата.")
    assert await _say(fake, "/channel remove @desk_alerts", chat=OWNER, language="ru") == (
        "Канал Desk alerts отвязан."
    )
    assert await _say(fake, "/channel", chat=OWNER, language="az") == (
        "Bu söhbət hələ heç bir kanalı idarə etmir. Kanal bağlayın: /channel add @ad."
    )
    # The bot's administrators may link a channel they do not administer.
    linked = await _say(fake, "/channel add @desk_alerts", chat=ADMIN_ID, user=ADMIN_ID)
    assert linked.startswith("Linked:")


async def test_the_bot_removed_from_a_linked_channel_tells_the_group_at_once(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await _say(fake, "/channel add @desk_alerts")
    await _say(fake, "/subscribe aircraft demo1 in @desk_alerts")
    fake.bot_removed_from_group(CHANNEL)  # Telegram's my_chat_member update
    warning = await fake.wait_for(lambda s: "I can no longer post" in (s.plain_text or ""))
    assert warning.chat_id == GROUP and "(Telegram says: status kicked)" in (
        warning.plain_text or ""
    )
    async with services_of(app).sessions() as session:
        channel = await session.get(Chat, CHANNEL)
    assert channel is not None and not channel.active
    # Nothing more is routed to it, and the group is not told twice.
    await store_landing(services_of(app).sessions)
    services_of(app).wake_delivery()
    assert "⚠️ I lost my rights to post there" in await _say(fake, "/channel")
    assert not _posts(fake)
    told = [s for s in fake.sent_to(GROUP) if "I can no longer post" in (s.plain_text or "")]
    assert len(told) == 1
