"""The Mini App's buttons: the menu button, and a button under /status, /flights, /venues
and landing alerts (web_app in private chats, a t.me link in groups), through the fake
Bot API, which refuses web_app buttons where Telegram does."""

from __future__ import annotations

from typing import Any

from bot.runtime.app import SummitApp
from storage.models import SubscriptionKind
from tests.alerting import DEMO_HEX, store_landing, subscribe_chats
from tests.e2e import services_of
from tests.fakes.telegram.objects import ChatType
from tests.fakes.telegram_api import FakeBotAPI, Sent
from tests.webapp_fixtures import WEBAPP_URL

PRIVATE = 4242
GROUP = -1001999


def _buttons(sent: Sent) -> list[dict[str, Any]]:
    markup = sent.reply_markup or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def _answers(fake: FakeBotAPI, chat: int, text: str, language: str = "en") -> list[Sent]:
    """The answer's messages, up to the one that carries a button."""
    before = len(fake.sent_to(chat))
    kind: ChatType = "private" if chat > 0 else "supergroup"
    fake.user_message(chat, text, language_code=language, user_id=PRIVATE, chat_type=kind)
    await fake.wait_until(lambda: any(_buttons(s) for s in fake.sent_to(chat)[before:]), timeout=15)
    return fake.sent_to(chat)[before:]


async def test_web_app_button_in_private_chats_and_a_link_in_groups(
    served: tuple[SummitApp, str], fake: FakeBotAPI
) -> None:
    _app, _base = served
    for command in ("/status DEMO1", "/flights DEMO1", "/venues"):
        answers = await _answers(fake, PRIVATE, command, "ru")
        texts = [s for s in answers if s.method == "sendMessage"]
        assert _buttons(texts[-1]) == [{"text": "Открыть карту", "web_app": {"url": WEBAPP_URL}}]
        assert all(not _buttons(s) for s in texts[:-1])
    fake.add_chat(GROUP, chat_type="supergroup", title="Desk")
    answers = await _answers(fake, GROUP, "/flights DEMO1")
    username = fake.bot_user["username"]
    assert _buttons(answers[-1]) == [
        {"text": "Open the map", "url": f"https://t.me/{username}?startapp"}
    ]


async def test_landing_alert_carries_the_button(
    served: tuple[SummitApp, str], fake: FakeBotAPI
) -> None:
    app, _base = served
    sessions = services_of(app).sessions
    await subscribe_chats(sessions, [(PRIVATE, "az"), (GROUP, "en")], SubscriptionKind.AIRCRAFT)
    await store_landing(sessions, key=f"{DEMO_HEX}:landing:webapp")
    services_of(app).wake_delivery()

    def landing(chat: int) -> list[Sent]:
        return [s for s in fake.sent_to(chat) if _buttons(s)]

    await fake.wait_until(lambda: bool(landing(PRIVATE) and landing(GROUP)), timeout=30)
    assert _buttons(landing(PRIVATE)[-1]) == [
        {"text": "Xəritəni aç", "web_app": {"url": WEBAPP_URL}}
    ]
    assert _buttons(landing(GROUP)[-1])[0]["url"].endswith("?startapp")


async def test_no_button_when_the_app_is_off(fake: FakeBotAPI, sqlite_url: str) -> None:
    from tests.e2e import bot_settings, running_bot

    async with running_bot(bot_settings(fake, sqlite_url)):
        fake.user_message(PRIVATE, "/venues", user_id=PRIVATE)
        [answer] = await fake.wait_for_messages(PRIVATE, 1)
        assert "Top candidate venues" in (answer.plain_text or "")
        assert not _buttons(answer)
        assert fake.menu_buttons == {}
