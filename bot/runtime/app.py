"""The composition root: builds the PTB Application with its services, handlers and jobs."""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, Defaults, JobQueue

from bot.alerts.delivery import DeliveryConfig, DeliveryWorker
from bot.alerts.digests import queue_due_digests
from bot.alerts.mute import end_expired_mutes
from bot.alerts.pacing import PaceLimits, SendPacer, Sleep
from bot.alerts.ratelimiter import PacedRateLimiter
from bot.alerts.render import alert_renderers
from bot.alerts.webhooks import WebhookConfig, WebhookWorker
from bot.flights import airports, maps
from bot.flights.alert_map import landing_map
from bot.flights.live import LiveFlights
from bot.kernel.config import SUPPORTED_LOCALES, Settings
from bot.kernel.i18n import translator
from bot.net.ssrf import AddressPolicy
from bot.runtime import heap
from bot.runtime.health import HealthServer
from bot.runtime.leader import Leadership, gate_jobs, startup_lock
from bot.runtime.observed import ObservedApplication
from bot.runtime.retention import run_retention
from bot.runtime.services import BotData, Services
from bot.runtime.startup import EXIT_CONFIG, StartupError
from bot.runtime.store_apart import prepare_apart, seed_shipped
from bot.runtime.telegram_request import AiohttpRequest
from bot.runtime.update_order import BacklogQueue, ChatOrderedProcessor
from bot.statements.polling import statement_job
from bot.venues.job import venue_job
from bot.watch.fleet_refresh import fleet_job
from bot.webapp.buttons import landing_buttons
from handlers import (
    access,
    buttons,
    channels,
    deadletters,
    errors,
    export,
    fleet,
    flight_status,
    language,
    mute,
    schedule,
    start,
    statements,
    subscriptions,
    timeline,
    venues,
    watchlist,
    webhooks,
)
from handlers.catalog import COMMANDS
from handlers.context import BotContext
from storage.contacts import ContactBook
from storage.engine import create_engine, session_factory
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.webapp.server import WebAppServer

log = logging.getLogger("summitwatch.app")

# Registered in this order; `access` first because it gates everything after it.
HANDLER_MODULES = (
    access,
    start,
    language,
    subscriptions,
    channels,
    mute,
    schedule,
    export,
    deadletters,
    watchlist,
    webhooks,
    flight_status,
    fleet,
    statements,
    timeline,
    venues,
    buttons,  # last: it answers the presses no module above claimed
)

SummitApp = Application[Any, BotContext, Any, Any, BotData, Any]
MUTE_CHECK_INTERVAL_S = 60.0
# Jobs every process runs; every other job (source polling, maintenance) runs in the leader.
RUN_EVERYWHERE = frozenset({"end-expired-mutes"})


def command_menu(locale: str, *, groups: bool) -> list[BotCommand]:
    """The command menu Telegram shows, in one language, for private chats or groups."""
    t = translator(locale)
    return [
        BotCommand(c.name, t._(c.description))
        for c in COMMANDS
        if (c.in_groups if groups else c.in_private)
    ]


async def publish_commands(application: SummitApp) -> None:
    """set_my_commands for every language and for private and group scopes."""
    bot = application.bot
    for groups, scope in (
        (False, BotCommandScopeAllPrivateChats()),
        (True, BotCommandScopeAllGroupChats()),
    ):
        await bot.set_my_commands(command_menu("en", groups=groups), scope=scope)
        for locale in SUPPORTED_LOCALES:
            await bot.set_my_commands(
                command_menu(locale, groups=groups), scope=scope, language_code=locale
            )


Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Store:
    """The opened store: its engine and session factory."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


async def open_store(settings: Settings) -> Store:
    """Connect to the store, bring its schema up to date and seed the watched people."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    try:
        # Replicas starting together take turns here (PostgreSQL); see bot/runtime/leader.py.
        async with startup_lock(engine):
            await prepare_apart(engine, fleet=settings.fleet_seed)
            await seed_shipped(sessions, fleet=settings.fleet_seed)
    except BaseException:
        # A failed or cancelled (stopped) start-up: nothing else will close this engine.
        await engine.dispose()
        raise
    return Store(engine=engine, sessions=sessions)


