"""statement watch: earlier texts of edited statements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("title", sa.String(length=2048), nullable=False),
        sa.Column("summary", sa.String(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("replaced_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["statements.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("statement_id", "revision", name="uq_statement_revision"),
    )
    with op.batch_alter_table("statement_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_revisions_statement_id"), ["statement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("statement_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_revisions_statement_id"))
    op.drop_table("statement_revisions")
