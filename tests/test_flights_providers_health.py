"""Provider health in the `sources` table, on SQLite and PostgreSQL; the pure health value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flights.providers import ProviderHealth, load_health, record_health
from bot.flights.providers.status import MAX_ERROR_CHARS
from storage.models import Source, SourceKind

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_health_value_counts_failures_and_resets_on_success() -> None:
    health = ProviderHealth().failed(AT, "HTTP 503").failed(AT + timedelta(seconds=30), "x" * 2000)

    assert health.consecutive_failures == 2
    assert health.last_error == "x" * MAX_ERROR_CHARS
    assert health.last_error_at == AT + timedelta(seconds=30)

    healed = health.succeeded(AT + timedelta(minutes=5), 123.456)

    assert healed.consecutive_failures == 0
    assert (healed.last_success_at, healed.latency_ms) == (AT + timedelta(minutes=5), 123.5)
    assert healed.last_error == "x" * MAX_ERROR_CHARS  # the last error stays visible


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> list[Source]:
    async with sessions() as session:
        return list((await session.exec(select(Source))).all())


async def test_record_health_inserts_then_updates_the_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    failing = ProviderHealth().failed(AT, "HTTP 429 (retry after 120s)")
    async with sessions() as session:
        await record_health(session, "adsb.lol", "readsb", "https://api.adsb.lol", failing)
        await session.commit()

    [row] = await _rows(sessions)
    assert (row.name, row.kind, row.url) == ("adsb.lol", SourceKind.READSB, "https://api.adsb.lol")
    assert (row.last_error, row.last_error_at, row.consecutive_failures) == (
        "HTTP 429 (retry after 120s)",
        AT,
        1,
    )
    assert (row.last_success_at, row.latency_ms, row.enabled) == (None, None, True)

    healed = failing.succeeded(AT + timedelta(minutes=2), 87.25)
    async with sessions() as session:
        await record_health(session, "adsb.lol", "readsb", "https://mirror.example/adsb", healed)
        await session.commit()

    [row] = await _rows(sessions)
    assert row.url == "https://mirror.example/adsb"
    assert (row.last_success_at, row.consecutive_failures, row.latency_ms) == (
        AT + timedelta(minutes=2),
        0,
        87.2,
    )
    assert (row.last_error, row.last_error_at) == ("HTTP 429 (retry after 120s)", AT)


async def test_a_fresh_process_does_not_erase_stored_history(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        old = ProviderHealth().succeeded(AT, 50.0).failed(AT + timedelta(hours=1), "HTTP 502")
        await record_health(session, "opensky", "opensky", "https://opensky-network.org/api", old)
        await session.commit()

    # After a restart the fetcher starts from load_health, so counts continue ...
    async with sessions() as session:
        stored = await load_health(session, "opensky")
        assert stored == old
        assert await load_health(session, "adsb.fi") is None
        # ... and even a blank health would not wipe the timestamps.
        await record_health(
            session, "opensky", "opensky", "https://opensky-network.org/api", ProviderHealth()
        )
        await session.commit()

    [row] = await _rows(sessions)
    assert (row.last_success_at, row.last_error_at, row.last_error) == (
        AT,
        AT + timedelta(hours=1),
        "HTTP 502",
    )
    assert row.consecutive_failures == 0


async def test_several_providers_get_one_row_each(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        for name in ("adsb.lol", "adsb.fi", "airplanes.live"):
            health = ProviderHealth().succeeded(AT, 10.0)
            await record_health(session, name, "readsb", f"https://{name}", health)
        await session.commit()

    assert sorted(row.name for row in await _rows(sessions)) == [
        "adsb.fi",
        "adsb.lol",
        "airplanes.live",
    ]


@pytest.mark.parametrize(
    ("name", "kind"), [("adsb.lol", "rss2"), ("", "readsb"), ("x" * 65, "readsb")]
)
async def test_record_health_refuses_bad_arguments(
    sessions: async_sessionmaker[AsyncSession], name: str, kind: str
) -> None:
    async with sessions() as session:
        with pytest.raises(ValueError):
            await record_health(session, name, kind, "https://example.invalid", ProviderHealth())
