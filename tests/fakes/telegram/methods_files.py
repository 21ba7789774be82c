"""The fake Bot API's files: sendPhoto (an upload, a file id or a URL) and getFile.

An uploaded photo must be a real image within Telegram's documented limits (10 MB,
width + height at most 10000, ratio at most 20); the answer carries its sizes (see
:func:`bot.demo_fakes.bot_api_wire.photo_sizes`), and any size's file id sends it again.
"""

from __future__ import annotations

from typing import Final

from bot.demo_fakes.bot_api_wire import StoredFile, image_size, photo_sizes, stored_file

from .compose import MessageComposer
from .objects import ApiError, Params, Upload
from .records import JSON

__all__ = ["FileMethods"]

MAX_CAPTION_LENGTH: Final = 1024
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
# Bots may upload documents of up to 50 MB.
MAX_DOCUMENT_BYTES: Final = 50 * 1024 * 1024


class FileMethods(MessageComposer):
    """sendPhoto, sendDocument and getFile, over the files the fake keeps."""

    def _caption_content(self, p: Params) -> tuple[JSON, str | None]:
        _, plain, entities = self._formatted(p, "caption", required=False)
        plain, entities = self._check_length(
            plain,
            entities,
            limit=MAX_CAPTION_LENGTH,
            too_long="Bad Request: message caption is too long",
            empty=None,
        )
        content: JSON = {}
        if plain:
            content["caption"] = plain
            if entities:
                content["caption_entities"] = entities
            if p.flag("show_caption_above_media"):
                content["show_caption_above_media"] = True
        return content, (plain or None)

    async def _send_photo(self, p: Params) -> JSON:
        upload: Upload | None = None
        reference = p.get("photo")
        if reference is not None and reference.startswith("attach://"):
            upload = p.files.get(reference.removeprefix("attach://"))
            reference = None
        elif "photo" in p.files:
            upload = p.files["photo"]
        stored: StoredFile | None = None
        if upload is None:
            if not reference:
                raise ApiError(400, "Bad Request: there is no photo in the request")
            # Any size's file id names the photo, the thumbnail's ("…_s") included.
            stored = self._files.get(reference.removesuffix("_s"))
            if stored is None and not reference.startswith(("http://", "https://")):
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        markup = self._reply_markup(p)
        content, plain = self._caption_content(p)
        if upload is not None:
            if not upload.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if len(upload.data) > MAX_PHOTO_BYTES:
                raise ApiError(400, "Bad Request: file is too big")
            size = image_size(upload.data)
            if size is None:
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            width, height = size
            # Telegram's documented photo limits: width + height <= 10000, ratio <= 20.
            if (
                width <= 0
                or height <= 0
                or width + height > 10_000
                or (max(width, height) > 20 * min(width, height))
            ):
                raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        chat = self._chat_param(p)
        self._check_can_send(chat)
        reply_to = self._reply_target(chat, p)
        thread_id = self._thread_target(chat, p)
        self._admit(chat.id, "sendPhoto")
        if upload is not None:
            stored = self._store_file(upload.data, (width, height))
        elif stored is None:  # a URL Telegram would download; no bytes to keep here
            stored = self._store_file(None, (800, 600))
        content["photo"] = photo_sizes(stored)
        message = self._bot_message(chat, content, markup, reply_to, thread_id)
        self._record_sent(
            "sendPhoto",
            chat,
            message,
            p,
            markup=markup,
            plain=plain,
            photo_size=len(upload.data) if upload is not None else None,
        )
        return message

    def _store_file(self, data: bytes | None, size: tuple[int, int]) -> StoredFile:
        stored = stored_file(
            next(self._file_counter), self.bot_user["id"], data, size, keep=self.keep_uploads
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.path] = stored
        return stored

    async def _get_file(self, p: Params) -> JSON:
        file_id = p.get("file_id") or ""
        stored = self._files.get(file_id.removesuffix("_s"))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.path,
        }

    async def _send_document(self, p: Params) -> JSON:
        """sendDocument with an uploaded file (multipart) or a known file id."""
        upload = p.files.get("document")
        reference = p.get("document")
        if upload is None and reference is not None and reference.startswith("attach://"):
            upload = p.files.get(reference.removeprefix("attach://"))
        stored: StoredFile | None = None
        if upload is None:
            stored = self._files.get(reference or "")
            if stored is None:
                raise ApiError(400, "Bad Request: there is no document in the request")
        elif not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        elif len(upload.data) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        markup = self._reply_markup(p)
        content, plain = self._caption_content(p)
        chat = self._chat_param(p)
        self._check_can_send(chat)
        reply_to = self._reply_target(chat, p)
        thread_id = self._thread_target(chat, p)
        self._admit(chat.id, "sendDocument")
        name = upload.filename if upload is not None else None
        if upload is not None:
            stored = stored_file(
                next(self._file_counter),
                self.bot_user["id"],
                upload.data,
                (0, 0),
                keep=self.keep_uploads,
                folder="documents",
                extension=(name or "file").rpartition(".")[2] or "bin",
            )
            self._files[stored.file_id] = stored
            self._files_by_path[stored.path] = stored
            self._document_names[stored.file_id] = name or "file"
        if stored is None:
            raise ApiError(400, "Bad Request: there is no document in the request")
        content["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": self._document_names.get(stored.file_id, "file"),
            "file_size": stored.size,
        }
        message = self._bot_message(chat, content, markup, reply_to, thread_id)
        self._record_sent("sendDocument", chat, message, p, markup=markup, plain=plain)
        return message

    def document_data(self, file_id: str) -> bytes | None:
        """The bytes of a document the bot sent (kept unless ``keep_uploads`` is off)."""
        stored = self._files.get(file_id)
        return stored.data if stored is not None else None
