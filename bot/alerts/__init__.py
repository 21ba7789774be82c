"""From a stored event to a delivered Telegram message: routing, rendering, delivery."""
