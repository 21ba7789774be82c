"""Every message that takes a person's or place's name reads right with any name.

Russian declines names into the case the sentence needs ("Со Стивом Уиткоффом",
"не упоминал Марию Захарову", "приземлился во Внукове"); Azerbaijani keeps them in
the nominative before a postposition ("Stiv Uitkoff ilə"). The expected sentences
below were written by hand, not generated.
"""

from __future__ import annotations

import re
from string import Formatter

import pytest
from babel.messages.pofile import read_po

from bot.kernel.i18n import translator
from bot.kernel.inflection import Name, russian_person, russian_place
from bot.venues import labels
from tools.catalogs import po_path

# Watchlist names (bot/data/watchlist.yaml) and a few more: female, foreign,
# indeclinable (-о, -у, a foreign woman's surname in a consonant), three words.
PEOPLE = [
    "Стив Уиткофф",
    "Владимир Путин",
    "Ильхам Алиев",
    "Марко Рубио",
    "Хикмет Гаджиев",
    "Мария Захарова",
    "Сергей Шойгу",
    "Пётр Дурново",
    "Хиллари Клинтон",
    "Реджеп Тайип Эрдоган",
]
NOT_LINKED = "No aircraft is linked to {person} yet. Admins link one with /track."
LINKED = "Linked to {person} ({confidence})"
MENTIONS = "Latest statements mentioning {name}:"
NO_MENTION = "No watched source has mentioned {name} yet."

RUSSIAN = {
    "Стив Уиткофф": (
        "Со Стивом Уиткоффом пока не связан ни один самолёт.",
        "Связан со Стивом Уиткоффом (предположительно)",
        "Последние заявления с упоминанием Стива Уиткоффа:",
        "Ни один отслеживаемый источник пока не упоминал Стива Уиткоффа.",
    ),
    "Владимир Путин": (
        "С Владимиром Путиным пока не связан ни один самолёт.",
        "Связан с Владимиром Путиным (предположительно)",
        "Последние заявления с упоминанием Владимира Путина:",
        "Ни один отслеживаемый источник пока не упоминал Владимира Путина.",
    ),
    "Ильхам Алиев": (
        "С Ильхамом Алиевым пока не связан ни один самолёт.",
        "Связан с Ильхамом Алиевым (предположительно)",
        "Последние заявления с упоминанием Ильхама Алиева:",
        "Ни один отслеживаемый источник пока не упоминал Ильхама Алиева.",
    ),
    "Марко Рубио": (
        "С Марко Рубио пока не связан ни один самолёт.",
        "Связан с Марко Рубио (предположительно)",
        "Последние заявления с упоминанием Марко Рубио:",
        "Ни один отслеживаемый источник пока не упоминал Марко Рубио.",
    ),
    "Хикмет Гаджиев": (
        "С Хикметом Гаджиевым пока не связан ни один самолёт.",
        "Связан с Хикметом Гаджиевым (предположительно)",
        "Последние заявления с упоминанием Хикмета Гаджиева:",
        "Ни один отслеживаемый источник пока не упоминал Хикмета Гаджиева.",
    ),
    "Мария Захарова": (
        "С Марией Захаровой пока не связан ни один самолёт.",
        "Связан с Марией Захаровой (предположительно)",
        "Последние заявления с упоминанием Марии Захаровой:",
        "Ни один отслеживаемый источник пока не упоминал Марию Захарову.",
    ),
    "Сергей Шойгу": (
        "С Сергеем Шойгу пока не связан ни один самолёт.",
        "Связан с Сергеем Шойгу (предположительно)",
        "Последние заявления с упоминанием Сергея Шойгу:",
        "Ни один отслеживаемый источник пока не упоминал Сергея Шойгу.",
    ),
    "Пётр Дурново": (
        "С Петром Дурново пока не связан ни один самолёт.",
        "Связан с Петром Дурново (предположительно)",
        "Последние заявления с упоминанием Петра Дурново:",
        "Ни один отслеживаемый источник пока не упоминал Петра Дурново.",
    ),
    "Хиллари Клинтон": (
        "С Хиллари Клинтон пока не связан ни один самолёт.",
        "Связан с Хиллари Клинтон (предположительно)",
        "Последние заявления с упоминанием Хиллари Клинтон:",
        "Ни один отслеживаемый источник пока не упоминал Хиллари Клинтон.",
    ),
    "Реджеп Тайип Эрдоган": (
        "С Реджепом Тайипом Эрдоганом пока не связан ни один самолёт.",
        "Связан с Реджепом Тайипом Эрдоганом (предположительно)",
        "Последние заявления с упоминанием Реджепа Тайипа Эрдогана:",
        "Ни один отслеживаемый источник пока не упоминал Реджепа Тайипа Эрдогана.",
    ),
}

