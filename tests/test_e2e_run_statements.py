"""`summitwatch run` as deployed, a real process polling statements: a Russian headline
naming a watched person in an inflected form reaches the subscribed chat, and the bot
never loads pymorphy3 (its matcher's forms come from a child: bot.statements.forms_apart).
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.fakes.feeds import FakeFeeds
from tests.fakes.telegram_api import FakeBotAPI
from tests.run_process import (
    modules_reported,
    reporting_modules,
    run_environment,
    start_run,
)
from tests.test_e2e_statements import AZ_CHAT, KREMLIN_PATH, TITLE, prepare_store

TOKEN = "515151:RUN-statements-secret-token"


async def test_the_deployed_bot_matches_russian_forms_without_the_dictionary(
    tmp_path: Path,
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    await prepare_store(database)
    async with FakeBotAPI(token=TOKEN) as fake, FakeFeeds() as feeds:
        fake.limits_enabled = False
        feeds.add_feed(KREMLIN_PATH, "atom", title="Новости", language="ru", site="kremlin.ru")
        feeds.add_item(KREMLIN_PATH, TITLE, "Глава государства принял Уиткоффа в Кремле.")
        env = {
            **run_environment(
                fake,
                database,
                SUMMITWATCH_STATEMENTS_ENABLED="true",
                SUMMITWATCH_STATEMENTS_TICK_S="0.2",
                SUMMITWATCH_SOURCES_BASE_URL=feeds.root_url,
                SUMMITWATCH_FEEDS_ALLOW="127.0.0.1/32",
            ),
            **reporting_modules(tmp_path, ["pymorphy3"]),
        }
        process = await start_run(env, tmp_path)
        try:
            [alert] = await fake.wait_for_messages(AZ_CHAT, 1, timeout=60)
        finally:
            process.send_signal(signal.SIGINT)
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    output = (stdout + stderr).decode()
    assert process.returncode == 0, output
    # "со Стивом Уиткоффом": the instrumental of both words, found through the forms.
    assert "🔎 Şəxslər: Stiv Uitkoff («Стивом Уиткоффом»)" in (alert.plain_text or "")
    assert "could not compute the Russian word forms" not in output
    loaded = modules_reported(tmp_path)
    assert loaded[process.pid] == {"pymorphy3": False}  # the bot
    assert {"pymorphy3": True} in loaded.values()  # the child that computed the forms
