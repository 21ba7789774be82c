"""Helpers for alert tests: subscribed chats and stored flight events, as the bot makes them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flights.store import record_flight_event
from storage.chats import ensure_chat
from storage.models import Subscription, SubscriptionKind
from storage.types import utcnow

VNUKOVO = {
    "icao": "UUWW",
    "iata": "VKO",
    "name": "Vnukovo International Airport",
    "city": "Moscow",
    "country": "RU",
    "tz": "Europe/Moscow",
}
BAKU = {
    "icao": "UBBB",
    "iata": "GYD",
    "name": "Heydar Aliyev International Airport",
    "city": "Baku",
    "country": "AZ",
    "tz": "Asia/Baku",
}
DEMO_HEX = "ffa001"
ENVOY = {
    "slug": "envoy",
    "names": {"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"},
    "confidence": "believed",
}
TAKEOFF_TS = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)  # 01:54 in Moscow
LANDING_TS = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)  # 05:30 in Baku


async def subscribe_chats(
    sessions: async_sessionmaker[AsyncSession],
    chats: Iterable[tuple[int, str | None]],
    kind: SubscriptionKind = SubscriptionKind.AIRCRAFT,
    key: str = DEMO_HEX,
) -> None:
    """Create chats (id, locale) subscribed to one topic."""
    async with sessions.begin() as session:
        for chat_id, locale in chats:
            chat = await ensure_chat(
                session, chat_id, "private" if chat_id > 0 else "supergroup", None
            )
            chat.locale = locale
            session.add(chat)
            await session.flush()
            session.add(Subscription(chat_id=chat_id, kind=kind, key=key))


def landing_payload(**changes: Any) -> dict[str, Any]:
    """The field report's landing: Vnukovo 01:54 Moscow time → Baku 05:30 Baku time."""
    payload: dict[str, Any] = {
        "kind": "landing",
        "confidence": "confirmed",
        "hex": DEMO_HEX,
        "registration": "DEMO1",
        "callsign": "DMO1",
        "people": [ENVOY],
        "ts": LANDING_TS.isoformat(),
        "airport": BAKU,
        "origin": VNUKOVO,
        "departed_ts": TAKEOFF_TS.isoformat(),
        "duration_s": int((LANDING_TS - TAKEOFF_TS).total_seconds()),
        "demo": True,
    }
    payload.update(changes)
    return payload


async def store_landing(
    sessions: async_sessionmaker[AsyncSession],
    *,
    key: str = "ffa001:landing:1",
    thread_key: str | None = None,
    **changes: Any,
) -> int | None:
    """Store a landing event and route it, as detection does."""
    payload = landing_payload(**changes)
    async with sessions.begin() as session:
        return await record_flight_event(
            session,
            values={
                "dedup_key": key,
                "kind": payload["kind"],
                "hex": DEMO_HEX,
                "ts": LANDING_TS,
                "airport_icao": "UBBB",
                "confidence": payload["confidence"],
                "thread_key": thread_key,
            },
            payload=payload,
            person_slugs=["envoy"],
            now=utcnow(),
        )
