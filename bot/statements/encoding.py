"""Decode a feed or page body to text, whatever its encoding claims.

Order of evidence: a byte-order mark; then the declared charset (HTTP
Content-Type first, then the XML declaration or an HTML `<meta charset>`); then
UTF-8; then a guess between the Cyrillic legacy encodings. Two real-world lies
are corrected:
- a single-byte charset declared (often windows-1251) while the bytes are valid
  UTF-8 with non-ASCII text: UTF-8 wins, since legacy Cyrillic text is almost
  never valid UTF-8 by accident;
- no charset and invalid UTF-8: Russian feeds still served as windows-1251 (or,
  rarely, KOI8-R). Both put Cyrillic letters at 0xC0-0xFF, so Cyrillic words
  are runs of such bytes, while accented Latin text (windows-1252) has them
  one at a time between ASCII letters. Lower-case letters, by far the commonest
  in text, sit at 0xE0-0xFF in windows-1251 and at 0xC0-0xDF in KOI8-R, which
  tells those two apart.
Each correction is reported as a note so the source's health shows it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_XML_DECLARATION_RE = re.compile(
    rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE
)
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_CONTENT_TYPE_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MULTI_BYTE = frozenset(
    {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
)
# Declarations are looked for in the head of the document only.
_SNIFF_BYTES = 4096
# Share of high bytes that must sit in runs of letters to guess a Cyrillic encoding.
_CYRILLIC_SHARE = 0.7
_LETTER_RUN_RE = re.compile(rb"[\xc0-\xff]{2,}")


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded body.

    Attributes:
        text: the body as text, without a byte-order mark.
        encoding: the codec used (Python's canonical name, e.g. "cp1251").
        note: why the encoding differs from what was declared, or was guessed;
            None when the declaration (or plain UTF-8) simply held.
    """

    text: str
    encoding: str
    note: str | None = None


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "replace")
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def _declared(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """(codec, where it was declared) in order of authority."""
    found: list[tuple[str, str]] = []
    if content_type and (match := _CONTENT_TYPE_CHARSET_RE.search(content_type)):
        codec = _codec(match.group(1))
        if codec:
            found.append((codec, "Content-Type"))
    head = body[:_SNIFF_BYTES]
    in_document = _XML_DECLARATION_RE.match(head) or _META_CHARSET_RE.search(head)
    if in_document and (codec := _codec(in_document.group(1))):
        found.append((codec, "the document"))
    return found


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _count(body: bytes, low: int, high: int) -> int:
    """How many bytes of `body` lie in [low, high)."""
    return len(body) - len(body.translate(None, bytes(range(low, high))))


def _guess_legacy(body: bytes) -> tuple[str, str]:
    """Decode bytes that are not UTF-8: a Cyrillic legacy encoding, else windows-1252."""
    high = _count(body, 0x80, 0x100)
    # Cyrillic words are runs of high letter bytes; accented Latin ("Café") has them alone.
    in_runs = sum(len(run) for run in _LETTER_RUN_RE.findall(body))
    if high and in_runs / high >= _CYRILLIC_SHARE:
        upper_half = _count(body, 0xE0, 0x100)
        lower_half = _count(body, 0xC0, 0xE0)
        codec = "cp1251" if upper_half >= lower_half else "koi8_r"
    else:
        codec = "cp1252"
    return body.decode(codec, errors="replace"), codec


def decode_body(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a feed or an HTML page.

    Args:
        body: the raw bytes as received.
        content_type: the HTTP Content-Type header, if any.

    Returns:
        The text and how it was decoded; never raises (undecodable bytes
        become U+FFFD).
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(codec, errors="replace"), codec)
    # UTF-16 without a byte-order mark still starts with "<" and a zero byte.
    if body.startswith(b"<\x00") or body.startswith(b"\x00<"):
        codec = "utf-16-le" if body[0] == 0x3C else "utf-16-be"
        return Decoded(body.decode(codec, errors="replace"), codec, "UTF-16 without a BOM")
    as_utf8 = _utf8(body)
    declared = _declared(body, content_type)
    for codec, where in declared:
        if codec == "utf-8":
            if as_utf8 is not None:
                return Decoded(as_utf8, codec)
            continue
        if codec not in _MULTI_BYTE and as_utf8 is not None and not body.isascii():
            return Decoded(as_utf8, "utf-8", f"{where} declares {codec}, but the body is UTF-8")
        try:
            return Decoded(body.decode(codec), codec)
        except UnicodeDecodeError:
            continue
    if as_utf8 is not None:
        return Decoded(as_utf8, "utf-8")
    text, codec = _guess_legacy(body)
    if declared:
        claimed = ", ".join(f"{name} from {where}" for name, where in declared)
        return Decoded(text, codec, f"the declared {claimed} does not decode; guessed {codec}")
    return Decoded(text, codec, f"no charset declared and not UTF-8; guessed {codec}")
