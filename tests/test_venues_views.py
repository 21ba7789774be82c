"""Venue reasons and alerts as text (pure): languages, local times, escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import escape

import pytest

from bot.alerts.render import render
from bot.kernel.i18n import translator
from bot.venues import labels
from bot.venues.evidence import Evidence, LandingEvidence, StatementEvidence
from bot.venues.knowledge import FACTOR_VALUES, load_knowledge
from bot.venues.results import RankingChange
from bot.venues.scoring import score
from bot.venues.views import change_alert, ranking_list, strongest, value_text, venue_detail
from bot.venues.weights import ScoringWeights

KNOWLEDGE = load_knowledge()
LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
NOW = LANDING + timedelta(hours=3)
PEOPLE = {"envoy": {"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"}}
EVIDENCE = Evidence(
    landings=(LandingEvidence("baku", "UBBB", LANDING, "envoy", "confirmed", "flight:1"),),
    statements=(
        StatementEvidence(
            "baku",
            LANDING + timedelta(hours=1),
            "<script>x</script>",
            official=True,
            host_country_source=False,
            has_meeting_words=True,
            statement_id="statement:1",
            title="Talks in <b>Baku</b> & more",
        ),
    ),
)


def test_the_list_escapes_source_text_and_shows_local_times() -> None:
    ranking = score(KNOWLEDGE.venues, EVIDENCE, NOW, ScoringWeights())
    text = ranking_list(ranking, PEOPLE, translator("en"), limit=1)
    assert text.startswith("1. <b>Baku</b> — ")
    assert "<script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt; (official) speaks of a meeting" in text
    assert "Talks in &lt;b&gt;Baku&lt;/b&gt; &amp; more" in text
    assert (
        "A jet confirmed to carry Demo Envoy landed at Baku (UBBB) at 05:30 Baku time (01:30 UTC)"
        in text
    )
    assert "🕑 Freshest evidence: statement by &lt;script&gt;" in text


def test_the_strongest_reasons_count_either_way() -> None:
    [minsk] = [s for s in score(KNOWLEDGE.venues, Evidence(), NOW) if s.venue.slug == "minsk"]
    points = [c.points for c in strongest(minsk)]
    assert len(points) == 3
    assert [abs(p) for p in points] == sorted((abs(p) for p in points), reverse=True)
    assert all(p != 0 for p in points)
    every = sorted((abs(c.points) for c in minsk.contributions if c.points), reverse=True)
    assert [abs(p) for p in points] == every[:3]


def test_a_score_jump_alert_in_three_languages() -> None:
    ranking = score(KNOWLEDGE.venues, EVIDENCE, NOW, ScoringWeights())
    baku = ranking[0]
    change = RankingChange(
        kind="score_jump",
        venue=baku.venue,
        score=baku.total,
        previous_score=4.17,
        rank=1,
        previous_rank=1,
        previous_leader=None,
        label_key="The score of {venue} jumped from {previous_score} to {score}",
        params={},
    )
    payload = change_alert(change, baku, PEOPLE).to_json()
    first = {
        locale: render("venue_change", payload, translator(locale)).text.split("\n")[0]
        for locale in ("en", "ru", "az")
    }
    total = f"{baku.total:.2f}"
    assert first == {
        "en": f"📈 <b>The score of Baku jumped from 4.17 to {total}</b>",
        "ru": f"📈 <b>Баку: оценка резко выросла (4,17 → {total.replace('.', ',')})</b>",
        "az": f"📈 <b>Bakı: bal kəskin artdı (4,17 → {total.replace('.', ',')})</b>",
    }
    ru = render("venue_change", payload, translator("ru")).text
    assert "по подтверждённым данным, летит Демо-посланник" in ru
    assert "05:30 по местному времени (Баку), 01:30 UTC, 14 мар." in ru


def test_every_factor_value_has_a_label_and_no_other() -> None:
    every = {(name, value) for name, values in FACTOR_VALUES.items() for value in values}
    assert set(labels.FACTOR_VALUES) == every


@pytest.mark.parametrize("locale", ["ru", "az"])
def test_every_value_label_is_translated(locale: str) -> None:
    t = translator(locale)
    for label in set(labels.FACTOR_VALUES.values()):
        assert t._(label) != label, label


# "• <b>key</b>: value (as of …). detail": the value sits between the key and the date.
_FACTOR_LINE = re.compile(r"^• <b>[^<]+</b>: (?P<value>.+?) \(")


@pytest.mark.parametrize("locale", ["en", "ru", "az"])
def test_the_venue_card_shows_factor_values_in_the_chats_language(locale: str) -> None:
    t = translator(locale)
    raw = {value for values in FACTOR_VALUES.values() for value in values}
    ranking = score(KNOWLEDGE.venues, EVIDENCE, NOW, ScoringWeights())
    shown: set[str] = set()
    for rank, item in enumerate(ranking, start=1):
        card = venue_detail(item, rank, len(ranking), KNOWLEDGE, {}, PEOPLE, NOW, t)
        values = [m["value"] for line in card.split("\n") if (m := _FACTOR_LINE.match(line))]
        assert len(values) == len(item.venue.factors), item.venue.slug
        shown.update(values)
        # Details are English source text: only the underscored value keys are sure to be raw.
        assert not {v for v in raw if "_" in v and v in card}, item.venue.slug
    expected = {value_text(n, v, t) for n, values in FACTOR_VALUES.items() for v in values}
    assert shown <= expected
    if locale != "en":
        assert not shown & raw
    assert (
        value_text("icc", "not_party", t)
        == {
            "en": "not a party",
            "ru": "не участник",
            "az": "iştirakçı deyil",
        }[locale]
    )


def test_a_value_without_a_label_is_shown_as_stored_and_escaped() -> None:
    assert value_text("icc", "<gone>", translator("ru")) == "&lt;gone&gt;"


def test_the_venue_card_gives_every_note_in_the_chats_language() -> None:
    ranking = score(KNOWLEDGE.venues, EVIDENCE, NOW, ScoringWeights())
    [baku] = [s for s in ranking if s.venue.slug == "baku"]
    cards = {
        locale: venue_detail(baku, 1, len(ranking), KNOWLEDGE, {}, PEOPLE, NOW, translator(locale))
        for locale in ("en", "ru", "az")
    }
    assert "Azerbaijan is not a party to the Rome Statute." in cards["en"]
    assert "Азербайджан не является участником Римского статута." in cards["ru"]
    assert "Azərbaycan Roma Statutunun iştirakçısı deyil." in cards["az"]
    for factor in baku.venue.factors:
        assert factor.detail not in cards["ru"] and factor.detail not in cards["az"]
        assert factor.details["ru"] in cards["ru"] or escape(factor.details["ru"]) in cards["ru"]


@pytest.mark.parametrize(
    ("locale", "note", "where"),
    [
        ("en", "Burns (CIA) met Naryshkin (SVR) in Ankara.", "(Ankara) on "),
        ("ru", "Бёрнс (ЦРУ) встретился с Нарышкиным (СВР) в Анкаре.", "(Анкара, "),
        ("az", "Börns (MKİ) Ankarada Narışkinlə (XKX) görüşüb.", "(Ankara, "),
    ],
)
def test_ranking_reasons_quote_the_note_and_city_in_the_chats_language(
    locale: str, note: str, where: str
) -> None:
    ranking = score(KNOWLEDGE.venues, Evidence(), NOW, ScoringWeights())
    [istanbul] = [s for s in ranking if s.venue.slug == "istanbul"]
    card = venue_detail(istanbul, 1, len(ranking), KNOWLEDGE, {}, PEOPLE, NOW, translator(locale))
    lines = [line for line in card.split("\n") if note in line]
    assert lines and any(where in line for line in lines)
    if locale != "en":
        # The English quotes are gone from the reply's sentences (names and codes may stay Latin).
        assert "met Naryshkin" not in card and "prisoner swap" not in card


def test_an_alert_payload_carries_every_language_of_a_note() -> None:
    ranking = score(KNOWLEDGE.venues, Evidence(), NOW, ScoringWeights())
    [riyadh] = [s for s in ranking if s.venue.slug == "riyadh"]
    change = RankingChange(
        kind="new_leader",
        venue=riyadh.venue,
        score=riyadh.total,
        previous_score=None,
        rank=1,
        previous_rank=None,
        previous_leader=None,
        label_key=labels.CHANGE_NEW_LEADER,
        params={},
    )
    payload = change_alert(change, riyadh, PEOPLE).to_json()
    texts = {
        locale: render("venue_change", payload, translator(locale)).text
        for locale in ("en", "ru", "az")
    }
    assert "Rubio, Waltz and Witkoff met Lavrov, Ushakov and Dmitriev" in texts["en"]
    assert "Рубио, Уолц и Уиткофф встретились с Лавровым, Ушаковым и Дмитриевым" in texts["ru"]
    assert "Rubio, Uolts və Uitkoff Diriyə sarayında Lavrov, Uşakov" in texts["az"]
    assert "Waltz" not in texts["ru"] and "Waltz" not in texts["az"]
