"""The PTB Application with a stopwatch: every update is counted, timed and logged with ids."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.alerts.ratelimiter import replying
from bot.kernel.logs import log_ids
from bot.runtime import metrics
from bot.runtime.update_order import BacklogQueue

log = logging.getLogger("summitwatch.updates")
OTHER_COMMAND = "other_command"


def update_label(update: object, commands: Collection[str]) -> str:
    """The metrics label of an update: its command if it is one we know, else its kind.

    Unknown commands share one label so a user cannot grow the label set.
    """
    if not isinstance(update, Update):
        return "other"
    message = update.effective_message
    text = (message.text or message.caption or "") if message is not None else ""
    if update.message is not None and text.startswith("/"):
        # "/" alone or followed by a space of any script ("/\u00a0") has no name at all.
        words = text[1:].split(maxsplit=1)
        name = words[0].partition("@")[0].lower() if words else ""
        return name if name in commands else OTHER_COMMAND
    for kind in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


class ObservedApplication(Application[Any, Any, Any, Any, Any, Any]):
    """Counts and times each update (`bot.runtime.metrics`); log lines carry its ids."""

    known_commands: frozenset[str] = frozenset()

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        label = "other"
        try:
            label = update_label(update, self.known_commands)
            # Whatever handling the update sends is a reply: no per-chat second for it
            # (bot.alerts.ratelimiter; issue 13). Keep this when editing process_update.
            with log_ids(**_ids(update)), replying():
                await super().process_update(update)
        except Exception:
            # PTB hands handler errors to the error handler; this is anything around them.
            # Logged and not raised: the update counts as handled, so it is acknowledged
            # below and cannot come back (by webhook) to fail again and again.
            log.exception("update %s could not be processed", _update_id(update))
        finally:
            elapsed = time.perf_counter() - started
            metrics.record_update(label, elapsed)
            log.debug("handled %s in %.1f ms", label, elapsed * 1000)
            if isinstance(self.update_queue, BacklogQueue):
                self.update_queue.handled(update)  # a webhook may answer Telegram now


def _update_id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None


def _ids(update: object) -> dict[str, int | str | None]:
    """The ids that log lines written while handling `update` carry."""
    if not isinstance(update, Update):
        return {}
    chat, user = update.effective_chat, update.effective_user
    return {
        "update_id": update.update_id,
        "chat_id": chat.id if chat else None,
        "user_id": user.id if user else None,
    }
