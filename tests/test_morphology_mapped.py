"""The Russian dictionary memory-mapped (bot.kernel.morphology): the analyzer reads the
installed files through the page cache and gives the parses a plain pymorphy3 analyzer
gives."""

from __future__ import annotations

from pathlib import Path

import pymorphy3
from dawg_python import wrapper

from bot.kernel import morphology

# Known words, inflected names, words only the suffix predictor knows, a hyphenated one.
WORDS = (
    *("встреча", "встречи", "встретились", "переговоров", "саммите", "визитом"),
    *("Москве", "Баку", "Уиткоффом", "Гаджиевом", "Захаровой", "Пашиняну", "Абу-Даби"),
    *("бакинский", "путинский", "стали", "глокая", "куздра"),
)


def _summary(analyzer: pymorphy3.MorphAnalyzer, word: str) -> list[tuple[str, str, float]]:
    return [(str(p.tag), p.normal_form, round(p.score, 9)) for p in analyzer.parse(word)]


def test_the_word_graphs_are_mapped_files_not_copies() -> None:
    analyzer = morphology.russian()
    dictionary = analyzer.dictionary
    graphs = [dictionary.words, *dictionary.prediction_suffixes_dawgs]
    graphs.append(analyzer.prob_estimator.p_t_given_w)
    for graph in graphs:
        assert isinstance(graph.dct._units, memoryview)
        assert isinstance(graph.guide._units, memoryview)
    files = {Path(name).name for name in morphology._maps}
    assert {"words.dawg", "prediction-suffixes-0.dawg", "p_t_given_w.intdawg"} <= files
    on_disk = sum(Path(name).stat().st_size for name in morphology._maps)
    assert on_disk > 14_000_000  # the word graphs, all of them mapped


def test_mapped_parses_are_a_plain_analyzers() -> None:
    plain = pymorphy3.MorphAnalyzer(lang="ru")  # reads the graphs into arrays
    assert not isinstance(plain.dictionary.words.dct._units, memoryview)
    mapped = morphology.russian()
    for word in WORDS:
        assert _summary(mapped, word) == _summary(plain, word), word
    lexeme = [f.word for f in mapped.parse("встреча")[0].lexeme]
    assert lexeme == [f.word for f in plain.parse("встреча")[0].lexeme]
    assert "встречами" in lexeme


def test_loading_leaves_dawg_python_as_it_was() -> None:
    readers = wrapper.Dictionary.read, wrapper.Guide.read
    morphology.russian()
    assert (wrapper.Dictionary.read, wrapper.Guide.read) == readers
    assert wrapper.Dictionary.read.__module__ == "dawg_python.wrapper"
