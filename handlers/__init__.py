"""Telegram commands and callbacks, one module per family; `register` wires them."""
