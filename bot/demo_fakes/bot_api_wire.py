"""Bot API wire formats both local Bot API fakes speak: answers, stored files, photo sizes.

`bot.demo_fakes.bot_api` (the demo's) and tests/fakes/telegram (the tests') build their
answers here, so a photo or an error looks the same to the bot whichever fake it talks to.
Shapes follow the Bot API documentation (core.telegram.org/bots/api: "Making requests",
PhotoSize, File); file ids are opaque strings there, the fake's only resemble Telegram's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeAlias

from aiohttp import web

__all__ = [
    "JSON",
    "StoredFile",
    "dumps",
    "error_response",
    "image_size",
    "ok_response",
    "photo_sizes",
    "stored_file",
]

JSON: TypeAlias = dict[str, Any]


def dumps(payload: object) -> bytes:
    """Compact UTF-8 JSON, as the Bot API server writes it."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def ok_response(result: object) -> web.Response:
    """A successful answer: ``{"ok": true, "result": ...}``."""
    return web.Response(body=dumps({"ok": True, "result": result}), content_type="application/json")


def error_response(status: int, description: str, parameters: JSON | None = None) -> web.Response:
    """A refusal: ``{"ok": false, "error_code", "description"[, "parameters"]}``."""
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(status=status, body=dumps(body), content_type="application/json")


@dataclass(slots=True)
class StoredFile:
    """A file the fake received, under the ids it answered with.

    Attributes:
        file_id: Id the bot sends to reuse the file (its thumbnail's adds ``_s``).
        file_unique_id: Id that is the same for every bot.
        size: Bytes received (0 for a photo given by URL).
        width: Image width in pixels.
        height: Image height in pixels.
        path: ``file_path`` for downloads.
        data: The bytes, if kept.
    """

    file_id: str
    file_unique_id: str
    size: int
    width: int
    height: int
    path: str
    data: bytes | None


def stored_file(
    number: int,
    bot_id: int,
    data: bytes | None,
    size: tuple[int, int],
    *,
    keep: bool = True,
    folder: str = "photos",
    extension: str = "jpg",
) -> StoredFile:
    """The `number`-th file a fake received for bot `bot_id`; `size` is (width, height)."""
    width, height = size
    return StoredFile(
        file_id=f"AgACAgIAAxkDAAI{number:012d}{bot_id}",
        file_unique_id=f"AQAD{number:010d}",
        size=len(data) if data is not None else 0,
        width=width,
        height=height,
        path=f"{folder}/file_{number}.{extension}",
        data=data if keep else None,
    )


def photo_sizes(stored: StoredFile) -> list[JSON]:
    """A ``sendPhoto`` answer's ``photo``: a thumbnail, then the (possibly downscaled) original."""
    scale = min(1.0, 90 / max(stored.width, stored.height))
    thumb: JSON = {
        "file_id": stored.file_id + "_s",
        "file_unique_id": stored.file_unique_id + "s",
        "width": max(1, round(stored.width * scale)),
        "height": max(1, round(stored.height * scale)),
        "file_size": max(1, stored.size // 20) if stored.size else 0,
    }
    full: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": stored.width,
        "height": stored.height,
        "file_size": stored.size,
    }
    return [thumb, full]


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, BMP, WebP or JPEG image; ``None`` if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"BM") and len(data) >= 26:
        return (
            int.from_bytes(data[18:22], "little", signed=True),
            abs(int.from_bytes(data[22:26], "little", signed=True)),
        )
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and len(data) >= 30:
        return _webp_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8 ":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(
            data[28:30], "little"
        ) & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    return None
