"""Refresh the fleet from plane-alert-db over HTTP: the weekly job and `import-watchlist URL`.

The download goes through the feeds' SSRF guard (`bot.net.ssrf`, `bot.net.guarded_http`:
public addresses only, on every hop, unless SUMMITWATCH_FEEDS_ALLOW lets a network
through), is capped in size, and is conditional: the ETag and Last-Modified of the
last copy applied go out as If-None-Match / If-Modified-Since, and a 304 changes
nothing. The body must parse completely (a truncated or malformed file is refused
with its line numbers and changes nothing); then the shipped selection of it (every
Gov row, every "Dictator Alert" row) is applied as a complete copy by
`bot.watch.fleet`, dated the day it was downloaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.config import Settings
from bot.net.guarded_http import RefusedURL, new_guarded_session
from bot.net.http import FetchError, fetch
from bot.net.ssrf import AddressPolicy
from bot.watch.fleet import DATASET, FleetCopy, FleetOutcome, apply_fleet
from bot.watch.fleet_seed import FleetFileError, digest, parse_all
from bot.watch.planealert import shipped
from storage.datasets import dataset_state, save_dataset_state
from storage.types import utcnow
from storage.watchlist import all_people

log = logging.getLogger("summitwatch.fleet")
# The upstream file is ~2.4 MB; a body many times that is not plane-alert-db.
MAX_BYTES = 32 * 1024 * 1024
TIMEOUT_S = 120.0
_ETAG_CHARS = 256  # dataset_imports.etag
_MODIFIED_CHARS = 64  # dataset_imports.last_modified


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did: `outcome` None when nothing changed (`why` says why)."""

    url: str
    outcome: FleetOutcome | None
    why: str
    rows: int = 0


def _header(headers: dict[str, str], name: str, limit: int) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value[:limit] if value and len(value) <= limit else None


async def download(
    url: str,
    policy: AddressPolicy,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int = MAX_BYTES,
) -> tuple[int, bytes, dict[str, str]]:
    """GET `url` conditionally through the guard; (status, body, headers).

    Raises:
        FetchError: refused by the guard, too large, an HTTP error, or no answer.
    """
    if reason := await policy.check_url(url):
        raise RefusedURL(reason)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    async with new_guarded_session(policy) as guarded:
        answer = await fetch(
            guarded.http, url, headers=headers, timeout_s=TIMEOUT_S, max_body=max_bytes
        )
    return answer.status, answer.body, dict(answer.headers)


def _complete(body: bytes, origin: str) -> None:
    """A body cut mid-line is refused: its last row could parse, shortened."""
    if body and not body.endswith((b"\n", b"\r")):
        line = body.count(b"\n") + 1
        raise FleetFileError(
            f"{origin}: line {line}: the file ends in the middle of a line "
            "(truncated?), nothing imported"
        )


async def refresh_fleet(
    sessions: async_sessionmaker[AsyncSession],
    url: str,
    *,
    policy: AddressPolicy,
    now: datetime,
    dry_run: bool = False,
    max_bytes: int = MAX_BYTES,
) -> RefreshReport:
    """Download and apply the fleet (see the module docstring).

    Raises:
        FetchError: the download failed or was refused.
        FleetFileError: the body is not a complete, well-formed plane-alert-db CSV.
    """
    async with sessions() as session:
        state = await dataset_state(session, DATASET)
    status, body, headers = await download(
        url,
        policy,
        etag=state.etag if state else None,
        last_modified=state.last_modified if state else None,
        max_bytes=max_bytes,
    )
    if status == 304:
        return RefreshReport(url, None, "not modified (HTTP 304)")
    if status != 200:
        raise FetchError(f"HTTP {status}")
    _complete(body, "the download")
    entries = [e for e in parse_all(body, "the download") if shipped(e)]
    if not entries:
        raise FleetFileError("the download has no Gov or Dictator Alert row, nothing imported")
    as_of = now.date().isoformat()
    etag = _header(headers, "ETag", _ETAG_CHARS)
    modified = _header(headers, "Last-Modified", _MODIFIED_CHARS)
    async with sessions.begin() as session:
        wanted = digest(body, await all_people(session))
        current = await dataset_state(session, DATASET)
        if current is not None and current.digest == wanted:
            if not dry_run:
                # Same bytes without a 304: keep the validators for next time.
                await save_dataset_state(
                    session,
                    DATASET,
                    digest=wanted,
                    as_of=current.as_of,
                    etag=etag,
                    last_modified=modified,
                    applied_at=current.applied_at,
                )
            return RefreshReport(url, None, "unchanged since the last import", len(entries))
        copy = FleetCopy(
            entries=entries,
            as_of=as_of,
            source=f"plane-alert-db, {url}, downloaded {as_of}",
            provenance={"dataset": DATASET, "url": url[:512], "as_of": as_of},
            complete=True,
        )
        outcome = await apply_fleet(session, copy, now=now, write=not dry_run)
        if not dry_run:
            await save_dataset_state(
                session,
                DATASET,
                digest=wanted,
                as_of=as_of,
                etag=etag,
                last_modified=modified,
                applied_at=now,
            )
    return RefreshReport(url, outcome, "applied", len(entries))


def fleet_job(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> Callable[[], Coroutine[Any, Any, RefreshReport | None]]:
    """The weekly job (leader only): refresh from SUMMITWATCH_FLEET_URL, log the outcome.

    A failed or refused download, or a bad file, is logged and changes nothing; the
    next run tries again.
    """
    policy = AddressPolicy.build(allow=settings.feeds_allow_list())

    async def job() -> RefreshReport | None:
        url = settings.fleet_url
        if not url:
            return None
        try:
            report = await refresh_fleet(sessions, url, policy=policy, now=utcnow())
        except (FetchError, FleetFileError) as exc:
            log.warning("fleet refresh from %s failed, nothing changed: %s", url, exc)
            return None
        outcome = report.outcome
        if outcome is None:
            log.info("fleet refresh from %s: %s", url, report.why)
        else:
            log.info(
                "fleet refresh from %s: %d rows, %d added, %d updated, %d linked, %d stale",
                url,
                report.rows,
                outcome.added,
                outcome.updated,
                outcome.linked,
                outcome.stale,
            )
        return report

    return job
