"""A typed CallbackContext: handlers reach the store and settings through it."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.runtime.services import BotData, Services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with `services`."""

    @property
    def services(self) -> Services:
        """Settings and the store."""
        return self.bot_data.services
