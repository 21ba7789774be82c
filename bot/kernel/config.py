"""Settings from the environment (and an optional `.env`), validated at start.

A bad value must stop start-up with one line that names the variable, never a
traceback and never the token itself: `load_settings` turns pydantic's errors
into a `ConfigError` whose message is safe to print.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Locale = Literal["en", "ru", "az"]
SUPPORTED_LOCALES: tuple[Locale, ...] = ("en", "ru", "az")

OFFICIAL_BOT_API = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/summitwatch.db"

# Telegram tokens are "<bot id>:<35 url-safe characters>"; we accept any length
# of the secret part so self-hosted Bot API servers and tests can use short ones.
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


def _split_ints(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything summitwatch reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # Optional here so `db upgrade` works without it; `token()` insists where it is needed.
    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_api_base_url: str = Field(
        default=OFFICIAL_BOT_API, validation_alias="TELEGRAM_API_BASE_URL"
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="SUMMITWATCH_ADMIN_IDS"
    )
    default_locale: Locale = Field(default="en", validation_alias="SUMMITWATCH_DEFAULT_LOCALE")
    # None: every chat may use the bot; otherwise only the listed chat ids.
    allowed_chats: Annotated[frozenset[int] | None, NoDecode] = Field(
        default=None, validation_alias="SUMMITWATCH_ALLOWED_CHATS"
    )
    # Outbound pace: 30/s is Telegram's free limit; paid broadcasts allow up to 1000/s.
    delivery_rate: int = Field(
        default=30, ge=1, le=100_000, validation_alias="SUMMITWATCH_DELIVERY_RATE"
    )
    paid_broadcast: bool = Field(default=False, validation_alias="SUMMITWATCH_PAID_BROADCAST")
    delivery_concurrency: int = Field(
        default=32, ge=1, le=512, validation_alias="SUMMITWATCH_DELIVERY_CONCURRENCY"
    )
    delivery_max_attempts: int = Field(
        default=8, ge=1, le=100, validation_alias="SUMMITWATCH_DELIVERY_MAX_ATTEMPTS"
    )
    # First retry after a network error or 5xx; doubles per attempt (with jitter).
    delivery_backoff_s: float = Field(
        default=2.0, gt=0, le=600, validation_alias="SUMMITWATCH_DELIVERY_BACKOFF_S"
    )
    telegram_timeout_s: float = Field(
        default=10.0, gt=0, le=120, validation_alias="SUMMITWATCH_TELEGRAM_TIMEOUT_S"
    )
    # A claim not renewed for this long belongs to a dead process and is handed back to
    # the others; a live one renews its claims every fifth of it, so a dead one's alerts
    # go out again about 1.2 leases after it died.
    delivery_lease_s: float = Field(
        default=8.0, ge=1, le=3600, validation_alias="SUMMITWATCH_DELIVERY_LEASE_S"
    )

    # Operations: webhooks, the health endpoint, logs, leader election.
    # Set: updates arrive by webhook at this public HTTPS URL (a TLS proxy in front of
    # the listen address); unset: long polling, unless `run --webhook` insists.
    webhook_url: str | None = Field(default=None, validation_alias="SUMMITWATCH_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="SUMMITWATCH_WEBHOOK_SECRET"
    )
    webhook_listen: str = Field(default="0.0.0.0", validation_alias="SUMMITWATCH_WEBHOOK_LISTEN")  # noqa: S104
    webhook_port: int = Field(
        default=8443, ge=1, le=65535, validation_alias="SUMMITWATCH_WEBHOOK_PORT"
    )
    # /healthz, /readyz and /metrics; 0 turns the endpoint off. Loopback by default: the
    # image and compose listen on 0.0.0.0 explicitly. 8479 is outside Prometheus'
    # exporter range (9100-9999) and clear of 9090 (Prometheus), 9093 (Alertmanager),
    # 3000 (Grafana) and 8080-8089 (web servers, cAdvisor, Splunk's 8089).
    health_listen: str = Field(default="127.0.0.1", validation_alias="SUMMITWATCH_HEALTH_LISTEN")
    health_port: int = Field(
        default=8479, ge=0, le=65535, validation_alias="SUMMITWATCH_HEALTH_PORT"
    )
    # The Telegram Mini App (bot/webapp): the public https URL Telegram opens (set, the
    # bot serves the page and shows the menu button), where it listens (0: not served),
    # how old Telegram's initData may be, and an optional tile server (off: no request
    # leaves for a third party; the page draws its own offline coastlines).
    webapp_url: str | None = Field(default=None, validation_alias="SUMMITWATCH_WEBAPP_URL")
    webapp_listen: str = Field(default="127.0.0.1", validation_alias="SUMMITWATCH_WEBAPP_LISTEN")
    webapp_port: int = Field(
        default=8480, ge=0, le=65535, validation_alias="SUMMITWATCH_WEBAPP_PORT"
    )
    webapp_max_age_s: float = Field(
        default=3600.0, gt=0, le=30 * 86_400, validation_alias="SUMMITWATCH_WEBAPP_MAX_AGE_S"
    )
    webapp_tile_url: str | None = Field(
        default=None, validation_alias="SUMMITWATCH_WEBAPP_TILE_URL"
    )
    # How often the live stream looks for new positions and events in the store.
    webapp_live_s: float = Field(
        default=2.0, gt=0, le=300, validation_alias="SUMMITWATCH_WEBAPP_LIVE_S"
    )
    # `run` waits this long for an unreachable Bot API or PostgreSQL, retrying with
    # backoff, before it exits (status 75); 0 tries once.
    startup_timeout_s: float = Field(
        default=300.0, ge=0, le=86_400, validation_alias="SUMMITWATCH_STARTUP_TIMEOUT_S"
    )
    # /readyz fails when an enabled source has not answered for this long.
    source_silence_s: float = Field(
        default=3600.0, ge=1, validation_alias="SUMMITWATCH_SOURCE_SILENCE_S"
    )
    # A landing and a statement this far apart (either side) are linked (issue 18).
    link_window_h: float = Field(
        default=24.0, gt=0, le=24 * 14, validation_alias="SUMMITWATCH_LINK_WINDOW_H"
    )
    # How long after a landing the host country's official sources are watched for a word.
    host_silence_window_h: float = Field(
        default=24.0, gt=0, le=24 * 14, validation_alias="SUMMITWATCH_HOST_SILENCE_WINDOW_H"
    )

    @property
    def link_window(self) -> timedelta:
        """`link_window_h` as a duration."""
        return timedelta(hours=self.link_window_h)

    log_format: Literal["text", "json"] = Field(
        default="text", validation_alias="SUMMITWATCH_LOG_FORMAT"
    )
    # Updates handled at once (one at a time per chat, in order): a slow command in one
    # chat must not hold up the others.
    concurrent_updates: int = Field(
        default=32, ge=1, le=1024, validation_alias="SUMMITWATCH_CONCURRENT_UPDATES"
    )
    # Updates taken in but not yet handled; past it the webhook's answer waits (Telegram
    # slows down) and a crash can lose at most this many acknowledged updates.
    update_backlog: int = Field(
        default=128, ge=1, le=100_000, validation_alias="SUMMITWATCH_UPDATE_BACKLOG"
    )
    # How often a follower tries to become the leader (keep it at most one poll interval).
    leader_retry_s: float = Field(
        default=10.0, gt=0, le=3600, validation_alias="SUMMITWATCH_LEADER_RETRY_S"
    )

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("expected the public https:// URL Telegram posts updates to")
        return value

    @field_validator("webapp_url", "webapp_tile_url")
    @classmethod
    def _webapp_url_shape(cls, value: str | None) -> str | None:
        # Telegram opens Mini Apps over https only; a tile server is fetched by the page.
        if value is not None and not value.startswith("https://"):
            raise ValueError("expected an https:// URL")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("expected 1-256 characters A-Z, a-z, 0-9, _ or -")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    def webhook(self) -> tuple[str, str]:
        """The webhook URL and secret; `ConfigError` when either is missing."""
        if self.webhook_url is None:
            raise ConfigError("SUMMITWATCH_WEBHOOK_URL is not set (required with --webhook)")
        if self.webhook_secret is None:
            raise ConfigError("SUMMITWATCH_WEBHOOK_SECRET is not set (required with webhooks)")
        return self.webhook_url, self.webhook_secret.get_secret_value()

    # Retention of position reports (flight and statement events are always kept).
    position_retention_days: float = Field(
        default=90.0, gt=0, le=36_500, validation_alias="SUMMITWATCH_POSITION_RETENTION_DAYS"
    )
    position_downsample_after_hours: float = Field(
        default=24.0, gt=0, validation_alias="SUMMITWATCH_POSITION_DOWNSAMPLE_AFTER_HOURS"
    )
    position_downsample_seconds: int = Field(
        default=60, ge=1, le=86_400, validation_alias="SUMMITWATCH_POSITION_DOWNSAMPLE_SECONDS"
    )
    retention_interval_s: float = Field(
        default=3600.0, ge=10, le=86_400, validation_alias="SUMMITWATCH_RETENTION_INTERVAL_S"
    )
    # Rows found per read, and the most deleted per transaction (their number follows a
    # time budget, storage/retention.WRITE_BUDGET): bounds the ids held in memory.
    retention_batch: int = Field(
        default=5_000, ge=1, le=1_000_000, validation_alias="SUMMITWATCH_RETENTION_BATCH"
    )

    # Flight watch: ordered "name=base_url" pairs; the name picks the wire format.
    flight_providers: str = Field(
        default="adsb.lol=https://api.adsb.lol",
        validation_alias="SUMMITWATCH_FLIGHT_PROVIDERS",
    )
    # A watched aircraft's likely destination is alerted at this probability
    # (bot/flights/thresholds.py, DestinationConfig.alert_probability, says why 0.6).
    destination_threshold: float = Field(
        default=0.6, gt=0, le=1, validation_alias="SUMMITWATCH_DESTINATION_THRESHOLD"
    )
    flight_poll_seconds: float = Field(
        default=30.0, ge=1.0, le=3600.0, validation_alias="SUMMITWATCH_FLIGHT_POLL_SECONDS"
    )
    # Requests per second to each flight provider instead of its polite default (about
    # one per second): a paid plan, one's own readsb API, or a local fake in tests.
    flight_provider_rate: float | None = Field(
        default=None, gt=0, le=1000.0, validation_alias="SUMMITWATCH_FLIGHT_PROVIDER_RATE"
    )
    adsbexchange_api_key: SecretStr | None = Field(
        default=None, validation_alias="SUMMITWATCH_ADSBEXCHANGE_API_KEY"
    )
    opensky_client_id: str | None = Field(
        default=None, validation_alias="SUMMITWATCH_OPENSKY_CLIENT_ID"
    )
    opensky_client_secret: SecretStr | None = Field(
        default=None, validation_alias="SUMMITWATCH_OPENSKY_CLIENT_SECRET"
    )
    opensky_token_url: str = Field(
        default=(
            "https://auth.opensky-network.org/auth/realms/opensky-network"
            "/protocol/openid-connect/token"
        ),
        validation_alias="SUMMITWATCH_OPENSKY_TOKEN_URL",
    )

    # Statement watch. Off only where nothing may be fetched (tests, the demo).
    statements_enabled: bool = Field(
        default=True, validation_alias="SUMMITWATCH_STATEMENTS_ENABLED"
    )
    # How often the poller looks for due sources (each has its own interval).
    statements_tick_s: float = Field(
        default=30.0, ge=0.1, le=3600.0, validation_alias="SUMMITWATCH_STATEMENTS_TICK_S"
    )
    sources_file: Path | None = Field(default=None, validation_alias="SUMMITWATCH_SOURCES_FILE")
    # Serve every shipped source from one base URL (a mirror, or the tests' fake):
    # https://kremlin.ru/a/feed becomes <base>/kremlin.ru/a/feed.
    sources_base_url: str | None = Field(
        default=None, validation_alias="SUMMITWATCH_SOURCES_BASE_URL"
    )
    # Networks feeds may be fetched from although private ("10.0.0.0/8,127.0.0.1").
    feeds_allow: str = Field(default="", validation_alias="SUMMITWATCH_FEEDS_ALLOW")
    # Seed the shipped plane-alert-db fleet (bot/data/fleet.csv) at start; off keeps what
    # is stored and adds nothing.
    fleet_seed: bool = Field(default=True, validation_alias="SUMMITWATCH_FLEET_SEED")
    # After start-up and the first flight poll, exempt the objects alive then (imports,
    # airport data, caches) from full garbage collections (gc.freeze): each one walked
    # them all, 55-100 ms on the event loop, and a /status during one waited for it.
    # Off for the tests, which start many bots in one process.
    gc_freeze: bool = Field(default=True, validation_alias="SUMMITWATCH_GC_FREEZE")
    # Draw maps in a separate process (matplotlib's memory stays out of the bot); off
    # draws them in the bot's own threads (the tests, which start many bots).
    map_worker: bool = Field(default=True, validation_alias="SUMMITWATCH_MAP_WORKER")
    # Refresh the shipped fleet from this plane-alert-db CSV (off when unset), through
    # the feeds' SSRF guard and SUMMITWATCH_FEEDS_ALLOW; weekly by default.
    fleet_url: str | None = Field(default=None, validation_alias="SUMMITWATCH_FLEET_URL")
    fleet_refresh_s: float = Field(
        default=7 * 86400.0,
        ge=60.0,
        le=365 * 86400.0,
        validation_alias="SUMMITWATCH_FLEET_REFRESH_S",
    )

    # Venue analysis: how often the ranking is recomputed (and alerts checked), how fast
    # live evidence ages, how far back it counts, and the rise that is alert-worthy.
    venues_interval_s: float = Field(
        default=300.0, ge=0.1, le=86400.0, validation_alias="SUMMITWATCH_VENUES_INTERVAL_S"
    )
    venue_half_life_h: float = Field(
        default=24.0, gt=0, le=24 * 365, validation_alias="SUMMITWATCH_VENUE_HALF_LIFE_H"
    )
    venue_window_days: float = Field(
        default=7.0, gt=0, le=365, validation_alias="SUMMITWATCH_VENUE_WINDOW_DAYS"
    )
    venue_alert_jump: float = Field(
        default=2.0, gt=0, le=100, validation_alias="SUMMITWATCH_VENUE_ALERT_JUMP"
    )

    @property
    def venue_half_life(self) -> timedelta:
        """Live venue evidence loses half its points every this long."""
        return timedelta(hours=self.venue_half_life_h)

    @property
    def venue_window(self) -> timedelta:
        """Live venue evidence older than this is ignored."""
        return timedelta(days=self.venue_window_days)

    @field_validator("sources_base_url", "fleet_url")
    @classmethod
    def _sources_base_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @field_validator("feeds_allow")
    @classmethod
    def _feeds_allow_shape(cls, value: str) -> str:
        import ipaddress

        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError("expected comma-separated addresses or networks") from None
        return value

    def feeds_allow_list(self) -> list[str]:
        """The networks in SUMMITWATCH_FEEDS_ALLOW."""
        return [p.strip() for p in self.feeds_allow.split(",") if p.strip()]

    @field_validator("flight_providers")
    @classmethod
    def _providers_shape(cls, value: str) -> str:
        for pair in filter(None, (p.strip() for p in value.split(","))):
            name, sep, url = pair.partition("=")
            if not sep or not name.strip() or not url.strip().startswith(("http://", "https://")):
                raise ValueError("expected name=https://base-url pairs separated by commas")
        return value

    def provider_list(self) -> list[tuple[str, str]]:
        """The flight providers in the order to try them: (name, base URL)."""
        pairs = []
        for pair in filter(None, (p.strip() for p in self.flight_providers.split(","))):
            name, _, url = pair.partition("=")
            pairs.append((name.strip(), url.strip().rstrip("/")))
        return pairs

    def secrets(self) -> list[str]:
        """Every secret value, for the log filter."""
        values = [
            self.telegram_bot_token,
            self.adsbexchange_api_key,
            self.opensky_client_secret,
            self.webhook_secret,
        ]
        return [v.get_secret_value() for v in values if v is not None]

    @field_validator("position_downsample_after_hours")
    @classmethod
    def _downsample_before_pruning(cls, value: float, info: ValidationInfo) -> float:
        keep_days = info.data.get("position_retention_days")
        if isinstance(keep_days, float) and value >= keep_days * 24:
            raise ValueError("must be shorter than SUMMITWATCH_POSITION_RETENTION_DAYS")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value()):
            # Never echo the value: it may be a real token with a typo.
            raise ValueError("expected <bot id>:<secret>, as issued by @BotFather")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected sqlite+aiosqlite:///PATH or postgresql+asyncpg://...")
        return value

    @field_validator("admin_ids", "allowed_chats", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        parts = _split_ints(value)
        if isinstance(parts, list):
            for part in parts:
                if not re.fullmatch(r"-?\d+", str(part)):
                    raise ValueError("expected comma-separated Telegram ids")
        return parts

    @field_validator("default_locale", mode="before")
    @classmethod
    def _locale_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    def token(self) -> str:
        """The bot token; `ConfigError` when it is not set."""
        if self.telegram_bot_token is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        return self.telegram_bot_token.get_secret_value()

    @property
    def bot_api_base_url(self) -> str:
        """Base URL in the form PTB expects: the token is appended to it."""
        return self.telegram_api_base_url.rstrip("/") + (
            "" if self.telegram_api_base_url.rstrip("/").endswith("/bot") else "/bot"
        )

    @property
    def bot_file_base_url(self) -> str:
        """Base URL for file downloads, next to the Bot API base URL."""
        return self.bot_api_base_url.removesuffix("/bot") + "/file/bot"

    def sqlite_path(self) -> Path | None:
        """The SQLite file behind `database_url`, or None for other databases."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            rest = self.database_url[len(prefix) :]
            return None if rest in ("", ":memory:") else Path(rest)
        return None


def _variable_name(loc: tuple[int | str, ...]) -> str:
    field = str(loc[0]) if loc else "?"
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    return str(alias) if isinstance(alias, str) else field.upper()


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise `ConfigError` naming the first bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = _variable_name(first["loc"])
        if first["type"] == "missing":
            raise ConfigError(f"{name} is not set") from None
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is malformed: {reason}") from None


def mask_token(token: str) -> str:
    """Show the bot id and hide the secret: `123456:***`."""
    bot_id, _, _secret = token.partition(":")
    return f"{bot_id}:***" if bot_id.isdigit() else "***"
