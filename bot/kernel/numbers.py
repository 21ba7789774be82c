"""Numbers typed by users or carried in button data: ASCII digits only, within bounds.

`str.isdigit()` accepts "²" and `int()` accepts "٣" and "５", neither accepts a
5,000-digit string, and a number that fits in Python may still overflow a database
integer or a `timedelta`. Every command and button parses its numbers here, so
each of those ends as "not a number I take" (and the command's usage text), never
as an exception.
"""

from __future__ import annotations

# Row ids are Integer columns, 32-bit on PostgreSQL: no row has an id above this, and
# binding a larger one raises in the database driver (SQLite's limit is 2**63 - 1).
MAX_ROW_ID = 2**31 - 1
# Counts and amounts: anything a 64-bit integer holds is a number; beyond is no number.
MAX_INT64 = 2**63 - 1
_ASCII_DIGITS = frozenset("0123456789")


def parse_int(text: str, *, low: int = 0, high: int = MAX_INT64) -> int | None:
    """`text` as an integer in [low, high]; None for anything else.

    Only ASCII digits count (no sign, spaces, "²", "٣" or "1_000"). The length is
    checked before converting, so a huge string costs nothing and never meets Python's
    limit on `int()` digits.
    """
    if not text or set(text) - _ASCII_DIGITS:
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(high)):
        return None
    value = int(significant)
    return value if low <= value <= high else None


def looks_numeric(text: str) -> bool:
    """Whether `text` is made of digits of any script ("12", "²", "٣", "五"): meant as a number.

    Such a word is a number the user typed, even when `parse_int` refuses it, so the
    command answers with its usage rather than treating the word as a name.
    """
    return bool(text) and all(char.isnumeric() for char in text)
