"""Turn a response body into JSON, or into a `FetchMalformed` that says why not."""

from __future__ import annotations

import json
from typing import Any

from bot.flights.providers.errors import FetchMalformed
from bot.net.http import Response


def decode_json(response: Response) -> Any:
    """The decoded JSON of a response body.

    Raises:
        FetchMalformed: the body is not UTF-8 JSON (an HTML error page served with 200,
            a truncated answer, ...); the reason names the Content-Type.
    """
    try:
        return json.loads(response.body)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and UnicodeDecodeError; absurd nesting
        # ends in RecursionError.
        content_type = response.headers.get("Content-Type", "no Content-Type")
        raise FetchMalformed(
            f"answer is not JSON ({content_type.split(';')[0].strip()}, {len(response.body)} bytes)"
        ) from None
