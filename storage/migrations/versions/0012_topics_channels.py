"""forum topics and linked channels: subscriptions and outbox rows per topic

A supergroup with topics follows different things in different topics, so a
subscription and an outbox row carry the topic (`thread_id`, 0 for none or General)
and the unique constraints take it in: one event reaches two topics of one chat as
two rows. `forum_topics` keeps a topic's name and whether Telegram refused it (closed
or deleted); `channel_links` says which group or private chat manages which channel.

Changing a unique constraint needs a table copy on SQLite (batch mode); on
PostgreSQL it is an ALTER. The outbox copy is affordable since 0011 moved the
payloads out of it: a row is now a few dozen bytes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _thread_column() -> sa.Column[int]:
    return sa.Column("thread_id", sa.BigInteger(), nullable=False, server_default=sa.text("0"))


def upgrade() -> None:
    op.create_table(
        "forum_topics",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("thread_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=128), nullable=True),
        sa.Column("broken_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("broken_reason", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], ondelete="CASCADE", onupdate="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "thread_id"),
    )
    op.create_table(
        "channel_links",
        sa.Column("channel_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("linked_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rights_lost_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["chats.id"], ondelete="CASCADE", onupdate="CASCADE"
        ),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], ondelete="CASCADE", onupdate="CASCADE"),
        sa.PrimaryKeyConstraint("channel_id", "chat_id"),
    )
    op.create_index("ix_channel_links_chat_id", "channel_links", ["chat_id"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(_thread_column())
        batch.drop_constraint("uq_subscription", type_="unique")
        batch.create_unique_constraint("uq_subscription", ["chat_id", "thread_id", "kind", "key"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(_thread_column())
        batch.drop_constraint("uq_outbox_event_chat", type_="unique")
        batch.create_unique_constraint(
            "uq_outbox_event_chat", ["event_type", "event_id", "chat_id", "thread_id"]
        )


def downgrade() -> None:
    # Going back to one row per chat: a chat's extra topic rows and subscriptions
    # (the ones that are not the lowest topic) have no place in the older shape.
    op.execute(
        "DELETE FROM outbox WHERE id NOT IN "
        "(SELECT min(id) FROM outbox GROUP BY event_type, event_id, chat_id)"
    )
    op.execute(
        "DELETE FROM subscriptions WHERE id NOT IN "
        "(SELECT min(id) FROM subscriptions GROUP BY chat_id, kind, key)"
    )
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_event_chat", type_="unique")
        batch.create_unique_constraint(
            "uq_outbox_event_chat", ["event_type", "event_id", "chat_id"]
        )
        batch.drop_column("thread_id")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_constraint("uq_subscription", type_="unique")
        batch.create_unique_constraint("uq_subscription", ["chat_id", "kind", "key"])
        batch.drop_column("thread_id")
    op.drop_index("ix_channel_links_chat_id", table_name="channel_links")
    op.drop_table("channel_links")
    op.drop_table("forum_topics")
