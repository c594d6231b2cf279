"""Which specific details of a review a reply names.

A detail is a content word of the review (not a stop word, not a word every reply
uses) that the reply repeats in any inflected form, compared by lemma (simplemma)
or, for Chinese, by jieba's word segmentation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .lemma_tables import lemmatizer
from .lexicon import lexicon, lexicons_for
from .text import mask_terms, normalize, words

_MIN_LEN = 3
_PREFIX = 5
_STEM = 4
# Degree words in front of a Chinese complaint: "太慢" and "好慢" name the "慢" that a
# reply writing "变慢" names too.
_ZH_DEGREE = re.compile(
    r"^(?:太|好|很|超|真|挺|有够|变得?|越来越|愈来愈|非常|特别|十分|老是|一直|总是|常常|经常)+"
)


def _jieba() -> Any:
    from .jieba_table import tokenizer  # jieba loads lazily: only Chinese needs it

    return tokenizer()


def _zh_terms(text: str, skip: set[str]) -> set[str]:
    tokens = _jieba().lcut(text)
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
    return lemmatizer().lemmatize(word, language).casefold()


def _masked(text: str, language: str, names: Iterable[str], told_by: Iterable[str]) -> str:
    """Normalised text without names and without insults or accusations, which are
    never a specific detail ("SCAMMERS!" names no problem to answer)."""
    scanned = mask_terms(normalize(text), names)
    for lex in lexicons_for(language, text, told_by):
        scanned = lex.attack.sub(" ", scanned)
    return scanned


def content_terms(
    text: str,
    language: str,
    names: Iterable[str] = (),
    told_by: Iterable[str] | None = None,
) -> set[str]:
    """Lemmas of the words in `text` that could be a specific detail, with `names`
    masked. The text's language is told with `told_by` masked (default: `names`):
    a check passes the names every other check tells a draft's language with, so
    the draft is detected once, not once more for a second set of names."""
    names = tuple(names)
    return set(_content_terms(text, language, names, names if told_by is None else tuple(told_by)))


@lru_cache(maxsize=2048)
def _content_terms(
    text: str, language: str, names: tuple[str, ...], told_by: tuple[str, ...]
) -> frozenset[str]:
    # Cached: every draft of a request is compared with the same review.
    lex = lexicon(language)
    skip = set(lex.stopwords) | set(lex.generic_words)
    if language == "zh":
        return frozenset(_zh_terms(_masked(text, language, names, told_by), skip))
    terms: set[str] = set()
    for word in words(_masked(text, language, names, told_by)):
        if len(word) < _MIN_LEN or word in skip:
            continue
        base = lemma(word, language)
        if base not in skip and len(base) >= _MIN_LEN:
            terms.add(base)
    return frozenset(terms)


def related(a: str, b: str) -> bool:
    """Same lemma, one word the stem of the other ("slow", "slowness") or the head of a
    compound, or forms the lemmatiser missed that share a long common prefix."""
    if a == b:
        return True
    shortest = min(len(a), len(b))
    if shortest >= _STEM and (a.startswith(b) or b.startswith(a)):
        return True
    if shortest < _PREFIX:
        return False
    if a.endswith(b) or b.endswith(a):
        return True  # the head of a compound: "reservoir" in "waterreservoir"
    if a[:_PREFIX] != b[:_PREFIX]:
        return False  # no common prefix of _PREFIX letters: most pairs stop here
    common = len(os.path.commonprefix([a, b]))  # noqa: RUF071 - characters are what we compare
    return common >= _PREFIX and common >= 0.75 * shortest


def shared_details(
    review: str,
    draft: str,
    language: str,
    names: Iterable[str] = (),
    told_by: Iterable[str] | None = None,
) -> tuple[set[str], list[str]]:
    """(the review's detail terms, those the draft names); `told_by` as in
    `content_terms`."""
    names = list(names)
    told_by = None if told_by is None else tuple(told_by)
    wanted = content_terms(review, language, names, told_by)
    if language == "zh":
        body = normalize(draft)
        return wanted, sorted(t for t in wanted if t in body or _zh_core(t) in body)
    have = content_terms(draft, language, names, told_by)
    # A term the draft repeats as it is needs no pairwise comparison (`related(w, w)`
    # holds): a set lookup first, every pair only for the rest.
    return wanted, sorted(w for w in wanted if w in have or any(related(w, h) for h in have))


def _zh_core(term: str) -> str:
    """A Chinese term without the degree words in front; the term itself when none."""
    return _ZH_DEGREE.sub("", term) or term


def warm_up(languages: Iterable[str]) -> None:
    """Load lemma tables and the Chinese dictionary now rather than on a request."""
    for language in languages:
        if language == "zh":
            _jieba()
        else:
            lemmatizer().lemmatize("test", language)
