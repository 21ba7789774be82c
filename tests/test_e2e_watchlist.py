"""/track, /untrack and /watchlist end to end through the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.runtime.app import SummitApp
from storage.models import Aircraft, PersonAircraft
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI, Sent


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False  # command tests, not pacing tests
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url)
    async with running_bot(settings) as application:
        yield application


async def _send(fake: FakeBotAPI, chat_id: int, text: str, **kwargs: object) -> Sent:
    before = len(fake.sent_to(chat_id))
    fake.user_message(chat_id, text, **kwargs)  # type: ignore[arg-type]
    return (await fake.wait_for_messages(chat_id, before + 1))[-1]


async def _reply(fake: FakeBotAPI, text: str, language: str = "en", user: int = ADMIN_ID) -> str:
    sent = await _send(fake, user, text, language_code=language)
    return sent.plain_text or ""


async def _listing(fake: FakeBotAPI, chat_id: int, language: str) -> tuple[str, str]:
    """/watchlist, all its messages: (HTML, plain text)."""
    before = len(fake.sent_to(chat_id))
    heading = {"en": "Aircraft watched", "ru": "Отслеживаемые самолёты"}[language]
    fake.user_message(chat_id, "/watchlist", language_code=language)

    def ended() -> bool:
        # The aircraft part may begin in the next message after its heading: wait for it.
        plain = "\n".join(s.plain_text or "" for s in fake.sent_to(chat_id)[before:])
        return bool(plain.partition(heading)[2].strip())

    await fake.wait_until(ended)
    pages = fake.sent_to(chat_id)[before:]
    assert len(pages) <= 2  # 12 people and an aircraft fit in two messages
    return "\n".join(p.text or "" for p in pages), "\n".join(p.plain_text or "" for p in pages)


async def _stored(app: SummitApp) -> tuple[list[Aircraft], list[PersonAircraft]]:
    async with services_of(app).sessions() as session:
        fleet = list((await session.exec(select(Aircraft))).all())
        links = list((await session.exec(select(PersonAircraft))).all())
    return fleet, links


@pytest.mark.parametrize(
    ("command", "language", "answer"),
    [
        (
            "/track A1B2C3 witkoff confirmed",
            "en",
            "Watching aircraft a1b2c3, linked to Steve Witkoff (confirmed). "
            "Set by you; see /watchlist.",
        ),
        (
            "/track a1b2c3 Уиткоффа подтверждено",
            "ru",
            "Самолёт a1b2c3 отслеживается и связан с человеком: Стив Уиткофф (подтверждено). "
            "Указано вами; см. /watchlist.",
        ),
        (
            "/track a1b2c3 uitkoff təsdiqlənib",
            "az",
            "a1b2c3 təyyarəsi izlənilir və bu şəxslə əlaqələndirilib: Stiv Uitkoff "
            "(təsdiqlənib). Sizin tərəfinizdən qeyd edildi; bax: /watchlist.",
        ),
    ],
)
async def test_admin_tracks_an_aircraft_for_a_person_in_three_languages(
    fake: FakeBotAPI, app: SummitApp, command: str, language: str, answer: str
) -> None:
    assert await _reply(fake, command, language) == answer
    fleet, links = await _stored(app)
    assert [(a.hex, a.added_by, a.source) for a in fleet] == [
        ("a1b2c3", ADMIN_ID, "analyst via /track")
    ]
    [link] = links
    assert (link.aircraft_hex, link.confidence, link.set_by) == ("a1b2c3", "confirmed", ADMIN_ID)


async def test_track_defaults_to_believed_keeps_a_note_and_restates_a_link(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await _reply(fake, "/track a1b2c3 witkoff | seen at VKO with the delegation")
    _, [first] = await _stored(app)
    assert (first.confidence, first.note) == ("believed", "seen at VKO with the delegation")
    await _reply(fake, "/track a1b2c3 witkoff confirmed")
    _, [again] = await _stored(app)
    assert again.confidence == "confirmed"
    assert again.note == "seen at VKO with the delegation"  # kept: no new note given
    assert again.since >= first.since
    # Known by registration once an analyst or the pipeline has stored one.
    async with services_of(app).sessions.begin() as session:
        aircraft = await session.get(Aircraft, "a1b2c3")
        assert aircraft is not None
        aircraft.registration = "DEMO1"
    assert await _reply(fake, "/track demo1 lavrov believed") == (
        "Watching aircraft DEMO1 (a1b2c3), linked to Sergey Lavrov (believed). "
        "Set by you; see /watchlist."
    )
    assert len((await _stored(app))[1]) == 2


async def test_track_without_a_person_adds_the_aircraft_once(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    assert await _reply(fake, "/track ffa002") == "Now watching aircraft ffa002."
    assert await _reply(fake, "/track FFA002", "ru") == "Самолёт ffa002 уже в списке наблюдения."
    fleet, links = await _stored(app)
    assert [a.hex for a in fleet] == ["ffa002"] and links == []


BAD_TRACK_INPUT = [
    (
        "/track a1b2c witkoff",
        "en",
        "“a1b2c” is not a valid ICAO hex: it has exactly 6 hexadecimal digits, such as a1b2c3.",
    ),
    (
        "/track a1b2c3x witkoff",
        "ru",
        "Я не знаю бортовой номер «a1b2c3x». Отправьте вместо него ICAO hex самолёта "
        "(6 шестнадцатеричных цифр, например a1b2c3).",
    ),
    ("/track 000000", "en", "000000 is not an aircraft address."),
    (
        "/track DEMO1 witkoff",
        "az",
        "“DEMO1” qeydiyyat nömrəsini tanımıram. Əvəzinə təyyarənin ICAO hex kodunu "
        "göndərin (6 onaltılıq rəqəm, məsələn a1b2c3).",
    ),
    (
        "/track a1b2c3 macron",
        "en",
        "I found no watched person matching “macron”. See /watchlist.",
    ),
    (
        "/track a1b2c3 witkoff sure",
        "en",
        "Unknown confidence “sure”. Use believed or confirmed "
        "(ru: предположительно / подтверждено, az: ehtimal / təsdiqlənib).",
    ),
    (
        "/track a1b2c3 Уиткофф наверняка",
        "ru",
        "Неизвестная степень уверенности «наверняка». Укажите «предположительно» или "
        "«подтверждено» (en: believed / confirmed, az: ehtimal / təsdiqlənib).",
    ),
    (
        "/track a1b2c3 <b>x</b>",
        "en",
        "I found no watched person matching “<b>x</b>”. See /watchlist.",
    ),
    (
        "/track a1b2c3 confirmed",
        "en",
        "A confidence or a note belongs to a person: /track a1b2c3 witkoff believed | note.",
    ),
    (
        "/track",
        "az",
        "/track HEX [şəxs] [believed|confirmed] göndərin, məsələn /track a1b2c3 uitkoff "
        "ehtimal. “|” işarəsindən sonra qeyd yazmaq olar.",
    ),
]


async def test_bad_track_input_is_answered_and_nothing_is_stored(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    for command, language, answer in BAD_TRACK_INPUT:
        assert await _reply(fake, command, language) == answer, command
        assert await _stored(app) == ([], []), command


async def test_person_suggestions_for_a_misspelt_name(fake: FakeBotAPI, app: SummitApp) -> None:
    reply = await _reply(fake, "/track a1b2c3 lavrof")
    # "lavrof" is close to Lavrov: accepted, like /subscribe does.
    assert reply.startswith("Watching aircraft a1b2c3, linked to Sergey Lavrov")
    _, links = await _stored(app)
    assert len(links) == 1
    assert (await _reply(fake, "/track a1b2c3 peskoff")).startswith(
        "I found no watched person matching “peskoff”. Did you mean: Dmitry Peskov"
    )
    assert await _reply(fake, "/track a1b2c3 дмитри", "ru") == (
        "«дмитри» подходит нескольким людям: Кирилл Дмитриев, Дмитрий Песков. Уточните запрос."
    )
    _, links = await _stored(app)
    assert len(links) == 1


async def test_html_in_input_is_escaped(fake: FakeBotAPI, app: SummitApp) -> None:
    sent = await _send(fake, ADMIN_ID, "/track a1b2c3 <i>x</i>")
    assert sent.text is not None and "&lt;i&gt;x&lt;/i&gt;" in sent.text


async def test_only_bot_admins_change_the_watchlist(fake: FakeBotAPI, app: SummitApp) -> None:
    for command in ("/track a1b2c3 witkoff", "/untrack a1b2c3"):
        assert await _reply(fake, command, "en", user=41) == (
            "Only the bot's administrators can do this."
        )
    assert await _reply(fake, "/track a1b2c3 witkoff", "ru", user=42) == (
        "Это могут делать только администраторы бота."
    )
    assert await _stored(app) == ([], [])
    # Reading is for everyone.
    _, listing = await _listing(fake, 41, "en")
    assert listing.startswith("People watched\n• Ilham Aliyev — President of Azerbaijan")
    assert "• Steve Witkoff — United States special envoy" in listing


async def test_untrack_a_link_then_the_aircraft(fake: FakeBotAPI, app: SummitApp) -> None:
    await _reply(fake, "/track a1b2c3 witkoff")
    await _reply(fake, "/track a1b2c3 dmitriev believed")
    assert await _reply(fake, "/untrack a1b2c3 Дмитриева", "ru") == (
        "Кирилл Дмитриев: связь с a1b2c3 удалена."
    )
    assert await _reply(fake, "/untrack a1b2c3 dmitriev") == (
        "Kirill Dmitriev was not linked to a1b2c3."
    )
    fleet, links = await _stored(app)
    assert [a.hex for a in fleet] == ["a1b2c3"] and len(links) == 1
    assert await _reply(fake, "/untrack a1b2c3", "az") == (
        "a1b2c3 artıq izlənilmir. Saxlanmış uçuşlar qalır."
    )
    assert await _stored(app) == ([], [])
    assert await _reply(fake, "/untrack a1b2c3") == (
        "a1b2c3 is not on the watchlist. See /watchlist."
    )
    assert await _reply(fake, "/untrack 12345") == (
        "“12345” is not a valid ICAO hex: it has exactly 6 hexadecimal digits, such as a1b2c3."
    )


async def test_watchlist_shows_links_confidence_note_and_provenance(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await _reply(fake, "/track a1b2c3 witkoff believed | reported by two outlets")
    text, plain = await _listing(fake, 555, "ru")
    assert plain.startswith("Отслеживаемые люди\n")
    # Roles in the chat's language, not the English of the seed.
    assert "• Стив Уиткофф — специальный посланник США" in plain
    assert "  ✈ a1b2c3" in plain
    assert "источник: https://aa.com.tr/en/americas/" in plain
    assert "(as of 2025-03-14)" in plain
    assert "Отслеживаемые самолёты" in plain
    assert '<a href="https://globe.adsb.lol/?icao=a1b2c3">a1b2c3</a>' in text
    assert f'добавил <a href="tg://user?id={ADMIN_ID}">{ADMIN_ID}</a>' in text
    assert "source: analyst via /track" not in plain and "источник: analyst via /track" in plain
    assert "👤 Стив Уиткофф — предположительно; “reported by two outlets”; указал 777, " in plain
    # People without any aircraft are listed too, and no aircraft identity is invented.
    assert "• Ильхам Алиев — президент Азербайджана" in plain
    assert "special envoy" not in plain and "President of" not in plain
    assert plain.count("✈") == 1
