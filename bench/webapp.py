"""The Mini App in the browser: first load with 2,000 watched aircraft, and live updates.

Run: `.venv/bin/python bench/webapp.py` (needs Debian's chromium and Playwright, as the
browser tests). A real bot (SQLite store, fake Bot API) serves the Mini App; the store
holds `--aircraft` fictional aircraft (hex ff2000…, registrations ZZ-W0001…) with a
last position each, 60 % in the air over Europe and Asia at FL300-410 with a heading,
the rest on the ground, and 20 of them linked to watched people.

First load: headless Chromium opens the page with signed initData, and the time is
from navigation start to the page having drawn the fleet, the timeline and the venues
(`body[data-ready]`); the bytes are what the browser received for the HTML, the
script, the style, the base map and each API answer (Resource Timing transfer sizes,
gzip where the server compresses). `--loads` runs, median reported; the base map is
cached by the browser after the first, as in Telegram.

Live: `--updates` rounds; each stores one new position for each of `--moving` aircraft,
then waits for the page to apply the batch; latency is from the store's commit to the
page having redrawn (browser clock, same machine), with SUMMITWATCH_WEBAPP_LIVE_S
`--live-s` (the default 2 s, the store polled that often); size is the event's JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from storage.models import Aircraft, PersonAircraft, Position  # noqa: E402
from storage.positions import add_positions  # noqa: E402
from storage.watchlist import all_people  # noqa: E402
from tests.e2e import bot_settings, running_bot, services_of  # noqa: E402
from tests.fakes.telegram_api import FakeBotAPI  # noqa: E402
from tests.webapp_fixtures import TOKEN, WEBAPP_URL, free_port, init_data  # noqa: E402

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def _fix(hex_code: str, rng: random.Random, ts: datetime, airborne: bool) -> Position:
    return Position(
        hex=hex_code,
        ts=ts,
        lat=rng.uniform(30.0, 62.0),
        lon=rng.uniform(-10.0, 80.0),
        alt_ft=rng.randrange(30000, 41000, 1000) if airborne else None,
        on_ground=not airborne,
        ground_speed_kt=rng.uniform(380, 480) if airborne else 0.0,
        track_deg=rng.uniform(0, 360) if airborne else None,
        callsign=f"BEN{rng.randrange(1000):03d}" if airborne else None,
        provider="bench",
    )


async def seed(app: Any, count: int) -> list[str]:
    rng = random.Random(19)
    hexes = [f"ff{0x2000 + i:04x}" for i in range(count)]
    sessions = services_of(app).sessions
    async with sessions.begin() as session:
        people = await all_people(session)
        for i, hex_code in enumerate(hexes):
            session.add(
                Aircraft(
                    hex=hex_code,
                    registration=f"ZZ-W{i:04d}",
                    operator=f"Bench operator {i % 40}",
                    type_name="Airbus A319",
                    source="bench",
                )
            )
        await session.flush()
        for i, hex_code in enumerate(hexes[:20]):
            person = people[i % len(people)]
            assert person.id is not None
            session.add(PersonAircraft(person_id=person.id, aircraft_hex=hex_code))
        await add_positions(
            session,
            [
                _fix(h, rng, NOW - timedelta(seconds=rng.uniform(5, 60)), rng.random() < 0.6)
                for h in hexes
            ],
        )
    return hexes


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        async with FakeBotAPI(token=TOKEN) as fake:
            fake.limits_enabled = False
            settings = bot_settings(
                fake,
                url,
                SUMMITWATCH_WEBAPP_URL=WEBAPP_URL,
                SUMMITWATCH_WEBAPP_PORT=str(free_port()),
                SUMMITWATCH_WEBAPP_LIVE_S=str(args.live_s),
            )
            async with running_bot(settings, clock=lambda: NOW) as app:
                hexes = await seed(app, args.aircraft)
                base = f"http://127.0.0.1:{app.bot_data.webapp_port}"
                return await measure(app, base, hexes, args)


async def measure(
    app: Any, base: str, hexes: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    rng = random.Random(7)
    address = f"{base}/#tgWebAppData={quote(init_data(TOKEN, auth_date=NOW))}"
    loads: list[dict[str, float]] = []
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        context = await browser.new_context(viewport={"width": 420, "height": 760})
        page = await context.new_page()
        for number in range(args.loads):
            if number:
                # A new page in the same browser: its cache holds what the last one kept.
                await page.close()
                page = await context.new_page()
            await page.goto(address)
            await page.wait_for_selector("body[data-ready]", timeout=60_000)
            loads.append(
                await page.evaluate(
                    """() => {
                    const nav = performance.getEntriesByType('navigation')[0];
                    const out = {html: nav.transferSize};
                    for (const r of performance.getEntriesByType('resource')) {
                      const name = new URL(r.name).pathname.split('/').pop() || 'page';
                      out[name] = (out[name] || 0) + r.transferSize;
                      out[name + ' raw'] = (out[name + ' raw'] || 0) + r.decodedBodySize;
                    }
                    out.ready = Number(document.body.dataset.ready);
                    out.total = Object.entries(out)
                      .filter(([k]) => !k.endsWith(' raw') && k !== 'ready')
                      .reduce((sum, [, v]) => sum + v, 0);
                    out.markers = document.querySelectorAll('#markers .marker').length;
                    return out;
                }"""
                )
            )
        latencies: list[float] = []
        sizes: list[int] = []
        await page.wait_for_selector("#freshness.live")
        for round_no in range(1, args.updates + 1):
            moved = rng.sample(hexes, args.moving)
            ts = NOW + timedelta(seconds=10 * round_no)
            async with services_of(app).sessions.begin() as session:
                await add_positions(session, [_fix(h, rng, ts, True) for h in moved])
            committed_ms = time.time() * 1000
            await page.wait_for_function(
                "n => Number(document.body.dataset.updates || 0) >= n",
                arg=round_no,
                timeout=30_000,
            )
            applied = float(await page.evaluate("Number(document.body.dataset.lastUpdateAt)"))
            latencies.append(applied - committed_ms)
            sizes.append(int(await page.evaluate("Number(document.body.dataset.lastUpdateBytes)")))
        await browser.close()
    first, later = loads[0], loads[1:] or loads[:1]
    return {
        "aircraft": len(hexes),
        "markers": first["markers"],
        "first_load": first,
        "ready_ms_first": first["ready"],
        "ready_ms_median_cached": statistics.median(x["ready"] for x in later),
        "bytes_median_cached": statistics.median(x["total"] for x in later),
        "ready_ms_all": [x["ready"] for x in loads],
        "update_latency_ms_median": statistics.median(latencies),
        "update_latency_ms_max": max(latencies),
        "update_bytes_median": statistics.median(sizes),
        "live_s": args.live_s,
        "moving": args.moving,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--aircraft", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--moving", type=int, default=50)
    parser.add_argument("--live-s", type=float, default=2.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), indent=1))


if __name__ == "__main__":
    main()
