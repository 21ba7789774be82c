"""A delivery worker's leases on the outbox rows it claimed, and when it may still send. Pure.

The store only knows `claimed_at` per row; this is the worker's own view of it: when
each row it holds was last claimed or renewed, which rows a renewal says it lost, and
whether a row's lease has enough time left to start a send.

Why a send cannot be doubled by a reclaim (lease L, heartbeat every L/5):

- another worker takes a row only when its `claimed_at` is older than L
  (`storage.outbox.release_expired_claims`); the heartbeat rewrites it every L/5, so
  a live worker's heartbeat can be 4/5 L late before any of its rows can be taken;
- renewal and reclaim are each one conditional UPDATE of the row, so the store orders
  them: a row renewed first is too recent to take, a row taken first is not renewed
  (`claimed_by` no longer matches) and the renewal's answer leaves it out;
- a send starts only while the row's last renewal is younger than L minus `guard`
  (`may_send`), so the request is written before the lease could run out even when
  the heartbeat has stopped (the database unreachable from this worker, the process
  paused); `guard` covers the pacing wait between that check and the request;
- a row the renewal left out is dropped without a send and without a write: it
  belongs to the worker that took it.

This holds while the hosts' clocks agree to well under L/2 - L/5 (NTP): `claimed_at`
is written with one worker's clock and compared with another's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class Leases:
    """When each row this worker holds was last claimed or renewed (the worker's clock)."""

    lease: timedelta
    guard: timedelta
    _since: dict[int, datetime] = field(default_factory=dict)

    def claimed(self, row_ids: Iterable[int], at: datetime) -> None:
        """Rows just claimed, with `claimed_at = at` in the store."""
        for row_id in row_ids:
            self._since[row_id] = at

    def held_now(self) -> frozenset[int]:
        """The rows to judge by the next renewal: take this before it starts."""
        return frozenset(self._since)

    def renewed(self, asked: frozenset[int], held: set[int], at: datetime) -> set[int]:
        """A renewal written with `claimed_at = at` still held `held`; the ids lost.

        Only rows in `asked` (held before the renewal started, so their claim was
        committed before it) can be lost: a row claimed while the renewal ran is
        missing from its answer without having been taken.
        """
        lost = {row_id for row_id in asked - held if row_id in self._since}
        for row_id in lost:
            del self._since[row_id]
        for row_id in held:
            since = self._since.get(row_id)
            if since is not None:
                self._since[row_id] = max(since, at)
        return lost

    def done(self, row_id: int) -> None:
        """The row was sent or its outcome written: its lease no longer matters here."""
        self._since.pop(row_id, None)

    def may_send(self, row_id: int, now: datetime) -> bool:
        """Whether a send started now reaches Telegram before the row's lease can expire."""
        since = self._since.get(row_id)
        return since is not None and now + self.guard < since + self.lease

    def __contains__(self, row_id: object) -> bool:
        return row_id in self._since

    def __len__(self) -> int:
        return len(self._since)
