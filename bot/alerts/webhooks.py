"""Outgoing webhooks: every alert of a chat POSTed, signed, to the URLs its admins registered.

The body is the versioned JSON of `docs/webhooks.md` (`SCHEMA`); the header
`X-Summitwatch-Signature: sha256=<hex>` is the HMAC-SHA256 of the exact body bytes under
the webhook's secret. Rows come from `webhook_outbox`, queued in the transaction that
routes the alert, and each outcome has one effect:

- 2xx: sent;
- 408, 429 (after its Retry-After), 5xx, a timeout, a refused or reset connection:
  retried with jittered exponential backoff, dead-lettered after `max_attempts`;
- any other status (a 3xx is not followed, a 4xx will not change by itself): dead-lettered
  with the status at once;
- an address the SSRF guard refuses at connection time (a name that now resolves to a
  private address): dead-lettered with the reason.

Nothing is sent twice by a live worker (a row is claimed, sent, then marked); a crash
between sending and marking repeats that one POST when the lease returns the row, so
receivers deduplicate by the body's `id` (see docs/webhooks.md).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiohttp
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.delivery import worker_name
from bot.alerts.schedule import alert_kind
from bot.net.guarded_http import GuardedSession, RefusedURL, new_guarded_session
from bot.net.ssrf import AddressPolicy
from storage import webhooks
from storage.types import utcnow

log = logging.getLogger("summitwatch.webhooks")
SCHEMA = "summitwatch.alert/1"
SIGNATURE_HEADER = "X-Summitwatch-Signature"
RETRIED_STATUSES = frozenset({408, 429})


def body(claimed: webhooks.Claimed) -> bytes:
    """The JSON body of one delivery (schema `SCHEMA`, docs/webhooks.md)."""
    document = {
        "schema": SCHEMA,
        "id": f"{claimed.event_type}:{claimed.event_id}",
        "type": claimed.event_type,
        "kind": alert_kind(claimed.event_type, claimed.payload),
        "chat_id": claimed.chat_id,
        "queued_at": claimed.created_at.isoformat(),
        "attempt": claimed.attempts + 1,
        "event": claimed.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, data: bytes) -> str:
    """'sha256=<hex>': the HMAC-SHA256 of `data` under `secret`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), data, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebhookConfig:
    """How hard and how fast webhook delivery tries."""

    max_attempts: int = 8
    backoff_base_s: float = 2.0
    backoff_max_s: float = 900.0
    timeout_s: float = 10.0
    concurrency: int = 8
    # Longer than a request may take: a live worker's claims never expire under it.
    lease_s: float = 60.0
    idle_poll_s: float = 1.0


@dataclass
class WebhookStats:
    """Counters for logs and tests."""

    sent: int = 0
    retried: int = 0
    dead: int = 0


@dataclass
class WebhookWorker:
    """Claims due webhook rows and POSTs them, `concurrency` at a time."""

    sessions: async_sessionmaker[AsyncSession]
    policy: AddressPolicy
    config: WebhookConfig = field(default_factory=WebhookConfig)
    clock: Callable[[], datetime] = utcnow
    name: str = field(default_factory=lambda: "hooks:" + worker_name())
    stats: WebhookStats = field(default_factory=WebhookStats)
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _http: GuardedSession | None = None

    def wake(self) -> None:
        """New rows may be due: look now."""
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set."""
        try:
            await self.release_orphans()
            while not stop.is_set():
                try:
                    started = await self.deliver_due()
                except Exception:  # the store is unreachable: the next round tries again
                    log.warning("webhook delivery round failed", exc_info=True)
                    started = 0
                if started:
                    continue
                self._wakeup.clear()
                waiters = [asyncio.ensure_future(e.wait()) for e in (self._wakeup, stop)]
                await asyncio.wait(
                    waiters, timeout=self.config.idle_poll_s, return_when=asyncio.FIRST_COMPLETED
                )
                for waiter in waiters:
                    waiter.cancel()
        finally:
            await self.close()

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def release_orphans(self) -> int:
        """Hand back rows a stopped worker left `sending` (after the lease)."""
        older_than = self.clock() - timedelta(seconds=self.config.lease_s)
        async with self.sessions.begin() as session:
            return await webhooks.release_expired_claims(session, older_than=older_than)

    async def deliver_due(self) -> int:
        """Claim what is due now, POST it, record each outcome; how many were claimed."""
        async with self.sessions.begin() as session:
            claimed = await webhooks.claim_due(
                session, worker=self.name, limit=self.config.concurrency, now=self.clock()
            )
        if claimed:
            await asyncio.gather(*(self._deliver(c) for c in claimed))
        return len(claimed)

    def _session(self) -> GuardedSession:
        if self._http is None:
            self._http = new_guarded_session(self.policy)
        return self._http

    async def _deliver(self, claimed: webhooks.Claimed) -> None:
        data = body(claimed)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(claimed.secret, data),
            "X-Summitwatch-Delivery": str(claimed.row_id),
        }
        timeout = aiohttp.ClientTimeout(total=self.config.timeout_s)
        try:
            async with self._session().http.post(
                claimed.url, data=data, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                status = response.status
                retry_after = response.headers.get("Retry-After")
                await response.content.read(4096)  # the answer is not ours to keep
        except RefusedURL as exc:
            await self._dead(claimed, f"address refused: {exc}")
            return
        except TimeoutError:
            await self._backoff(claimed, f"no answer within {self.config.timeout_s:g}s")
            return
        except aiohttp.ClientError as exc:
            refused = _refusal(exc)
            if refused is not None:
                await self._dead(claimed, f"address refused: {refused}")
            else:
                await self._backoff(claimed, f"{type(exc).__name__}: {exc}")
            return
        if 200 <= status < 300:
            async with self.sessions.begin() as session:
                await webhooks.mark_sent(
                    session, claimed.row_id, worker=self.name, now=self.clock()
                )
            self.stats.sent += 1
        elif status >= 500 or status in RETRIED_STATUSES:
            await self._backoff(claimed, f"HTTP {status}", retry_after=_seconds(retry_after))
        else:
            await self._dead(claimed, f"HTTP {status} from the receiver")

    async def _backoff(
        self, claimed: webhooks.Claimed, error: str, *, retry_after: float | None = None
    ) -> None:
        attempts = claimed.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._dead(claimed, f"gave up after {attempts} attempts: {error}")
            return
        ceiling = min(self.config.backoff_max_s, self.config.backoff_base_s * 2**claimed.attempts)
        # Full jitter, as the Telegram outbox: a receiver coming back is not stampeded.
        wait = random.uniform(ceiling / 2, ceiling)  # noqa: S311
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.config.backoff_max_s))
        log.info("webhook row %s: %s; retry in %.1fs", claimed.row_id, error, wait)
        self.stats.retried += 1
        async with self.sessions.begin() as session:
            await webhooks.schedule_retry(
                session,
                claimed.row_id,
                worker=self.name,
                at=self.clock() + timedelta(seconds=wait),
                error=error,
            )

    async def _dead(self, claimed: webhooks.Claimed, reason: str) -> None:
        log.warning("webhook row %s dead-lettered: %s", claimed.row_id, reason)
        self.stats.dead += 1
        async with self.sessions.begin() as session:
            await webhooks.dead_letter(session, claimed.row_id, worker=self.name, reason=reason)


def _refusal(exc: BaseException) -> RefusedURL | None:
    """The SSRF guard's refusal behind a connection error (aiohttp wraps the resolver's)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, RefusedURL):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _seconds(value: str | None) -> float | None:
    if value is None or not value.strip().isdigit():
        return None
    return float(value.strip()[:6])
