"""`summitwatch sources check`: the shipped sources, served from the fake feed server
through SUMMITWATCH_SOURCES_BASE_URL, fetched once each and reported. A one-shot
command: an unknown name is an error, no "next try" lines, and a refused private
address names the setting that allows it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.cli import main
from tests.fakes.feeds import FakeFeeds

KREMLIN = "/kremlin.ru/events/president/news/feed"
APA_EN = "/apa.az/rss"


@pytest.fixture
async def feeds(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "SUMMITWATCH_SOURCES_FILE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SUMMITWATCH_SOURCES_BASE_URL", server.root_url)
        monkeypatch.setenv("SUMMITWATCH_FEEDS_ALLOW", "127.0.0.1")
        yield server


async def test_every_shipped_source_is_fetched_once_and_reported(
    feeds: FakeFeeds, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.add_feed(KREMLIN, "atom", language="ru", site="kremlin.ru")
    feeds.add_item(KREMLIN, "Встреча со Стивом Уиткоффом", "Текст.")
    feeds.add_item(KREMLIN, "Телефонный разговор", "Текст.")
    code = await asyncio.to_thread(main, ["sources", "check", "--timeout", "5"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1  # the other shipped sources are not on the fake
    kremlin = next(line for line in out if line.startswith("kremlin-ru "))
    assert kremlin.split()[1] == "ok"
    assert "2 items, newest " in kremlin and "Телефонный разговор" in kremlin
    tass = next(line for line in out if line.startswith("tass-en "))
    assert tass.split()[1:] == ["FAILED", "HTTP", "404", "Not", "Found"]
    assert out[-1] == "1 of 21 sources answered with readable items"
    assert len(feeds.requests) == 21


async def test_one_source_with_a_fault(
    feeds: FakeFeeds, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.add_feed(APA_EN, "rss", language="en", site="apa.az")
    feeds.fail_next(APA_EN, "billion_laughs")
    assert await asyncio.to_thread(main, ["sources", "check", "--source", "apa-en"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("apa-en             FAILED  unsafe XML: the document declares")
    assert out[1:] == ["0 of 1 sources answered with readable items"]
    assert await asyncio.to_thread(main, ["sources", "check", "--source", "apa-en"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 of 1 sources answered with readable items"


async def test_without_an_allowance_the_fake_on_loopback_is_refused(
    feeds: FakeFeeds, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUMMITWATCH_FEEDS_ALLOW")
    assert await asyncio.to_thread(main, ["sources", "check", "--source", "kremlin-en"]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("kremlin-en         FAILED  refused: 127.0.0.1 is a loopback address")
    assert feeds.requests == []


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
