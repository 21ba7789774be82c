"""Quiet-hours and daily digests: queued through `record_event`, exactly once each.

The delivery worker runs `queue_due_digests` on its own clock (tests drive it with a
virtual one). Each digest gets a dedup key (`digest_events`) in the transaction that
takes what it sums up, so two processes, or a restart between the two steps, never
queue it twice; the outbox then delivers it like any alert.

Quiet hours: the worker holds a chat's non-urgent alerts while its local clock is in
the period; once it is out of it (and the chat is not muted, whose own digest takes
held rows), the held rows become one digest, rendered in the chat's language when
it is sent. Daily: at the chat's local time, the alerts it was sent since the previous
digest moment (the same local time the day before, 23 to 25 hours across DST).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.events import DailyDigestAlert, HeldAlert, JsonDict, QuietDigestAlert
from bot.alerts.record import record_event
from bot.alerts.schedule import chat_zone, in_quiet, last_daily_moment
from bot.kernel.i18n import resolve_locale
from storage import outbox
from storage.chats import claim_daily_digest
from storage.digests import alerts_of_chat, chats_with_daily_digest, unmuted_chats_with_held
from storage.models import Chat, DigestEvent

log = logging.getLogger("summitwatch.digests")
# A digest longer than this many items of a kind says how many more there were.
MAX_ITEMS = 200


async def queue_due_digests(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, default_locale: str
) -> int:
    """Queue every quiet-hours and daily digest due at `now`; how many were queued."""
    queued = 0
    async with sessions() as session:
        held = await unmuted_chats_with_held(session)
        daily = await chats_with_daily_digest(session)
    for chat in held:
        zone = chat_zone(chat.tz, resolve_locale(chat.locale, None, default_locale))
        if in_quiet(chat.quiet_start, chat.quiet_end, now, zone):
            continue
        async with sessions.begin() as session:
            queued += await _quiet_digest(session, chat, now=now)
    for chat in daily:
        zone = chat_zone(chat.tz, resolve_locale(chat.locale, None, default_locale))
        async with sessions.begin() as session:
            queued += await _daily_digest(session, chat, zone, now=now)
    return queued


async def _quiet_digest(session: AsyncSession, chat: Chat, *, now: datetime) -> int:
    rows = await outbox.take_held(session, chat_id=chat.id)
    if not rows:
        return 0
    digest = QuietDigestAlert(
        chat_id=chat.id,
        start=chat.quiet_start if chat.quiet_start is not None else 0,
        end=chat.quiet_end if chat.quiet_end is not None else 0,
        items=tuple(HeldAlert(row.event_type, row.payload) for row in rows),
    )
    first = min(row.id or 0 for row in rows)
    recorded = await record_event(
        session,
        digest,
        now,
        row=DigestEvent(dedup_key=f"quiet:{chat.id}:{first}", chat_id=chat.id, kind="quiet"),
        to_chat=chat.id,
    )
    await outbox.mark_summarised(session, [row.id for row in rows if row.id], now=now)
    return 1 if recorded is not None else 0


async def _daily_digest(session: AsyncSession, chat: Chat, zone: str, *, now: datetime) -> int:
    if chat.digest_at is None:
        return 0
    moment = last_daily_moment(now, chat.digest_at, zone)
    previous = chat.digest_last
    if previous is not None and previous >= moment:
        return 0
    if not await claim_daily_digest(session, chat.id, previous=previous, moment=moment):
        return 0  # another process took it
    # The local day before the moment (23 to 25 hours across DST, so that no alert falls
    # between two digests); a chat that just set /digest gets the time since then.
    prior = last_daily_moment(moment - timedelta(seconds=1), chat.digest_at, zone)
    since = max(previous, prior) if previous is not None else prior
    alerts = await alerts_of_chat(session, chat.id, since=since, until=moment)
    digest = daily_digest(chat.id, alerts, since=since, until=moment, zone=zone)
    # The local date and time: a chat that moves its digest later the same day still
    # gets that one (a key of the date alone would take it for the first).
    local_moment = moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
    recorded = await record_event(
        session,
        digest,
        now,
        row=DigestEvent(dedup_key=f"daily:{chat.id}:{local_moment}", chat_id=chat.id, kind="daily"),
        to_chat=chat.id,
    )
    return 1 if recorded is not None else 0


def daily_digest(
    chat_id: int,
    alerts: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    since: datetime,
    until: datetime,
    zone: str,
) -> DailyDigestAlert:
    """The summary of `alerts` (event type, payload): only what the digest shows of each."""
    flights: list[JsonDict] = []
    statements: list[JsonDict] = []
    venues: list[JsonDict] = []
    for event_type, payload in alerts:
        if event_type == "flight":
            flights.append(_flight(payload))
        elif event_type == "statement":
            statements.append(_statement(payload))
        elif event_type == "venue_change":
            venues.append(_venue(payload))
    return DailyDigestAlert(
        chat_id=chat_id,
        since=since,
        until=until,
        zone=zone,
        flights=tuple(flights[-MAX_ITEMS:]),
        statements=tuple(statements[-MAX_ITEMS:]),
        venues=tuple(venues[-MAX_ITEMS:]),
    )


def _flight(payload: Mapping[str, Any]) -> JsonDict:
    airport = payload.get("airport") or {}
    return {
        "kind": payload.get("kind"),
        "ts": payload.get("ts"),
        "hex": payload.get("hex"),
        "registration": payload.get("registration"),
        "confidence": payload.get("confidence"),
        "people": [
            {"slug": p.get("slug"), "names": p.get("names") or {}}
            for p in payload.get("people") or ()
        ],
        "airport": {k: airport.get(k) for k in ("iata", "icao", "city", "tz")} if airport else None,
    }


def _statement(payload: Mapping[str, Any]) -> JsonDict:
    source = payload.get("source") or {}
    return {
        "source": source.get("name"),
        "title": payload.get("title"),
        "url": payload.get("url"),
        "published": payload.get("published") or payload.get("fetched"),
    }


def _venue(payload: Mapping[str, Any]) -> JsonDict:
    venue = payload.get("venue") or {}
    return {
        "label": payload.get("label"),
        "venue": {"slug": venue.get("slug"), "names": venue.get("names") or {}},
        "rank": payload.get("rank"),
        "score": payload.get("score"),
    }
