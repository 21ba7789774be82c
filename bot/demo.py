"""`summitwatch demo`: the whole bot, offline, against local fake servers, printed as chats.

Nothing leaves the machine: the Bot API and the ADS-B provider are small local fakes
(`bot.demo_fakes`, in the real wire formats), the store a temporary SQLite file. Three
chats, one per language, follow a demo person; a DEMO aircraft believed to carry them
flies the bundled scenario (`bot.flights.scenario`: Vnukovo 01:54 Moscow time → Baku
05:30 Baku time) through the real pipeline: provider → detector → store → outbox →
delivery. What the bot sends is printed as each chat would read it, and with
`save_pictures` each picture is written to a folder, as the fake Bot API received it.
Everything shown is demo data.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.demo_fakes.adsb import DemoADSB
from bot.demo_fakes.bot_api import DemoBotAPI, DemoMessage
from bot.flights import scenario
from bot.flights.polling import DEMO_TAG
from bot.kernel.config import load_settings
from bot.runtime.app import SummitApp
from bot.runtime.embedded import running
from bot.runtime.services import Services
from storage.models import Aircraft, Person, PersonAircraft

DEMO_TOKEN = "100000:DEMO-offline-token"  # noqa: S105  (accepted only by the local fake)
DEMO_ADMIN = 1
DEMO_PERSON = "demo-envoy"
DEMO_SOURCE = "summitwatch demo data (synthetic; not a real aircraft or person)"
CHATS: Sequence[tuple[int, str, str]] = (
    (1, "en", "English"),
    (2, "ru", "Русский"),
    (3, "az", "Azərbaycanca"),
)
ALERTS_PER_CHAT = 3  # takeoff, the destination while airborne, landing
_REPLY_TIMEOUT_S = 20.0


def _script(language: str) -> Sequence[str]:
    return ("/start", f"/lang {language}", f"/subscribe person {DEMO_PERSON}")


def _indent(text: str) -> str:
    return text.replace("\n", "\n     ")


def _short(text: str) -> str:
    """The first paragraph of a long reply (the demo is about the alerts)."""
    first, _, rest = text.partition("\n\n")
    return first + (" […]" if rest else "")


def _show_alert(sent: DemoMessage, pictures: Mapping[str, Path]) -> str:
    text = _indent(sent.plain_text)
    photo = sent.photo
    if photo is not None:
        size_kb = int(str(photo.get("file_size") or 0)) / 1024
        # The bot uploads a picture once and sends the same file by its id to the next chats.
        how = "uploaded" if sent.uploaded else "sent by file id"
        saved = pictures.get(str(photo.get("file_unique_id")))
        where = f" → {saved}" if saved is not None else ""
        return (
            f"  🤖 🗺 [map photo: the flight's track, PNG {size_kb:.0f} KB, {how}{where}]\n"
            f"     {text}\n"
        )
    return f"  🤖 {text}\n"


def prepare_picture_folder(folder: Path) -> Path:
    """The folder for `--save-pictures`, created if missing, as an absolute path.

    Raises:
        OSError: it cannot be created, or is not a folder.
    """
    folder = folder.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save_pictures(fake: DemoBotAPI, sent: Sequence[DemoMessage], folder: Path) -> dict[str, Path]:
    """Write each distinct picture the bot sent; its path by Telegram's file_unique_id."""
    saved: dict[str, Path] = {}
    for message in sent:
        photo = message.photo
        if photo is None or str(photo.get("file_unique_id")) in saved:
            continue
        data = fake.file_bytes(str(photo.get("file_id")))
        if data is None:
            continue
        extension = "png" if data.startswith(b"\x89PNG") else "jpg"
        path = folder / f"summitwatch-demo-picture-{len(saved) + 1}.{extension}"
        path.write_bytes(data)
        saved[str(photo.get("file_unique_id"))] = path
    return saved


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


async def _converse(fake: DemoBotAPI, chat_id: int, language: str) -> list[tuple[str, str]]:
    exchanges = []
    for said in _script(language):
        expected = len(fake.sent_to(chat_id)) + 1
        fake.user_message(chat_id, said, first_name="Demo", language_code=language)
        replies = await fake.wait_for_messages(chat_id, expected, timeout=_REPLY_TIMEOUT_S)
        exchanges.append((said, replies[-1].plain_text))
    return exchanges


async def _fly(application: SummitApp, adsb: DemoADSB) -> None:
    """Poll the fake provider at each instant of the scenario with the bot's own job."""
    if application.job_queue is None:
        raise RuntimeError("the bot is built with a job queue")
    [job] = application.job_queue.get_jobs_by_name("flight-poll")
    for instant in scenario.poll_instants(scenario.load()):
        adsb.set_time(instant)
        await job.run(application)


async def run_demo(out: TextIO = sys.stdout, *, save_pictures: Path | None = None) -> int:
    """Run the scripted conversations and the demo flight; print every chat.

    Args:
        out: where the chats are printed.
        save_pictures: a folder (see `prepare_picture_folder`) to write the pictures to.
    """
    reports = scenario.load()
    pictures: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="summitwatch-demo-") as folder:
        async with DemoBotAPI(DEMO_TOKEN) as fake, DemoADSB() as adsb:
            adsb.set_time(reports[0].ts)
            adsb.load_reports(reports)
            settings = load_settings(
                TELEGRAM_BOT_TOKEN=DEMO_TOKEN,
                TELEGRAM_API_BASE_URL=fake.base_url,
                DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}",
                SUMMITWATCH_ADMIN_IDS=str(DEMO_ADMIN),
                # Offline: the real statement sources are not fetched.
                SUMMITWATCH_STATEMENTS_ENABLED="false",
                SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={adsb.root_url}",
                # The local fake needs no politeness; the demo's rounds run back to back.
                SUMMITWATCH_FLIGHT_PROVIDER_RATE="1000",
                SUMMITWATCH_FLIGHT_POLL_SECONDS="3600",
                # No listening port: the demo may run beside a real bot.
                SUMMITWATCH_HEALTH_PORT="0",
            )
            # The pollers run on the demo provider's clock, which the scenario moves.
            demo_clock = lambda: datetime.fromtimestamp(adsb.clock(), UTC)  # noqa: E731
            async with running(settings, clock=demo_clock) as application:
                services: Services = application.bot_data.services
                await _seed_demo_watchlist(services)
                talks = await asyncio.gather(
                    *(_converse(fake, chat_id, language) for chat_id, language, _ in CHATS)
                )
                before = {chat_id: len(fake.sent_to(chat_id)) for chat_id, _, _ in CHATS}
                await _fly(application, adsb)
                alerts = [
                    (
                        await fake.wait_for_messages(
                            chat_id, before[chat_id] + ALERTS_PER_CHAT, timeout=_REPLY_TIMEOUT_S
                        )
                    )[before[chat_id] :]
                    for chat_id, _, _ in CHATS
                ]
            if save_pictures is not None:
                pictures = _save_pictures(fake, [s for sent in alerts for s in sent], save_pictures)
    _print(out, talks, alerts, pictures)
    return 0


def _print(
    out: TextIO,
    talks: Sequence[Sequence[tuple[str, str]]],
    alerts: Sequence[Sequence[DemoMessage]],
    pictures: Mapping[str, Path],
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
            out.write(_show_alert(message, pictures))
        out.write("\n")
    for path in pictures.values():
        out.write(f"Picture saved: {path}\n")
    out.write("Demo data only: no real aircraft, people's movements or statements are shown.\n")
