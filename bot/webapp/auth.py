"""Telegram Mini App initData, checked exactly as Telegram documents it.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app:
secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token); the data-check-string is
every received field except `hash`, as `key=value`, sorted by key, joined by "\\n";
the data is genuine when hex(HMAC_SHA256(key=secret_key, msg=data_check_string))
equals `hash`, and fresh when `auth_date` is recent enough.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

# initData is a few hundred bytes; anything much larger is not Telegram's.
MAX_INIT_DATA = 4096


class AuthError(Exception):
    """initData is missing, forged or too old (the reason is safe to log: no secret)."""


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """Who opened the Mini App, as Telegram signed it."""

    id: int
    language_code: str | None
    # The chat the app was opened from, when Telegram says (attachment menu, groups).
    chat_id: int | None
    auth_date: int


def _secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """The fields other than `hash`, `key=value`, sorted by key, one per line."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram puts in initData for these fields (tests and the benchmark sign
    their own initData with it)."""
    return hmac.new(
        _secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()


def validate(init_data: str, bot_token: str, *, now: datetime, max_age_s: float) -> WebAppUser:
    """The signed user of `init_data`, or AuthError.

    Raises:
        AuthError: no hash, a hash that does not match (a changed byte, another bot's
            token), no or a stale `auth_date`, or no user.
    """
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise AuthError("no initData")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise AuthError("initData is not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise AuthError("initData repeats a field")
    received = fields.get("hash")
    if not received:
        raise AuthError("initData has no hash")
    if not hmac.compare_digest(sign(fields, bot_token), received):
        raise AuthError("initData signature does not match")
    try:
        auth_date = int(fields["auth_date"])
    except (KeyError, ValueError):
        raise AuthError("initData has no auth_date") from None
    age = now.timestamp() - auth_date
    if age > max_age_s:
        raise AuthError(f"initData is {int(age)} s old")
    if age < -60:
        # Clocks disagree by more than a minute: a date from the future is not trusted.
        raise AuthError("initData is dated in the future")
    try:
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError):
        raise AuthError("initData has no user") from None
    language = user.get("language_code")
    chat_id: int | None = None
    if "chat" in fields:
        try:
            chat_id = int(json.loads(fields["chat"])["id"])
        except (KeyError, ValueError, TypeError):
            raise AuthError("initData has a malformed chat") from None
    return WebAppUser(
        id=user_id,
        language_code=language if isinstance(language, str) else None,
        chat_id=chat_id,
        auth_date=auth_date,
    )
