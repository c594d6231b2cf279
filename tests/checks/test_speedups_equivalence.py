"""The per-draft speed-ups of #14, each held to the code it replaced: the typographic
marks replaced one by one, combining marks dropped through a translation table, the
classifier's features built as a list, the context's names cached."""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from replyguard_checks import CheckContext, Contact, normalize
from replyguard_checks.attack_model import feature_list, features, sentences, shipped
from replyguard_checks.context import _names
from replyguard_checks.text import PLAIN_MARKS, name_parts, plain_marks, strip_accents
from replyguard_evals.corpus import HOLDOUT_DIR, load_corpus, yaml_strings
from replyguard_evals.dataset import load_cases

_MARKS = "".join(mark for mark, _ in PLAIN_MARKS)
_TRANSLATE = str.maketrans(dict(PLAIN_MARKS))


def _strip_accents_as_first_written(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([*_MARKS, "a", "ł", " ", "'", '"', "-", "王"])))
def test_plain_marks_is_the_translation_it_replaced(text: str) -> None:
    assert plain_marks(text) == text.translate(_TRANSLATE)


@settings(max_examples=500, deadline=None)
@given(text=st.text())
def test_plain_marks_and_strip_accents_on_any_text(text: str) -> None:
    assert plain_marks(text) == text.translate(_TRANSLATE)
    assert strip_accents(text) == _strip_accents_as_first_written(text)


def test_strip_accents_on_every_character_of_the_alphabets_we_read() -> None:
    # Latin, Greek, Cyrillic, their combining marks and more: every code point below
    # U+3000, then a sample of the rest (CJK, emoji, supplementary planes).
    points = [*range(0x3000), *range(0x3000, 0x110000, 97)]
    chars = [chr(p) for p in points if not 0xD800 <= p <= 0xDFFF]
    for start in range(0, len(chars), 500):
        text = "".join(chars[start : start + 500])
        assert strip_accents(text) == _strip_accents_as_first_written(text)
    assert strip_accents("Kowalską Paweł Ñandú") == "Kowalska Pawel Nandu"


def _texts() -> list[str]:
    drafts = [d.draft for d in load_corpus()]
    drafts += [d.draft for d in load_corpus(HOLDOUT_DIR)]
    drafts += [c.review.text for c in load_cases()]
    return drafts


def _score_as_first_written(sentence: str, language: str) -> float:
    model = shipped()
    assert model is not None
    get = model.weights.get
    total = model.bias + sum(get(feature, 0.0) for feature in set(features(sentence, language)))
    if total < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-total))


@pytest.mark.slow
def test_feature_list_and_score_equal_the_generator_on_every_paraphrase_and_draft() -> None:
    """Same features in the same order, so the same set, summed in the same order: the
    same score to the last bit."""
    model = shipped()
    assert model is not None
    texts = [(t, "") for t in _texts()]
    for path in sorted(Path("evals/paraphrases").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        language = str(data.get("language", "")) if isinstance(data, dict) else ""
        texts += [(t, language) for t in yaml_strings(data)]
    checked = 0
    for text, language in texts:
        for sentence in sentences(normalize(text)):
            for lang in dict.fromkeys((language, "", "en", "zh", "pl")):
                assert feature_list(sentence, lang) == list(features(sentence, lang)), sentence
                assert model.score(sentence, lang) == _score_as_first_written(sentence, lang)
                checked += 1
    assert checked > 20_000


@settings(max_examples=300, deadline=None)
@given(
    sentence=st.text(alphabet="ab 12王您说谎'-.", max_size=40),
    language=st.sampled_from(["", "en", "de", "zh", "zh-Hant"]),
)
def test_feature_list_equals_the_generator_on_random_text(sentence: str, language: str) -> None:
    assert feature_list(sentence, language) == list(features(sentence, language))


@pytest.mark.parametrize(
    ("reviewer", "contact", "business"),
    [(None, "Anna Kowalska", "Bistro Verde"), ("Karen van Dijk", "王伟", ""), ("", "Li", "X")],
)
def test_cached_names_are_the_names(reviewer: str | None, contact: str, business: str) -> None:
    context = CheckContext("review", "en", Contact(contact, role="Manager"), business, reviewer)
    expected = [*name_parts(reviewer), *name_parts(contact), business]
    assert context.names == expected
    assert context.masked_names == (*expected, "Manager")
    assert _names(reviewer, contact, business) == tuple(expected)
