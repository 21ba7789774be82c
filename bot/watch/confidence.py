"""LinkConfidence words for person-aircraft links, as analysts type them in en/ru/az."""

from __future__ import annotations

from bot.kernel.i18n import N_, Translator
from storage.models import LinkConfidence

LABELS: dict[LinkConfidence, str] = {
    LinkConfidence.BELIEVED: N_("believed"),
    LinkConfidence.CONFIRMED: N_("confirmed"),
}
# Typed words, case-folded (ё is folded to е before lookup).
WORDS: dict[str, LinkConfidence] = {
    word: confidence
    for confidence, words in {
        LinkConfidence.BELIEVED: (
            "believed believe probable likely предположительно вероятно предполагается "
            "ehtimal ehtimalən güman"
        ),
        LinkConfidence.CONFIRMED: (
            "confirmed confirm certain подтверждено подтвержден подтверждена "
            "təsdiqlənib təsdiqlənmiş təsdiq"
        ),
    }.items()
    for word in words.split()
}


def parse_confidence(word: str) -> LinkConfidence | None:
    """'believed', 'Подтверждено', 'təsdiqlənib' → the confidence they name."""
    return WORDS.get(word.casefold().replace("ё", "е"))


def confidence_label(confidence: str, t: Translator) -> str:
    """The confidence in the chat's language."""
    try:
        return t._(LABELS[LinkConfidence(confidence)])
    except ValueError:
        return confidence


def confidence_hint(t: Translator) -> str:
    """How to write a confidence, in every language we speak (analysts mix them)."""
    return t._(
        "Use believed or confirmed (ru: предположительно / подтверждено, "
        "az: ehtimal / təsdiqlənib)."
    )
