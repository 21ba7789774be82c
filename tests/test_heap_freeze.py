"""Start-up's survivors are frozen out of full garbage collections (issue 13: /status p99).

A full collection walked every object of the bot, 55-100 ms on the event loop with a
production heap (bench/status.py); frozen at start-up, they are not walked again.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from bot.kernel.config import load_settings
from tests.e2e import bot_settings, running_bot
from tests.fakes.adsb import FakeADSB
from tests.fakes.telegram_api import FakeBotAPI


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()  # this test process starts other bots, and they must be collected


def test_production_freezes_and_the_tests_bots_do_not() -> None:
    assert load_settings(TELEGRAM_BOT_TOKEN="1:x").gc_freeze is True
    fake_base = {"TELEGRAM_BOT_TOKEN": "1:x", "SUMMITWATCH_GC_FREEZE": "false"}
    assert load_settings(**fake_base).gc_freeze is False


async def test_a_started_bot_has_frozen_what_it_keeps_and_still_collects_new_garbage(
    sqlite_url: str, thawed: None
) -> None:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as fake:
        settings = bot_settings(fake, sqlite_url, SUMMITWATCH_GC_FREEZE="true")
        async with running_bot(settings):
            frozen = gc.get_freeze_count()
            assert frozen > 10_000  # the modules, the bot's objects, its caches

            class Cycle:
                other: object = None

            first, second = Cycle(), Cycle()
            first.other, second.other = second, first
            del first, second
            # A cycle made after the freeze is still garbage the collector finds.
            assert gc.collect() >= 2
            assert gc.get_freeze_count() == frozen


async def test_the_first_flight_poll_freezes_what_it_loaded(sqlite_url: str, thawed: None) -> None:
    async with (
        FakeBotAPI(token="123456:TEST-token-for-e2e") as fake,
        FakeADSB() as adsb,
    ):
        settings = bot_settings(
            fake,
            sqlite_url,
            SUMMITWATCH_GC_FREEZE="true",
            SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={adsb.base_url('adsb.lol')}",
        )
        async with running_bot(settings) as app:
            assert app.job_queue is not None
            [job] = app.job_queue.get_jobs_by_name("flight-poll")
            at_start = gc.get_freeze_count()
            await job.run(app)
            after_first = gc.get_freeze_count()
            # The airport index and the destination predictor, loaded by the round.
            assert after_first > at_start
            await job.run(app)
            assert gc.get_freeze_count() <= after_first  # later rounds freeze nothing more


async def test_the_tests_bots_freeze_nothing(sqlite_url: str, thawed: None) -> None:
    async with (
        FakeBotAPI(token="123456:TEST-token-for-e2e") as fake,
        running_bot(bot_settings(fake, sqlite_url)),
    ):
        assert gc.get_freeze_count() == 0


async def test_the_airport_index_is_loaded_in_a_thread_at_start_not_at_the_first_poll(
    sqlite_url: str,
) -> None:
    from bot.flights import airports

    airports.default_index.cache_clear()
    async with (
        FakeBotAPI(token="123456:TEST-token-for-e2e") as fake,
        running_bot(bot_settings(fake, sqlite_url)),
    ):
        for _ in range(200):  # no poll round, no command: start-up's own warm-up
            if airports.default_index.cache_info().currsize:
                break
            await asyncio.sleep(0.05)
        assert airports.default_index.cache_info().currsize == 1
