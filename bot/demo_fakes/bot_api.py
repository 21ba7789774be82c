"""The demo's Bot API: the few methods `summitwatch demo` needs, private chats only.

The bot runs unmodified against it (python-telegram-bot, its HTTP stack, its parsing):
``getMe``, ``deleteWebhook``, ``setMyCommands``, a long-polling ``getUpdates``,
``sendMessage`` and ``sendPhoto`` (an upload, or a file id it answered before). Answers
have the Bot API's shapes (`bot_api_wire`); any other method is ``404 Not Found``, as
Telegram answers a method it does not know. The demo writes as a user with
`user_message` and reads what the bot sent with `wait_for_messages`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Final

from aiohttp import web

from .bot_api_wire import (
    JSON,
    StoredFile,
    error_response,
    image_size,
    ok_response,
    photo_sizes,
    stored_file,
)
from .server import LoopbackServer

__all__ = ["DemoBotAPI", "DemoMessage"]

# The longest getUpdates wait the demo grants, whatever the bot asks for.
_MAX_POLL_S: Final = 5.0


@dataclass(frozen=True, slots=True)
class DemoMessage:
    """A message the bot sent.

    Attributes:
        chat_id: The chat.
        plain_text: What the user reads: the text or caption without its markup.
        photo: The photo's largest size (a Bot API ``PhotoSize``), if it is a photo.
        uploaded: Whether the photo's bytes came with it (else it was sent by file id).
    """

    chat_id: int
    plain_text: str
    photo: Mapping[str, Any] | None = None
    uploaded: bool = False


class _PlainText(HTMLParser):
    """Telegram's HTML parse mode reduced to what the reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(text: str, parse_mode: str | None) -> str:
    """`text` as the user sees it: HTML markup removed, trimmed, as Telegram does."""
    if (parse_mode or "").upper() != "HTML":
        return text.strip()
    parser = _PlainText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts).strip()


