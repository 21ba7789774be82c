"""Webhook mode: the options for PTB's webhook server, from the settings.

PTB's server (tornado) listens on SUMMITWATCH_WEBHOOK_LISTEN:SUMMITWATCH_WEBHOOK_PORT
at the path of SUMMITWATCH_WEBHOOK_URL, calls setWebhook with that URL and the
secret, and answers 403 to any request whose X-Telegram-Bot-Api-Secret-Token
header is not the secret. TLS is the job of the proxy in front of it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.kernel.config import Settings


def webhook_wanted(settings: Settings, *, flag: bool) -> bool:
    """Webhooks when asked on the command line or when a webhook URL is configured."""
    return flag or settings.webhook_url is not None


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Updater.start_webhook` / `Application.run_webhook`.

    Raises:
        ConfigError: the webhook URL or secret is missing.
    """
    from telegram import Update  # here: `webhook_wanted` is asked before PTB loads

    url, secret = settings.webhook()
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(url).path.lstrip("/"),
        "webhook_url": url,
        "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES,
    }
