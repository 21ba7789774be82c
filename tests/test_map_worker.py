"""Maps drawn in a separate process (issue 13): the bot never loads matplotlib itself.

The worker spawns and warms up in the background at start-up, draws every map, is
replaced when it dies (a map it died on is left out, the message still goes), and
exits with the bot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import pytest

from bot.flights import maps
from bot.flights.map_worker import MapUnavailable, MapWorker
from tests.e2e import bot_settings, running_bot
from tests.fakes.telegram_api import FakeBotAPI
from tests.map_crash import die
from tests.test_e2e_status import CHAT, _store_flight

TRACK = [(55.59, 37.26, 0.0), (48.0, 46.0, 39000.0), (40.47, 50.05, 0.0)]


def _alive(pid: int) -> bool:
    try:
        # Our child (the bot runs in this process): exited once its last thread has; a
        # killed process's leader shows as a zombie while its other threads still exit.
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        pass  # reaped already, or not our child
    # A zombie (exited, not yet reaped) counts as gone: its memory is freed.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


async def _gone(pid: int, timeout_s: float = 10.0) -> bool:
    for _ in range(int(timeout_s / 0.1)):
        if not _alive(pid):
            return True
        await asyncio.sleep(0.1)
    return False


async def _status_map_size(fake: FakeBotAPI) -> int:
    """Bytes of the map `/status witkoff` sends after its text."""
    before = len(fake.sent_to(CHAT))
    fake.user_message(CHAT, "/status witkoff")
    text, picture = (await fake.wait_for_messages(CHAT, before + 2, timeout=60))[before:]
    assert text.method == "sendMessage"
    assert picture.method == "sendPhoto"
    return picture.photo_size or 0


async def test_the_running_bot_draws_in_its_worker_restarts_it_and_stops_it(
    sqlite_url: str,
) -> None:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as fake:
        fake.limits_enabled = False
        settings = bot_settings(fake, sqlite_url, SUMMITWATCH_MAP_WORKER="true")
        async with running_bot(settings) as app:
            await _store_flight(app)
            for _ in range(300):  # the worker starts in the background once the bot polls
                if maps.worker() is not None:
                    break
                await asyncio.sleep(0.1)
            worker = maps.worker()
            assert worker is not None
            first = await asyncio.to_thread(worker.pid)
            assert first != os.getpid()
            assert await _status_map_size(fake) > 10_000

            # Killed between maps: the next map is drawn by a new worker.
            os.kill(first, signal.SIGKILL)
            assert await _gone(first)
            assert await _status_map_size(fake) > 10_000
            second = await asyncio.to_thread(worker.pid)
            assert second != first and worker.restarts == 1
        assert maps.worker() is None
        assert await _gone(second), "the map worker outlived the bot"


async def test_a_worker_that_dies_drawing_gives_no_map_logs_why_and_is_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = MapWorker()
    try:
        with (
            caplog.at_level(logging.WARNING, logger="bot.flights.map_worker"),
            pytest.raises(MapUnavailable),
        ):
            await asyncio.to_thread(worker.call, die)
        assert "this message goes without its map" in caplog.text
        assert worker.restarts == 1
        # The replacement draws; errors in the input still come back as themselves.
        picture = await asyncio.to_thread(worker.call, maps._draw, TRACK, [], None, (320, 240))
        assert picture.startswith(b"\x89PNG")
        with pytest.raises(ValueError, match="track is empty"):
            await asyncio.to_thread(worker.call, maps._draw, [], [], None, (320, 240))
        pid = await asyncio.to_thread(worker.pid)
    finally:
        await asyncio.to_thread(worker.close)
    assert await _gone(pid)
    with pytest.raises(MapUnavailable):
        worker.call(os.getpid)
