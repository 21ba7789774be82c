"""How updates reach the bot from the fake Bot API: getUpdates, or a webhook.

``getUpdates`` is a real long poll: ``offset`` confirms (drops) older updates, negative
offsets keep only the last ``-offset``, ``limit`` caps the batch, ``timeout`` waits and
wakes as soon as an update is injected, ``allowed_updates`` is remembered across calls,
a newer poll terminates an older one with ``409 Conflict``, and polling while a webhook
is set is a ``409`` as well. ``setWebhook`` (an ``https://`` URL) stops ``getUpdates``
and starts pushing the queued updates to the webhook until ``deleteWebhook``; see
:mod:`tests.fakes.telegram.webhook`.
"""

from __future__ import annotations

import asyncio
from collections import deque

from .core import BotAPICore
from .objects import ALL_UPDATE_TYPES, DEFAULT_ALLOWED_UPDATES, ApiError, Params
from .records import JSON
from .webhook import WebhookPost, WebhookPusher

__all__ = ["UpdateMethods"]


class UpdateMethods(BotAPICore):
    """getUpdates, setWebhook, deleteWebhook and getWebhookInfo, and the webhook pusher."""

    async def _on_stop(self) -> None:
        # Pending long polls wait on their own event, and the webhook pusher on its task.
        self._wake_pollers()
        await self._stop_pusher()

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by a ``getUpdates`` offset, oldest first."""
        return [update for _, _, update in self._updates]

    async def _get_updates(self, p: Params) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.integer("offset")
        limit = p.integer("limit", 100)
        if not 1 <= limit <= 100:
            limit = 100
        timeout = max(0.0, p.number("timeout") or 0.0)
        allowed = p.json("allowed_updates", "Bad Request: can't parse allowed updates JSON")
        if isinstance(allowed, list):
            wanted = frozenset(str(kind) for kind in allowed) & ALL_UPDATE_TYPES
            self._allowed_updates = wanted or DEFAULT_ALLOWED_UPDATES

        updates = self._updates
        if offset > 0:
            while updates and updates[0][0] < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll now ends with 409
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            batch = [update for _, kind, update in updates if kind in self._allowed_updates][:limit]
            if batch or self._closing.is_set():
                return batch
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return []
            changed = self._updates_changed
            try:
                async with asyncio.timeout(remaining):
                    await changed.wait()
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    async def _set_webhook(self, p: Params) -> bool:
        url = p.get("url") or ""
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self.webhook = None
            await self._stop_pusher()
            return True
        if not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        allowed = p.json("allowed_updates", "Bad Request: can't parse allowed updates JSON")
        self.webhook = {
            "url": url,
            "max_connections": p.integer("max_connections", 40),
            "allowed_updates": allowed,
            "ip_address": p.get("ip_address"),
            "secret_token": p.get("secret_token"),
        }
        self._wake_pollers()
        await self._start_pusher()
        return True

    async def _start_pusher(self) -> None:
        await self._stop_pusher()
        if self.webhook is None:
            return
        self._pusher = WebhookPusher(
            pending=lambda: [(uid, update) for uid, _, update in self._updates],
            confirm=self._confirm_update,
            changed=lambda: self._updates_changed,
            record=self._record_webhook_post,
            url=str(self.webhook["url"]),
            secret=self.webhook["secret_token"],
            max_connections=int(self.webhook["max_connections"]),
            targets=self.webhook_targets,
        )
        self._pusher.start()

    async def _stop_pusher(self) -> None:
        pusher, self._pusher = self._pusher, None
        if pusher is not None:
            await pusher.stop()

    def _confirm_update(self, update_id: int) -> None:
        self._updates = deque(entry for entry in self._updates if entry[0] != update_id)

    def _record_webhook_post(self, post: WebhookPost) -> None:
        self.webhook_posts.append(post)
        self._notify()

    async def _delete_webhook(self, p: Params) -> bool:
        self.webhook = None
        await self._stop_pusher()
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, p: Params) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
            if self.webhook["ip_address"]:
                info["ip_address"] = self.webhook["ip_address"]
        return info
