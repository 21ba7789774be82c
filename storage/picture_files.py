"""Reads and writes of `picture_files`: a drawn picture's Telegram file id by its key."""

from __future__ import annotations

from sqlalchemy import Table, delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import PictureFile
from storage.types import utcnow
from storage.upsert import conflict_insert

_TABLE: Table = PictureFile.__table__  # type: ignore[attr-defined]


async def picture_file_id(session: AsyncSession, key: str) -> str | None:
    """The file id Telegram gave the picture drawn under `key`, if it was sent before."""
    row = (await session.exec(select(PictureFile).where(PictureFile.key == key))).first()
    return row.file_id if row is not None else None


async def remember_picture(session: AsyncSession, key: str, file_id: str) -> None:
    """Keep the file id of a picture just uploaded (the newest upload wins)."""
    statement = conflict_insert(session.get_bind().dialect.name, _TABLE).values(
        key=key, file_id=file_id, created_at=utcnow()
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"file_id": file_id, "created_at": utcnow()}
        )
    )


async def forget_picture(session: AsyncSession, key: str) -> None:
    """Drop a file id Telegram refused ("wrong file identifier"): the next send uploads."""
    await session.exec(delete(PictureFile).where(col(PictureFile.key) == key))


__all__ = ["forget_picture", "picture_file_id", "remember_picture"]
