"""The button that opens the Mini App under /status, /flights, /venues and landing alerts.

Telegram allows `web_app` buttons in private chats only; in a group the button is a
t.me link that opens the bot's Main Mini App (set it with @BotFather: Bot Settings →
Configure Mini App), which Telegram permits everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.kernel.i18n import translator
from bot.webapp.strings import OPEN_BUTTON


def open_button(
    url: str | None, chat_type: str | None, bot_username: str | None, locale: str
) -> InlineKeyboardMarkup | None:
    """One button opening the app, or None when the app is off (or no link is possible)."""
    if not url:
        return None
    text = translator(locale)._(OPEN_BUTTON)
    if chat_type == "private":
        return InlineKeyboardMarkup([[InlineKeyboardButton(text, web_app=WebAppInfo(url))]])
    if chat_type in ("group", "supergroup") and bot_username:
        link = f"https://t.me/{bot_username}?startapp"
        return InlineKeyboardMarkup([[InlineKeyboardButton(text, url=link)]])
    # Channels: a post's buttons reach readers who may not use the bot; none.
    return None


AlertButtons = Callable[[str, Mapping[str, Any], str, str], dict[str, Any] | None]


def landing_buttons(url: str | None, bot_username: Callable[[], str | None]) -> AlertButtons:
    """The delivery worker's hook: the button under a landing alert, as Bot API JSON
    (the bot's username is read when sending: it is known once the bot has started)."""

    def markup(
        event_type: str, payload: Mapping[str, Any], chat_type: str, locale: str
    ) -> dict[str, Any] | None:
        if event_type != "flight" or payload.get("kind") != "landing":
            return None
        found = open_button(url, chat_type, bot_username(), locale)
        return found.to_dict() if found is not None else None

    return markup
