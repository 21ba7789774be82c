"""Venue ranking cost: seeding at start, and one ranking from a busy week of evidence.

Run: `.venv/bin/python -m bench.venues` (options: --db sqlite|postgres, --landings,
--statements, --runs).

Synthetic, fictional data (hex codes from `f10000` up, sources `bench-<n>`): one
person per aircraft, `--landings` landings spread over the 7-day window across every
venue airport, `--statements` statements from 40 sources (a third official, in the
venues' countries) each naming one or two venues, half with a meeting word. Prints the
seeding times (first and repeated start) and the median time of `compute_ranking` (what
`/venues` and the ranking job do) and of a whole job round.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.venues.job import run_venue_round
from bot.venues.knowledge import load_knowledge
from bot.venues.ranking import compute_ranking
from bot.venues.seed import seed_venues
from bot.venues.weights import ScoringWeights
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import (
    Aircraft,
    FlightEventRow,
    LinkConfidence,
    Mention,
    Person,
    PersonAircraft,
    Source,
    SourceKind,
    Statement,
)
from tests.conftest import create_pg_database, drop_pg_database

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
WEEK_S = 7 * 86_400
SOURCES = 40


async def fill(sessions: async_sessionmaker[AsyncSession], landings: int, statements: int) -> None:
    """The synthetic week of evidence."""
    rng = random.Random(6)
    knowledge = load_knowledge()
    airports = [code for v in knowledge.venues for code in v.airports]
    countries = sorted({v.country for v in knowledge.venues})
    async with sessions.begin() as session:
        for n in range(landings // 10 + 1):
            hex_code = f"{0xF10000 + n:06x}"
            person = Person(slug=f"bench-{n}", names={"en": f"Bench {n}"})
            session.add(person)
            session.add(Aircraft(hex=hex_code, source="bench"))
            await session.flush()
            session.add(
                PersonAircraft(
                    person_id=person.id or 0,
                    aircraft_hex=hex_code,
                    confidence=rng.choice([LinkConfidence.BELIEVED, LinkConfidence.CONFIRMED]),
                )
            )
        for n in range(landings):
            session.add(
                FlightEventRow(
                    dedup_key=f"bench:{n}",
                    kind="landing",
                    hex=f"{0xF10000 + n % (landings // 10 + 1):06x}",
                    ts=NOW - timedelta(seconds=rng.uniform(0, WEEK_S)),
                    airport_icao=rng.choice(airports),
                )
            )
        sources = []
        for n in range(SOURCES):
            row = Source(
                name=f"bench-{n}",
                kind=SourceKind.RSS,
                url=f"https://bench.invalid/{n}",
                country=countries[n % len(countries)],
                official=n % 3 == 0,
            )
            session.add(row)
            sources.append(row)
        await session.flush()
        slugs = [v.slug for v in knowledge.venues]
        for n in range(statements):
            when = NOW - timedelta(seconds=rng.uniform(0, WEEK_S))
            statement = Statement(
                source_id=sources[n % SOURCES].id or 0,
                guid=f"bench-{n}",
                title=f"Bench statement {n}",
                published_at=when,
                content_hash=f"{n:064x}",
                fetched_at=when,
            )
            session.add(statement)
            await session.flush()
            for slug in rng.sample(slugs, rng.choice([1, 2])):
                session.add(
                    Mention(
                        statement_id=statement.id or 0, kind="place", key=slug, matched_text=slug
                    )
                )
            if n % 2:
                session.add(
                    Mention(
                        statement_id=statement.id or 0,
                        kind="keyword",
                        key="meeting",
                        matched_text="meeting",
                    )
                )


async def timed(engine: AsyncEngine, args: argparse.Namespace) -> dict[str, list[float]]:
    await upgrade(engine)
    sessions = session_factory(engine)
    out: dict[str, list[float]] = {"seed_first": [], "seed_again": [], "rank": [], "round": []}
    start = time.perf_counter()
    await seed_venues(sessions)
    out["seed_first"].append(time.perf_counter() - start)
    await fill(sessions, args.landings, args.statements)
    weights = ScoringWeights()
    for _ in range(args.runs):
        start = time.perf_counter()
        await seed_venues(sessions)
        out["seed_again"].append(time.perf_counter() - start)
        start = time.perf_counter()
        async with sessions() as session:
            await compute_ranking(session, NOW, weights)
        out["rank"].append(time.perf_counter() - start)
        start = time.perf_counter()
        await run_venue_round(sessions, NOW, weights)
        out["round"].append(time.perf_counter() - start)
    return out


async def main(args: argparse.Namespace) -> None:
    if args.db == "postgres":
        url = await create_pg_database()
    else:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = create_engine(url)
    try:
        out = await timed(engine, args)
    finally:
        await engine.dispose()
        if args.db == "postgres":
            await drop_pg_database(url)
    print(f"db={args.db} landings={args.landings} statements={args.statements} runs={args.runs}")
    for name, values in out.items():
        print(f"{name:11s} median {statistics.median(values) * 1000:8.1f} ms  runs {len(values)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--landings", type=int, default=500)
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    asyncio.run(main(parser.parse_args()))
