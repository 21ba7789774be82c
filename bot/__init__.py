"""summitwatch: a Telegram bot that watches diplomatic signals for analysts."""

__version__ = "0.1.0"
