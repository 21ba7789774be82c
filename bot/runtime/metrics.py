"""Prometheus metrics of one process, served at /metrics (bot/runtime/health.py).

A low module on purpose: features (`bot.alerts`, `bot.flights`, `bot.statements`)
record into it, the composition root serves it; it imports nothing of ours.
`storage` must not import it (import-linter): figures that live in the store
(outbox depth, events) are read at scrape time by `bot/runtime/health.py` instead.

Each process has its own figures; a scraper adds them up across processes
(`sum by (...)`), except the store gauges, which every process reports alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

# Latency buckets from a fast command reply to a slow provider.
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

UPDATES = Counter(
    "summitwatch_updates",
    "Telegram updates handled, by command (or update kind when not a command).",
    ["command"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "summitwatch_handler_seconds",
    "Time to handle one Telegram update, by command.",
    ["command"],
    buckets=_SECONDS,
    registry=REGISTRY,
)
SOURCE_POLLS = Counter(
    "summitwatch_source_polls",
    "Polls of an external source (flight provider or statement feed), by source and kind.",
    ["source", "kind"],
    registry=REGISTRY,
)
SOURCE_FAILURES = Counter(
    "summitwatch_source_failures",
    "Failed polls of an external source, by source and kind.",
    ["source", "kind"],
    registry=REGISTRY,
)
PROVIDER_SECONDS = Histogram(
    "summitwatch_provider_latency_seconds",
    "Round trip of a successful poll, by source and kind.",
    ["source", "kind"],
    buckets=_SECONDS,
    registry=REGISTRY,
)
LEADER = Gauge(
    "summitwatch_leader",
    "1 while this process holds the leader lock and polls the sources.",
    registry=REGISTRY,
)
OUTBOX_ROWS = Gauge(
    "summitwatch_outbox_rows",
    "Outbox rows by status (read from the store at scrape time).",
    ["status"],
    registry=REGISTRY,
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "summitwatch_outbox_oldest_age_seconds",
    "Age of the oldest row still waiting to be sent (0 when none).",
    registry=REGISTRY,
)
EVENTS = Gauge(
    "summitwatch_events",
    "Stored events by kind (read from the store at scrape time).",
    ["kind"],
    registry=REGISTRY,
)


def record_poll(source: str, kind: str, *, ok: bool, latency_s: float | None) -> None:
    """Count one poll of a source; its latency when it succeeded and was measured."""
    SOURCE_POLLS.labels(source=source, kind=kind).inc()
    if not ok:
        SOURCE_FAILURES.labels(source=source, kind=kind).inc()
    elif latency_s is not None:
        PROVIDER_SECONDS.labels(source=source, kind=kind).observe(latency_s)


def record_update(command: str, seconds: float) -> None:
    """Count one handled update and its handling time."""
    UPDATES.labels(command=command).inc()
    HANDLER_SECONDS.labels(command=command).observe(seconds)


DeliveryCountsSource = Callable[[], tuple[int, int, int]]


class DeliveryCounts(Collector):
    """Alerts sent, retried and dead-lettered by this process's delivery worker.

    Read from the worker's own counters at scrape time (`source`), so the worker
    needs no knowledge of Prometheus. Not in `REGISTRY`: the health server of the
    process that runs the worker owns it (`delivery_registry`), so no module-level
    hook is set after start-up and two bots in one process do not share it.
    """

    def __init__(self, source: DeliveryCountsSource) -> None:
        self._source = source

    def collect(self) -> Iterator[CounterMetricFamily]:
        sent, retried, dead = self._source()
        for name, help_text, value in (
            ("summitwatch_alerts_sent", "Alerts sent (or edited) to a chat.", sent),
            ("summitwatch_alerts_retried", "Alert sends rescheduled (429, 5xx, network).", retried),
            ("summitwatch_alerts_dead_lettered", "Alerts given up on (dead letters).", dead),
        ):
            yield CounterMetricFamily(name, help_text, value=value)


def delivery_registry(source: DeliveryCountsSource) -> CollectorRegistry:
    """A registry of one delivery worker's counters, served beside `REGISTRY`."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(DeliveryCounts(source))
    return registry
