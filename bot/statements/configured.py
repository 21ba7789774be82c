"""The statement sources and the address policy a configuration asks for.

The poller, `/source add` and `summitwatch sources check` all read the same shipped
(or configured) sources, served from the same base URL, through the same policy.
"""

from __future__ import annotations

from bot.kernel.config import Settings
from bot.net.ssrf import AddressPolicy
from bot.statements.sources import SourceSpec, load_sources, rebased


def configured_sources(settings: Settings) -> tuple[SourceSpec, ...]:
    """The shipped (or configured) sources, served from the configured base URL if any."""
    return rebased(load_sources(settings.sources_file), settings.sources_base_url)


def feed_addresses(settings: Settings) -> AddressPolicy:
    """Public addresses only, plus the networks SUMMITWATCH_FEEDS_ALLOW lets through."""
    return AddressPolicy.build(allow=settings.feeds_allow_list())
