"""Text handling of the fake Telegram Bot API: parse modes, lengths and command entities.

Telegram's Bot API server hands formatted text to TDLib, which turns markup into plain text
plus ``MessageEntity`` objects and rejects malformed markup with a ``400 Bad Request: can't
parse entities: ...`` error. This module follows TDLib's parsers closely (same accepted
syntax, same error wording, offsets in UTF-8 bytes for errors and UTF-16 code units for
entities), so that a bot which passes these checks is very unlikely to be rejected by the
real server.

One deliberate difference: with ``strict_ampersand=True`` (the fake's default) an ``&`` that
does not start a complete character reference (``&lt;``, ``&gt;``, ``&amp;``, ``&quot;``,
``&#NN;``, ``&#xHH;``) is rejected. TDLib keeps such an ampersand literally, and silently
decodes references without the final ``;`` (``&ltd`` becomes ``<d``); both only happen when a
bot forgot to escape user-provided text, which is exactly the bug end-to-end tests should
catch. Pass ``strict_ampersand=False`` for TDLib's lenient behaviour.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "EntityParseError",
    "bot_command_entities",
    "parse_text",
    "trim_formatted",
    "utf16_len",
]

Entity = dict[str, Any]

# TDLib's is_space(): the C string terminator counts as space, which is how running off the
# end of the text is detected; we model it with a sentinel.
_END = "\0"
_SPACES = frozenset(" \t\r\n\0\v\f")
# Characters TDLib strips from both ends of a message before sending it.
_TRIM = " \t\r\n\v\f"

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_SIMPLE_HTML_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_SPECIAL = re.compile(r"[<&]")
_MARKDOWN_V1_SPECIAL = re.compile(r"[_*`\[\\]")
_MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MARKDOWN_V2_ERROR_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")


class EntityParseError(ValueError):
    """Raised for markup Telegram cannot parse.

    ``str(error)`` is the part of Telegram's description after
    ``"Bad Request: can't parse entities: "``.
    """


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's limits and offsets.

    Args:
        text: Any string.

    Returns:
        The number of UTF-16 code units (characters outside the BMP count twice).
    """
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    # Only computed on the error path, so the O(n) encode does not slow down parsing.
    return len(text[:index].encode("utf-8"))


def parse_text(
    text: str, parse_mode: str | None, *, strict_ampersand: bool = True
) -> tuple[str, list[Entity]]:
    """Turns text with markup into what the recipient sees.

    Args:
        text: The ``text`` or ``caption`` parameter as the bot sent it.
        parse_mode: ``"HTML"``, ``"MarkdownV2"``, ``"Markdown"`` (any letter case) or
            ``None`` for plain text.
        strict_ampersand: Reject unescaped ``&`` in HTML (see the module docstring).

    Returns:
        The plain text and its entities (Bot API ``MessageEntity`` dicts), not yet trimmed.

    Raises:
        EntityParseError: The markup is invalid.
        ValueError: ``parse_mode`` is not one Telegram supports.
    """
    if parse_mode is None or parse_mode == "":
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text, strict_ampersand=strict_ampersand)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown_v1(text)
    raise ValueError(parse_mode)


