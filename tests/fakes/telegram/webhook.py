"""Webhook delivery for the fake Bot API: queued updates are POSTed as Telegram does.

While a webhook is set, each queued update is sent as a JSON ``POST`` to the webhook,
with ``X-Telegram-Bot-Api-Secret-Token`` when ``setWebhook`` had a ``secret_token``;
up to ``max_connections`` at once. An update is confirmed (dropped from the queue) by
any 2xx answer; any other answer, a refused connection or a timeout leaves it queued
and it is tried again after ``retry_s``, as Telegram keeps retrying.

The webhook URL is a public ``https://`` address; here it is served by local plain
HTTP servers standing behind it (as behind a TLS proxy or a load balancer):
``targets`` lists them, and updates go round-robin over the targets, moving on to the
next one when a target does not answer. Without targets the URL itself is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

JSON = dict[str, Any]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True, slots=True)
class WebhookPost:
    """One delivery attempt: the update, where it went and what came back."""

    update_id: int
    target: str
    status: int | None  # None: no HTTP answer (refused, reset, timed out)
    error: str | None
    at: float


@dataclass
class WebhookPusher:
    """Pushes the fake's queued updates to its webhook until stopped."""

    pending: Callable[[], list[tuple[int, JSON]]]
    confirm: Callable[[int], None]
    changed: Callable[[], asyncio.Event]
    record: Callable[[WebhookPost], None]
    url: str
    secret: str | None
    max_connections: int
    targets: list[str]
    retry_s: float = 0.2
    timeout_s: float = 10.0
    _task: asyncio.Task[None] | None = None
    _in_flight: set[int] = field(default_factory=set)
    _not_before: dict[int, float] = field(default_factory=dict)
    _round_robin: itertools.count[int] = field(default_factory=itertools.count)

    def start(self) -> None:
        """Start pushing (in the running loop)."""
        self._task = asyncio.create_task(self._run(), name="fake-webhook-pusher")

    async def stop(self) -> None:
        """Stop pushing; an update being posted stays queued unless it was confirmed."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _target(self) -> str:
        if not self.targets:
            return self.url
        return self.targets[next(self._round_robin) % len(self.targets)]

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        posts: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                while True:
                    changed = self.changed()
                    now = time.monotonic()
                    free = self.max_connections - len(self._in_flight)
                    for update_id, update in self.pending():
                        if free <= 0:
                            break
                        if update_id in self._in_flight or self._not_before.get(update_id, 0) > now:
                            continue
                        self._in_flight.add(update_id)
                        free -= 1
                        task = asyncio.create_task(self._post(session, update_id, update))
                        posts.add(task)
                        task.add_done_callback(posts.discard)
                    waiter = asyncio.ensure_future(changed.wait())
                    await asyncio.wait(
                        [waiter, *posts], timeout=self.retry_s, return_when=asyncio.FIRST_COMPLETED
                    )
                    waiter.cancel()
            finally:
                for task in posts:
                    task.cancel()
                await asyncio.gather(*posts, return_exceptions=True)

    async def _post(self, session: aiohttp.ClientSession, update_id: int, update: JSON) -> None:
        target = self._target()
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers[SECRET_HEADER] = self.secret
        status: int | None = None
        error: str | None = None
        try:
            async with session.post(target, data=json.dumps(update), headers=headers) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = type(exc).__name__
        finally:
            self._in_flight.discard(update_id)
        if status is not None and 200 <= status < 300:
            self._not_before.pop(update_id, None)
            self.confirm(update_id)
        else:
            self._not_before[update_id] = time.monotonic() + self.retry_s
        # Recorded last: waiters woken by the record see the queue already updated.
        self.record(WebhookPost(update_id, target, status, error, time.monotonic()))
