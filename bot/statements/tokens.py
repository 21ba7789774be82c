"""Tokenising feed text for matching in English, Russian and Azerbaijani.

Folding itself (the language's own I/ı rules, ё, one apostrophe, one hyphen) is
`bot.kernel.textfold.fold`, shared with the other features. Matching works token by token:
the tokenizer runs on the original text, so hit positions and surface forms always
refer to what the source published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word: letters/digits with any combining marks (decomposed input keeps its
# accents inside the token); words joined by a hyphen or an apostrophe stay one
# token, so "Абу-Даби", "Witkoff's" and "Witkoff'un" are single tokens.
_WORD = r"[^\W_][\w\u0300-\u036f]*"
_JOIN = r"[-\u2010\u2011'’ʼ‘`]"
TOKEN_RE = re.compile(rf"{_WORD}(?:{_JOIN}{_WORD})*")
_HYPHEN_RE = re.compile(r"[-\u2010\u2011]")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the input, with its place in the original string.

    Attributes:
        text: the surface form exactly as in the input.
        start: offset of the first character in the input.
        end: offset just past the last character.
    """

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split text into word tokens; hyphenated and apostrophe forms stay whole.

    Args:
        text: a headline or a summary, as published.

    Returns:
        The tokens in order; punctuation and spaces are dropped.
    """
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def hyphen_parts(token: Token) -> list[Token]:
    """The hyphen-separated parts of a token ("Трамп-Путин" → "Трамп", "Путин").

    Args:
        token: a token from `tokenize`.

    Returns:
        One token per part, positions in the original input; `[token]` when
        there is no hyphen.
    """
    if not _HYPHEN_RE.search(token.text):
        return [token]
    parts: list[Token] = []
    offset = 0
    for piece in _HYPHEN_RE.split(token.text):
        if piece:
            start = token.start + offset
            parts.append(Token(piece, start, start + len(piece)))
        offset += len(piece) + 1
    return parts


def split_apostrophe(word: str) -> tuple[str, str] | None:
    """Split a folded word at its first apostrophe: ("witkoff", "un").

    Args:
        word: a folded token (apostrophes already unified to "'").

    Returns:
        (stem, suffix), or None when there is no apostrophe.
    """
    stem, sep, suffix = word.partition("'")
    if not sep or not stem or not suffix:
        return None
    return stem, suffix


def is_capitalised(surface: str) -> bool:
    """Whether a word starts with a capital letter, as proper names do."""
    return surface[:1].isupper()


def is_cyrillic(word: str) -> bool:
    """Whether a word is written in Cyrillic (judged by its first letter)."""
    return "\u0400" <= word[:1] <= "\u04ff"
