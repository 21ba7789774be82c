"""fleet links: provenance and staleness on person_aircraft, dataset state, dismissals

The shipped plane-alert-db fleet links aircraft to people as *believed*; such a link
records its dataset (`source`), the row's reference (`source_url`) and the date the
data is true as of (`as_of`). A refresh that no longer supports a link marks it stale
(`stale_since`, `stale_reason`) instead of deleting it. `dataset_imports` remembers the
last copy applied (digest, HTTP validators) so an unchanged one is skipped at start-up;
`aircraft_dismissals` remembers an admin's /untrack so no import brings it back.

Plain ADD/DROP COLUMN on person_aircraft, never a batch rebuild (see 0007).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LINK_COLUMNS = ("source", "source_url", "as_of", "stale_since", "stale_reason")


def upgrade() -> None:
    op.add_column("person_aircraft", sa.Column("source", sa.String(length=64), nullable=True))
    op.add_column("person_aircraft", sa.Column("source_url", sa.String(length=1024), nullable=True))
    op.add_column("person_aircraft", sa.Column("as_of", sa.String(length=10), nullable=True))
    op.add_column(
        "person_aircraft",
        sa.Column("stale_since", storage.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column("person_aircraft", sa.Column("stale_reason", sa.String(length=32), nullable=True))
    op.create_table(
        "dataset_imports",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.String(length=10), nullable=True),
        sa.Column("etag", sa.String(length=256), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        sa.Column("applied_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "aircraft_dismissals",
        sa.Column("aircraft_hex", sa.String(length=6), nullable=False),
        sa.Column("person_slug", sa.String(length=64), nullable=False),
        sa.Column("dismissed_by", sa.BigInteger(), nullable=True),
        sa.Column("dismissed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("aircraft_hex", "person_slug"),
    )


def downgrade() -> None:
    op.drop_table("aircraft_dismissals")
    op.drop_table("dataset_imports")
    for name in reversed(_LINK_COLUMNS):
        op.drop_column("person_aircraft", name)
