"""quiet hours, daily digests and outgoing webhooks

`chats` gains its time zone (`tz`), quiet hours (`quiet_start`, `quiet_end` in minutes
of the local day, `urgent_kinds` that still go through) and the daily digest
(`digest_at`, and `digest_last`, the scheduled moment of the last one sent).
`digest_events` gives each digest its dedup key, so a digest is queued exactly once
however many processes schedule it. `webhooks` are a chat's registered receivers;
`webhook_outbox` their deliveries, one row per (webhook, event).

Plain ADD/DROP COLUMN on chats, never a batch rebuild.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHAT_COLUMNS = ("tz", "quiet_start", "quiet_end", "urgent_kinds", "digest_at", "digest_last")


def upgrade() -> None:
    op.add_column("chats", sa.Column("tz", sa.String(length=64), nullable=True))
    op.add_column("chats", sa.Column("quiet_start", sa.Integer(), nullable=True))
    op.add_column("chats", sa.Column("quiet_end", sa.Integer(), nullable=True))
    op.add_column("chats", sa.Column("urgent_kinds", sa.String(length=256), nullable=True))
    op.add_column("chats", sa.Column("digest_at", sa.Integer(), nullable=True))
    op.add_column(
        "chats", sa.Column("digest_last", storage.types.UTCDateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "digest_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedup_key"),
    )
    op.create_index("ix_digest_events_chat_id", "digest_events", ["chat_id"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("kinds", sa.String(length=256), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], ondelete="CASCADE", onupdate="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhooks_chat_id", "webhooks", ["chat_id"])
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1024), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_id", "event_type", "event_id", name="uq_webhook_event"),
    )
    op.create_index("ix_webhook_outbox_due", "webhook_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_due", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")
    op.drop_index("ix_webhooks_chat_id", table_name="webhooks")
    op.drop_table("webhooks")
    op.drop_index("ix_digest_events_chat_id", table_name="digest_events")
    op.drop_table("digest_events")
    for column in reversed(_CHAT_COLUMNS):
        op.drop_column("chats", column)
