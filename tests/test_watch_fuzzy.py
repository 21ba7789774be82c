"""Fuzzy multilingual lookup of names typed in commands."""

from __future__ import annotations

import difflib
import random

import pytest

from bot.kernel.textfold import skeleton
from bot.watch.fleet_seed import load_shipped, parse_all
from bot.watch.fuzzy import MAX_ENDING, MIN_PREFIX, Candidate, FuzzyMatch, NameIndex, find
from bot.watch.seed import load_people

PEOPLE = [
    Candidate("witkoff", ("Steve Witkoff", "Witkoff", "Стив Уиткофф", "Уиткофф", "Stiv Uitkoff")),
    Candidate("putin", ("Vladimir Putin", "Putin", "Владимир Путин", "Путин", "Vladimir Putin")),
    Candidate("aliyev", ("Ilham Aliyev", "Ильхам Алиев", "İlham Əliyev", "Əliyev")),
]


@pytest.mark.parametrize(
    ("query", "expected", "how"),
    [
        ("witkoff", ("witkoff",), "exact"),
        ("WITKOFF", ("witkoff",), "exact"),
        ("Уиткофф", ("witkoff",), "exact"),
        ("Уиткоффа", ("witkoff",), "prefix"),  # Russian genitive
        ("Uitkoffla", ("witkoff",), "prefix"),  # Azerbaijani instrumental
        ("witkof", ("witkoff",), "prefix"),  # typed-out start
        ("Witkopf", ("witkoff",), "close"),  # typo
        ("ILHAM ALIYEV", ("aliyev",), "exact"),  # dotted/dotless I and ə merged
        ("Əliyevlə", ("aliyev",), "prefix"),
        ("Алиевым", ("aliyev",), "prefix"),
        ("Путиным", ("putin",), "prefix"),
        ("Macron", (), "none"),
        ("Pu", (), "none"),  # too short to be a prefix of anything
        ("", (), "none"),
    ],
)
def test_find(query: str, expected: tuple[str, ...], how: str) -> None:
    match = find(query, PEOPLE)
    assert (match.keys, match.how) == (expected, how)


def test_ambiguous_queries_return_every_candidate() -> None:
    candidates = [Candidate("a", ("Alpha One",)), Candidate("b", ("Alpha Two",))]
    assert find("alpha", candidates).keys == ("a", "b")


@pytest.mark.parametrize(("query", "key"), [("Lech Walesa", "walesa"), ("Tromso", "tromso")])
def test_letters_without_a_decomposition_are_typed_plain(query: str, key: str) -> None:
    # "ł" and "ø" have no Unicode decomposition: the shared skeleton maps them itself.
    candidates = [Candidate("walesa", ("Lech Wałęsa",)), Candidate("tromso", ("Tromsø",))]
    match = find(query, candidates)
    assert (match.keys, match.how) == ((key,), "exact")


def _find_reading_every_name(query: str, index: dict[str, set[str]], cutoff: float) -> FuzzyMatch:
    """`find` as it was before NameIndex: every name read by each step."""
    wanted = skeleton(query)
    if not wanted:
        return FuzzyMatch((), "none")
    if index.get(wanted):
        return FuzzyMatch(tuple(sorted(index[wanted])), "exact")

    def inflected(query: str, name: str) -> bool:
        if query.startswith(name):
            return len(query) - len(name) <= MAX_ENDING
        return len(query) >= MIN_PREFIX + 1 and name.startswith(query)

    prefixed: set[str] = set()
    for name, keys in index.items():
        if len(wanted.split()) == 1:
            pairs = [(wanted, word) for word in name.split()]
        else:
            same = len(wanted.split()) == len(name.split())
            pairs = [(wanted, name)] if same else []
        if any(len(n) >= MIN_PREFIX and inflected(q, n) for q, n in pairs):
            prefixed |= keys
    if prefixed:
        return FuzzyMatch(tuple(sorted(prefixed)), "prefix")
    close = difflib.get_close_matches(wanted, list(index), n=3, cutoff=cutoff)
    found = sorted({key for name in close for key in index[name]})
    return FuzzyMatch(tuple(found), "close" if found else "none")


def _typos(text: str, rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz0123456789- уиткофпл"
    chars = list(text)
    for _ in range(rng.randint(0, 3)):
        where = rng.randrange(len(chars) + 1)
        change = rng.choice(("drop", "swap", "add", "ending", "cut"))
        if change == "drop" and where < len(chars):
            del chars[where]
        elif change == "swap" and where < len(chars):
            chars[where] = rng.choice(letters)
        elif change == "add":
            chars.insert(where, rng.choice(letters))
        elif change == "ending":
            chars.extend(rng.choice(("a", "ым", "lə", "ovich", "da", "skiyev")))
        elif change == "cut" and len(chars) > 3:
            chars = chars[: rng.randint(3, len(chars))]
    return "".join(chars)


@pytest.mark.parametrize("cutoff", [0.6, 0.8])
def test_the_index_finds_what_reading_every_name_finds(cutoff: float) -> None:
    """The shipped watchlist and fleet (about 2,000 registrations), misspelt at random and
    at random: the same keys, found the same way, as when every name was compared."""
    people = [
        Candidate(p.slug, (*p.names.values(), *(a for v in p.aliases.values() for a in v)))
        for p in load_people()
    ]
    fleet = [
        Candidate(f"a:{e.hex}", (e.registration,))
        for e in parse_all(load_shipped().data, "fleet.csv")
        if e.registration
    ]
    candidates = people + fleet
    index = NameIndex(candidates)
    every_name: dict[str, set[str]] = {}
    for candidate in candidates:
        for name in (candidate.key, *candidate.names):
            every_name.setdefault(skeleton(name), set()).add(candidate.key)
    rng = random.Random(13)
    names = [name for c in candidates for name in c.names]
    queries = [_typos(rng.choice(names), rng) for _ in range(400)]
    queries += ["".join(rng.choices("abcxyz0123 -", k=rng.randint(1, 12))) for _ in range(100)]
    queries += ["xyzzy", "Witkopf", "Путинн", "zz-b00", "4k-ai0", "steve witkof", "ra 9604"]
    hows: dict[str, int] = {}
    for query in queries:
        expected = _find_reading_every_name(query, every_name, cutoff)
        assert index.find(query, cutoff=cutoff) == expected, query
        hows[expected.how] = hows.get(expected.how, 0) + 1
    assert min(hows.get(how, 0) for how in ("exact", "prefix", "close", "none")) >= 10, hows
