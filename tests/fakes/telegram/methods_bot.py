"""The fake Bot API's methods about the bot itself: getMe, logOut/close and its commands.

Commands are stored per ``BotCommandScope`` and two-letter language code, as Telegram
keeps them; see :func:`scope_key` for the keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from .core import BotAPICore
from .objects import ApiError, Params
from .records import JSON

__all__ = ["BotMethods", "scope_key"]

_COMMAND_NAME: Final = re.compile(r"[a-z0-9_]{1,32}")


def scope_key(scope: Mapping[str, Any]) -> str:
    """The key of a ``BotCommandScope`` object (see ``FakeBotAPI.commands_for``).

    Raises:
        ApiError: not a scope Telegram knows.
    """
    kind = scope.get("type")
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return str(kind)
    if kind in ("chat", "chat_administrators") and "chat_id" in scope:
        return f"{kind}:{scope['chat_id']}"
    if kind == "chat_member" and "chat_id" in scope and "user_id" in scope:
        return f"chat_member:{scope['chat_id']}:{scope['user_id']}"
    raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")


class BotMethods(BotAPICore):
    """getMe, logOut, close, setMyCommands, getMyCommands and deleteMyCommands."""

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.json("scope", "Bad Request: can't parse BotCommandScope JSON object")
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        key = scope_key(scope)
        if "chat_id" in scope:
            self._chat_param(Params({"chat_id": str(scope["chat_id"])}, {}))
        language = p.get("language_code") or ""
        if language and not (len(language) == 2 and language.isascii() and language.isalpha()):
            raise ApiError(400, "Bad Request: invalid language code specified")
        return key, language

    # ------------------------------------------------------------------ methods

    async def _get_me(self, p: Params) -> JSON:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _log_out(self, p: Params) -> bool:
        return True

    async def _set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands", "Bad Request: can't parse commands JSON object")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, str]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name.removeprefix("/")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name.removeprefix("/"), "description": description})
        key = self._commands_key(p)
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, p: Params) -> list[dict[str, str]]:
        return list(self.commands.get(self._commands_key(p), ()))

    async def _set_chat_menu_button(self, p: Params) -> bool:
        button = p.json("menu_button", "Bad Request: can't parse menu button JSON object")
        if button is None:
            button = {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise ApiError(400, "Bad Request: can't parse menu button JSON object")
        if button["type"] == "web_app":
            web_app = button.get("web_app")
            url = web_app.get("url") if isinstance(web_app, dict) else None
            if not isinstance(button.get("text"), str) or not button["text"].strip():
                raise ApiError(400, "Bad Request: menu button text is empty")
            if not isinstance(url, str) or not url.startswith("https://"):
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
        key = str(p.get("chat_id") or "")
        if key:
            self._chat_param(p)
        self.menu_buttons[key] = button
        return True

    async def _get_chat_menu_button(self, p: Params) -> JSON:
        return self.menu_buttons.get(str(p.get("chat_id") or ""), {"type": "default"})

    async def _delete_my_commands(self, p: Params) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True