def webhook_worker(settings: Settings, store: Store, clock: Clock) -> WebhookWorker:
    """The outgoing webhooks' worker: the outbox's retry budget, the feeds' address policy."""
    return WebhookWorker(
        sessions=store.sessions,
        policy=AddressPolicy.build(allow=settings.feeds_allow_list()),
        config=WebhookConfig(
            max_attempts=settings.delivery_max_attempts,
            backoff_base_s=settings.delivery_backoff_s,
            timeout_s=settings.telegram_timeout_s,
        ),
        clock=clock,
    )


def delivery_worker(
    application: SummitApp,
    settings: Settings,
    store: Store,
    clock: Clock,
    sleep: Sleep = asyncio.sleep,
) -> DeliveryWorker:
    """The outbox worker; it sends through the application's paced bot, by `clock`."""
    return DeliveryWorker(
        bot=application.bot,
        sessions=store.sessions,
        default_locale=settings.default_locale,
        config=DeliveryConfig(
            concurrency=settings.delivery_concurrency,
            max_attempts=settings.delivery_max_attempts,
            backoff_base_s=settings.delivery_backoff_s,
            lease_s=settings.delivery_lease_s,
            paid_broadcast=settings.paid_broadcast,
        ),
        clock=clock,
        sleep=sleep,
        # The one table of renderers; pictures come from the features that draw them.
        renderers=alert_renderers(flight_photo=landing_map),
        # Quiet-hours and daily digests, due by this worker's clock (every process looks;
        # each digest's dedup key makes it once).
        schedule=lambda now: queue_due_digests(
            store.sessions, now=now, default_locale=settings.default_locale
        ),
        # The Mini App's button under landings (none while SUMMITWATCH_WEBAPP_URL is unset).
        buttons=landing_buttons(settings.webapp_url, lambda: application.bot.username)
        if settings.webapp_url
        else None,
    )


def _request(settings: Settings, *, connections: int) -> AiohttpRequest:
    timeout = settings.telegram_timeout_s
    return AiohttpRequest(
        connections=connections,
        read_timeout=timeout,
        write_timeout=timeout,
        connect_timeout=timeout,
        pool_timeout=timeout,
    )


class Runtime:
    """Background work started with the bot and stopped with it."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.worker: DeliveryWorker | None = None
        self.health: HealthServer | None = None
        self.webapp: WebAppServer | None = None
        # Run at shutdown, before the store closes (e.g. pollers' HTTP sessions).
        self.closers: list[Callable[[], Awaitable[None]]] = []


async def _end_expired_mutes(services: Services) -> None:
    async with services.sessions.begin() as session:
        digested = await end_expired_mutes(session, now=services.delivery_clock())
    if digested:
        services.wake_delivery()


def schedule_jobs(
    job_queue: JobQueue[BotContext],
    services: Services,
    closers: list[Callable[[], Awaitable[None]]],
) -> None:
    """Every periodic job of the bot (each feature adds its own here); what a job must
    close at shutdown goes to `closers`."""
    job_queue.run_repeating(
        lambda _context: _end_expired_mutes(services),
        interval=MUTE_CHECK_INTERVAL_S,
        first=1.0,
        name="end-expired-mutes",
    )
    closers.append(_schedule_flights(job_queue, services))
    if services.settings.statements_enabled:
        poll_statements = statement_job(
            services.sessions,
            services.settings,
            wake=services.wake_delivery,
            delivery_clock=services.delivery_clock,
        )
        job_queue.run_repeating(
            lambda _c: poll_statements(),
            interval=services.settings.statements_tick_s,
            first=1.0,
            name="statement-poll",
        )
    rank_venues = venue_job(
        services.sessions,
        services.settings,
        clock=services.clock,
        delivery_clock=services.delivery_clock,
        wake=services.wake_delivery,
    )
    job_queue.run_repeating(
        lambda _c: rank_venues(),
        interval=services.settings.venues_interval_s,
        first=services.settings.venues_interval_s,
        name="venue-ranking",
    )
    if services.settings.fleet_url:
        refresh_fleet = fleet_job(services.sessions, services.settings)
        job_queue.run_repeating(
            lambda _c: refresh_fleet(),
            interval=services.settings.fleet_refresh_s,
            first=300.0,
            name="fleet-refresh",
        )
    job_queue.run_repeating(
        lambda _c: run_retention(services.settings, services.engine),
        interval=services.settings.retention_interval_s,
        first=60.0,
        name="retention",
    )
    gate_jobs(job_queue, services.is_leader, everywhere=RUN_EVERYWHERE)


def _schedule_flights(
    job_queue: JobQueue[BotContext], services: Services
) -> Callable[[], Awaitable[None]]:
    """The flight poll job; returns what closes its providers' HTTP sessions."""
    flights = LiveFlights(
        services.settings,
        services.sessions,
        clock=services.clock,
        wake=services.wake_delivery,
    )
    interval = services.settings.flight_poll_seconds

    first_round = True

    async def poll(_context: object) -> None:
        nonlocal first_round
        await flights.poll()
        if first_round and services.settings.gc_freeze:
            # The first round loads the destination predictor (and the airport index,
            # if its warm-up at start-up has not done so yet); the bot is serving by
            # now, so no full collection first.
            heap.freeze_survivors(collect=False)
        first_round = False
        # A round allocates and frees a lot (the providers' JSON, the fixes): give the
        # freed pages back instead of holding the round's peak between rounds.
        heap.trim()

    job_queue.run_repeating(poll, interval=interval, first=interval, name="flight-poll")
    return flights.close


