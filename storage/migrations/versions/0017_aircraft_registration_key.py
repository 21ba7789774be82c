"""aircraft: the registration upper-cased (`registration_key`) and indexed, for /status

`aircraft_by_ident` matched `upper(registration)`, which no index covered: every
`/status <word>` that is not a hex (a person's name, a callsign, a registration, an
unknown word) read all the aircraft rows (about 2,000 with the shipped fleet; 0.6 ms on
PostgreSQL). `registration_key` is a generated column, `upper(registration)` computed
by the database (virtual on SQLite, stored on PostgreSQL), indexed. A generated column
rather than an expression index for the reason of 0008: SQLAlchemy cannot reflect
expression indexes on SQLite, so the schema could no longer be compared with the models.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_aircraft_registration_key"


def upgrade() -> None:
    # SQLite adds only virtual generated columns to an existing table; PostgreSQL before
    # 18 has only stored ones.
    stored = True if op.get_bind().dialect.name == "postgresql" else None
    op.add_column(
        "aircraft",
        sa.Column(
            "registration_key",
            sa.String(length=16),
            sa.Computed("upper(registration)", persisted=stored),
            nullable=True,
        ),
    )
    op.create_index(_INDEX, "aircraft", ["registration_key"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="aircraft")
    op.drop_column("aircraft", "registration_key")
