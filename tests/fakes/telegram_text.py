"""Telegram's parse modes as the fake Bot API applies them (see tests.fakes.telegram.text)."""

from tests.fakes.telegram import text
from tests.fakes.telegram.text import *  # noqa: F403  (the public names, listed once there)

__all__ = text.__all__
