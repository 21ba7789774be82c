"""Built-in meeting words in English, Russian and Azerbaijani.

Each keyword is a concept ("meeting", "talks", "summit", "visit", "call") with
phrases per language in their dictionary form; the matcher expands them: Russian
through pymorphy3 paradigms ("встреча" → "встречи", "встрече", ...; "встретиться"
→ "встретились", ...), Azerbaijani through generated endings ("görüş" →
"görüşü", "görüşündə", ...), English through regular plurals. Irregular English
forms and Azerbaijani verb forms are listed explicitly, since only nouns are
generated.
"""

from __future__ import annotations

from bot.statements.terms import WatchTerm, keyword

MEETING_WORDS: tuple[WatchTerm, ...] = (
    keyword(
        "meeting",
        {
            "en": ["meeting", "meet", "met", "meets with"],
            "ru": ["встреча", "встретиться", "встречаться"],
            "az": [
                "görüş",
                "görüşmə",
                "görüşmək",
                "görüşüb",
                "görüşdü",
                "görüşdülər",
                "görüşüblər",
                "görüşəcək",
                "görüşəcəklər",
                "görüşəcəyi",
                "görüşür",
                "görüşürlər",
            ],
        },
    ),
    keyword(
        "talks",
        {
            "en": [
                "talks",
                "negotiations",
                "negotiation",
                "negotiate",
                "negotiated",
                "negotiating",
            ],
            "ru": ["переговоры", "беседа"],
            "az": ["danışıqlar", "danışıq"],
        },
    ),
    keyword(
        "summit",
        {
            "en": ["summit", "summitry"],
            "ru": ["саммит"],
            "az": ["sammit", "zirvə görüşü"],
        },
    ),
    keyword(
        "visit",
        {
            "en": ["visit", "visited", "visiting"],
            "ru": ["визит", "посетить", "посещение"],
            "az": ["səfər", "ziyarət"],
        },
    ),
    keyword(
        "call",
        {
            "en": ["telephone conversation", "phone call", "telephone call", "phone conversation"],
            "ru": ["телефонный разговор", "разговор по телефону", "созвониться"],
            "az": ["telefon danışığı", "telefonla danışıb", "telefonla danışdı", "telefon söhbəti"],
        },
    ),
)
