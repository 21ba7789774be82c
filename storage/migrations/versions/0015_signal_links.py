"""linked signals: a person's landing and a statement near it, once a pair

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signal_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=128), nullable=False),
        sa.Column("person_slug", sa.String(length=64), nullable=False),
        sa.Column("flight_event_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("airport_icao", sa.String(length=8), nullable=False),
        sa.Column("venue_slug", sa.String(length=64), nullable=True),
        sa.Column("landing_ts", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("statement_ts", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("matched", sa.String(length=16), nullable=False),
        sa.Column("flight_provider", sa.String(length=64), nullable=True),
        sa.Column("flight_confidence", sa.String(length=16), nullable=False),
        sa.Column("aircraft_confidence", sa.String(length=16), nullable=False),
        sa.Column("statement_source", sa.String(length=128), nullable=False),
        sa.Column("statement_official", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["flight_event_id"], ["flight_events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["statements.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedup_key"),
    )
    with op.batch_alter_table("signal_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_links_flight_event_id"), ["flight_event_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signal_links_person_slug"), ["person_slug"])
        batch_op.create_index(
            batch_op.f("ix_signal_links_statement_id"), ["statement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signal_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_links_statement_id"))
        batch_op.drop_index(batch_op.f("ix_signal_links_person_slug"))
        batch_op.drop_index(batch_op.f("ix_signal_links_flight_event_id"))
    op.drop_table("signal_links")
