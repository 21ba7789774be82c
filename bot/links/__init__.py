"""Linked signals: a watched person's landing and a statement near it, and the host's silence.

Below the features (flights and statements both call it in their own transaction),
above `bot.alerts` and `storage`.
"""
