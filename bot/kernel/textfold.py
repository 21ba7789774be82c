"""Folding text for matching names in English, Russian and Azerbaijani.

Two keys, for every feature that matches what people type or publish:

- `fold`: case folding with the language's own rules. Python's own lower-casing is
  wrong for Azerbaijani (and Turkish): the dotted and dotless i are different letters,
  so "BAKI" must fold to "bakı" and "İlham" to "ilham", while `str.lower` gives "baki"
  and "i̇lham" (with a combining dot). Everything else (compatibility forms, ё, curly
  apostrophes, the Unicode hyphens) is folded the same way for all languages so a term
  and a text always meet in one spelling.
- `skeleton`: a looser key for names typed without the right keyboard: also no
  diacritics, ı/ə/ø/đ/ł as plain letters, and words separated by single spaces
  ("Əbu-Dabi" → "ebu dabi"). Callers that ignore word boundaries drop the spaces.

Pure and without I/O; it lives outside the feature packages so that watch, statements
and venues share it without importing each other.
"""

from __future__ import annotations

import unicodedata

TURKIC_LANGUAGES = frozenset({"az", "tr"})

# One apostrophe and one hyphen: sources mix ’ ʼ ` and U+2010/U+2011 freely.
_CHAR_FOLDS = str.maketrans(
    {
        "ё": "е",
        "Ё": "е",
        "’": "'",
        "ʼ": "'",
        "‘": "'",
        "`": "'",
        "′": "'",
        "\u2010": "-",
        "\u2011": "-",
        # "ǝ" (turned e) is a common stand-in for the schwa "ə" in Azerbaijani typing.
        "ǝ": "ə",
        "Ǝ": "ə",
    }
)
_TURKIC_UPPER = str.maketrans({"I": "ı", "İ": "i"})
# Outside Turkic text a dotted capital İ is still an i (as in "İlham" quoted in English).
_OTHER_UPPER = str.maketrans({"İ": "i"})
# Letters with no Unicode decomposition that people replace when typing without the
# right keyboard: "Baki" for "Bakı", "Ebu-Dabi" for "Əbu-Dabi", "Lodz" for "Łódź".
_LOOSE = str.maketrans({"ı": "i", "ə": "e", "ø": "o", "đ": "d", "ł": "l"})


def fold(text: str, language: str | None = None) -> str:
    """Fold a word or a phrase for matching.

    Args:
        text: any text; usually one token or one name.
        language: the text's language code ("az", "ru", "en", ...); Turkic
            languages get their own I/İ/ı/i rules.

    Returns:
        NFKC-normalised, case-folded text with ё→е, one apostrophe and one hyphen.
    """
    # The statement matcher folds every token of every feed item: skip NFKC for ASCII.
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if language in TURKIC_LANGUAGES:
        text = text.translate(_TURKIC_UPPER).casefold()
        # A decomposed "i̇" (i + combining dot above) is just i.
        if "\u0307" in text:
            text = text.replace("i\u0307", "i")
    else:
        text = text.translate(_OTHER_UPPER).casefold()
    return text.translate(_CHAR_FOLDS)


def skeleton(text: str) -> str:
    """A spelling- and script-detail-insensitive key: "İlham  Əliyev!" → "ilham eliyev".

    Args:
        text: a name as typed or as stored, in any of our languages.

    Returns:
        The folded text without diacritics, ı/ə/ø/đ/ł as i/e/o/d/l, and only letters
        and digits, its words separated by single spaces.
    """
    decomposed = unicodedata.normalize("NFKD", fold(text).translate(_LOOSE))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in kept).split())
