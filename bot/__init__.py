"""summitwatch: a Telegram bot that watches diplomatic signals for analysts."""

import os

# Opt in to PTB's coming behaviour now (durations as timedelta, e.g. RetryAfter.retry_after)
# instead of a deprecation warning on every flood wait.
os.environ.setdefault("PTB_TIMEDELTA", "1")

__version__ = "0.1.0"
