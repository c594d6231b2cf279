"""The mapped lemma tries give simplemma's own lemmas: for every word of the labelled
corpora, the eval cases and the check data in every language, and for a sample of each
dictionary's keys (and those keys' inflections one letter off)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import simplemma
from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY
from tests.support import repo_texts

from replyguard_checks import SUPPORTED_LANGUAGES, words
from replyguard_checks.lemma_tables import MappedTries, build, lemmatizer, trie_path

# Every word of every corpus through both lemmatisers: an equivalence proof, slow.
pytestmark = pytest.mark.slow

LANGUAGES = [code for code in SUPPORTED_LANGUAGES if code != "zh"]


def _corpus_words() -> set[str]:
    found: set[str] = set()
    for text in repo_texts():
        found.update(words(text.casefold()))
    return found


@pytest.fixture(scope="module")
def corpus_words() -> set[str]:
    found = _corpus_words()
    assert len(found) > 5_000
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_corpus_word_has_simplemmas_lemma(language: str, corpus_words: set[str]) -> None:
    ours = lemmatizer()
    differ = {
        w: (ours.lemmatize(w, language), simplemma.lemmatize(w, lang=language))
        for w in corpus_words
        if ours.lemmatize(w, language) != simplemma.lemmatize(w, lang=language)
    }
    assert not differ


@pytest.mark.parametrize("language", LANGUAGES)
def test_sampled_dictionary_keys_have_simplemmas_lemma(language: str) -> None:
    table = DEFAULT_DICTIONARY_FACTORY.get_dictionary(language)
    keys = sorted(table)
    sample = random.Random(language).sample(keys, min(3_000, len(keys)))
    probes = sample + [k[:-1] for k in sample if len(k) > 3] + [k + "s" for k in sample]
    ours = lemmatizer()
    assert [ours.lemmatize(w, language) for w in probes] == [
        simplemma.lemmatize(w, lang=language) for w in probes
    ]


def test_a_trie_holds_exactly_the_dictionary(tmp_path: Path) -> None:
    build(["sl"], tmp_path)
    assert trie_path("sl", tmp_path).exists()
    trie = MappedTries(tmp_path).get_dictionary("sl")
    table = DEFAULT_DICTIONARY_FACTORY.get_dictionary("sl")
    assert len(trie) == len(table)
    assert all(trie.get(key) == value for key, value in table.items())


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unsupported"):
        MappedTries(tmp_path).get_dictionary("xx")
