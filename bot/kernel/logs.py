"""Logging set-up: one line per event, secrets redacted from every record.

Every line has the time, level, component (the logger's name) and, while an update
is handled, its ids (update, chat, user), as text or, with SUMMITWATCH_LOG_FORMAT=json,
as one JSON object per line. A traceback stays on its event's line.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

REDACTED = "[REDACTED]"
LogFormat = Literal["text", "json"]

# Ids of what is being handled (update_id, chat_id, user_id, ...): a contextvar, so
# every line logged while handling one update carries them, across awaits.
_IDS: ContextVar[Mapping[str, int | str] | None] = ContextVar("summitwatch_log_ids", default=None)


@contextmanager
def log_ids(**ids: int | str | None) -> Iterator[None]:
    """Attach ids to every line logged inside the block (None values are left out)."""
    token = _IDS.set({**(_IDS.get() or {}), **{k: v for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _IDS.reset(token)


class IdsFilter(logging.Filter):
    """Copy the current ids onto the record (as `ids`) for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.ids = dict(_IDS.get() or {})
        return True


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " | ")


class TextFormatter(logging.Formatter):
    """`time LEVEL component: message key=value...`, a traceback folded onto the line."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line = f"{stamp} {record.levelname} {record.name}: {record.getMessage()}"
        ids: Mapping[str, object] = getattr(record, "ids", {})
        if ids:
            line += " " + " ".join(f"{key}={value}" for key, value in ids.items())
        if record.exc_text:
            line += " | " + record.exc_text
        return _one_line(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, component, message, ids, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "component": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "ids", {}))
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class SecretFilter(logging.Filter):
    """Replace every known secret in a record's final message (args included) and traceback.

    httpx and PTB put the Bot API URL, which contains the token, into some log
    lines and exception messages; the filter sits on the handler so nothing
    that reaches the output escapes it.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._scrub(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self._scrub(record.stack_info)
        return True


def configure_logging(
    secrets: Iterable[str], level: int = logging.INFO, fmt: LogFormat = "text"
) -> None:
    """Log to stderr through the secret filter; quiet the per-request chatter of httpx."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    # Secrets first: the formatters then only ever see scrubbed text.
    handler.addFilter(SecretFilter(secrets))
    handler.addFilter(IdsFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # tornado (PTB's webhook server) logs each request; refusals are counted instead.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
