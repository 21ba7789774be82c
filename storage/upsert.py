"""INSERT .. ON CONFLICT for the store's two dialects.

SQLAlchemy's generic `insert` has no ON CONFLICT clause; PostgreSQL's and SQLite's own
`insert` constructs have the same `on_conflict_do_nothing` / `on_conflict_do_update`,
so callers write one statement and this picks the construct for the connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def conflict_insert(dialect: str, table: Table) -> Any:
    """`INSERT INTO table` that accepts ON CONFLICT clauses in `dialect` ("postgresql" or
    "sqlite"); typed Any because the two constructs share methods, not a base class."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
