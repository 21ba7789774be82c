"""Configuration: defaults, validation messages that name the variable, no secret leaks."""

from __future__ import annotations

import pytest

from bot.kernel.config import ConfigError, load_settings, mask_token

TOKEN = "123456789:AAHsecretsecretsecretsecretsecret12"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_BASE_URL",
        "DATABASE_URL",
        "SUMMITWATCH_ADMIN_IDS",
        "SUMMITWATCH_DEFAULT_LOCALE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no stray .env


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.token() == TOKEN
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.database_url == "sqlite+aiosqlite:///var/summitwatch.db"
    assert settings.default_locale == "en"
    assert settings.admin_ids == frozenset()


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("SUMMITWATCH_ADMIN_IDS", "11, 22,33")
    monkeypatch.setenv("SUMMITWATCH_DEFAULT_LOCALE", "RU")
    settings = load_settings()
    assert settings.bot_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.bot_file_base_url == "http://127.0.0.1:8081/file/bot"
    assert settings.admin_ids == frozenset({11, 22, 33})
    assert settings.default_locale == "ru"


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from pathlib import Path

    Path(str(tmp_path), ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nSUMMITWATCH_DEFAULT_LOCALE=az\n", encoding="utf-8"
    )
    assert load_settings().default_locale == "az"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN is malformed"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "TELEGRAM_API_BASE_URL is malformed"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL is malformed"),
        ("SUMMITWATCH_ADMIN_IDS", "12,abc", "SUMMITWATCH_ADMIN_IDS is malformed"),
        ("SUMMITWATCH_DEFAULT_LOCALE", "de", "SUMMITWATCH_DEFAULT_LOCALE is malformed"),
    ],
)
def test_malformed_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings()
    assert "\n" not in str(caught.value)
    assert value not in str(caught.value)


def test_malformed_token_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:has spaces secretvalue")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "secretvalue" not in str(caught.value)


def test_missing_token_is_reported_where_needed() -> None:
    settings = load_settings()
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        settings.token()


def test_mask_token() -> None:
    assert mask_token(TOKEN) == "123456789:***"
    assert mask_token("garbage") == "***"