AZERBAIJANI = {
    "Stiv Uitkoff": (
        "Stiv Uitkoff ilə hələ heç bir təyyarə əlaqələndirilməyib.",
        "Əlaqəli şəxs: Stiv Uitkoff (ehtimal)",
        "Stiv Uitkoff adının çəkildiyi son bəyanatlar:",
        "İzlənilən mənbələrin heç biri hələ Stiv Uitkoff adını çəkməyib.",
    ),
    "İlham Əliyev": (
        "İlham Əliyev ilə hələ heç bir təyyarə əlaqələndirilməyib.",
        "Əlaqəli şəxs: İlham Əliyev (ehtimal)",
        "İlham Əliyev adının çəkildiyi son bəyanatlar:",
        "İzlənilən mənbələrin heç biri hələ İlham Əliyev adını çəkməyib.",
    ),
    "Mariya Zaxarova": (
        "Mariya Zaxarova ilə hələ heç bir təyyarə əlaqələndirilməyib.",
        "Əlaqəli şəxs: Mariya Zaxarova (ehtimal)",
        "Mariya Zaxarova adının çəkildiyi son bəyanatlar:",
        "İzlənilən mənbələrin heç biri hələ Mariya Zaxarova adını çəkməyib.",
    ),
    "Marko Rubio": (
        "Marko Rubio ilə hələ heç bir təyyarə əlaqələndirilməyib.",
        "Əlaqəli şəxs: Marko Rubio (ehtimal)",
        "Marko Rubio adının çəkildiyi son bəyanatlar:",
        "İzlənilən mənbələrin heç biri hələ Marko Rubio adını çəkməyib.",
    ),
}


def _four(locale: str, name: str, confidence: str) -> tuple[str, str, str, str]:
    t = translator(locale)
    person = Name(name, locale)
    return (
        t._(NOT_LINKED, person=person).split(". ")[0] + ".",
        t._(LINKED, person=person, confidence=confidence),
        t._(MENTIONS, name=person),
        t._(NO_MENTION, name=person),
    )


@pytest.mark.parametrize("name", PEOPLE)
def test_russian_sentences_decline_each_name(name: str) -> None:
    assert _four("ru", name, "предположительно") == RUSSIAN[name]


@pytest.mark.parametrize("name", list(AZERBAIJANI))
def test_azerbaijani_sentences_keep_the_name_before_a_postposition(name: str) -> None:
    assert _four("az", name, "ehtimal") == AZERBAIJANI[name]


def test_english_shows_the_name_as_given() -> None:
    assert _four("en", "Steve Witkoff", "believed") == (
        "No aircraft is linked to Steve Witkoff yet.",
        "Linked to Steve Witkoff (believed)",
        "Latest statements mentioning Steve Witkoff:",
        "No watched source has mentioned Steve Witkoff yet.",
    )


def test_a_name_in_latin_letters_in_a_russian_chat_is_left_alone() -> None:
    # A person without a Russian name falls back to English: never "Steveом".
    t = translator("ru")
    assert t._(NO_MENTION, name=Name("Steve Witkoff", "ru")) == (
        "Ни один отслеживаемый источник пока не упоминал Steve Witkoff."
    )


@pytest.mark.parametrize(
    ("city", "ru", "az"),
    [
        ("Баку", "приземлился в Баку (UBBB): 05:30", "Bakı (UBBB) hava limanına endi"),
        ("Москва", "приземлился в Москве (UBBB): 05:30", None),
        ("Вена", "приземлился в Вене (UBBB): 05:30", None),
        ("Эр-Рияд", "приземлился в Эр-Рияде (UBBB): 05:30", None),
        ("Абу-Даби", "приземлился в Абу-Даби (UBBB): 05:30", None),
        ("Улан-Батор", "приземлился в Улан-Баторе (UBBB): 05:30", None),
        ("Анкоридж", "приземлился в Анкоридже (UBBB): 05:30", None),
        ("Хельсинки", "приземлился в Хельсинки (UBBB): 05:30", None),
        ("Внуково", "приземлился во Внукове (UBBB): 05:30", None),
    ],
)
def test_landing_evidence_declines_the_city(city: str, ru: str, az: str | None) -> None:
    for label, lead in (
        (labels.LANDING_BELIEVED, "Самолёт, на котором предположительно летит Стив Уиткофф, "),
        (
            labels.LANDING_CONFIRMED,
            "Самолёт, на котором, по подтверждённым данным, летит Стив Уиткофф, ",
        ),
    ):
        text = translator("ru")._(
            label,
            person=Name("Стив Уиткофф", "ru"),
            airport=Name(city, "ru", "place", tail=" (UBBB)"),
            ts="05:30",
        )
        assert text == lead + ru
    assert translator("ru")._(
        "landing at {airport}", airport=Name(city, "ru", "place", tail=" (UBBB)")
    ) == "посадка " + ru.removeprefix("приземлился ").removesuffix(": 05:30")
    if az is not None:
        text = translator("az")._(
            labels.LANDING_BELIEVED,
            person=Name("Stiv Uitkoff", "az"),
            airport=Name("Bakı", "az", "place", tail=" (UBBB)"),
            ts="05:30",
        )
        assert text == f"Təyyarə {az}: 05:30; ehtimal ki, göyərtədə Stiv Uitkoff var"


