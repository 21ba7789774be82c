"""Secrets never reach the log output, not even inside arguments or tracebacks."""

from __future__ import annotations

import io
import logging

from bot.kernel.logs import REDACTED, SecretFilter

TOKEN = "123456:AAEsecretsecretsecretsecretsecret00"


def _logger() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretFilter([TOKEN]))
    logger = logging.getLogger(f"test.secret.{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    return logger, stream


def test_token_in_message_arguments_is_redacted() -> None:
    logger, stream = _logger()
    logger.warning("POST %s failed", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    out = stream.getvalue()
    assert TOKEN not in out
    assert f"/bot{REDACTED}/sendMessage" in out


def test_token_in_a_traceback_is_redacted() -> None:
    logger, stream = _logger()
    try:
        raise RuntimeError(f"connect to https://api.telegram.org/bot{TOKEN}/getMe refused")
    except RuntimeError:
        logger.exception("Bot API unreachable")
    out = stream.getvalue()
    assert "RuntimeError" in out
    assert TOKEN not in out
    assert REDACTED in out
