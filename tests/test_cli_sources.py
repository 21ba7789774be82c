"""`summitwatch sources check` as a one-shot command: an unknown name is an error, no
"next try" lines, and a refused private address names the setting that allows it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.cli import main
from tests.fakes.feeds import FakeFeeds

KREMLIN_EN = "/en.kremlin.ru/events/president/news/feed"


@pytest.fixture
async def feeds(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "SUMMITWATCH_SOURCES_FILE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SUMMITWATCH_SOURCES_BASE_URL", server.root_url)
        monkeypatch.setenv("SUMMITWATCH_FEEDS_ALLOW", "127.0.0.1")
        yield server


async def test_an_unknown_source_exits_2_listing_the_known_names(
    feeds: FakeFeeds, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await asyncio.to_thread(
        main, ["sources", "check", "--source", "kremlin-en", "--source", "nosuch"]
    )
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.strip().splitlines()
    assert line.startswith("summitwatch: sources check: no source named 'nosuch'; known: ")
    assert "kremlin-en" in line and "tass-en" in line
    assert feeds.requests == []


async def test_a_failed_source_prints_no_next_try_line(
    feeds: FakeFeeds, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await asyncio.to_thread(main, ["sources", "check", "--source", "kremlin-en"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith("kremlin-en         FAILED  HTTP 404")
    assert "next try" not in captured.err + captured.out


async def test_a_refused_loopback_source_names_the_setting_that_allows_it(
    feeds: FakeFeeds, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUMMITWATCH_FEEDS_ALLOW")
    assert await asyncio.to_thread(main, ["sources", "check", "--source", "kremlin-en"]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line == (
        "kremlin-en         FAILED  refused: 127.0.0.1 is a loopback address "
        "(SUMMITWATCH_FEEDS_ALLOW=127.0.0.1 allows it)"
    )