@pytest.mark.parametrize(
    ("spec", "name", "expected"),
    [
        ("С+ins", "Стив Уиткофф", "Со Стивом Уиткоффом"),
        ("с+ins", "Сергей Лавров", "с Сергеем Лавровым"),
        ("с+ins", "Збигнев Бжезинский", "со Збигневом Бжезинским"),
        ("о+loc", "Ильхам Алиев", "об Ильхаме Алиеве"),
        ("о+loc", "Юрий Ушаков", "о Юрии Ушакове"),
        ("dat", "Кирилл Дмитриев", "Кириллу Дмитриеву"),
        ("gen", "Джейхун Байрамов", "Джейхуна Байрамова"),
        ("ins", "Дмитрий Песков", "Дмитрием Песковым"),
        ("acc", "Кая Каллас", "Каю Каллас"),
        ("gen", "Джаред Кушнер", "Джареда Кушнера"),
        ("", "Дональд <Трамп>", "Дональд &lt;Трамп&gt;"),
    ],
)
def test_a_spec_names_the_case_and_the_preposition(spec: str, name: str, expected: str) -> None:
    assert format(Name(name, "ru"), spec) == expected


def test_a_bold_name_keeps_the_preposition_outside() -> None:
    assert format(Name("Стив Уиткофф", "ru", bold=True), "с+ins") == ("со <b>Стивом Уиткоффом</b>")


@pytest.mark.parametrize(
    ("place", "case", "expected"),
    [
        ("Санкт-Петербург", "loc", "Санкт-Петербурге"),
        ("Нью-Йорк", "gen", "Нью-Йорка"),
        ("Доха", "gen", "Дохи"),
        ("Сочи", "loc", "Сочи"),
        ("Астана", "ins", "Астаной"),
    ],
)
def test_places_decline_by_the_dictionary_or_their_ending(
    place: str, case: str, expected: str
) -> None:
    assert russian_place(place, case) == expected


def test_an_unknown_case_is_a_translators_error() -> None:
    with pytest.raises(ValueError, match="unknown case"):
        format(Name("Стив Уиткофф", "ru"), "abl")
    assert russian_person("Стив Уиткофф", "nom") == "Стив Уиткофф"


# Placeholders that take a person's or place's name in our messages.
NAME_FIELDS = frozenset(
    {"person", "name", "names", "who", "place", "origin", "airport", "venue", "previous", "city"}
)


def _fields(text: str) -> dict[str, str]:
    return {f: spec or "" for _lit, f, spec, _conv in Formatter().parse(text) if f}


@pytest.mark.parametrize("locale", ["en", "ru", "az"])
def test_every_template_with_a_name_renders_with_any_name(locale: str) -> None:
    """Every catalog message with a name placeholder fills with each kind of name.

    A spec ("{person:С+ins}") is only allowed where the code passes a `Name`;
    this renders every such message with each test name and checks the name
    (declined or not) lands in the text, and that no Latin or Cyrillic ending
    was glued to a name in Azerbaijani.
    """
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    seen = 0
    for message in catalog:
        if not message.id or isinstance(message.id, tuple | list):
            continue
        text = message.string or message.id
        fields = _fields(str(message.id))
        if not NAME_FIELDS & set(fields):
            continue
        seen += 1
        for person in PEOPLE:
            shown = person if locale == "ru" else "Stiv Uitkoff"
            values: dict[str, object] = {f: "X" for f in fields}
            values.update({f: Name(shown, locale) for f in NAME_FIELDS & set(fields)})
            rendered = translator(locale)._(str(message.id), **values)
            specs = _fields(str(text))
            for field in NAME_FIELDS & set(fields):
                case = specs.get(field, "").rpartition("+")[2] or "nom"
                want = russian_person(shown, case) if locale == "ru" else shown
                assert want in rendered, (message.id, rendered)
                if locale == "az":
                    assert not re.search(re.escape(shown) + r"\w", rendered), rendered
    assert seen >= 30
