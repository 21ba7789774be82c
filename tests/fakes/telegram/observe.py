"""What the bot did, as a test reads it from the fake Bot API, and waiting for it.

``wait_for``, ``wait_for_messages`` and ``wait_until`` wake on each recorded call,
without polling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, overload

from .core import BotAPICore, Waiter
from .methods_bot import scope_key
from .objects import MESSAGE_METHODS
from .records import Sent

__all__ = ["Observer"]


class Observer(BotAPICore):
    """Reading the records, and waiting until they show something."""

    # ------------------------------------------------------------------ reading records

    def sent_to(self, chat_id: int) -> list[Sent]:
        """Successful sends and edits in one chat, in order."""
        return list(self._sent_by_chat.get(chat_id, ()))

    def commands_for(
        self, scope: str | Mapping[str, Any] = "default", language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands stored by ``setMyCommands`` for exactly this scope and language.

        Args:
            scope: A ``BotCommandScope`` dict or its key: ``"default"``,
                ``"all_private_chats"``, ``"all_group_chats"``, ``"all_chat_administrators"``,
                ``"chat:<chat_id>"``, ``"chat_administrators:<chat_id>"`` or
                ``"chat_member:<chat_id>:<user_id>"``.
            language_code: Two-letter language code, ``""`` for all languages.

        Returns:
            ``[{"command": ..., "description": ...}, ...]``, empty if none are set.
        """
        key = scope if isinstance(scope, str) else scope_key(scope)
        return list(self.commands.get((key, language_code), ()))

    def file_bytes(self, file_id: str) -> bytes | None:
        """Bytes of an uploaded file, if ``keep_uploads`` kept them."""
        stored = self._files.get(file_id)
        return stored.data if stored else None

    def count(self, method: str | None = None, status: int | None = None) -> int:
        """Counts recorded calls, optionally of one method and/or with one status."""
        return sum(
            1
            for record in self.requests
            if (method is None or record.method == method)
            and (status is None or record.status == status)
        )

    def clear_records(self) -> None:
        """Forgets sent messages, requests, uploads, answers, deletions (not chats or updates)."""
        self.sent.clear()
        self.requests.clear()
        self.uploads = 0
        self.answered_callbacks.clear()
        self.deleted.clear()
        self._sent_by_chat.clear()

    # ------------------------------------------------------------------ waiting

    # The waiting helpers take ``timeout=`` (ASYNC109) because a deadline per wait is what
    # tests read best; they implement it with asyncio.timeout internally.

    @overload
    async def wait_for(self, condition: int, *, timeout: float = 5.0) -> list[Sent]: ...  # noqa: ASYNC109

    @overload
    async def wait_for(
        self,
        condition: Callable[[Sent], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        start: int = 0,
    ) -> Sent: ...

    async def wait_for(
        self,
        condition: int | Callable[[Sent], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        start: int = 0,
    ) -> list[Sent] | Sent:
        """Waits until enough sends happened, or until one matches a predicate.

        Args:
            condition: A number: wait until ``len(sent)`` reaches it. A predicate: wait for
                the first :class:`Sent` (from index ``start`` of ``sent``, so earlier ones
                count too) for which it is true.
            timeout: Seconds to wait.
            start: For a predicate, index in ``sent`` where the search begins.

        Returns:
            For a number, a copy of ``sent``; for a predicate, the matching :class:`Sent`.

        Raises:
            TimeoutError: Nothing matched in time; the message lists the last sends.
        """
        if isinstance(condition, int):
            target = condition
            await self._wait(lambda: len(self.sent) >= target, timeout, f"{target} sends")
            return list(self.sent)
        predicate = condition
        found: list[Sent] = []
        cursor = start

        def check() -> bool:
            nonlocal cursor
            sent = self.sent
            if cursor > len(sent):  # clear_records() ran meanwhile
                cursor = 0
            while cursor < len(sent):
                candidate = sent[cursor]
                cursor += 1
                if predicate(candidate):
                    found.append(candidate)
                    return True
            return False

        await self._wait(check, timeout, "a send matching the predicate")
        return found[0]

    async def wait_for_messages(
        self,
        chat_id: int,
        n: int,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Sent]:
        """Waits until the bot has sent at least ``n`` new messages (edits not counted) to a chat.

        Args:
            chat_id: The chat.
            n: How many messages.
            timeout: Seconds to wait.

        Returns:
            All new messages in that chat so far (at least ``n``), oldest first.

        Raises:
            TimeoutError: Fewer messages arrived in time.
        """

        def messages() -> list[Sent]:
            return [s for s in self._sent_by_chat.get(chat_id, ()) if s.method in MESSAGE_METHODS]

        await self._wait(lambda: len(messages()) >= n, timeout, f"{n} messages to {chat_id}")
        return messages()

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Waits until ``condition()`` is true; it is re-checked after every recorded call.

        Args:
            condition: Any check on the fake's state, e.g.
                ``lambda: fake.count("sendMessage", 429) >= 3``.
            timeout: Seconds to wait.

        Raises:
            TimeoutError: The condition stayed false.
        """
        await self._wait(condition, timeout, "the condition")

    async def _wait(self, check: Callable[[], bool], deadline: float, what: str) -> None:
        if check():
            return
        waiter = Waiter(check, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(deadline):
                await waiter.future
        except TimeoutError:
            recent = "; ".join(
                f"{s.method} chat={s.chat_id} {s.plain_text!r:.60}" for s in self.sent[-8:]
            )
            raise TimeoutError(
                f"no {what} within {deadline} s ({len(self.sent)} sends, "
                f"{len(self.requests)} requests; last sends: {recent or 'none'})"
            ) from None
        finally:
            self._waiters.remove(waiter)
