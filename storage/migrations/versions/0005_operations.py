"""operations: watchlist import and retention

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "maintenance_marks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("done_until", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_positions_ts", "positions", ["ts"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_positions_ts", table_name="positions")
    op.drop_table("maintenance_marks")