def trim_formatted(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strips surrounding whitespace the way Telegram does before storing a message.

    Entities are shifted and clipped so they keep covering the same characters; entities left
    empty by the trim disappear.

    Args:
        text: Plain text as returned by :func:`parse_text`.
        entities: Its entities.

    Returns:
        The trimmed text and adjusted entities.
    """
    stripped = text.strip(_TRIM)
    if len(stripped) == len(text) or not entities:
        return stripped, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    total = utf16_len(stripped)
    adjusted: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            adjusted.append({**entity, "offset": start, "length": end - start})
    return stripped, adjusted


def bot_command_entities(text: str) -> list[Entity]:
    """Finds ``/command`` and ``/command@botname`` tokens as Telegram's clients mark them.

    Args:
        text: A user's message text.

    Returns:
        ``bot_command`` entities with UTF-16 offsets, in text order.
    """
    if "/" not in text:
        return []
    entities: list[Entity] = []
    for match in _BOT_COMMAND.finditer(text):
        entities.append(
            {
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
                "type": "bot_command",
            }
        )
    return entities


def _sort_entities(entities: list[Entity]) -> list[Entity]:
    # TDLib orders by offset, longer (outer) entities first.
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return entities


# --------------------------------------------------------------------------------------- HTML


def _decode_reference(text: str, pos: int, *, strict: bool) -> tuple[str, int] | None:
    """Decodes the character reference starting with the ``&`` at ``pos``.

    Returns:
        The character and the index after the reference, or ``None`` if TDLib would keep the
        ``&`` as a literal character.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and "0" <= text[end] <= "9":
                value = value * 10 + ord(text[end]) - 48
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_REFERENCES.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        return char, end + 1
    if strict:
        return None
    return char, end


def _parse_html(text: str, *, strict_ampersand: bool) -> tuple[str, list[Entity]]:
    if "<" not in text and "&" not in text:
        return text, []
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else _END

    out: list[str] = []
    out_utf16 = 0
    entities: list[Entity] = []
    # Open tags: (tag name, argument, UTF-16 offset, index into ``out`` where it began).
    stack: list[tuple[str, str, int, int]] = []
    i = 0
    while i < n:
        match = _HTML_SPECIAL.search(text, i)
        stop = match.start() if match else n
        if stop > i:
            chunk = text[i:stop]
            out.append(chunk)
            out_utf16 += utf16_len(chunk)
            i = stop
            if i >= n:
                break
        if text[i] == "&":
            decoded = _decode_reference(text, i, strict=strict_ampersand)
            if decoded is None:
                if strict_ampersand:
                    raise EntityParseError(
                        f'Unescaped "&" at byte offset {_byte_offset(text, i)}; '
                        "escape it as &amp; (fake API strict mode)"
                    )
                out.append("&")
                out_utf16 += 1
                i += 1
                continue
            char, i = decoded
            out.append(char)
            out_utf16 += utf16_len(char)
            continue

        begin = i
        i += 1
        if at(i) != "/":
            while at(i) not in _SPACES and at(i) != ">":
                i += 1
            if i >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            tag = text[begin + 1 : i].lower()
            if tag not in _HTML_TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                )
            argument = ""
            while at(i) != ">":
                while i < n and at(i) in _SPACES:
                    i += 1
                if at(i) == ">":
                    break
                name_begin = i
                while at(i) not in _SPACES and at(i) not in "=>":
                    i += 1
                attribute = text[name_begin:i]
                if not attribute:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset '
                        f"{_byte_offset(text, begin)}"
                    )
                while i < n and at(i) in _SPACES:
                    i += 1
                if at(i) != "=":
                    if tag == "blockquote" and attribute == "expandable":
                        argument = "expandable"
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {_byte_offset(text, begin)}'
                    )
                i += 1
                while i < n and at(i) in _SPACES:
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                    )
                value_chars: list[str] = []
                if at(i) not in "'\"":
                    token_begin = i
                    while at(i).isascii() and (at(i).isalnum() or at(i) in ".-"):
                        i += 1
                    value = text[token_begin:i].lower()
                    if at(i) not in _SPACES and at(i) != ">":
                        raise EntityParseError(
                            "Unexpected end of name token at byte offset "
                            f"{_byte_offset(text, token_begin)}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            decoded = _decode_reference(text, i, strict=strict_ampersand)
                            if decoded is not None:
                                value_chars.append(decoded[0])
                                i = decoded[1]
                                continue
                            if strict_ampersand:
                                raise EntityParseError(
                                    f'Unescaped "&" at byte offset {_byte_offset(text, i)}; '
                                    "escape it as &amp; (fake API strict mode)"
                                )
                        value_chars.append(text[i])
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(value_chars)
                if i >= n:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                    )
                if (tag == "a" and attribute == "href") or (
                    tag == "tg-emoji" and attribute == "emoji-id"
                ):
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    'Tag "span" must have class "tg-spoiler" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            stack.append((tag, argument, out_utf16, len(out)))
            i += 1
            continue

        # An end tag.
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        end_name = text[begin + 2 : i]
        while i < n and at(i) in _SPACES:
            i += 1
        if at(i) != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
        tag, argument, offset, out_index = stack.pop()
        if end_name and end_name != tag:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                f'expected "</{tag}>", found "</{end_name}>"'
            )
        i += 1
        length = out_utf16 - offset
        if length <= 0:
            continue
        entity: Entity = {"offset": offset, "length": length}
        if tag in _SIMPLE_HTML_ENTITY:
            entity["type"] = _SIMPLE_HTML_ENTITY[tag]
        elif tag == "a":
            url = argument or "".join(out[out_index:])
            entity["type"] = "text_link"
            entity["url"] = url
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            entity["type"] = "custom_emoji"
            entity["custom_emoji_id"] = argument
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if argument else "blockquote"
        elif tag == "code":
            previous = entities[-1] if entities else None
            if (
                argument
                and previous is not None
                and previous["type"] == "pre"
                and previous["offset"] == offset
                and previous["length"] == length
            ):
                # <code class="language-x"><pre>...</pre></code>: one pre block with a language.
                previous["language"] = argument
                continue
            entity["type"] = "code"
            if argument:
                # Kept until the enclosing </pre> (if any) claims it; dropped at the end.
                entity["language"] = argument
        else:  # pre
            previous = entities[-1] if entities else None
            if (
                previous is not None
                and previous["type"] == "code"
                and previous["offset"] == offset
                and previous["length"] == length
                and previous.get("language")
            ):
                # <pre><code class="language-x">...</code></pre>: the usual way to set a language.
                previous["type"] = "pre"
                continue
            entity["type"] = "pre"
        entities.append(entity)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return "".join(out), _sort_entities(entities)


