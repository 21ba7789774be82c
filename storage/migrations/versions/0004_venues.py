"""venue analysis: ranking-change events and the last ranking

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "venue_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("venue_slug", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("detected_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedup_key"),
    )
    with op.batch_alter_table("venue_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_venue_events_venue_slug"), ["venue_slug"], unique=False
        )
    op.create_table(
        "venue_rankings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("computed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("venue_rankings")
    with op.batch_alter_table("venue_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venue_events_venue_slug"))
    op.drop_table("venue_events")
