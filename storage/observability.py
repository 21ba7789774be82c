"""Read-only figures for /readyz and /metrics: outbox age, events by kind, silent sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.sql.base import Executable
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FlightEventRow, OutboxRow, Source, StatementEvent
from storage.models.outbox import OutboxStatus

OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
SOURCES = Source.__table__  # type: ignore[attr-defined]
FLIGHT_EVENTS = FlightEventRow.__table__  # type: ignore[attr-defined]
STATEMENT_EVENTS = StatementEvent.__table__  # type: ignore[attr-defined]
WAITING = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


async def _run(session: AsyncSession, statement: Executable) -> Any:
    # Plain Core statements; sqlmodel's `exec` overloads do not cover them.
    return await session.exec(statement)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class SilentSource:
    """An enabled source that has not answered for too long."""

    name: str
    kind: str
    last_success_at: datetime | None
    consecutive_failures: int


async def ping(session: AsyncSession) -> None:
    """One round trip to the store; raises when it is unreachable."""
    await _run(session, text("SELECT 1"))


async def oldest_waiting_at(session: AsyncSession) -> datetime | None:
    """When the oldest row still waiting to be sent (pending or sending) was created."""
    result = await _run(
        session, select(func.min(OUTBOX.c.created_at)).where(OUTBOX.c.status.in_(WAITING))
    )
    value: datetime | None = result.scalar_one_or_none()
    return value


async def events_by_kind(session: AsyncSession) -> dict[str, int]:
    """Stored flight events per kind, and statement events under "statement"."""
    flights = await _run(
        session, select(FLIGHT_EVENTS.c.kind, func.count()).group_by(FLIGHT_EVENTS.c.kind)
    )
    counts = {str(kind): int(count) for kind, count in flights.all()}
    statements = await _run(session, select(func.count()).select_from(STATEMENT_EVENTS))
    counts["statement"] = int(statements.scalar_one())
    return counts


async def silent_sources(
    session: AsyncSession, *, now: datetime, allowed_s: float
) -> list[SilentSource]:
    """Enabled sources with no success for `allowed_s`.

    A source that never succeeded counts only once it has failed: a fresh
    install whose first poll has not come yet is not silent.
    """
    since = now - timedelta(seconds=allowed_s)
    result = await _run(
        session,
        select(
            SOURCES.c.name,
            SOURCES.c.kind,
            SOURCES.c.last_success_at,
            SOURCES.c.consecutive_failures,
        )
        .where(SOURCES.c.enabled.is_(True))
        .where(
            or_(
                SOURCES.c.last_success_at < since,
                (SOURCES.c.last_success_at.is_(None)) & (SOURCES.c.consecutive_failures > 0),
            )
        )
        .order_by(SOURCES.c.name),
    )
    return [
        SilentSource(
            name=str(name),
            kind=str(kind),
            last_success_at=last,
            consecutive_failures=int(failures),
        )
        for name, kind, last, failures in result.all()
    ]