class DemoBotAPI(LoopbackServer):
    """A Bot API server on 127.0.0.1 for one bot token and a few private chats."""

    # Maps the bot uploads run to a few hundred kilobytes; leave room for the framing.
    client_max_size = 16 * 1024 * 1024

    def __init__(self, token: str) -> None:
        """Prepares the server; nothing listens until `start`.

        Args:
            token: The only token accepted, ``"<bot id>:<secret>"``.
        """
        super().__init__()
        self._token = token
        self._bot: JSON = {
            "id": int(token.partition(":")[0]),
            "is_bot": True,
            "first_name": "summitwatch demo",
            "username": "summitwatch_demo_bot",
        }
        self._updates: list[JSON] = []
        self._next_update_id = 1
        self._update_arrived = asyncio.Event()
        self._sent: dict[int, list[DemoMessage]] = {}
        self._sent_changed = asyncio.Event()
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, JSON] = {}
        self._files: dict[str, StoredFile] = {}
        self._methods: dict[str, Callable[[Mapping[str, Any]], Awaitable[object]]] = {
            "getme": self._get_me,
            "deletewebhook": self._accept,
            "setmycommands": self._accept,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
        }

    @property
    def base_url(self) -> str:
        """Value for the bot's ``TELEGRAM_API_BASE_URL`` (the token is appended to it)."""
        return f"{self.root_url}/bot"

    def _routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    async def _on_stop(self) -> None:
        self._update_arrived.set()  # a pending long poll answers at once

    # ------------------------------------------------------------------ the demo's side

    def user_message(self, chat_id: int, text: str, *, first_name: str, language_code: str) -> None:
        """A user writes `text` in their private chat with the bot (chat id = user id)."""
        user = {"id": chat_id, "is_bot": False, "first_name": first_name}
        chat = self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": first_name}
        message: JSON = {
            "message_id": self._take_message_id(chat_id),
            "from": user | {"language_code": language_code},
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            # Telegram marks a leading command; the bot's command handlers look for it.
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self._updates.append({"update_id": self._next_update_id, "message": message})
        self._next_update_id += 1
        self._update_arrived.set()

    def sent_to(self, chat_id: int) -> list[DemoMessage]:
        """What the bot has sent to a chat so far, oldest first."""
        return list(self._sent.get(chat_id, ()))

    async def wait_for_messages(
        self,
        chat_id: int,
        n: int,
        *,
        timeout: float,  # noqa: ASYNC109  (one deadline per wait reads best at the call)
    ) -> list[DemoMessage]:
        """Waits until the bot has sent `n` messages to a chat; returns them all.

        Raises:
            TimeoutError: fewer arrived within `timeout` seconds.
        """
        async with asyncio.timeout(timeout):
            while len(self._sent.get(chat_id, ())) < n:
                changed = self._sent_changed
                await changed.wait()
        return self.sent_to(chat_id)

    def file_bytes(self, file_id: str) -> bytes | None:
        """The bytes of a photo the bot uploaded, by any of its sizes' file ids."""
        stored = self._files.get(file_id.removesuffix("_s"))
        return stored.data if stored is not None else None

    # ------------------------------------------------------------------ transport

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self._token:
            return error_response(401, "Unauthorized")
        method = self._methods.get(request.match_info["method"].lower())
        if method is None:
            return error_response(404, "Not Found")
        params: Mapping[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.body_exists:
            # Form fields and multipart parts alike; an upload arrives as a FileField.
            params = await request.post()
        try:
            return ok_response(await method(params))
        except _Refused as refused:
            return error_response(400, f"Bad Request: {refused}")

    # ------------------------------------------------------------------ methods

    async def _get_me(self, _: Mapping[str, Any]) -> JSON:
        return self._bot | {"can_join_groups": False, "supports_inline_queries": False}

    async def _accept(self, _: Mapping[str, Any]) -> bool:
        return True

    async def _get_updates(self, params: Mapping[str, Any]) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        # A poll at `offset` confirms every update before it: they are not sent again.
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and not self._closing.is_set():
            self._update_arrived.clear()
            wait = min(float(params.get("timeout") or 0), _MAX_POLL_S)
            try:
                async with asyncio.timeout(wait):
                    await self._update_arrived.wait()
            except TimeoutError:
                pass
        return list(self._updates)

    async def _send_message(self, params: Mapping[str, Any]) -> JSON:
        text = plain_text(str(params.get("text") or ""), params.get("parse_mode"))
        if not text:
            raise _Refused("message text is empty")
        chat_id = int(params["chat_id"])
        self._record(DemoMessage(chat_id, text))
        return self._bot_message(chat_id, {"text": text})

    async def _send_photo(self, params: Mapping[str, Any]) -> JSON:
        photo = params.get("photo")
        if isinstance(photo, web.FileField):
            stored = self._store(photo.file.read())
        else:
            known = self._files.get(str(photo or "").removesuffix("_s"))
            if known is None:
                raise _Refused("wrong file identifier/HTTP URL specified")
            stored = known
        sizes = photo_sizes(stored)
        caption = plain_text(str(params.get("caption") or ""), params.get("parse_mode"))
        chat_id = int(params["chat_id"])
        self._record(DemoMessage(chat_id, caption, sizes[-1], isinstance(photo, web.FileField)))
        content: JSON = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self._bot_message(chat_id, content)

    # ------------------------------------------------------------------ helpers

    def _store(self, data: bytes) -> StoredFile:
        size = image_size(data)
        if size is None:
            raise _Refused("IMAGE_PROCESS_FAILED")
        stored = stored_file(len(self._files) + 1, self._bot["id"], data, size)
        self._files[stored.file_id] = stored
        return stored

    def _take_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _bot_message(self, chat_id: int, content: JSON) -> JSON:
        return {
            "message_id": self._take_message_id(chat_id),
            "from": self._bot,
            "chat": self._chats.get(chat_id) or {"id": chat_id, "type": "private"},
            "date": int(time.time()),
            **content,
        }

    def _record(self, message: DemoMessage) -> None:
        self._sent.setdefault(message.chat_id, []).append(message)
        changed, self._sent_changed = self._sent_changed, asyncio.Event()
        changed.set()


class _Refused(Exception):
    """A request Telegram would refuse; its text is the description after "Bad Request: "."""
