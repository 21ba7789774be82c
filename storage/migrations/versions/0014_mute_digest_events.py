"""the end-of-mute digests recorded as digest events

From this revision the digest that ends a mute is recorded like every other alert
(`bot.alerts.record.record_event` with a `digest_events` row, kind "mute", dedup key
"mute:<chat>:<first held row>"), so its outbox event id comes from `digest_events`.
Digests queued before used that first held row's id as their event id, and their
payloads stay in `alert_payloads`: each is recorded here as the digest event it was
(same id, the dedup key the new code would give it), so no new digest is handed an id
an old one holds, which would leave it the old payload. PostgreSQL's sequence is moved
past them; SQLite takes the largest id plus one by itself.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO digest_events (id, dedup_key, chat_id, kind, created_at) "
        "SELECT o.event_id, 'mute:' || CAST(min(o.chat_id) AS VARCHAR) || ':' "
        "|| CAST(o.event_id AS VARCHAR), min(o.chat_id), 'mute', min(o.created_at) "
        "FROM outbox o WHERE o.event_type = 'digest' "
        "AND NOT EXISTS (SELECT 1 FROM digest_events d WHERE d.id = o.event_id) "
        "GROUP BY o.event_id"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('digest_events', 'id'), "
            "(SELECT max(id) FROM digest_events)) WHERE EXISTS (SELECT 1 FROM digest_events)"
        )


def downgrade() -> None:
    # The previous release queues mute digests itself and knows no "mute" events.
    op.execute("DELETE FROM digest_events WHERE kind = 'mute'")
