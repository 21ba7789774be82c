"""The fake Telegram Bot API, one concern a module; tests import it as tests.fakes.telegram_api."""