async def _start_health(services: Services, worker: DeliveryWorker) -> HealthServer | None:
    """The health endpoint, or None when SUMMITWATCH_HEALTH_PORT is 0.

    A port it cannot have stops start-up (`StartupError`, exit status 2): a bot running
    without its endpoint would only show up later as failed probes, and a second bot
    on the same port is a configuration to fix, not a blip to wait out.
    """
    settings = services.settings
    if not settings.health_port:
        return None
    health = HealthServer(
        engine=services.engine,
        sessions=services.sessions,
        silence_s=settings.source_silence_s,
        is_leader=services.is_leader,
        # Read from the worker's own counters at scrape: it knows nothing of Prometheus.
        delivery_counts=lambda: (
            worker.stats.sent + worker.stats.edited,
            worker.stats.retried,
            worker.stats.dead,
        ),
    )
    try:
        await health.start(settings.health_listen, settings.health_port)
    except OSError as exc:
        address = f"{settings.health_listen}:{settings.health_port}"
        reason = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
        raise StartupError(
            f"health endpoint cannot listen on {address}: {reason}; set "
            "SUMMITWATCH_HEALTH_PORT to a free port (0 turns the endpoint off) "
            "or SUMMITWATCH_HEALTH_LISTEN",
            EXIT_CONFIG,
        ) from None
    return health


async def _start_operations(runtime: Runtime, leadership: Leadership) -> None:
    """Leader election, started with the bot in every mode."""
    if not leadership.single_process:
        # Try at once, so a lone process polls from its first tick.
        await leadership.step()
    runtime.tasks.append(asyncio.create_task(leadership.run(runtime.stop), name="leader"))


async def _start_webapp(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    runtime: Runtime,
) -> WebAppServer | None:
    """The Mini App when it is configured (SUMMITWATCH_WEBAPP_URL); its server's modules
    (routes, page data, the live hub) are imported only then."""
    if not services.settings.webapp_url or not services.settings.webapp_port:
        return None
    from bot.webapp.launch import start_webapp

    return await start_webapp(application, services, runtime.stop, runtime.tasks)


async def _warm_airports() -> None:
    """Load the airport index in a thread now: on the loop, at the first poll round or
    /status, its ~100 ms held up whatever request came then."""
    try:
        await asyncio.to_thread(airports.default_index)
    except Exception:
        log.exception("could not load the airport index; the first lookup will try again")


async def _warm_maps(settings: Settings) -> None:
    """Start the map worker process and warm it, so the first map is not the slow one.

    Start-up does not wait for it. With the worker (the default) matplotlib loads in
    that process and never in the bot; without it, in a thread of the bot (see
    `bot.flights.maps`).
    """
    try:
        if settings.map_worker:
            await asyncio.to_thread(maps.start_worker)
        else:
            await asyncio.to_thread(maps.warm_up)
    except Exception:
        # A broken map install must not stop the bot; the first map will say why again.
        log.exception("could not warm up the map machinery")


