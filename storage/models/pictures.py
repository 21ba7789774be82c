"""Pictures a command drew and Telegram already has: sent again by file id, not uploaded.

A command's picture (a /timeline chart) is drawn from its data in the chat's language;
the same data in the same language draws the same bytes, so its key is a digest of what
was drawn, and any chat asking for it later (another process too) gets Telegram's
`file_id` instead of a new upload.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class PictureFile(SQLModel, table=True):
    """One uploaded picture.

    Attributes:
        key: what was drawn ("timeline:" and a SHA-256 of the chart's input).
        file_id: Telegram's id of the uploaded photo.
        created_at: when it was first uploaded.
    """

    __tablename__ = "picture_files"

    key: str = Field(max_length=96, primary_key=True)
    file_id: str = Field(max_length=256)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
