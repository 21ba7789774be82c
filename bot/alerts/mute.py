"""Muting a chat: alerts are held, not lost, and summarised in one digest when it ends."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.events import DigestAlert, HeldAlert
from bot.alerts.record import record_event
from bot.kernel.numbers import parse_int
from storage import outbox
from storage.chats import set_mute
from storage.models import DigestEvent

MAX_MUTE = timedelta(days=30)
DIGEST_DELAY = timedelta(seconds=2)
# ASCII digits only: `\d` would take "٣" too. Any part above a month in minutes, the
# smallest unit, is over MAX_MUTE whatever its unit, and bounding it keeps `timedelta` from
# overflowing on "99999999999d".
_PART = re.compile(r"([0-9]+)\s*(min|m|h|d|w)", re.IGNORECASE)
_MAX_PART = int(MAX_MUTE.total_seconds() // 60)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta | None:
    """'2h', '1d', '90m', '1h30m', '1w' → timedelta; None when malformed or not positive.

    Durations over 30 days are refused too: a forgotten mute must not hide a month of alerts.
    """
    compact = text.strip().lower().replace(" ", "")
    if not compact:
        return None
    total = timedelta()
    position = 0
    for match in _PART.finditer(compact):
        if match.start() != position:
            return None
        amount = parse_int(match.group(1), high=_MAX_PART)
        if amount is None:
            return None
        total += timedelta(**{_UNITS[match.group(2)]: amount})
        if total > MAX_MUTE:
            return None
        position = match.end()
    if position != len(compact) or total <= timedelta() or total > MAX_MUTE:
        return None
    return total


async def end_mute(session: AsyncSession, chat_id: int, *, now: datetime) -> int:
    """Unmute a chat and queue one digest of what it missed; returns how many it missed.

    The digest is recorded like every alert (`record_event`), to this one chat: its
    `digest_events` row's dedup key names the chat and the first held row, so two
    processes ending the same mute queue it once.
    """
    await set_mute(session, chat_id, None)
    held = await outbox.take_held(session, chat_id=chat_id)
    if not held:
        return 0
    digest = DigestAlert(tuple(HeldAlert(row.event_type, row.payload) for row in held))
    first_id = min(row.id or 0 for row in held)
    await record_event(
        session,
        digest,
        # A moment's delay so that /unmute's confirmation arrives before the digest.
        now + DIGEST_DELAY,
        row=DigestEvent(
            dedup_key=f"mute:{chat_id}:{first_id}", chat_id=chat_id, kind="mute", created_at=now
        ),
        to_chat=chat_id,
    )
    await outbox.mark_summarised(session, [row.id for row in held if row.id], now=now)
    return len(held)


async def end_expired_mutes(session: AsyncSession, *, now: datetime) -> list[int]:
    """Unmute every chat whose mute has run out; the chats that got a digest."""
    digested = []
    for chat_id in await outbox.chats_with_expired_mute(session, now=now):
        if await end_mute(session, chat_id, now=now):
            digested.append(chat_id)
    return digested
