"""The fake Telegram Bot API for end-to-end tests and benchmarks (see tests.fakes.telegram.api)."""

from tests.fakes.telegram import api
from tests.fakes.telegram.api import *  # noqa: F403  (the public names, listed once there)

__all__ = api.__all__
