"""A live poll and `replay-flights` find the same events in the same recording.

Real recordings (tests/data/recordings) are served by the fake readsb provider at the
times they were made and polled at each of those times, over HTTP, into the store; the
same recording replayed gives the same takeoffs and landings at the same airports. One
aircraft is a Rega helicopter landing on its base at Dübendorf (LSMD), a field outside
the default airport index: the live poller must put ground fixes on every field near
them, as the replay does, or it says Zurich.
"""

from __future__ import annotations

import gzip
import io
import json
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flights.airports import default_index
from bot.flights.polling import FlightWatch
from bot.flights.providers import FlightFetcher, Limits, build_providers
from bot.flights.replay import replay
from bot.flights.reports import PositionReport, read_jsonl
from bot.flights.scenario import write
from bot.kernel.config import load_settings
from bot.net.http import new_session
from storage.models import Aircraft, FlightEventRow
from tests.fakes.adsb import FakeADSB

RECORDINGS = Path(__file__).parent / "data" / "recordings"
NAMES = ("samu31.jsonl.gz", "rega_zh.jsonl.gz")
FAST = Limits(requests=1000, per_seconds=1.0, timeout_s=2.0, max_wait_s=1.0)
Event = tuple[str, str, str, str | None, str]  # kind, hex, time, airport, confidence


def _recording(tmp_path: Path) -> tuple[Path, list[PositionReport]]:
    """The recordings as one replay file, and the reports it holds.

    Times are whole seconds (the provider's clock is in milliseconds: a fraction could
    come back a millisecond off), one report per aircraft and second (the provider
    serves one position at a time); positions are rounded to 6 decimals on writing,
    as readsb sends them.
    """
    reports: list[PositionReport] = []
    for name in NAMES:
        lines = gzip.decompress((RECORDINGS / name).read_bytes()).decode().splitlines()
        reports += read_jsonl(lines, name)
    seen: set[tuple[str, float]] = set()
    whole: list[PositionReport] = []
    for report in reports:
        second = float(round(report.ts.timestamp()))
        if (report.hex, second) not in seen:
            seen.add((report.hex, second))
            whole.append(replace(report, ts=datetime.fromtimestamp(second, UTC)))
    path = tmp_path / "recording.jsonl"
    with path.open("w", encoding="utf-8") as out:
        write(whole, out)
    return path, list(read_jsonl(path.read_text(encoding="utf-8").splitlines(), path.name))


def _replayed(path: Path) -> set[Event]:
    out = io.StringIO()
    assert replay([path], out) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return {(e["kind"], e["hex"], e["ts"], e["airport"], e["confidence"]) for e in lines}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_session() as session:
        yield session


@pytest.mark.parametrize("backend", ["sqlite"])  # about detection, not the store
async def test_a_live_poll_finds_what_a_replay_of_the_recording_finds(
    sessions: async_sessionmaker[AsyncSession], http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    path, reports = _recording(tmp_path)
    instants = sorted({report.ts for report in reports})
    clock = Clock(instants[0])
    fake = FakeADSB()
    await fake.start()
    try:
        fake.clock = clock.seconds
        fake.load_reports(reports)
        async with sessions.begin() as session:
            for hex_ in sorted({report.hex for report in reports}):
                session.add(Aircraft(hex=hex_, source="test"))
        settings = load_settings(
            SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={fake.base_url('adsb.lol')}"
        )
        providers = build_providers(settings, http, limits={"adsb.lol": FAST})
        watch = FlightWatch(
            sessions,
            FlightFetcher(providers, clock=clock, rng=random.Random(16)),
            clock=clock,
            airports=default_index(),
        )
        for instant in instants:
            clock.now = instant
            result = await watch.poll()
            assert result.provider == "adsb.lol"
    finally:
        await fake.stop()
    async with sessions() as session:
        rows = (await session.exec(select(FlightEventRow))).all()
    live = {
        (
            row.kind,
            row.hex,
            row.ts.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            row.airport_icao,
            row.confidence,
        )
        for row in rows
        # Destination predictions are the live poller's own (a replay predicts nothing).
        if row.kind != "destination"
    }
    replayed = _replayed(path)
    landings = {(e[1], e[3]) for e in replayed if e[0] == "landing"}
    assert landings == {("39ac45", "LFBO"), ("4b43ac", "LSMD")}
    # The live poller drops "signal lost/regained" after a gap in its own polling
    # (here a week between the two recordings): takeoffs and landings are compared.
    flights = {"takeoff", "landing"}
    assert {e for e in live if e[0] in flights} == {e for e in replayed if e[0] in flights}
