"""The delivery worker: drains the outbox to Telegram, within its limits, losing nothing.

Every Bot API outcome has a defined effect on the row:

- sent (or edited): `sent`, the Telegram message id kept for later edits;
- 429 RetryAfter: the chat is paused for retry_after, the row is due again then,
  and no attempt is counted;
- network error, timeout, 5xx: retried with jittered exponential backoff;
- 403 Forbidden (blocked, kicked): the chat is marked inactive, its subscriptions
  kept; the row is dead-lettered; for a channel, the chats that manage it are told
  once (so is a 400 saying the bot may no longer post there);
- 400 message thread not found / TOPIC_CLOSED (a forum topic closed or deleted): sent
  to the chat's General topic with a note, the topic marked broken
  (`bot/alerts/destinations.py`);
- ChatMigrated: the chat and its rows move to the new id and are sent again at once;
- 400 can't parse entities: sent again as plain text;
- 400 message to edit not found: sent as a new message;
- 400 wrong file identifier (a picture's remembered file id): the picture is uploaded;
- any other 400: dead-lettered with Telegram's description;
- attempts exhausted: dead-lettered with the last error.

A row is claimed (`sending`) just before it is sent and marked right after, so a
crash repeats at most the messages in flight: at most `concurrency` of them. While
the worker lives it renews its claims every fifth of the lease (its heartbeat); a
dead worker's rows are handed back once the lease has run out, so with the default
8 s lease they are sent again about 10 s after the crash. Why a live worker's rows
are never taken from it while it sends: `bot/alerts/claims.py`.

An event's payload is read once per event, in the claim's transaction, and kept for
the rest of its fan-out; the rows carry only the reference.

An event's picture (a landing map) is uploaded once: the first chat's send uploads
it, while the other chats of the event wait, and Telegram's file id of it is kept on
that outbox row; every later chat is sent the file id. The id is in the store, so a
restarted worker or another process reuses it too (two processes that find none at
the same moment each upload once).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import socket
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.alerts.claims import Leases
from bot.alerts.destinations import rights_lost, to_general, topic_refused, warn_managers
from bot.alerts.pacing import Sleep
from bot.alerts.ratelimiter import RateLimitArgs
from bot.alerts.render import AlertRenderers, RenderedAlert, UnknownEventType
from bot.alerts.schedule import alert_kind, chat_zone, in_quiet, urgent_kinds
from bot.alerts.text import CAPTION_LIMIT, html_to_plain, split_message
from bot.kernel.i18n import resolve_locale, translator
from storage import outbox
from storage.chats import chats_by_id, deactivate_chat, migrate_chat
from storage.models import Chat, OutboxRow
from storage.types import utcnow

log = logging.getLogger("summitwatch.delivery")
# What quiet hours hold: alerts, never a digest (it is what they end with).
QUIETED_TYPES = frozenset({"flight", "destination", "statement", "venue_change", "linked"})
NO_RETRY: RateLimitArgs = {"retries": 0}
THREAD_WAIT_S = 0.5
RENDER_CACHE_SIZE = 256
PHOTO_CACHE_SIZE = 16
PAYLOAD_CACHE_SIZE = 64
FILE_ID_CACHE_SIZE = 256
# Telegram's answer to a file id it does not know (expired, or from another bot).
WRONG_FILE_ID = "wrong file identifier"
# Alerts are sent with do_api_request("sendMessage") on purpose (see _send_text);
# PTB's advice to use send_message instead is noise here.
RAW_SEND_WARNING = r"Please use 'Bot\.sendMessage' instead of 'Bot\.do_api_request"
warnings.filterwarnings("ignore", message=RAW_SEND_WARNING, category=PTBUserWarning)


@dataclass(frozen=True)
class DeliveryConfig:
    """How hard and how fast delivery tries."""

    concurrency: int = 32
    max_attempts: int = 8
    backoff_base_s: float = 2.0
    backoff_max_s: float = 900.0
    # A claim not renewed for this long belongs to a dead worker and is handed back:
    # a dead worker's rows are due again within 1.2 leases (see claims.py).
    lease_s: float = 8.0
    # An update to an event edits the message sent for it if that is this recent.
    edit_window_s: float = 48 * 3600.0
    idle_poll_s: float = 1.0
    paid_broadcast: bool = False
    # How often (on the worker's clock) due digests are looked for.
    schedule_every_s: float = 20.0

    @property
    def heartbeat_s(self) -> float:
        """How often claims are renewed and expired ones looked for."""
        return self.lease_s / 5

    @property
    def send_guard_s(self) -> float:
        """A send starts only if its row's lease has this long left (pacing waits)."""
        return self.lease_s / 2


