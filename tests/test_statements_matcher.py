"""The multilingual matcher on headline-shaped sentences in en, ru and az.

Sentences are written for these tests in the style of official headlines; none
is quoted from a source.
"""

from __future__ import annotations

import pytest

from bot.statements.items import FeedItem
from bot.statements.matcher import Hit, Matcher, MatchResult
from bot.statements.terms import TermKind, WatchTerm, keyword, person, place

WATCHED: tuple[WatchTerm, ...] = (
    person(
        "steve-witkoff",
        {"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"},
        {"en": ["Witkoff"], "ru": ["Уиткофф"], "az": ["Uitkoff", "Witkoff"]},
    ),
    person(
        "vladimir-putin",
        {"en": "Vladimir Putin", "ru": "Владимир Путин", "az": "Vladimir Putin"},
        {"en": ["Putin"], "ru": ["Путин"], "az": ["Putin"]},
    ),
    person(
        "ilham-aliyev",
        {"en": "Ilham Aliyev", "ru": "Ильхам Алиев", "az": "İlham Əliyev"},
        {"en": ["Aliyev"], "ru": ["Алиев"], "az": ["Əliyev"]},
    ),
    person(
        "donald-trump",
        {"en": "Donald Trump", "ru": "Дональд Трамп", "az": "Donald Tramp"},
        {"en": ["Trump"], "ru": ["Трамп"], "az": ["Tramp"]},
    ),
    person(
        "maria-zakharova", {"en": "Maria Zakharova", "ru": "Мария Захарова"}, {"ru": ["Захарова"]}
    ),
    # Surnames pymorphy3 misreads (as genitive plurals of "Байрам", "пашинянин").
    person(
        "jeyhun-bayramov",
        {"en": "Jeyhun Bayramov", "ru": "Джейхун Байрамов", "az": "Ceyhun Bayramov"},
        {"en": ["Bayramov"], "ru": ["Байрамов"], "az": ["Bayramov"]},
    ),
    person(
        "nikol-pashinyan",
        {"en": "Nikol Pashinyan", "ru": "Никол Пашинян", "az": "Nikol Paşinyan"},
        {"en": ["Pashinyan"], "ru": ["Пашинян"], "az": ["Paşinyan"]},
    ),
    place("baku", {"en": "Baku", "ru": "Баку", "az": "Bakı"}),
    place("moscow", {"en": "Moscow", "ru": "Москва", "az": "Moskva"}),
    place("geneva", {"en": "Geneva", "ru": "Женева", "az": "Cenevrə"}),
    place("abu-dhabi", {"en": "Abu Dhabi", "ru": "Абу-Даби", "az": "Əbu-Dabi"}),
    place("new-york", {"en": "New York", "ru": "Нью-Йорк", "az": "Nyu-York"}),
    place("white-house", {"en": "White House", "ru": "Белый дом", "az": "Ağ Ev"}),
    place(
        "baku-congress-center",
        {
            "en": "Baku Congress Center",
            "ru": "Бакинский конгресс-центр",
            "az": "Bakı Konqres Mərkəzi",
        },
    ),
    place("usa", {"en": ["United States", "USA"], "ru": ["США"], "az": ["ABŞ"]}),
    place("gabala", {"en": "Gabala", "ru": "Габала", "az": "Qəbələ"}),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(WATCHED)


def keys(hits: tuple[Hit, ...]) -> list[str]:
    return [hit.key for hit in hits]


def surfaces(result: MatchResult) -> dict[str, str]:
    return {hit.key: hit.matched_text for hit in result.hits}


# (language, headline, people, places, meeting words), in order of appearance.
CASES = [
    # Russian: inflected surnames, first name + surname, indeclinable Баку.
    (
        "ru",
        "Путин провёл переговоры со Стивом Уиткоффом в Кремле",
        ["vladimir-putin", "steve-witkoff"],
        [],
        ["talks"],
    ),
    ("ru", "Уиткоффа приняли в Баку", ["steve-witkoff"], ["baku"], []),
    ("ru", "Уиткофф прибыл в Москву", ["steve-witkoff"], ["moscow"], []),
    ("ru", "Алиевым и Путиным подписано заявление", ["ilham-aliyev", "vladimir-putin"], [], []),
    (
        "ru",
        "Телефонный разговор с Президентом Азербайджана Ильхамом Алиевым",
        ["ilham-aliyev"],
        [],
        ["call"],
    ),
    (
        "ru",
        "Встреча Трампа и Путина пройдёт в Абу-Даби",
        ["donald-trump", "vladimir-putin"],
        ["abu-dhabi"],
        ["meeting"],
    ),
    ("ru", "Лидеры встретились в Женеве", [], ["geneva"], ["meeting"]),
    ("ru", "Переговоры в Нью-Йорке завершились", [], ["new-york"], ["talks"]),
    ("ru", "Заявление Белого дома о саммите", [], ["white-house"], ["summit"]),
    ("ru", "Брифинг Марии Захаровой о визите в Баку", ["maria-zakharova"], ["baku"], ["visit"]),
    ("ru", "Захаровой поручено прокомментировать визит", ["maria-zakharova"], [], ["visit"]),
    ("ru", "В Бакинском конгресс-центре открылся форум", [], ["baku-congress-center"], []),
    ("ru", "Трамп-Путин: саммит состоится", ["donald-trump", "vladimir-putin"], [], ["summit"]),
    ("ru", "Посланник США посетит Баку", [], ["usa", "baku"], ["visit"]),
    ("ru", "Встреча с Джейхуном Байрамовым", ["jeyhun-bayramov"], [], ["meeting"]),
    ("ru", "Заявление Байрамова и Пашиняна", ["jeyhun-bayramov", "nikol-pashinyan"], [], []),
    ("ru", "Переговоры с Николом Пашиняном в Габале", ["nikol-pashinyan"], ["gabala"], ["talks"]),
    (
        "ru",
        "Байрамову вручили приглашение посетить Габалу",
        ["jeyhun-bayramov"],
        ["gabala"],
        ["visit"],
    ),
    # English: possessives, plurals, capitals.
    ("en", "Special Envoy Witkoff's Travel to Baku", ["steve-witkoff"], ["baku"], []),
    ("en", "Special Envoy Witkoff’s Meeting in Geneva", ["steve-witkoff"], ["geneva"], ["meeting"]),
    (
        "en",
        "Trump-Putin summit set for Abu Dhabi",
        ["donald-trump", "vladimir-putin"],
        ["abu-dhabi"],
        ["summit"],
    ),
    ("en", "Secretary Met With President Aliyev", ["ilham-aliyev"], [], ["meeting"]),
    ("en", "The Aliyevs' visit to New York", ["ilham-aliyev"], ["new-york"], ["visit"]),
    (
        "en",
        "Readout: Telephone conversation with President Putin",
        ["vladimir-putin"],
        [],
        ["call"],
    ),
    ("en", "TRUMP AND PUTIN TO HOLD TALKS", ["donald-trump", "vladimir-putin"], [], ["talks"]),
    ("en", "Negotiations at the White House continue", [], ["white-house"], ["talks"]),
    ("en", "Forum opens at Baku Congress Center", [], ["baku-congress-center"], []),
    # Azerbaijani: case endings with vowel harmony, buffer consonants, apostrophes.
    (
        "az",
        "İlham Əliyev Bakıda Putinlə görüşüb",
        ["ilham-aliyev", "vladimir-putin"],
        ["baku"],
        ["meeting"],
    ),
    ("az", "Prezident Əliyevin Moskvaya səfəri başlayıb", ["ilham-aliyev"], ["moscow"], ["visit"]),
    ("az", "Bakının mərkəzində danışıqlar aparılıb", [], ["baku"], ["talks"]),
    ("az", "Nümayəndə heyəti Bakıya gəlib", [], ["baku"], []),
    ("az", "Nümayəndə heyəti Bakıdan ayrılıb", [], ["baku"], []),
    ("az", "Bakını ziyarət edən qonaqlar", [], ["baku"], ["visit"]),
    ("az", "Bakıdakı görüşün nəticələri", [], ["baku"], ["meeting"]),
    ("az", "Moskvada Putinin iştirakı ilə görüş", ["vladimir-putin"], ["moscow"], ["meeting"]),
    ("az", "Putinə məktub göndərilib", ["vladimir-putin"], [], []),
    ("az", "Prezident Əliyevlə telefon danışığı olub", ["ilham-aliyev"], [], ["call"]),
    ("az", "Witkoff'un Bakı səfəri", ["steve-witkoff"], ["baku"], ["visit"]),
    ("az", "Uitkoffla görüş Cenevrədə keçiriləcək", ["steve-witkoff"], ["geneva"], ["meeting"]),
    ("az", "Stiv Uitkoffun açıqlaması", ["steve-witkoff"], [], []),
    (
        "az",
        "Putin-Tramp zirvə görüşü Əbu-Dabidə keçiriləcək",
        ["vladimir-putin", "donald-trump"],
        ["abu-dhabi"],
        ["summit"],
    ),
    ("az", "ABŞ-ın nümayəndəsi Bakıya gəlib", [], ["usa", "baku"], []),
    ("az", "BAKIDA SAMMİT: İLHAM ƏLİYEV NİTQ SÖYLƏYİB", ["ilham-aliyev"], ["baku"], ["summit"]),
    ("az", "WITKOFF BAKIYA GƏLİR", ["steve-witkoff"], ["baku"], []),
    ("az", "Bakı Konqres Mərkəzində sammit", [], ["baku-congress-center"], ["summit"]),
    ("az", "Ağ Evdə danışıqlar", [], ["white-house"], ["talks"]),
    (
        "az",
        "Ceyhun Bayramovun Paşinyanla görüşü Qəbələdə",
        ["jeyhun-bayramov", "nikol-pashinyan"],
        ["gabala"],
        ["meeting"],
    ),
    # False friends: nothing watched here.
    ("en", "Bakunin's letters and a trumpet concert", [], [], []),
    ("en", "Aces trump kings in this game", [], [], []),
    ("ru", "В этом году путина на Камчатке началась рано", [], [], []),
    ("ru", "Топливный бак: к баку подвели шланг, у бака течь", [], [], []),
    ("ru", "Захаров выступил на конференции", [], [], []),
    ("ru", "Встречный иск отклонён", [], [], []),
    ("ru", "Курбан-байрам отметили в Стамбуле", [], [], []),
    ("ru", "Праздник Байрам и гости Байрама", [], [], []),
    ("az", "Bakın, bu da yeni qayda", [], [], []),
    ("az", "Ona bakın dedilər", [], [], []),
    ("az", "Səfərbərlik elan olunmayıb", [], [], []),
]


@pytest.mark.parametrize(("language", "title", "people", "places", "words"), CASES)
def test_headlines(
    matcher: Matcher,
    language: str,
    title: str,
    people: list[str],
    places: list[str],
    words: list[str],
) -> None:
    result = matcher.match(title, "", language)
    assert keys(result.people) == people
    assert keys(result.places) == places
    assert keys(result.keywords) == words


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        (
            "ru",
            "Встреча со Стивом Уиткоффом",
            {"steve-witkoff": "Стивом Уиткоффом", "meeting": "Встреча"},
        ),
        ("ru", "Уиткоффом и Путиным", {"steve-witkoff": "Уиткоффом", "vladimir-putin": "Путиным"}),
        ("az", "Bakıdakı görüş", {"baku": "Bakıdakı", "meeting": "görüş"}),
        ("az", "İlham Əliyevlə görüş", {"ilham-aliyev": "İlham Əliyevlə", "meeting": "görüş"}),
        ("en", "Witkoff's visit", {"steve-witkoff": "Witkoff's", "visit": "visit"}),
        ("az", "Əbu-Dabidə", {"abu-dhabi": "Əbu-Dabidə"}),
        ("ru", "Абу Даби", {"abu-dhabi": "Абу Даби"}),
        ("en", "Baku Congress Center", {"baku-congress-center": "Baku Congress Center"}),
    ],
)
def test_matched_text_is_the_published_surface(
    matcher: Matcher, language: str, title: str, expected: dict[str, str]
) -> None:
    assert surfaces(matcher.match(title, "", language)) == expected


