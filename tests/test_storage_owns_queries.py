"""All SQL is built in storage/: no module of bot/ or handlers/ constructs or runs a query.

import-linter cannot say this: a forbidden contract may name only the root of an external
package (`sqlalchemy`, not `sqlalchemy.sql`), and feature code rightly imports
`sqlalchemy.ext.asyncio`/`sqlmodel.ext.asyncio.session` for the session's type and
`sqlalchemy.exc` for its errors. So this test reads the source: it flags the query
builders by name and any statement run on a session or connection.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("bot", "handlers")
ORM_PACKAGES = ("sqlalchemy", "sqlmodel")
# Names that build SQL; importing them outside storage/ means a query is written there.
BUILDERS = {
    "select",
    "insert",
    "update",
    "delete",
    "text",
    "col",
    "func",
    "and_",
    "or_",
    "not_",
    "exists",
    "literal",
    "literal_column",
    "column",
    "table",
    "case",
    "bindparam",
}
# Methods that run a statement on a session or connection.
RUNNERS = {"exec", "execute", "scalar", "scalars", "stream"}


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            package = node.module.split(".")[0]
            if package not in ORM_PACKAGES:
                continue
            if node.module.startswith(("sqlalchemy.sql", "sqlalchemy.dialects", "sqlmodel.sql")):
                found.append(f"{where}:{node.lineno}: imports {node.module}")
            for alias in node.names:
                if alias.name in BUILDERS:
                    found.append(f"{where}:{node.lineno}: imports {node.module}.{alias.name}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RUNNERS
            and isinstance(node.func.value, ast.Name | ast.Await)
            and _looks_like_store(node.func.value)
        ):
            found.append(f"{where}:{node.lineno}: runs .{node.func.attr}() on the store")
    return found


def _looks_like_store(value: ast.expr) -> bool:
    """A session or connection by its name (`session`, `connection`, `db`, `locked`...)."""
    name = value.id if isinstance(value, ast.Name) else ""
    return any(word in name for word in ("session", "connection", "conn", "db", "locked"))


def test_no_query_is_built_or_run_outside_storage() -> None:
    offences = [
        offence
        for package in CHECKED
        for path in sorted((ROOT / package).rglob("*.py"))
        for offence in _offences(path)
    ]
    assert offences == [], "queries belong in storage/:\n" + "\n".join(offences)


def test_the_check_sees_a_query(tmp_path: Path) -> None:
    """The scanner itself flags what it is meant to flag (else the test above proves nothing)."""
    module = tmp_path / "probe.py"
    module.write_text(
        "from sqlmodel import select\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "async def f(session: AsyncSession):\n"
        "    return await session.exec(select(1))\n",
        encoding="utf-8",
    )
    assert len(_offences(module)) == 2
