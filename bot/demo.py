"""`summitwatch demo`: the whole bot, offline, against local fake servers, printed as chats.

Nothing leaves the machine: the Bot API and the ADS-B provider are local fakes (the
ones the tests use), the store a temporary SQLite file. Three chats, one per language,
follow a demo person; a DEMO aircraft believed to carry them flies the bundled
scenario (`bot.flights.scenario`: Vnukovo 01:54 Moscow time → Baku 05:30 Baku time)
through the real pipeline: provider → detector → store → outbox → delivery. What the
bot sends is printed as each chat would read it. Everything shown is demo data.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.app import SummitApp
from bot.config import load_settings
from bot.embedded import running
from bot.flights import scenario
from bot.flights.polling import DEMO_TAG
from bot.services import Services
from storage.models import Aircraft, Person, PersonAircraft
from summitwatch_fakes.adsb import FakeADSB
from summitwatch_fakes.telegram_api import FakeBotAPI, Sent

DEMO_TOKEN = "100000:DEMO-offline-token"  # noqa: S105  (accepted only by the local fake)
DEMO_ADMIN = 1
DEMO_PERSON = "demo-envoy"
DEMO_SOURCE = "summitwatch demo data (synthetic; not a real aircraft or person)"
CHATS: Sequence[tuple[int, str, str]] = (
    (1, "en", "English"),
    (2, "ru", "Русский"),
    (3, "az", "Azərbaycanca"),
)
ALERTS_PER_CHAT = 2  # takeoff, landing
_REPLY_TIMEOUT_S = 20.0


def _script(language: str) -> Sequence[str]:
    return ("/start", f"/lang {language}", f"/subscribe person {DEMO_PERSON}")


def _indent(text: str) -> str:
    return text.replace("\n", "\n     ")


def _short(text: str) -> str:
    """The first paragraph of a long reply (the demo is about the alerts)."""
    first, _, rest = text.partition("\n\n")
    return first + (" […]" if rest else "")


def _show_alert(sent: Sent) -> str:
    text = _indent(sent.plain_text or "")
    if sent.method == "sendPhoto":
        size_kb = (sent.photo_size or 0) / 1024
        return f"  🤖 🗺 [map photo: the flight's track, PNG {size_kb:.0f} KB]\n     {text}\n"
    return f"  🤖 {text}\n"


async def _seed_demo_watchlist(services: Services) -> None:
    """A demo person and the DEMO aircraft believed to carry them, labelled as demo."""
    async with services.sessions.begin() as session:
        person = Person(
            slug=DEMO_PERSON,
            names={"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"},
            aliases={"en": ["Demo Envoy"], "ru": ["Демо-посланник"], "az": ["Demo nümayəndə"]},
            roles={
                "en": "fictional person of the offline demo",
                "ru": "вымышленное лицо офлайн-демо",
                "az": "oflayn demonun uydurma şəxsi",
            },
            source=DEMO_SOURCE,
        )
        session.add(person)
        session.add(
            Aircraft(
                hex=scenario.DEMO_HEX,
                registration=scenario.DEMO_REGISTRATION,
                type_code="GLF6",
                operator="Demo data",
                tags=[DEMO_TAG],
                source=DEMO_SOURCE,
            )
        )
        await session.flush()
        if person.id is None:
            raise RuntimeError("the demo person was not stored")
        session.add(
            PersonAircraft(person_id=person.id, aircraft_hex=scenario.DEMO_HEX, note=DEMO_SOURCE)
        )


async def _converse(fake: FakeBotAPI, chat_id: int, language: str) -> list[tuple[str, str]]:
    exchanges = []
    for said in _script(language):
        expected = _count(fake, chat_id) + 1
        fake.user_message(chat_id, said, first_name="Demo", language_code=language)
        replies = await fake.wait_for_messages(chat_id, expected, timeout=_REPLY_TIMEOUT_S)
        exchanges.append((said, replies[-1].plain_text or ""))
    return exchanges


async def _fly(application: SummitApp, adsb: FakeADSB) -> None:
    """Poll the fake provider at each instant of the scenario with the bot's own job."""
    if application.job_queue is None:
        raise RuntimeError("the bot is built with a job queue")
    [job] = application.job_queue.get_jobs_by_name("flight-poll")
    for instant in scenario.poll_instants(scenario.load()):
        adsb.set_time(instant)
        await job.run(application)


async def run_demo(out: TextIO = sys.stdout) -> int:
    """Run the scripted conversations and the demo flight; print every chat."""
    reports = scenario.load()
    with tempfile.TemporaryDirectory(prefix="summitwatch-demo-") as folder:
        async with FakeBotAPI(token=DEMO_TOKEN) as fake, FakeADSB() as adsb:
            adsb.set_time(reports[0].ts)
            adsb.load_reports(reports)
            settings = load_settings(
                TELEGRAM_BOT_TOKEN=DEMO_TOKEN,
                TELEGRAM_API_BASE_URL=fake.base_url,
                DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}",
                SUMMITWATCH_ADMIN_IDS=str(DEMO_ADMIN),
                # Offline: the real statement sources are not fetched.
                SUMMITWATCH_STATEMENTS_ENABLED="false",
                SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={adsb.base_url('adsb.lol')}",
                # The local fake needs no politeness; the demo's rounds run back to back.
                SUMMITWATCH_FLIGHT_PROVIDER_RATE="1000",
                SUMMITWATCH_FLIGHT_POLL_SECONDS="3600",
                # No listening port: the demo may run beside a real bot.
                SUMMITWATCH_HEALTH_PORT="0",
            )
            async with running(settings) as application:
                services: Services = application.bot_data.services
                services.clock = lambda: datetime.fromtimestamp(adsb.clock(), UTC)
                await _seed_demo_watchlist(services)
                talks = await asyncio.gather(
                    *(_converse(fake, chat_id, language) for chat_id, language, _ in CHATS)
                )
                before = {chat_id: _count(fake, chat_id) for chat_id, _, _ in CHATS}
                await _fly(application, adsb)
                alerts = [
                    (
                        await fake.wait_for_messages(
                            chat_id, before[chat_id] + ALERTS_PER_CHAT, timeout=_REPLY_TIMEOUT_S
                        )
                    )[before[chat_id] :]
                    for chat_id, _, _ in CHATS
                ]
    _print(out, talks, alerts)
    return 0


def _print(
    out: TextIO, talks: Sequence[Sequence[tuple[str, str]]], alerts: Sequence[Sequence[Sent]]
) -> None:
    out.write(
        "DEMO DATA: a fictional aircraft (hex ffd001, DEMO1) and a fictional person fly a\n"
        "synthetic track through local fake ADS-B and Telegram servers. Nothing is real.\n\n"
    )
    for (_, language, name), talk, sent in zip(CHATS, talks, alerts, strict=True):
        out.write(f"── {name} ({language}) " + "─" * 40 + "\n")
        for said, reply in talk:
            out.write(f"  👤 {said}\n  🤖 {_indent(_short(reply))}\n")
        out.write("  ✈ … the demo flight: Vnukovo → Baku …\n")
        for message in sent:
            out.write(_show_alert(message))
        out.write("\n")
    out.write("Demo data only: no real aircraft, people's movements or statements are shown.\n")


def _count(fake: FakeBotAPI, chat_id: int) -> int:
    return sum(1 for s in fake.sent_to(chat_id) if not s.method.startswith("edit"))