def test_hit_positions_and_fields(matcher: Matcher) -> None:
    title = "Заявление по итогам переговоров"
    summary = "Стороны обсудили визит Уиткоффа в Баку."
    result = matcher.match(title, summary, "ru")
    witkoff = result.people[0]
    assert witkoff == Hit(TermKind.PERSON, "steve-witkoff", "Уиткоффа", 23, "summary")
    assert summary[witkoff.position : witkoff.position + len(witkoff.matched_text)] == "Уиткоффа"
    assert result.keywords[0] == Hit(TermKind.KEYWORD, "talks", "переговоров", 20, "title")
    assert result.places[0].field == "summary"


def test_each_key_once_at_its_first_occurrence(matcher: Matcher) -> None:
    result = matcher.match("Путин в Баку", "Путину показали Баку. Путин провёл встречу.", "ru")
    assert [(h.key, h.field, h.position) for h in result.hits] == [
        ("vladimir-putin", "title", 0),
        ("baku", "title", 8),
        ("meeting", "summary", 35),
    ]


def test_longest_phrase_wins_over_its_parts(matcher: Matcher) -> None:
    result = matcher.match("Forum at the Baku Congress Center, Baku", "", "en")
    assert [(h.key, h.position) for h in result.places] == [
        ("baku-congress-center", 13),
        ("baku", 35),
    ]


