"""Which specific details of a review a reply names.

A detail is a content word of the review (not a stop word, not a word every reply
uses) that the reply repeats in any inflected form, compared by lemma (simplemma)
or, for Chinese, by jieba's word segmentation.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from functools import cache, lru_cache

import simplemma

from .lexicon import lexicon, lexicons_for
from .text import mask_terms, normalize, words

_MIN_LEN = 3
_PREFIX = 5


@cache
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = os.environ.get("TMPDIR", "/tmp")
    jieba.initialize()
    return jieba


def _zh_terms(text: str, skip: set[str]) -> set[str]:
    jieba = _jieba()
    tokens = jieba.lcut(text)  # type: ignore[attr-defined]
    return {
        t
        for t in tokens
        if len(t) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in t) and t not in skip
    }


@lru_cache(maxsize=50_000)
def lemma(word: str, language: str) -> str:
    """The dictionary form of a lower-case word (cached: reviews repeat words)."""
    if language == "zh":
        return word
    return simplemma.lemmatize(word, lang=language).casefold()


def _masked(text: str, language: str, names: Iterable[str]) -> str:
    """Normalised text without names and without insults or accusations, which are
    never a specific detail ("SCAMMERS!" names no problem to answer)."""
    scanned = mask_terms(normalize(text), names)
    for lex in lexicons_for(language, text, names):
        scanned = lex.attack.sub(" ", scanned)
    return scanned


def content_terms(text: str, language: str, names: Iterable[str] = ()) -> set[str]:
    """Lemmas of the words in `text` that could be a specific detail."""
    return set(_content_terms(text, language, tuple(names)))


@lru_cache(maxsize=2048)
def _content_terms(text: str, language: str, names: tuple[str, ...]) -> frozenset[str]:
    # Cached: every draft of a request is compared with the same review.
    lex = lexicon(language)
    skip = set(lex.stopwords) | set(lex.generic_words)
    if language == "zh":
        return frozenset(_zh_terms(_masked(text, language, names), skip))
    terms: set[str] = set()
    for word in words(_masked(text, language, names)):
        if len(word) < _MIN_LEN or word in skip:
            continue
        base = lemma(word, language)
        if base not in skip and len(base) >= _MIN_LEN:
            terms.add(base)
    return frozenset(terms)


def related(a: str, b: str) -> bool:
    """Same lemma, or forms the lemmatiser missed that share a long common prefix."""
    if a == b:
        return True
    shortest = min(len(a), len(b))
    if shortest < _PREFIX:
        return False
    common = len(os.path.commonprefix([a, b]))  # noqa: RUF071 - characters are what we compare
    return common >= _PREFIX and common >= 0.75 * shortest


def shared_details(
    review: str, draft: str, language: str, names: Iterable[str] = ()
) -> tuple[set[str], list[str]]:
    """(the review's detail terms, those the draft names)."""
    names = list(names)
    wanted = content_terms(review, language, names)
    if language == "zh":
        body = normalize(draft)
        return wanted, sorted(t for t in wanted if t in body)
    have = content_terms(draft, language, names)
    return wanted, sorted(w for w in wanted if any(related(w, h) for h in have))


def warm_up(languages: Iterable[str]) -> None:
    """Load lemma tables and the Chinese dictionary now rather than on a request."""
    for language in languages:
        if language == "zh":
            _jieba()
        else:
            simplemma.lemmatize("test", lang=language)