def worker_name() -> str:
    """A name unique to this process, recorded on the rows it claims."""
    return f"{socket.gethostname()}:{os.getpid()}:{random.randrange(1 << 16):04x}"  # noqa: S311


@dataclass
class DeliveryStats:
    """Counters for logs, metrics and benchmarks."""

    sent: int = 0
    edited: int = 0
    retried: int = 0
    flood_waits: int = 0
    dead: int = 0
    held: int = 0


class _Outcome(Exception):
    """Internal: how a failed send is to be recorded."""


@dataclass
class DeliveryWorker:
    """Claims due outbox rows and sends them, `concurrency` at a time."""

    bot: ExtBot[RateLimitArgs]
    sessions: async_sessionmaker[AsyncSession]
    default_locale: str
    config: DeliveryConfig = field(default_factory=DeliveryConfig)
    name: str = field(default_factory=worker_name)
    clock: Callable[[], datetime] = utcnow
    # How the heartbeat and the idle poll wait (a test's virtual clock moves `clock` too).
    sleep: Sleep = asyncio.sleep
    # Event type -> renderer and picture; the composition root's carries the landing map.
    renderers: AlertRenderers = field(default_factory=AlertRenderers)
    stats: DeliveryStats = field(default_factory=DeliveryStats)
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _in_flight: set[asyncio.Task[None]] = field(default_factory=set)
    _in_flight_ids: set[int] = field(default_factory=set)
    _rendered: OrderedDict[tuple[str, int, str], RenderedAlert] = field(default_factory=OrderedDict)
    _photos: OrderedDict[tuple[str, int], asyncio.Task[bytes | None]] = field(
        default_factory=OrderedDict
    )
    # Telegram's file id of each event's picture, and one upload at a time per event.
    _file_ids: OrderedDict[tuple[str, int], str] = field(default_factory=OrderedDict)
    _uploads: OrderedDict[tuple[str, int], asyncio.Lock] = field(default_factory=OrderedDict)
    # Sent, not yet recorded: written by the next claim, in the same transaction.
    _sent: list[tuple[int, int | None]] = field(default_factory=list)
    # The last send started for each chat: the next one for that chat waits for it.
    _chat_tails: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    # Payloads of the events being fanned out, read once per event.
    _payloads: OrderedDict[outbox.EventKey, Any] = field(default_factory=OrderedDict)
    _leases: Leases = field(init=False)
    # Queues due digests (quiet hours ended, daily digest time) at the worker's clock;
    # returns how many. Set by the composition root.
    schedule: Callable[[datetime], Awaitable[int]] | None = None
    _scheduled_at: datetime | None = None
    # (event type, payload, chat type, locale) -> reply_markup under the alert, or None;
    # set by the composition root (the Mini App's button under landings).
    buttons: Callable[[str, Mapping[str, Any], str, str], dict[str, Any] | None] | None = None

    def __post_init__(self) -> None:
        self._leases = Leases(
            lease=timedelta(seconds=self.config.lease_s),
            guard=timedelta(seconds=self.config.send_guard_s),
        )

    def _quiet(self, chat: Chat, row: OutboxRow, payload: dict[str, Any], now: datetime) -> bool:
        locale = resolve_locale(chat.locale, None, self.default_locale)
        return _quiet_hours(chat, row, payload, now, locale)

    def wake(self) -> None:
        """New rows were routed: look now rather than at the next poll."""
        self._wakeup.set()

    async def release_orphans(self, *, all_claims: bool = False) -> int:
        """Hand back rows claimed by dead workers (all of them for a single-process store)."""
        now = self.clock()
        older_than = (
            now + timedelta(seconds=1)
            if all_claims
            else now - timedelta(seconds=self.config.lease_s)
        )
        async with self.sessions.begin() as session:
            released = await outbox.release_expired_claims(session, older_than=older_than)
        if released:
            log.info("released %d rows left in flight by a stopped worker", released)
        return released

    async def renew(self) -> set[int]:
        """Renew this worker's claims (its heartbeat); the rows it turns out to have lost."""
        asked = self._leases.held_now()
        now = self.clock()
        async with self.sessions.begin() as session:
            held = await outbox.renew_claims(session, worker=self.name, now=now)
        lost = self._leases.renewed(asked, held, now)
        if lost:
            log.warning("%d claimed rows were taken by another worker; not sending them", len(lost))
        return lost

    async def keep_claims(self) -> None:
        """Heartbeat: renew claims and hand back expired ones, every fifth of the lease.

        A task of its own, so a slow send or a busy claim loop never delays it.
        """
        while True:
            await self.sleep(self.config.heartbeat_s)
            try:
                if self._leases or self._sent:  # an idle worker holds nothing to renew
                    await self.renew()
                if await self.release_orphans():
                    self.wake()
            except Exception:  # the store is unreachable: try again next beat
                log.warning("could not renew delivery claims", exc_info=True)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then let in-flight sends finish."""
        heartbeat = asyncio.create_task(self.keep_claims(), name="delivery-heartbeat")
        try:
            await self._run(stop)
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)

    async def _run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.run_schedule()
            started = await self.fill()
            if started == 0:
                self._wakeup.clear()
                waiters = [
                    asyncio.ensure_future(self._wakeup.wait()),
                    asyncio.ensure_future(stop.wait()),
                    # The idle poll, on the worker's clock: retries fall due by it.
                    asyncio.ensure_future(self.sleep(self.config.idle_poll_s)),
                ]
                await asyncio.wait(
                    [*waiters, *self._in_flight], return_when=asyncio.FIRST_COMPLETED
                )
                for waiter in waiters:
                    waiter.cancel()
        await self.drain_in_flight()

    async def fill(self) -> int:
        """Record what was sent, claim as many due rows as there are free slots, send them.

        Sent rows are recorded by the claim that follows them, in one transaction: no
        new row is claimed before every earlier send is durably `sent`, so sent but
        unrecorded rows and rows in flight together never exceed `concurrency` (the
        bound on duplicates after a crash), at half the transactions of a separate
        write per batch of sends.
        """
        free = self.config.concurrency - len(self._in_flight)
        # Claim in batches: one claim query per few sends, not one per send.
        if free <= 0 or (self._in_flight and free < max(1, self.config.concurrency // 4)):
            return 0
        sent, self._sent = self._sent, []
        try:
            async with self.sessions.begin() as session:
                await outbox.mark_sent_many(session, sent, now=self.clock())
                claimed_at = self.clock()
                rows = await outbox.claim_due(session, worker=self.name, limit=free, now=claimed_at)
                chats = await chats_by_id(session, {row.chat_id for row in rows})
                payloads = await self._event_payloads(session, rows)
        except BaseException:
            self._sent[:0] = sent
            raise
        # After the commit: a renewal that starts from here on sees these claims.
        self._leases.claimed((_row_id(row) for row in rows), claimed_at)
        for row in rows:
            self._in_flight_ids.add(_row_id(row))
            payload = payloads.get(_event_key(row), {})
            task = asyncio.create_task(
                self._deliver(
                    row, chats.get(row.chat_id), payload, self._chat_tails.get(row.chat_id)
                ),
                name=f"deliver-{row.id}",
            )
            self._chat_tails[row.chat_id] = task
            self._in_flight.add(task)
            task.add_done_callback(functools.partial(self._done, row.chat_id))
        return len(rows)

    async def _event_payloads(
        self, session: AsyncSession, rows: list[OutboxRow]
    ) -> dict[outbox.EventKey, Any]:
        """The rows' event payloads: from the cache, the rest in one query."""
        keys = {_event_key(row) for row in rows}
        missing = [key for key in keys if key not in self._payloads]
        if missing:
            for key, payload in (await outbox.event_payloads(session, missing)).items():
                self._payloads[key] = payload
                if len(self._payloads) > PAYLOAD_CACHE_SIZE:
                    self._payloads.popitem(last=False)
        found = {}
        for key in keys:
            if key in self._payloads:
                self._payloads.move_to_end(key)
                found[key] = self._payloads[key]
        return found

    def _done(self, chat_id: int, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if self._chat_tails.get(chat_id) is task:
            del self._chat_tails[chat_id]
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery task crashed", exc_info=task.exception())

    async def drain_in_flight(self) -> None:
        """Wait for every started send to finish, and record it."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        await self.record_sent()

    async def record_sent(self) -> None:
        """Write the sends not yet recorded (fill does it too, on its way)."""
        sent, self._sent = self._sent, []
        if not sent:
            return
        try:
            async with self.sessions.begin() as session:
                await outbox.mark_sent_many(session, sent, now=self.clock())
        except BaseException:
            self._sent[:0] = sent
            raise

    async def run_schedule(self, *, force: bool = False) -> int:
        """Queue the digests due on this worker's clock, at most every `schedule_every_s`."""
        now = self.clock()
        every = timedelta(seconds=self.config.schedule_every_s)
        if self.schedule is None or (
            not force and self._scheduled_at is not None and now - self._scheduled_at < every
        ):
            return 0
        self._scheduled_at = now
        try:
            return await self.schedule(now)
        except Exception:  # the store is unreachable: the next round tries again
            log.warning("could not queue due digests", exc_info=True)
            return 0

    async def deliver_due(self) -> None:
        """Send everything that is due now and wait for it (tests, demo, one-shot tools)."""
        await self.run_schedule(force=True)
        while True:
            started = await self.fill()
            if started == 0 and not self._in_flight:
                return
            if self._in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)

    # -- one row ---------------------------------------------------------------------

    async def _deliver(
        self,
        row: OutboxRow,
        chat: Chat | None,
        payload: dict[str, Any],
        after: asyncio.Task[None] | None,
    ) -> None:
        try:
            if after is not None:
                # A chat reads its alerts in the order they happened (takeoff before
                # landing): the rate limiter's slots are not first come, first served.
                await asyncio.wait([after])
            await self._deliver_row(row, chat, payload)
        finally:
            self._in_flight_ids.discard(_row_id(row))
            self._leases.done(_row_id(row))

    async def _still_ours(self, row: OutboxRow) -> bool:
        """Whether the row's lease lets a send start now; renews first if it is short."""
        if self._leases.may_send(_row_id(row), self.clock()):
            return True
        if _row_id(row) in self._leases:
            try:
                await self.renew()
            except Exception:
                log.warning("could not renew delivery claims", exc_info=True)
        if self._leases.may_send(_row_id(row), self.clock()):
            return True
        # Lost, or its lease may run out mid-send: left to whoever takes it, unsent.
        log.warning("row %s: claim lost or not renewed in time; not sending it", _row_id(row))
        return False

    async def _deliver_row(
        self, row: OutboxRow, chat: Chat | None, payload: dict[str, Any]
    ) -> None:
        if chat is None or not chat.active:
            await self._dead(row, "chat is inactive (the bot was blocked or removed)")
            return
        now = self.clock()
        if chat.muted_until is not None and chat.muted_until > now:
            async with self.sessions.begin() as session:
                await outbox.hold(session, _row_id(row), worker=self.name)
            self.stats.held += 1
            return
        if self._quiet(chat, row, payload, now):
            async with self.sessions.begin() as session:
                await outbox.hold(session, _row_id(row), worker=self.name)
            self.stats.held += 1
            return
        if row.thread_key and await self._earlier_in_thread(row):
            # An update must edit the message it updates, so it waits for that one.
            await self._retry(row, THREAD_WAIT_S, "waiting for the earlier message", count=False)
            return
        locale = resolve_locale(chat.locale, None, self.default_locale)
        try:
            alert = await self._render(row, payload, locale)
        except (UnknownEventType, KeyError, ValueError, TypeError) as exc:
            await self._dead(row, f"cannot render {row.event_type}: {type(exc).__name__}: {exc}")
            return
        if self.buttons is not None:
            markup = self.buttons(row.event_type, payload, chat.type, locale)
            if markup is not None:
                alert = replace(alert, markup=markup)
        if not await self._still_ours(row):
            return
        try:
            message_id = await self._send_in_topic(row, alert, locale)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            self.stats.flood_waits += 1
            await self._retry(row, wait, f"429 retry after {wait:g}s", count=False)
        except ChatMigrated as exc:
            async with self.sessions.begin() as session:
                await migrate_chat(session, row.chat_id, exc.new_chat_id)
                await outbox.move_chat_rows(session, old_id=row.chat_id, new_id=exc.new_chat_id)
                await outbox.schedule_retry(
                    session,
                    _row_id(row),
                    at=self.clock(),
                    error="chat migrated",
                    count_attempt=False,
                    worker=self.name,
                )
            log.info("chat %s migrated to %s", row.chat_id, exc.new_chat_id)
        except Forbidden as exc:
            async with self.sessions.begin() as session:
                await deactivate_chat(session, row.chat_id)
            await self._dead(row, f"403 {exc.message}")
            if chat.type == "channel":
                await self._channel_lost(chat, exc)
        except BadRequest as exc:
            if chat.type == "channel" and rights_lost(exc):
                async with self.sessions.begin() as session:
                    await deactivate_chat(session, row.chat_id)
                await self._dead(row, f"400 {exc.message}")
                await self._channel_lost(chat, exc)
                return
            await self._dead(row, f"400 {exc.message}")
        except NetworkError as exc:  # includes TimedOut and Telegram's 5xx answers
            await self._backoff(row, f"{type(exc).__name__}: {exc.message}")
        else:
            self._sent.append((_row_id(row), message_id))

    async def _send_in_topic(self, row: OutboxRow, alert: RenderedAlert, locale: str) -> int | None:
        """Send to the row's forum topic; to General, with a note, if the topic is gone."""
        try:
            return await self._send(row, alert, row.thread_id)
        except BadRequest as exc:
            if not row.thread_id or not topic_refused(exc):
                raise
            noted = await to_general(
                self.sessions,
                chat_id=row.chat_id,
                thread_id=row.thread_id,
                row_id=_row_id(row),
                event_type=row.event_type,
                event_id=row.event_id,
                error=exc,
                alert=alert,
                t=translator(locale),
                now=self.clock(),
            )
        return await self._send(row, noted, 0)

    async def _channel_lost(self, chat: Chat, error: TelegramError) -> None:
        try:
            await warn_managers(
                self.bot,
                self.sessions,
                channel_id=chat.id,
                channel_title=chat.title,
                reason=error.message,
                default_locale=self.default_locale,
                now=self.clock(),
            )
        except Exception:  # the dead letter is written; a warning is tried again next time
            log.warning("could not warn the chats managing channel %s", chat.id, exc_info=True)

    async def _render(self, row: OutboxRow, payload: dict[str, Any], locale: str) -> RenderedAlert:
        """Render once per event and language: a fan-out sends the same text many times."""
        key = (row.event_type, row.event_id, locale)
        alert = self._rendered.get(key)
        if alert is None:
            photo = await self._photo(row, payload)
            text = self.renderers.render(row.event_type, payload, translator(locale)).text
            alert = RenderedAlert(text=text, photo=photo)
            self._rendered[key] = alert
            if len(self._rendered) > RENDER_CACHE_SIZE:
                self._rendered.popitem(last=False)
        return alert

    async def _photo(self, row: OutboxRow, payload: dict[str, Any]) -> bytes | None:
        """The event's picture: the same in every language, drawn once, off the loop."""
        key = (row.event_type, row.event_id)
        task = self._photos.get(key)
        if task is None:
            task = asyncio.create_task(
                asyncio.to_thread(self.renderers.photo, row.event_type, payload)
            )
            self._photos[key] = task
            if len(self._photos) > PHOTO_CACHE_SIZE:
                self._photos.popitem(last=False)
        try:
            return await asyncio.shield(task)
        except Exception:
            log.exception("no picture for %s %s", row.event_type, row.event_id)
            return None

    async def _send(self, row: OutboxRow, alert: RenderedAlert, thread_id: int) -> int | None:
        """Send (or edit) the alert in the forum topic `thread_id` (0: none, General);
        the id of the first message that carries it."""
        # An update edits its earlier message only where that one is: a topic's alert
        # moved to General is sent anew, not written over the topic's message.
        if row.thread_key and thread_id == row.thread_id:
            previous = await self._thread_message(row)
            if previous is not None:
                edited = await self._edit(row.chat_id, previous, alert.text, alert.markup)
                if edited:
                    self.stats.edited += 1
                    return previous
        first: int | None = None
        if alert.photo is not None:
            photo = alert.photo
            caption = alert.text if len(html_to_plain(alert.text)) <= CAPTION_LIMIT else None
            first = await self._call(
                row.chat_id,
                lambda parse_mode, text: self._send_picture(
                    row, photo, text, parse_mode, thread_id, alert.markup if text else None
                ),
                caption,
            )
            if caption is not None:
                self.stats.sent += 1
                return first
        parts = split_message(alert.text)
        for number, part in enumerate(parts, start=1):
            markup = alert.markup if number == len(parts) else None
            message_id = await self._call(
                row.chat_id,
                lambda parse_mode, text: self._send_text(
                    # Awaited within this turn of the loop: `markup` is this part's.
                    row.chat_id,
                    text or "",
                    parse_mode,
                    thread_id,
                    markup,  # noqa: B023
                ),
                part,
            )
            first = first if first is not None else message_id
        self.stats.sent += 1
        return first

    async def _send_text(
        self,
        chat_id: int,
        text: str,
        parse_mode: str | None,
        thread_id: int,
        markup: dict[str, Any] | None = None,
    ) -> int:
        api_kwargs: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "link_preview_options": {"is_disabled": True},
        }
        if markup is not None:
            api_kwargs["reply_markup"] = markup
        if thread_id:
            api_kwargs["message_thread_id"] = thread_id
        if parse_mode is not None:
            api_kwargs["parse_mode"] = parse_mode
        if self.config.paid_broadcast:
            api_kwargs["allow_paid_broadcast"] = True
        # The raw answer, not a Message: building PTB's Message object for every send
        # was the largest single cost of a fan-out (bench/fanout.py --profile).
        result = await self.bot.do_api_request(
            "sendMessage", api_kwargs=api_kwargs, rate_limit_args=NO_RETRY
        )
        return int(result["message_id"])

    async def _send_picture(
        self,
        row: OutboxRow,
        photo: bytes,
        caption: str | None,
        parse_mode: str | None,
        thread_id: int,
        markup: dict[str, Any] | None = None,
    ) -> int:
        """Send the event's picture by Telegram's file id, uploading it only if none works."""
        key = (row.event_type, row.event_id)
        refused: set[str] = set()
        while True:
            # The first send of an event uploads while the rest of its fan-out waits here,
            # then finds the file id: one upload per event, not one per chat.
            async with self._upload_lock(key):
                file_id = await self._known_file_id(key)
                if file_id is None or file_id in refused:
                    message = await self._send_photo(
                        row.chat_id, photo, caption, parse_mode, thread_id, markup
                    )
                    if message.photo:
                        await self._remember_file_id(row, message.photo[-1].file_id)
                    return message.message_id
            try:
                sent = await self._send_photo(
                    row.chat_id, file_id, caption, parse_mode, thread_id, markup
                )
            except BadRequest as exc:
                if WRONG_FILE_ID not in exc.message.lower():
                    raise
                log.warning("%s %s: Telegram refused the picture's file id", *key)
                refused.add(file_id)
                await self._forget_file_id(key, file_id)
                continue
            return sent.message_id

    def _upload_lock(self, key: tuple[str, int]) -> asyncio.Lock:
        lock = self._uploads.get(key)
        if lock is None:
            lock = self._uploads[key] = asyncio.Lock()
            if len(self._uploads) > FILE_ID_CACHE_SIZE:
                self._uploads.popitem(last=False)
        return lock

    async def _known_file_id(self, key: tuple[str, int]) -> str | None:
        file_id = self._file_ids.get(key)
        if file_id is None:
            # Uploaded before a restart, or by another process.
            async with self.sessions() as session:
                file_id = await outbox.event_photo_file_id(
                    session, event_type=key[0], event_id=key[1]
                )
            if file_id is not None:
                self._cache_file_id(key, file_id)
        return file_id

    async def _remember_file_id(self, row: OutboxRow, file_id: str) -> None:
        self._cache_file_id((row.event_type, row.event_id), file_id)
        async with self.sessions.begin() as session:
            await outbox.record_photo_file_id(session, _row_id(row), file_id)

    async def _forget_file_id(self, key: tuple[str, int], file_id: str) -> None:
        if self._file_ids.get(key) == file_id:
            del self._file_ids[key]
        async with self.sessions.begin() as session:
            await outbox.forget_photo_file_id(
                session, event_type=key[0], event_id=key[1], file_id=file_id
            )

    def _cache_file_id(self, key: tuple[str, int], file_id: str) -> None:
        self._file_ids[key] = file_id
        self._file_ids.move_to_end(key)
        if len(self._file_ids) > FILE_ID_CACHE_SIZE:
            self._file_ids.popitem(last=False)

    async def _send_photo(
        self,
        chat_id: int,
        photo: bytes | str,
        caption: str | None,
        parse_mode: str | None,
        thread_id: int,
        markup: dict[str, Any] | None = None,
    ) -> Message:
        extra = self._extra()
        if markup is not None:
            extra["api_kwargs"] = {"reply_markup": markup}
        return await self.bot.send_photo(
            chat_id,
            photo,
            caption=caption,
            parse_mode=parse_mode,
            message_thread_id=thread_id or None,
            **extra,
        )

    def _extra(self) -> dict[str, Any]:
        # Pacing is the rate limiter's; a 429 comes back to us to reschedule the row
        # instead of holding a delivery slot while it waits.
        extra: dict[str, Any] = {"rate_limit_args": NO_RETRY}
        if self.config.paid_broadcast:
            extra["allow_paid_broadcast"] = True
        return extra

    async def _call(
        self,
        chat_id: int,
        send: Callable[[str | None, str | None], Awaitable[int]],
        text: str | None,
    ) -> int:
        """Send as HTML, and fall back to plain text when Telegram cannot parse it."""
        try:
            return await send(ParseMode.HTML, text)
        except BadRequest as exc:
            if "can't parse entities" not in exc.message.lower() or text is None:
                raise
            log.warning("chat %s: HTML refused (%s); sending plain text", chat_id, exc.message)
            return await send(None, html_to_plain(text))

    async def _edit(
        self, chat_id: int, message_id: int, text: str, markup: dict[str, Any] | None = None
    ) -> bool:
        # An edit without the keyboard would take the alert's button away.
        api_kwargs = {"reply_markup": markup} if markup is not None else None
        try:
            await self.bot.edit_message_text(
                split_message(text)[0],
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
                rate_limit_args=NO_RETRY,
                api_kwargs=api_kwargs,
            )
        except BadRequest as exc:
            description = exc.message.lower()
            if "message is not modified" in description:
                return True
            if "message to edit not found" in description or "can't be edited" in description:
                return False
            raise
        return True

    async def _thread_message(self, row: OutboxRow) -> int | None:
        since = self.clock() - timedelta(seconds=self.config.edit_window_s)
        async with self.sessions() as session:
            return await outbox.thread_message(
                session,
                chat_id=row.chat_id,
                thread_key=row.thread_key or "",
                since=since,
                before_id=_row_id(row),
                thread_id=row.thread_id,
            )

    async def _earlier_in_thread(self, row: OutboxRow) -> bool:
        async with self.sessions() as session:
            return await outbox.thread_in_flight(
                session,
                chat_id=row.chat_id,
                thread_key=row.thread_key or "",
                before_id=_row_id(row),
                thread_id=row.thread_id,
            )

    async def _retry(self, row: OutboxRow, wait_s: float, error: str, *, count: bool) -> None:
        self.stats.retried += 1
        async with self.sessions.begin() as session:
            await outbox.schedule_retry(
                session,
                _row_id(row),
                at=self.clock() + timedelta(seconds=wait_s),
                error=error,
                count_attempt=count,
                worker=self.name,
            )

    async def _backoff(self, row: OutboxRow, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._dead(row, f"gave up after {attempts} attempts: {error}")
            return
        ceiling = min(self.config.backoff_max_s, self.config.backoff_base_s * 2**row.attempts)
        # Full jitter: retries of a fan-out spread out instead of returning as a herd.
        wait = random.uniform(ceiling / 2, ceiling)  # noqa: S311
        log.info("row %s: %s; retry in %.1fs", _row_id(row), error, wait)
        await self._retry(row, wait, error, count=True)

    async def _dead(self, row: OutboxRow, reason: str) -> None:
        log.warning("row %s to chat %s dead-lettered: %s", _row_id(row), row.chat_id, reason)
        self.stats.dead += 1
        async with self.sessions.begin() as session:
            await outbox.dead_letter(session, _row_id(row), reason=reason, worker=self.name)


def _quiet_hours(
    chat: Chat, row: OutboxRow, payload: dict[str, Any], now: datetime, locale: str
) -> bool:
    """Whether the chat's quiet hours hold this alert now (digests and urgent kinds pass)."""
    if chat.quiet_start is None or row.event_type not in QUIETED_TYPES:
        return False
    if alert_kind(row.event_type, payload) in urgent_kinds(chat.urgent_kinds):
        return False
    return in_quiet(chat.quiet_start, chat.quiet_end, now, chat_zone(chat.tz, locale))


def _row_id(row: OutboxRow) -> int:
    if row.id is None:
        raise ValueError("an outbox row read from the store has an id")
    return row.id


def _event_key(row: OutboxRow) -> outbox.EventKey:
    return (row.event_type, row.event_id)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