def test_multiword_names_need_adjacent_words(matcher: Matcher) -> None:
    # "Белый" and "дом" apart are no White House; "Steve, Witkoff" is two words anyway.
    assert not matcher.match("Белый флаг над домом", "", "ru").places
    assert not matcher.match("Дом белый", "", "ru").places


def test_empty_result_is_falsy_and_hits_are_ordered_by_kind(matcher: Matcher) -> None:
    assert not matcher.match("Погода в Сибири", "", "ru")
    result = matcher.match("Визит Путина в Баку", "", "ru")
    assert result
    assert [h.kind for h in result.hits] == [TermKind.PERSON, TermKind.PLACE, TermKind.KEYWORD]


def test_meeting_words_stay_in_their_language(matcher: Matcher) -> None:
    # The English "visit" in an Azerbaijani text is not an Azerbaijani meeting word...
    assert not matcher.match("Visit Baku kampaniyası", "", "az").keywords
    # ...but a language without built-in words gets all of them rather than none.
    assert keys(matcher.match("Visite officielle: summit", "", "fr").keywords) == ["summit"]


def test_match_item_uses_the_items_language(matcher: Matcher) -> None:
    item = FeedItem.build(
        source="apa-az", language="az", title="BAKI: sammit başlayıb", url="https://example.org/1"
    )
    assert keys(matcher.match_item(item).places) == ["baku"]


