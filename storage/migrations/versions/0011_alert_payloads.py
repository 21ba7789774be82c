"""alert_payloads: an event's alert payload stored once, not once per outbox row

An outbox row used to carry its own copy of the payload, so a landing (with up to 600
track points for its map) routed to 1,000 chats wrote the same megabytes 1,000 times
inside the poll transaction. The payload now lives once per (event_type, event_id) in
`alert_payloads`; outbox rows reference it by that pair, which they already carry.

Upgrade copies one payload per event out of the outbox (every row of an event holds
the same one) and drops the column; downgrade puts each row's copy back. Plain
ADD/DROP COLUMN, never a batch rebuild: the outbox can be large (see 0009).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_payloads",
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_type", "event_id"),
    )
    op.execute(
        "INSERT INTO alert_payloads (event_type, event_id, payload, created_at) "
        "SELECT o.event_type, o.event_id, o.payload, o.created_at FROM outbox o "
        "WHERE o.id IN (SELECT min(id) FROM outbox GROUP BY event_type, event_id)"
    )
    op.drop_column("outbox", "payload")


def downgrade() -> None:
    # NOT NULL needs a default to be added to existing rows without a rebuild; every
    # row gets its event's payload right after.
    op.add_column(
        "outbox",
        sa.Column("payload", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    op.execute(
        "UPDATE outbox SET payload = (SELECT p.payload FROM alert_payloads p "
        "WHERE p.event_type = outbox.event_type AND p.event_id = outbox.event_id) "
        "WHERE EXISTS (SELECT 1 FROM alert_payloads p "
        "WHERE p.event_type = outbox.event_type AND p.event_id = outbox.event_id)"
    )
    if op.get_bind().dialect.name == "postgresql":
        # SQLite cannot drop a default without a rebuild; it is never used there.
        op.alter_column("outbox", "payload", server_default=None)
    op.drop_table("alert_payloads")
