"""A long text gets the same language and confidences from the trigram-only detector
that `language` uses as from lingua's high-accuracy one (short texts:
test_short_text_language.py): every long text of the labelled corpora and eval
cases, read as the checks read it, in the nine languages and with each neighbour set.
Confidences agree to float rounding (lingua sums the same terms in another order), far
from making any difference at `reply_language`'s threshold."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from replyguard_checks import normalize
from replyguard_checks.language import NEIGHBOURS, detector_for, sample
from replyguard_evals.corpus import yaml_strings

# Every corpus text through both detectors: an equivalence proof, slow.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _long_texts() -> list[str]:
    texts: set[str] = set()
    for path in sorted((ROOT / "evals").rglob("*.y*ml")):
        for text in yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for form in (sample(text), sample(normalize(text))):
                if sum(ch.isalpha() for ch in form) >= 120:
                    texts.add(form)
    return sorted(texts)


@pytest.fixture(scope="module")
def long_texts() -> list[str]:
    texts = _long_texts()
    assert len(texts) > 500
    return texts


def _languages(codes: list[str]) -> list[Language]:
    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]


def _same_answers(one: LanguageDetector, other: LanguageDetector, texts: list[str]) -> None:
    for text in texts:
        assert one.detect_language_of(text) == other.detect_language_of(text), text
        ours = one.compute_language_confidence_values(text)
        theirs = other.compute_language_confidence_values(text)
        assert [v.language for v in ours] == [v.language for v in theirs], text
        assert [v.value for v in ours] == pytest.approx([v.value for v in theirs], rel=1e-9)


def test_the_nine_languages(long_texts: list[str]) -> None:
    from replyguard_checks.context import SUPPORTED_LANGUAGES

    full = LanguageDetectorBuilder.from_languages(*_languages(list(SUPPORTED_LANGUAGES))).build()
    _same_answers(detector_for(long_texts[0]), full, long_texts)


@pytest.mark.parametrize("language", [code for code, near in NEIGHBOURS.items() if near])
def test_each_neighbour_set(language: str, long_texts: list[str]) -> None:
    languages = _languages([language, *NEIGHBOURS[language]])
    full = LanguageDetectorBuilder.from_languages(*languages).build()
    trigrams = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
    texts = long_texts[::3]
    _same_answers(trigrams, full, texts)