def test_custom_keywords_replace_the_built_in_ones() -> None:
    custom = Matcher(WATCHED[:1], keywords=[keyword("ceasefire", {"en": ["ceasefire"]})])
    result = custom.match("Witkoff: ceasefire talks", "", "en")
    assert keys(result.keywords) == ["ceasefire"]
    assert keys(result.people) == ["steve-witkoff"]


def test_ambiguous_alias_reports_every_owner() -> None:
    two = Matcher(
        [
            person("a", {"en": "Anna Smith"}, {"en": ["Smith"]}),
            person("b", {"en": "Bo Smith"}, {"en": ["Smith"]}),
        ],
        keywords=(),
    )
    assert keys(two.match("Smith arrives", "", "en").people) == ["a", "b"]


def test_lowercase_watch_phrases_match_any_case() -> None:
    words = Matcher([], keywords=[keyword("ceasefire", {"ru": ["перемирие"]})])
    assert keys(words.match("ПЕРЕМИРИЕ продлено", "", "ru").keywords) == ["ceasefire"]
    assert keys(words.match("Продлить перемирие", "", "ru").keywords) == ["ceasefire"]


def test_colloquial_instrumental_of_surnames_in_ev_matches() -> None:
    # "Гаджиевом" is not in the dictionary's paradigm (surnames in -ев take -ым) but
    # is written; the surname rules add it (text words are not lemmatised).
    watched = Matcher([person("g", {"ru": "Гаджиев"})], keywords=())
    assert keys(watched.match("Встреча с Гаджиевым", "", "ru").people) == ["g"]
    assert keys(watched.match("Встреча с Гаджиевом", "", "ru").people) == ["g"]


def test_names_keep_their_gender() -> None:
    # "Захаровой" is a form of "Захарова", a woman: not this man.
    watched = Matcher([person("z", {"ru": "Захаров"})], keywords=())
    assert keys(watched.match("Заявление Захарова", "", "ru").people) == ["z"]
    assert not watched.match("Заявление Захаровой", "", "ru").people
