"""positions: an index on ts, for retention

Retention walks positions by time: the oldest kept report, then one window of an
hour after another, and the oldest rows to prune. With only (hex, ts) indexed each
of those statements read the whole table, so the first pass over a million positions
scanned it once per hour of history (about 700 times for a month), each DELETE
holding SQLite's write lock for a full scan. With ts indexed each reads its window.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_positions_ts"


def upgrade() -> None:
    op.create_index(_INDEX, "positions", ["ts"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="positions")
