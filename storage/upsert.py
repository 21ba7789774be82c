"""INSERT .. ON CONFLICT for the store's two dialects.

SQLAlchemy's generic `insert` has no ON CONFLICT clause; PostgreSQL's and SQLite's own
`insert` constructs have the same `on_conflict_do_nothing` / `on_conflict_do_update`,
so callers write one statement and this picks the construct for the connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table


def conflict_insert(dialect: str, table: Table) -> Any:
    """`INSERT INTO table` that accepts ON CONFLICT clauses in `dialect` ("postgresql" or
    "sqlite"); typed Any because the two constructs share methods, not a base class."""
    # Each dialect's module is imported when first used: PostgreSQL's costs a SQLite bot
    # about 2 MB it would never use (issue 13: idle memory).
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)
