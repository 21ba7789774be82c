"""Provider failures beyond the shared HTTP ones, and their secret-free descriptions."""

from __future__ import annotations

from bot.net.http import FetchError

# Provider text we quote in an error (readsb's `msg`) is cut to this length.
_QUOTE_CHARS = 120


class FetchMalformed(FetchError):
    """The answer arrived but is not in the provider's format.

    An HTML error page served with 200, JSON that does not parse, an envelope without
    its `ac` list or `now` time, an OpenSky answer without `time`: each is a failure of
    that provider for this round, never a crash and never "nothing seen".
    """


class ProviderAuthError(FetchError):
    """The provider or its token endpoint refused our credentials."""


def quote_remote(text: object) -> str:
    """A provider-supplied string made safe to log: printable, short, quoted."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(text))
    if len(cleaned) > _QUOTE_CHARS:
        cleaned = cleaned[: _QUOTE_CHARS - 1] + "…"
    return repr(cleaned)


def describe(error: FetchError) -> str:
    """One line for health and logs: the reason, and Retry-After when there is one.

    Built from our own reason strings only, which never carry URLs, headers or
    request bodies, so API keys and client secrets cannot leak through it.
    """
    if error.retry_after is None:
        return error.reason
    return f"{error.reason} (retry after {error.retry_after:g}s)"
