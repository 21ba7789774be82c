"""Refreshing the fleet over HTTP: conditional GET, size cap, SSRF guard, stale links,
all-or-nothing on a bad download; against a local aiohttp server."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.config import load_settings
from bot.net.guarded_http import RefusedURL
from bot.net.http import FetchTooLarge
from bot.net.ssrf import AddressPolicy
from bot.watch.fleet import STALE_OPERATOR, STALE_REMOVED, STALE_UNNAMED
from bot.watch.fleet_refresh import fleet_job, refresh_fleet
from bot.watch.fleet_seed import FleetFileError, default_path, seed_fleet
from bot.watch.seed import seed_watchlist
from storage.models import Aircraft, PersonAircraft
from storage.types import utcnow
from storage.watchlist import links_of_person, person_by_slug
from tests.fakes.server import LoopbackServer
from tests.test_cli import run_cli

SHIPPED = default_path().read_bytes()
LOCAL = AddressPolicy.build(allow=["127.0.0.1/32"])
ETAG = '"v1"'


@dataclass
class Served:
    """What the fake serves at /fleet.csv and the conditional headers it was sent."""

    body: bytes = SHIPPED
    seen: list[tuple[str | None, str | None]] = field(default_factory=list)


class FakeUpstream(LoopbackServer):
    """raw.githubusercontent.com in miniature: one file, an ETag, 304 when it matches."""

    def __init__(self) -> None:
        super().__init__()
        self.served = Served()

    def _routes(self, app: web.Application) -> None:
        app.router.add_get("/fleet.csv", self._file)

    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/fleet.csv"

    async def _file(self, request: web.Request) -> web.Response:
        sent = (request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        self.served.seen.append(sent)
        etag = f'"{len(self.served.body)}"' if self.served.body != SHIPPED else ETAG
        if sent[0] == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=self.served.body,
            headers={"ETag": etag, "Last-Modified": "Fri, 21 Aug 2026 10:00:00 GMT"},
        )


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    server = FakeUpstream()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _edited(body: bytes, edits: dict[str, str | None]) -> bytes:
    """The body with rows replaced (hex -> new line) or dropped (hex -> None)."""
    out = []
    for line in body.splitlines(keepends=True):
        key = line[:6].decode().lower()
        if key in edits:
            if edits[key] is not None:
                out.append(edits[key].encode() + b"\n")  # type: ignore[union-attr]
            continue
        out.append(line)
    return b"".join(out)


def _row(body: bytes, hex_code: str) -> str:
    return next(
        line.decode() for line in body.splitlines() if line[:6].decode().lower() == hex_code
    )


async def _putin(sessions: async_sessionmaker[AsyncSession]) -> dict[str, PersonAircraft]:
    async with sessions() as session:
        person = await person_by_slug(session, "putin")
        assert person is not None and person.id is not None
        return {link.aircraft_hex: link for link, _a in await links_of_person(session, person.id)}


async def _snapshot(sessions: async_sessionmaker[AsyncSession]) -> tuple[object, ...]:
    async with sessions() as session:
        aircraft = (await session.exec(select(Aircraft).order_by(Aircraft.hex))).all()
        links = (await session.exec(select(PersonAircraft).order_by(col(PersonAircraft.id)))).all()
    return tuple((a.hex, a.operator, a.source) for a in aircraft) + tuple(
        (k.aircraft_hex, k.source_url, k.as_of, k.stale_since) for k in links
    )


async def _seeded(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_watchlist(sessions)
    await seed_fleet(sessions)


async def test_refresh_marks_changed_and_gone_rows_stale_and_a_304_is_a_no_op(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeUpstream
) -> None:
    await _seeded(sessions)
    moved = _row(SHIPPED, "15770c").replace("Russia Special Flight Detachment", "Rossiya")
    unnamed = _row(SHIPPED, "157711").replace(",Vladimir Putin,", ",Head of State,")
    upstream.served.body = _edited(SHIPPED, {"15770c": moved, "157711": unnamed, "157710": None})
    now = utcnow() + timedelta(days=120)
    report = await refresh_fleet(sessions, upstream.url(), policy=LOCAL, now=now)
    assert report.outcome is not None and report.outcome.stale == 3
    links = await _putin(sessions)
    assert len(links) == 27  # kept, never deleted
    assert (links["15770c"].stale_reason, links["15770c"].stale_since) == (STALE_OPERATOR, now)
    assert links["157711"].stale_reason == STALE_UNNAMED
    assert links["157710"].stale_reason == STALE_REMOVED
    fresh = links["157712"]
    assert (fresh.stale_since, fresh.as_of) == (None, now.date().isoformat())
    async with sessions() as session:
        aircraft = await session.get(Aircraft, "15770c")
        assert aircraft is not None and aircraft.operator == "Rossiya"
        assert await session.get(Aircraft, "157710") is not None  # not deleted either
    # The next run sends the ETag; the server's 304 changes nothing.
    before = await _snapshot(sessions)
    again = await refresh_fleet(sessions, upstream.url(), policy=LOCAL, now=now)
    assert again.outcome is None and "304" in again.why
    assert upstream.served.seen[-1][0] == f'"{len(upstream.served.body)}"'
    assert upstream.served.seen[-1][1] == "Fri, 21 Aug 2026 10:00:00 GMT"
    assert await _snapshot(sessions) == before
    # A stale link stays stale when its row comes back: an analyst restates it with /track.
    upstream.served.body = SHIPPED
    await refresh_fleet(sessions, upstream.url(), policy=LOCAL, now=now + timedelta(days=7))
    assert (await _putin(sessions))["157710"].stale_since == now


@pytest.mark.parametrize(
    ("damage", "reported"),
    [
        (lambda b: b[: len(b) // 2], "ends in the middle of a line"),
        (lambda b: b.replace(b"\n15770E,", b"\n15770,", 1), "line "),
        (lambda b: b.replace(b"\n157712,", b'\n"157712,', 1), "broken quoting"),
        (lambda b: b"<html>rate limited</html>\n", "not a plane-alert-db CSV"),
    ],
)
async def test_a_bad_download_changes_nothing_and_names_the_lines(
    sessions: async_sessionmaker[AsyncSession],
    upstream: FakeUpstream,
    damage: object,
    reported: str,
) -> None:
    await _seeded(sessions)
    before = await _snapshot(sessions)
    upstream.served.body = damage(SHIPPED)  # type: ignore[operator]
    with pytest.raises(FleetFileError, match=reported) as refused:
        await refresh_fleet(sessions, upstream.url(), policy=LOCAL, now=utcnow())
    assert "nothing imported" in str(refused.value)
    assert await _snapshot(sessions) == before


async def test_the_line_number_of_a_bad_row_is_reported(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeUpstream
) -> None:
    await _seeded(sessions)
    lines = SHIPPED.splitlines(keepends=True)
    lines[41] = b"3.00E+05,X,Y,Z,Q,Gov,,,,Dictator Alert,\n"
    upstream.served.body = b"".join(lines)
    with pytest.raises(FleetFileError, match=r"1 bad lines, nothing imported: line 42: hex"):
        await refresh_fleet(sessions, upstream.url(), policy=LOCAL, now=utcnow())


async def test_size_cap_and_private_addresses(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeUpstream
) -> None:
    await _seeded(sessions)
    before = await _snapshot(sessions)
    with pytest.raises(FetchTooLarge):
        await refresh_fleet(sessions, upstream.url(), policy=LOCAL, now=utcnow(), max_bytes=100_000)
    assert len(upstream.served.seen) == 1
    with pytest.raises(RefusedURL, match="loopback"):
        await refresh_fleet(sessions, upstream.url(), policy=AddressPolicy(), now=utcnow())
    assert len(upstream.served.seen) == 1  # refused before a request was sent
    assert await _snapshot(sessions) == before


async def test_the_cli_takes_a_url(tmp_path: Path, upstream: FakeUpstream) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"}
    refused = await asyncio.to_thread(
        run_cli, "import-watchlist", upstream.url(), env=env, cwd=tmp_path
    )
    assert refused.returncode == 1 and "loopback" in refused.stderr
    env["SUMMITWATCH_FEEDS_ALLOW"] = "127.0.0.1/32"
    done = await asyncio.to_thread(
        run_cli, "import-watchlist", upstream.url(), env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "  added        1,772" in done.stdout
    again = await asyncio.to_thread(
        run_cli, "import-watchlist", upstream.url(), env=env, cwd=tmp_path
    )
    assert "nothing changed: not modified (HTTP 304)" in again.stdout
    upstream.served.body = SHIPPED[:-30]
    bad = await asyncio.to_thread(
        run_cli, "import-watchlist", upstream.url(), env=env, cwd=tmp_path
    )
    assert bad.returncode == 1 and "line 1773" in bad.stderr
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("SELECT COUNT(*) FROM aircraft").fetchone() == (1772,)


async def test_the_weekly_job_is_off_without_a_url_and_logs_a_bad_download(
    sessions: async_sessionmaker[AsyncSession],
    upstream: FakeUpstream,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _seeded(sessions)
    assert await fleet_job(sessions, load_settings())() is None and upstream.served.seen == []
    settings = load_settings(
        SUMMITWATCH_FLEET_URL=upstream.url(), SUMMITWATCH_FEEDS_ALLOW="127.0.0.1/32"
    )
    job = fleet_job(sessions, settings)
    before = await _snapshot(sessions)
    upstream.served.body = SHIPPED[:-30]
    with caplog.at_level(logging.WARNING, logger="summitwatch.fleet"):
        assert await job() is None
    assert "nothing changed" in caplog.text and "line 1773" in caplog.text
    assert await _snapshot(sessions) == before
    # The shipped copy itself is no news; a changed one is applied.
    upstream.served.body = SHIPPED
    same = await job()
    assert same is not None and (same.outcome, same.why) == (
        None,
        "unchanged since the last import",
    )
    upstream.served.body = _edited(SHIPPED, {"157712": None})
    report = await job()
    assert report is not None and report.outcome is not None and report.rows == 1771
    assert report.outcome.stale == 1