# ----------------------------------------------------------------------------------- Markdown


def _utf16_char(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _skip_pre_language_and_newline(text: str, i: int) -> tuple[int, str]:
    """Handles what follows an opening ```: an optional language, then one line break."""
    n = len(text)
    language = ""
    language_end = i
    while language_end < n and text[language_end] not in _SPACES and text[language_end] != "`":
        language_end += 1
    if i != language_end and language_end < n and text[language_end] != "`":
        language = text[i:language_end]
        i = language_end
    if i < n and text[i] in "\r\n":
        if i + 1 < n and text[i + 1] in "\r\n" and text[i] != text[i + 1]:
            i += 2
        else:
            i += 1
    return i, language


def _parse_markdown_v1(text: str) -> tuple[str, list[Entity]]:
    if _MARKDOWN_V1_SPECIAL.search(text) is None:
        return text, []
    n = len(text)
    out: list[str] = []
    out_utf16 = 0
    entities: list[Entity] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            out_utf16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            out_utf16 += _utf16_char(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = False
        language = ""
        i += 1
        if c == "`" and text[i : i + 2] == "``":
            is_pre = True
            i, language = _skip_pre_language_and_newline(text, i + 2)
        offset = out_utf16
        while i < n and (text[i] != end_char or (is_pre and text[i + 1 : i + 3] != "``")):
            out.append(text[i])
            out_utf16 += _utf16_char(text[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        if out_utf16 != offset:
            entity: Entity = {"offset": offset, "length": out_utf16 - offset}
            if c == "_":
                entity["type"] = "italic"
            elif c == "*":
                entity["type"] = "bold"
            elif c == "[":
                if text[i + 1 : i + 2] == "(":
                    i += 2
                    url_begin = i
                    while i < n and text[i] != ")":
                        i += 1
                    url = text[url_begin:i]
                else:
                    url = text[begin + 1 : i]
                entity["type"] = "text_link"
                entity["url"] = url
            elif is_pre:
                entity["type"] = "pre"
                if language:
                    entity["language"] = language
            else:
                entity["type"] = "code"
            entities.append(entity)
        if is_pre:
            i += 2
        i += 1
    return "".join(out), _sort_entities(entities)


def _closes(kind: str, text: str, i: int) -> bool:
    c = text[i]
    following = text[i + 1 : i + 3]
    if kind == "bold":
        return c == "*"
    if kind == "italic":
        return c == "_" and following[:1] != "_"
    if kind == "code":
        return c == "`"
    if kind == "pre":
        return c == "`" and following == "``"
    if kind in ("text_link", "custom_emoji"):
        return c == "]"
    if kind == "underline":
        return c == "_" and following[:1] == "_"
    if kind == "strikethrough":
        return c == "~"
    return c == "|" and following[:1] == "|"  # spoiler


def _reserved_error(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    n = len(text)
    out: list[str] = []
    out_utf16 = 0
    entities: list[Entity] = []
    # Open entities: (type, argument, UTF-16 offset, index in text, index into ``out``).
    stack: list[tuple[str, str, int, int, int]] = []
    quote_start: int | None = None
    i = 0
    while i < n:
        c = text[i]
        in_code = bool(stack) and stack[-1][0] in ("code", "pre")
        if not in_code and (i == 0 or text[i - 1] == "\n"):
            if c == ">":
                if quote_start is None:
                    quote_start = out_utf16
                i += 1
                continue
            if quote_start is not None:
                # The quote ended on the previous line; its final line break is not quoted.
                end = out_utf16 - (1 if out and out[-1] == "\n" else 0)
                if end > quote_start:
                    entities.append(
                        {"offset": quote_start, "length": end - quote_start, "type": "blockquote"}
                    )
                quote_start = None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            out_utf16 += 1
            i += 2
            continue
        if c not in ("`" if in_code else _MARKDOWN_V2_RESERVED):
            out.append(c)
            out_utf16 += _utf16_char(c)
            i += 1
            continue

        if not (stack and _closes(stack[-1][0], text, i)):
            kind: str
            argument = ""
            begin = i
            if c == "_":
                if text[i + 1 : i + 2] == "_":
                    kind = "underline"
                    i += 1
                else:
                    kind = "italic"
            elif c == "*":
                kind = "bold"
            elif c == "~":
                kind = "strikethrough"
            elif c == "|":
                if text[i + 1 : i + 2] != "|":
                    raise _reserved_error(c)
                kind = "spoiler"
                i += 1
            elif c == "[":
                kind = "text_link"
            elif c == "`":
                if text[i + 1 : i + 3] == "``":
                    kind = "pre"
                    i, argument = _skip_pre_language_and_newline(text, i + 3)
                    i -= 1
                else:
                    kind = "code"
            elif c == "!" and text[i + 1 : i + 2] == "[":
                kind = "custom_emoji"
                i += 1
            else:
                raise _reserved_error(c)
            stack.append((kind, argument, out_utf16, begin, len(out)))
            i += 1
            continue

        kind, argument, offset, _, out_index = stack.pop()
        skip = out_utf16 == offset
        extra: Entity = {}
        if kind in ("underline", "spoiler"):
            i += 1
        elif kind == "pre":
            i += 2
            if argument:
                extra["language"] = argument
        elif kind in ("text_link", "custom_emoji"):
            if text[i + 1 : i + 2] != "(":
                if kind == "custom_emoji":
                    raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                url = "".join(out[out_index:])
            else:
                i += 2
                url_begin = i
                url_chars: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                        url_chars.append(text[i + 1])
                        i += 2
                        continue
                    url_chars.append(text[i])
                    i += 1
                if i >= n:
                    what = "a custom emoji URL" if kind == "custom_emoji" else "a URL"
                    raise EntityParseError(
                        f"Can't find end of {what} at byte offset {_byte_offset(text, url_begin)}"
                    )
                url = "".join(url_chars)
            if kind == "custom_emoji":
                emoji_id = url.removeprefix("tg://emoji?id=")
                if emoji_id == url or not emoji_id.isdigit():
                    raise EntityParseError("Invalid custom emoji identifier specified")
                extra["custom_emoji_id"] = emoji_id
            else:
                extra["url"] = url
        if not skip:
            entities.append({"offset": offset, "length": out_utf16 - offset, "type": kind, **extra})
        i += 1
    if stack:
        kind, _, _, begin, _ = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MARKDOWN_V2_ERROR_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, begin)}"
        )
    if quote_start is not None and out_utf16 > quote_start:
        entities.append(
            {"offset": quote_start, "length": out_utf16 - quote_start, "type": "blockquote"}
        )
    return "".join(out), _sort_entities(entities)
