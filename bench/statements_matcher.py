"""Matcher throughput: 10,000 synthetic items in en/ru/az against 200 watched names.

Run: `.venv/bin/python -m bench.statements_matcher` (options: --items, --runs, --seed).

Everything is synthetic and seeded: names are built from syllables and spelt in
each language (Russian surnames in -ов so they inflect, Azerbaijani with ə/ı/ş),
texts mix a Zipf-distributed vocabulary of ~5,000 pseudo-words per language with
function words, inflected watched names (Russian cases, Azerbaijani endings,
English possessives, all inflected by the script itself) and meeting words;
about a third of the items name a watched person or place, and the script
checks afterwards (untimed) that the matcher found the names it put in.

The figure is items per second through `Matcher.match` (title and summary),
median of several passes over the same long-lived matcher, plus the first
(cold-cache) pass and the build time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass

from bot.statements.azerbaijani import BACK_VOWELS, FOUR_WAY, VOWELS
from bot.statements.matcher import Matcher
from bot.statements.terms import WatchTerm, person, place

# (English, Russian, Azerbaijani) spellings of syllables.
_SYLLABLES = [
    ("ka", "ка", "ka"),
    ("lo", "ло", "lo"),
    ("ven", "вен", "vən"),
    ("mir", "мир", "mir"),
    ("tor", "тор", "tor"),
    ("san", "сан", "san"),
    ("del", "дел", "dəl"),
    ("ra", "ра", "ra"),
    ("shi", "ши", "şi"),
    ("bek", "бек", "bək"),
    ("nu", "ну", "nu"),
    ("gar", "гар", "qar"),
    ("vi", "ви", "vi"),
    ("zol", "зол", "zol"),
    ("ten", "тен", "tən"),
    ("dor", "дор", "dor"),
    ("mak", "мак", "mak"),
    ("lin", "лин", "lin"),
    ("sur", "сур", "sur"),
    ("pe", "пе", "pe"),
]
_FUNCTION_WORDS = {
    "en": ["the", "of", "in", "and", "with", "on", "for", "to", "a", "at", "by", "said"],
    "ru": ["в", "и", "на", "с", "по", "о", "для", "что", "не", "к", "заявил", "также"],
    "az": ["və", "ilə", "üçün", "bu", "bir", "da", "də", "ki", "olub", "edib", "bildirib"],
}
_MEETING = {
    "en": ["meeting", "talks", "summit", "visit", "met", "negotiations"],
    "ru": ["встреча", "переговоры", "саммит", "визит", "встретился", "переговорах", "встрече"],
    "az": ["görüş", "danışıqlar", "sammit", "səfər", "görüşüb", "səfəri", "görüşündə"],
}
_LETTERS = {
    "en": "abcdefghiklmnoprstuvy",
    "ru": "абвгдеиклмнопрстуфхцчшыэюя",
    "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
}


@dataclass(frozen=True)
class _Name:
    slug: str
    en: str
    ru: str
    az: str


def _names(rng: random.Random, count: int) -> list[_Name]:
    names: list[_Name] = []
    seen: set[str] = set()
    while len(names) < count:
        parts = [rng.sample(_SYLLABLES, k=rng.choice((2, 3))) for _ in range(2)]
        first = ["".join(s[i] for s in parts[0]) for i in range(3)]
        last = ["".join(s[i] for s in parts[1]) for i in range(3)]
        # Russian-style surnames in -ов/-ov/-ov inflect like real ones ("Каловым").
        last = [last[0] + "ov", last[1] + "ов", last[2] + "ov"]
        if last[0] in seen:
            continue
        seen.add(last[0])
        en, ru, az = (
            f"{f.capitalize()} {s.capitalize()}" for f, s in zip(first, last, strict=True)
        )
        names.append(_Name(f"p{len(names)}", en, ru, az))
    return names


def watch_list(rng: random.Random, people: int = 150, places: int = 50) -> list[WatchTerm]:
    """200 watched names: people (full name + surname alias) and one-word places."""
    terms: list[WatchTerm] = []
    for name in _names(rng, people):
        aliases = {
            lang: [full.split()[-1]]
            for lang, full in (("en", name.en), ("ru", name.ru), ("az", name.az))
        }
        terms.append(person(name.slug, {"en": name.en, "ru": name.ru, "az": name.az}, aliases))
    seen: set[str] = set()
    while len(seen) < places:
        parts = rng.sample(_SYLLABLES, k=3)
        en, ru, az = ("".join(s[i] for s in parts).capitalize() for i in range(3))
        if en in seen:
            continue
        seen.add(en)
        terms.append(place(f"c{len(seen)}", {"en": en, "ru": ru, "az": az}))
    return terms


def _vocabulary(rng: random.Random, language: str, size: int) -> list[str]:
    letters = _LETTERS[language]
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 11))) for _ in range(size)]


def _inflect(surface: str, language: str, rng: random.Random) -> str:
    """A watched name as a headline would write it (inflected by hand, not by the matcher).

    Only the vowel-harmony table comes from `bot.statements.azerbaijani`: it is a fact
    of the language; the endings themselves are chosen here.
    """
    words = surface.split()
    if language == "ru":
        ending = rng.choice(["", "а", "у", "ым", "е"])
        if words[-1].endswith("ов"):
            words[-1] += ending
            if len(words) == 2 and words[0][-1] not in "аеиоуыэюя" and ending:
                words[0] += {"ым": "ом"}.get(ending, ending)
        elif words[-1][-1] not in "аеиоуыэюя":
            words[-1] += {"ым": "ом"}.get(ending, ending)
        return " ".join(words)
    if language == "az":
        vowel = next((c for c in reversed(words[-1].lower()) if c in VOWELS), "a")
        a = "a" if vowel in BACK_VOWELS else "ə"
        i = FOUR_WAY[vowel]
        after_vowel = words[-1][-1] in VOWELS
        words[-1] += rng.choice(
            [
                "",
                f"d{a}",
                f"d{a}n",
                ("n" if after_vowel else "") + f"{i}n",
                ("y" if after_vowel else "") + f"l{a}",
            ]
        )
        return " ".join(words)
    return surface + rng.choice(["", "", "'s"])


def items(
    rng: random.Random, terms: list[WatchTerm], count: int
) -> list[tuple[str, str, str, frozenset[str]]]:
    """(title, summary, language, keys of the names put in) for each item."""
    vocab = {lang: _vocabulary(rng, lang, 5000) for lang in ("en", "ru", "az")}
    weights = [1 / (rank + 1) for rank in range(5000)]  # Zipf-like word frequencies
    spellings = {
        lang: [(t.key, p) for t in terms for (tl, p) in t.phrases if tl == lang] for lang in vocab
    }
    result: list[tuple[str, str, str, frozenset[str]]] = []
    for number in range(count):
        language = ("en", "ru", "az")[number % 3]
        put_in: set[str] = set()

        def text(words: int, language: str = language, put_in: set[str] = put_in) -> str:
            picked = rng.choices(vocab[language], weights=weights, k=words)
            out = [
                rng.choice(_FUNCTION_WORDS[language]) if rng.random() < 0.3 else word
                for word in picked
            ]
            if rng.random() < 0.2:
                key, phrase = rng.choice(spellings[language])
                put_in.add(key)
                out.insert(rng.randrange(len(out)), _inflect(phrase, language, rng))
            if rng.random() < 0.2:
                out.insert(rng.randrange(len(out)), rng.choice(_MEETING[language]))
            out[0] = out[0][:1].upper() + out[0][1:]
            return " ".join(out) + "."

        title, summary = text(rng.randint(8, 14)), text(rng.randint(20, 40))
        result.append((title, summary, language, frozenset(put_in)))
    return result


def main() -> None:
    """Build the matcher, then time passes over the items."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260711)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    terms = watch_list(rng)
    corpus = items(rng, terms, args.items)
    words = sum(len(t.split()) + len(s.split()) for t, s, _, _ in corpus)

    started = time.perf_counter()
    matcher = Matcher(terms)
    build = time.perf_counter() - started

    rates: list[float] = []
    cold = 0.0
    for run in range(args.runs + 1):
        started = time.perf_counter()
        for title, summary, language, _ in corpus:
            matcher.match(title, summary, language)
        elapsed = time.perf_counter() - started
        if run == 0:
            cold = args.items / elapsed
        else:
            rates.append(args.items / elapsed)

    # Not timed: what was found, so the figure is known to measure real matching.
    put_in = found = named = 0
    for title, summary, language, keys in corpus:
        result = matcher.match(title, summary, language)
        got = {hit.key for hit in result.people + result.places}
        put_in += len(keys)
        found += len(keys & got)
        named += bool(got)

    print(f"watched names: {len(terms)} (+ built-in meeting words), build {build * 1000:.0f} ms")
    print(f"items: {args.items} in en/ru/az, {words / args.items:.0f} words each on average")
    print(f"items naming a watched person or place: {100 * named / args.items:.0f}%")
    print(f"inflected names put in and found: {found}/{put_in}")
    print(f"first pass (cold caches): {cold:,.0f} items/s")
    print(f"median of {args.runs} passes: {statistics.median(rates):,.0f} items/s")
    print(f"min / max: {min(rates):,.0f} / {max(rates):,.0f} items/s")


if __name__ == "__main__":
    main()
