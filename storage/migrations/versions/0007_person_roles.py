"""person roles per language: `people.role` (English text) becomes `people.roles`

Upgrade adds `roles` (JSON, {} by default), copies a stored role into `roles["en"]`
and drops `role`; downgrade puts `roles["en"]` back into `role`. Both sides use
plain ADD/DROP COLUMN, never a batch rebuild: rebuilding `people` on SQLite drops the
table with foreign keys on, which would cascade-delete every person_aircraft link.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLE_LENGTH = 256  # people.role as 0001 created it
_PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("role", sa.String()),
    sa.column("roles", sa.JSON()),
)


def upgrade() -> None:
    op.add_column(
        "people",
        sa.Column("roles", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    bind = op.get_bind()
    found = bind.execute(sa.select(_PEOPLE.c.id, _PEOPLE.c.role)).all()
    for person_id, role in found:
        if role and role.strip():
            bind.execute(
                _PEOPLE.update().where(_PEOPLE.c.id == person_id).values(roles={"en": role.strip()})
            )
    op.drop_column("people", "role")


def downgrade() -> None:
    op.add_column("people", sa.Column("role", sa.String(length=_ROLE_LENGTH), nullable=True))
    bind = op.get_bind()
    found = bind.execute(sa.select(_PEOPLE.c.id, _PEOPLE.c.roles)).all()
    for person_id, roles in found:
        english = roles.get("en") if isinstance(roles, dict) else None
        if isinstance(english, str) and english.strip():
            bind.execute(
                _PEOPLE.update()
                .where(_PEOPLE.c.id == person_id)
                .values(role=english.strip()[:_ROLE_LENGTH])
            )
    op.drop_column("people", "roles")
