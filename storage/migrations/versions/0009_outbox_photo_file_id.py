"""outbox.photo_file_id: the Telegram file id of the picture a row was sent with

A landing map is uploaded once per event; every later chat of that event is sent
Telegram's file id instead of the bytes. Kept on the outbox row that was sent with
it, so it survives restarts, is seen by every delivery process and goes with the
row when retention purges the outbox.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (no batch rebuild): the outbox can be large.
    op.add_column("outbox", sa.Column("photo_file_id", sa.String(length=256), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox", "photo_file_id")
