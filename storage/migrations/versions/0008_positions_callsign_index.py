"""positions: an index on the normalised callsign, for `/status <callsign>`

`hexes_by_callsign` matches `upper(trim(callsign))`; without an index on that
expression every lookup (and every unknown word of a few letters) scanned the whole
positions table. The index carries hex and ts after the expression, so the lookup
(group by hex, newest ts) is answered from the index alone. An expression index, not
a second column: the stored callsign stays as received and no writer changes.

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

INDEX = "ix_positions_callsign_key"


def upgrade() -> None:
    op.create_index(
        INDEX,
        "positions",
        [sa.text("upper(trim(callsign))"), "hex", "ts"],
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="positions")
