"""positions: the callsign normalised (`callsign_key`) and indexed, for `/status <callsign>`

`hexes_by_callsign` matched `upper(trim(callsign))`, which no index covered: every
lookup (and every unknown word of a few letters) scanned the whole positions table.
`callsign_key` is a generated column, `upper(trim(callsign))` computed by the database
(virtual on SQLite, stored on PostgreSQL), so every writer, old rows included, fills it
without a change; the raw callsign stays as received. The index carries hex and ts after
the key, so the lookup (group by hex, newest ts) is answered from the index alone.
Not an expression index: SQLAlchemy cannot reflect those on SQLite, so the schema could
no longer be compared with the models.

On PostgreSQL the upgrade rewrites `positions` once (a stored column) under an
exclusive lock: run it while the bot is stopped, as every migration.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_positions_callsign_key"


def upgrade() -> None:
    # SQLite adds only virtual generated columns to an existing table; PostgreSQL before
    # 18 has only stored ones.
    stored = True if op.get_bind().dialect.name == "postgresql" else None
    op.add_column(
        "positions",
        sa.Column(
            "callsign_key",
            sa.String(length=16),
            sa.Computed("upper(trim(callsign))", persisted=stored),
            nullable=True,
        ),
    )
    op.create_index(_INDEX, "positions", ["callsign_key", "hex", "ts"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="positions")
    op.drop_column("positions", "callsign_key")
