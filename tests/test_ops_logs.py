"""Logs: one line per event with level, component and ids; JSON on request; no secrets."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.kernel.config import load_settings
from bot.kernel.logs import REDACTED, configure_logging, log_ids

TOKEN = "123456:AAEsecretsecretsecretsecretsecret00"
WEBHOOK_SECRET = "hook-Secret_4fa9c2d1e0"
API_KEY = "adsbx-key-0f9e8d7c6b5a"
OPENSKY_SECRET = "opensky-client-secret-77"


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _secrets() -> list[str]:
    settings = load_settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        SUMMITWATCH_WEBHOOK_URL="https://bot.example.org/hook",
        SUMMITWATCH_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SUMMITWATCH_ADSBEXCHANGE_API_KEY=API_KEY,
        SUMMITWATCH_OPENSKY_CLIENT_SECRET=OPENSKY_SECRET,
        SUMMITWATCH_LOG_FORMAT="JSON",
    )
    assert settings.log_format == "json"
    return settings.secrets()


def _log_everything() -> None:
    log = logging.getLogger("summitwatch.delivery")
    with log_ids(update_id=77, chat_id=-100123, user_id=None):
        log.info("sending via https://api.telegram.org/bot%s/sendMessage", TOKEN)
        log.warning("webhook header %s, key %s", WEBHOOK_SECRET, API_KEY)
    try:
        raise RuntimeError(f"auth failed for {OPENSKY_SECRET}\nsecond line {TOKEN}")
    except RuntimeError:
        logging.getLogger("summitwatch.flights").exception("provider down")


def test_json_lines_carry_level_component_ids_and_no_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(_secrets(), fmt="json")
    _log_everything()
    err = capsys.readouterr().err
    for secret in (TOKEN, WEBHOOK_SECRET, API_KEY, OPENSKY_SECRET):
        assert secret not in err
    lines = err.splitlines()
    assert len(lines) == 3  # one line per event, the traceback included
    first, second, third = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["component"] == "summitwatch.delivery"
    assert first["message"] == f"sending via https://api.telegram.org/bot{REDACTED}/sendMessage"
    assert (first["update_id"], first["chat_id"]) == (77, -100123)
    assert "user_id" not in first  # unknown ids are left out, not null
    assert second["message"] == f"webhook header {REDACTED}, key {REDACTED}"
    assert third["level"] == "ERROR" and "update_id" not in third  # outside the block
    assert "RuntimeError: auth failed for [REDACTED]" in third["exception"]
    assert "Traceback" in third["exception"]


def test_text_lines_are_single_lines_with_ids(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(_secrets(), fmt="text")
    _log_everything()
    err = capsys.readouterr().err
    for secret in (TOKEN, WEBHOOK_SECRET, API_KEY, OPENSKY_SECRET):
        assert secret not in err
    lines = err.splitlines()
    assert len(lines) == 3
    assert " INFO summitwatch.delivery: sending via " in lines[0]
    assert lines[0].endswith("update_id=77 chat_id=-100123")
    assert " ERROR summitwatch.flights: provider down | Traceback" in lines[2]
