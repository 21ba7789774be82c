"""Optional parts of libraries that `summitwatch run` does not use, kept out of its memory.

Two libraries import optional parts of themselves whenever they can, and both say how
they behave without them:

* httpx (imported by python-telegram-bot, which the bot gives its own aiohttp transport)
  loads its command-line client, and with it rich, click and pygments (about 4 MB),
  whenever those are installed, as they are beside the dev tools (import-linter). Without
  it only `httpx.main`, the `httpx` command, is missing.
* python-telegram-bot loads its webhook server (tornado, about 3 MB) whenever tornado is
  installed, and runs without it in polling mode (`WEBHOOKS_AVAILABLE` is then false and
  only `start_webhook` refuses). A bot started for long polling does not need it.

`skipping` makes those modules unimportable while the bot's modules are imported, and
only then: a library that imported without its optional part keeps working without it,
and nothing else in the process is affected afterwards.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType

#: httpx's command-line client (rich, click, pygments).
HTTPX_CLI = "httpx._main"
#: python-telegram-bot's webhook server (tornado).
PTB_WEBHOOK_SERVER = "telegram.ext._utils.webhookhandler"


class _Skip(importlib.abc.MetaPathFinder):
    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(names)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname in self.names:
            raise ModuleNotFoundError(f"{fullname} is left out of this process", name=fullname)
        return None


def unused_by_run(*, webhook: bool) -> tuple[str, ...]:
    """What `summitwatch run` leaves out: the webhook server is kept for webhook mode."""
    return (HTTPX_CLI,) if webhook else (HTTPX_CLI, PTB_WEBHOOK_SERVER)


@contextmanager
def skipping(names: Iterable[str]) -> Iterator[None]:
    """Within the block, importing any of `names` raises ModuleNotFoundError."""
    finder = _Skip(names)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