def build_application(
    settings: Settings,
    *,
    clock: Clock = utcnow,
    delivery_clock: Clock = utcnow,
    delivery_sleep: Sleep | None = None,
) -> SummitApp:
    """Build the bot. Services are opened in post_init, inside PTB's event loop.

    Args:
        settings: the configuration.
        clock: the pollers' and views' time (the demo and tests pass a fake provider's).
        delivery_clock: the delivery worker's time, which the outbox is queued and due by.
        delivery_sleep: how time passes on `delivery_clock` (a test's virtual clock): the
            send pacer (Telegram's retry_after included), the worker's heartbeat and idle
            poll then wait on it, and the pacer measures on it. None: real time, the
            pacer on the monotonic clock.
    """
    runtime = Runtime()
    limits = PaceLimits(overall=settings.delivery_rate)
    pacer = (
        SendPacer(limits)
        if delivery_sleep is None
        else SendPacer(limits, clock=lambda: delivery_clock().timestamp(), sleep=delivery_sleep)
    )

    async def post_init(application: SummitApp) -> None:
        store = await open_store(settings)
        leadership = Leadership(settings.database_url, retry_s=settings.leader_retry_s)
        # Built, not started: Services names its wake-up, and nothing runs before the
        # health port is ours.
        worker = delivery_worker(
            application, settings, store, delivery_clock, delivery_sleep or asyncio.sleep
        )
        hooks = webhook_worker(settings, store, delivery_clock)

        def wake_delivery() -> None:
            worker.wake()
            hooks.wake()

        services = Services(
            settings=settings,
            engine=store.engine,
            sessions=store.sessions,
            contacts=ContactBook(store.sessions),
            wake_delivery=wake_delivery,
            clock=clock,
            delivery_clock=delivery_clock,
            # From the start, so a process not yet elected never reports leader.
            is_leader=lambda: leadership.is_leader,
        )
        application.bot_data.attach(services)
        # Before any background task: a busy port then leaves nothing running.
        runtime.health = await _start_health(services, worker)
        await publish_commands(application)
        runtime.webapp = await _start_webapp(application, services, runtime)
        # One SQLite file serves one process: whatever is left `sending` was ours.
        await worker.release_orphans(all_claims=services.engine.dialect.name == "sqlite")
        runtime.worker = worker
        runtime.tasks.append(asyncio.create_task(worker.run(runtime.stop), name="delivery"))
        runtime.tasks.append(asyncio.create_task(hooks.run(runtime.stop), name="webhooks"))
        await _start_operations(runtime, leadership)
        if application.job_queue is not None:
            schedule_jobs(application.job_queue, services, runtime.closers)
        log.info("started as @%s", application.bot.username)
        if settings.gc_freeze:
            heap.freeze_survivors()
        # The seeding and the imports' garbage are freed by now; their pages go back.
        heap.trim()
        runtime.tasks.append(asyncio.create_task(_warm_maps(settings), name="warm-maps"))
        runtime.tasks.append(asyncio.create_task(_warm_airports(), name="warm-airports"))

    async def post_stop(application: SummitApp) -> None:
        runtime.stop.set()
        if runtime.health is not None:
            await runtime.health.stop()
        if runtime.webapp is not None:
            await runtime.webapp.stop()
        if runtime.worker is not None:
            runtime.worker.wake()
        await asyncio.gather(*runtime.tasks, return_exceptions=True)
        # After the tasks, so no map is being asked for; waits for the process to exit.
        await asyncio.to_thread(maps.stop_worker)

    async def post_shutdown(application: SummitApp) -> None:
        try:
            services = application.bot_data.services
        except RuntimeError:
            return
        # First contacts answered before their record (`ContactBook.reply_locale`).
        await services.contacts.drain()
        for close in runtime.closers:
            await close()
        await services.engine.dispose()

    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    application: SummitApp = (
        Application.builder()
        .application_class(ObservedApplication)
        .concurrent_updates(ChatOrderedProcessor(settings.concurrent_updates))
        # Webhook mode exactly when a webhook URL is set (`bot.runtime.webhook.webhook_wanted`).
        .update_queue(
            BacklogQueue(
                settings.update_backlog, ack_after_handling=settings.webhook_url is not None
            )
        )
        .token(settings.token())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_file_base_url)
        .rate_limiter(PacedRateLimiter(pacer))
        .request(_request(settings, connections=settings.delivery_concurrency + 8))
        .get_updates_request(_request(settings, connections=2))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=UTC))
        .context_types(context_types)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    if isinstance(application, ObservedApplication):
        application.known_commands = frozenset(command.name for command in COMMANDS)
    for module in HANDLER_MODULES:
        module.register(application)
    application.add_error_handler(errors.on_error)
    return application
