"""The fakes' loopback server; it lives with the demo's fakes, which ship (see bot.demo_fakes)."""

from bot.demo_fakes.server import LoopbackServer

__all__ = ["LoopbackServer"]
