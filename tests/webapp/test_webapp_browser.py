"""The Mini App in headless Chromium (Debian's package, driven by Playwright) against a
running bot whose store holds a landed and an airborne flight: markers, a track, the
timeline and the venues in en/ru/az, a live update, and a screenshot."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.runtime.app import SummitApp
from tests.fakes.adsb import FakeADSB
from tests.fakes.telegram_api import FakeBotAPI
from tests.webapp_fixtures import (
    AIRBORNE_HEX,
    HOSTILE_TITLE,
    NOW,
    TOKEN,
    cruise,
    init_data,
    poll_at,
    webapp_bot,
)

playwright = pytest.importorskip("playwright.async_api")
from playwright.async_api import Browser, Page  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# Where the screenshot is kept (CI keeps the test's tmp path; set to keep it elsewhere).
ARTIFACTS = os.environ.get("SUMMITWATCH_TEST_ARTIFACTS")

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it)",
)

WORDS = {
    "en": ("Map", "Statements", "Venues"),
    "ru": ("Карта", "Заявления", "Места встреч"),
    "az": ("Xəritə", "Bəyanatlar", "Məkanlar"),
}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with playwright.async_playwright() as driver:
        launched = await driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            await launched.close()


async def _open(browser: Browser, base: str, language: str) -> tuple[Page, list[str]]:
    page = await browser.new_page(viewport={"width": 420, "height": 760})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    # Where Telegram puts initData when it opens a Mini App.
    await page.goto(f"{base}/#tgWebAppData={quote(init_data(TOKEN, language=language))}")
    await page.wait_for_selector("body[data-ready]", timeout=10_000)
    return page, problems


@pytest.mark.parametrize("language", ["en", "ru", "az"])
async def test_markers_track_timeline_and_venues(
    served: tuple[SummitApp, str], browser: Browser, language: str, tmp_path: Path
) -> None:
    _app, base = served
    page, problems = await _open(browser, base, language)
    words = WORDS[language]
    assert await page.inner_text("#tab-map") == words[0]
    assert await page.inner_text("#tab-timeline") == words[1]
    assert await page.inner_text("#tab-venues") == words[2]
    assert await page.locator("#markers .marker").count() == 2
    flying = page.locator(f'#markers .marker[data-hex="{AIRBORNE_HEX}"]')
    assert await flying.get_attribute("class") == "marker airborne"
    assert "AZAL01" in (await flying.locator("text").text_content() or "")
    assert await page.locator("#basemap path.land").count() == 1
    assert "GSHHG" in await page.inner_text("#attribution")
    # A selected aircraft: its track coloured by altitude, its flights, its people.
    await page.locator('#markers .marker[data-hex="ffa001"]').click()
    await page.wait_for_selector('#detail[data-hex="ffa001"]')
    # One segment between each two kept positions of the polled flight.
    assert await page.locator("#tracks line").count() > 20
    colours = {
        await line.get_attribute("stroke") for line in await page.locator("#tracks line").all()
    }
    assert len(colours) > 3
    flights = await page.inner_text("#detail .flights")
    assert "01:54" in flights and "22:54 UTC" in flights
    # Filters: by state.
    await page.select_option("#filter-state", "airborne")
    assert await page.locator("#markers .marker").count() == 1
    await page.select_option("#filter-state", "")
    # By person, then by operator.
    await page.select_option("#filter-person", "aliyev")
    assert await page.locator("#markers .marker").count() == 1
    await page.select_option("#filter-person", "")
    await page.select_option("#filter-operator", "Gov of Azerbaijan")
    assert await page.locator(f'#markers .marker[data-hex="{AIRBORNE_HEX}"]').count() == 1
    assert await page.locator("#markers .marker").count() == 1
    await page.select_option("#filter-operator", "")
    # The timeline: the hostile title shown as text, its link kept, no script run.
    await page.click("#tab-timeline")
    title = page.locator("#statements li.statement .title")
    assert await title.inner_text() == HOSTILE_TITLE
    assert await title.get_attribute("href") == "https://feeds.example.org/kremlin/1"
    assert await page.locator("#statements img").count() == 0
    assert await page.evaluate("document.body.dataset.pwned") is None
    # The venues: ranked, each with reasons.
    await page.click("#tab-venues")
    assert await page.locator("#venues > li.venue").count() >= 3
    assert await page.locator("#venues > li.venue").first.locator(".reasons li").count() >= 1
    shot = tmp_path / f"webapp-{language}.png"
    await page.click("#tab-map")
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if ARTIFACTS:
        keep = Path(ARTIFACTS)
        keep.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a test's one copy
        shutil.copy(shot, keep / shot.name)
    assert problems == []


async def test_a_live_update_moves_the_marker_without_reload(
    served: tuple[SummitApp, str], adsb: FakeADSB, browser: Browser
) -> None:
    app, base = served
    page, problems = await _open(browser, base, "en")
    marker = page.locator(f'#markers .marker[data-hex="{AIRBORNE_HEX}"]')
    before = await marker.get_attribute("data-x")
    await page.wait_for_selector("#freshness.live")
    # The provider reports the jet a minute further on; the bot's poll stores it.
    adsb.load_track(AIRBORNE_HEX, cruise(NOW - timedelta(minutes=10), 1, first=11))
    await poll_at(app, adsb, [NOW + timedelta(minutes=1)])
    await page.wait_for_function(
        "([hex, before]) => document.querySelector("
        '`#markers .marker[data-hex="${hex}"]`).dataset.x !== before',
        arg=[AIRBORNE_HEX, before],
        timeout=10_000,
    )
    freshness = await page.inner_text("#freshness")
    assert freshness.startswith("Live · Data as of") and "1:46" in freshness
    assert problems == []


async def test_a_user_without_access_sees_the_refusal_and_no_data(
    fake: FakeBotAPI, adsb: FakeADSB, sqlite_url: str, browser: Browser
) -> None:
    async with webapp_bot(fake, adsb, sqlite_url, SUMMITWATCH_ALLOWED_CHATS="1") as (
        _app,
        base,
    ):
        page = await browser.new_page()
        await page.goto(f"{base}/#tgWebAppData={quote(init_data(TOKEN, language='az'))}")
        await page.wait_for_selector("#message:not([hidden])")
        assert "bot" in await page.inner_text("#message")
        assert await page.locator("#markers .marker").count() == 0
