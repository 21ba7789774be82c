"""A statement poll round end to end: fetch, store, match, route (SQLite).

Run: `.venv/bin/python -m bench.statements_polling` (options: --sources, --items, --runs).

`--sources` Atom feeds of `--items` items each on the fake feed server (127.0.0.1),
Russian headlines of which a third name a watched person; 200 watched people and
50 places in the store, 20 chats subscribed to everything. Each run uses a fresh
SQLite file and a fresh `StatementPoller` and times:

1. the first round: every item new (stored, matched, mentions written; the
   baseline rule alerts the fresh ones, so events and outbox rows are written too);
2. a second round after the interval: every feed answers 304, nothing is parsed;
3. a third round after one new item per feed: one new statement each.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.net.ssrf import AddressPolicy
from bot.statements.polling import StatementPoller
from bot.statements.sources import SourceSpec
from storage.chats import ensure_chat
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Person, Subscription, SubscriptionKind, Venue
from tests.fakes.feeds import FakeFeeds

POLICY = AddressPolicy.build(allow=["127.0.0.1/32"])
WORDS = ["заявление", "министр", "вопрос", "сотрудничество", "развитие", "регион", "экономика"]
# 200 made-up surnames ending in -ов/-ин, which decline like real ones ("Барановым").
SURNAMES = [
    stem + ending
    for stem in ("Бара", "Вело", "Гори", "Дуна", "Заре", "Кали", "Лази", "Мора", "Нова", "Пере")
    for ending in (
        *("нов", "шев", "ков", "лов", "ров", "тов", "зов", "дов", "мов", "пов"),
        *("дин", "син", "мин", "рин", "гин", "вин", "бин", "хин", "лин", "фин"),
    )
]


def _headline(rng: random.Random, index: int) -> str:
    words = rng.sample(WORDS, 5)
    if index % 3 == 0:
        words.insert(2, SURNAMES[index % len(SURNAMES)] + "ым")
    text = " ".join(words)
    return text[0].upper() + text[1:]


async def _store(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        for n, surname in enumerate(SURNAMES):
            session.add(Person(slug=f"p{n}", names={"ru": surname}))
        for n in range(50):
            session.add(
                Venue(
                    slug=f"v{n}",
                    names={"en": f"Town{n}"},
                    country="AZ",
                    lat=0,
                    lon=0,
                    timezone="UTC",
                )
            )
        for chat_id in range(1, 21):
            await ensure_chat(session, chat_id, "private", None)
            session.add(Subscription(chat_id=chat_id, kind=SubscriptionKind.ALL, key="*"))


async def one_run(sources: int, items: int, seed: int) -> tuple[float, float, float, int, int]:
    rng = random.Random(seed)
    now = [time.time()]

    def clock() -> datetime:
        return datetime.fromtimestamp(now[0], UTC)

    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(engine)
        sessions = session_factory(engine)
        await _store(sessions)
        async with FakeFeeds() as fake:
            fake.clock = lambda: now[0]
            specs = []
            for s in range(sources):
                path = f"/site{s}/feed"
                fake.add_feed(path, "atom", language="ru", site=f"site{s}.example")
                for i in range(items):
                    fake.add_item(path, _headline(rng, s * items + i), "Текст сообщения.")
                specs.append(
                    SourceSpec(
                        name=f"site{s}",
                        kind="rss",
                        url=fake.url(path),
                        language="ru",
                        country="RU",
                        official=True,
                        enabled=True,
                        interval_s=60,
                        as_of="2026",
                        note="bench",
                    )
                )
            poller = StatementPoller(sessions, tuple(specs), POLICY, clock=clock)
            started = time.perf_counter()
            first = await poller.run_once()
            full = time.perf_counter() - started
            now[0] += 60
            started = time.perf_counter()
            await poller.run_once()
            unchanged = time.perf_counter() - started
            for s in range(sources):
                fake.add_item(f"/site{s}/feed", _headline(rng, 1), "Новый текст.")
            now[0] += 60
            started = time.perf_counter()
            await poller.run_once()
            one_new = time.perf_counter() - started
        await engine.dispose()
    return full, unchanged, one_new, first.new if first else 0, first.events if first else 0


async def main_async(sources: int, items: int, runs: int) -> None:
    figures = [await one_run(sources, items, seed) for seed in range(runs)]
    stored = figures[0][3]
    full = statistics.median(f[0] for f in figures)
    print(f"{sources} feeds x {items} items, {runs} runs (medians):")
    print(f"  first round, {stored} new items: {full * 1000:.0f} ms ({stored / full:.0f} items/s)")
    print(f"  of which matched a watched person (events): {figures[0][4]}")
    print(f"  all 304: {statistics.median(f[1] for f in figures) * 1000:.0f} ms")
    print(f"  one new item per feed: {statistics.median(f[2] for f in figures) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main_async(args.sources, args.items, args.runs))


if __name__ == "__main__":
    main()
