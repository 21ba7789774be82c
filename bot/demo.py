"""`summitwatch demo`: the whole bot, offline, against local fake servers, printed as chats.

Nothing leaves the machine: the Bot API is a local fake (the one the tests use),
the store a temporary SQLite file. Each chat speaks one language, and what the bot
sends is printed as the user would read it.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.config import load_settings
from bot.embedded import running
from summitwatch_fakes.telegram_api import FakeBotAPI

DEMO_TOKEN = "100000:DEMO-offline-token"  # noqa: S105  (accepted only by the local fake)
DEMO_ADMIN = 1
CHATS: Sequence[tuple[int, str, str]] = (
    (1, "en", "English"),
    (2, "ru", "Русский"),
    (3, "az", "Azərbaycanca"),
)
SCRIPT: Sequence[str] = ("/start", "/help", "/subscribe")


def _print_exchange(out: TextIO, said: str, replies: Sequence[str]) -> None:
    out.write(f"  👤 {said}\n")
    for reply in replies:
        indented = reply.replace("\n", "\n     ")
        out.write(f"  🤖 {indented}\n")
    out.write("\n")


async def run_demo(out: TextIO = sys.stdout) -> int:
    """Run the scripted conversation in each language and print it."""
    with tempfile.TemporaryDirectory(prefix="summitwatch-demo-") as folder:
        async with FakeBotAPI(token=DEMO_TOKEN) as fake:
            settings = load_settings(
                TELEGRAM_BOT_TOKEN=DEMO_TOKEN,
                TELEGRAM_API_BASE_URL=fake.base_url,
                DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}",
                SUMMITWATCH_ADMIN_IDS=str(DEMO_ADMIN),
                # Offline: the real statement sources are not fetched.
                SUMMITWATCH_STATEMENTS_ENABLED="false",
            )
            async with running(settings):
                for chat_id, language, name in CHATS:
                    out.write(f"── {name} ({language}) " + "─" * 40 + "\n")
                    for said in SCRIPT:
                        expected = _count(fake, chat_id) + 1
                        fake.user_message(chat_id, said, first_name="Demo", language_code=language)
                        replies = await fake.wait_for_messages(chat_id, expected)
                        _print_exchange(out, said, [replies[-1].plain_text or ""])
    out.write("Demo data only: no real aircraft, people's movements or statements are shown.\n")
    return 0


def _count(fake: FakeBotAPI, chat_id: int) -> int:
    return sum(1 for s in fake.sent_to(chat_id) if not s.method.startswith("edit"))
