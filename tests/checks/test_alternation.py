"""`Alternation` must match exactly as the full regex alternation it stands for: same
matches, same spans, same group, in the same order. Checked on every lexicon against
the labelled corpus, and on random patterns and texts."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replyguard_checks import SUPPORTED_LANGUAGES, normalize
from replyguard_checks.alternation import Alternation, required_literals
from replyguard_checks.lexicon import lexicon
from replyguard_checks.no_meta import meta_patterns
from replyguard_evals.corpus import HOLDOUT_DIR, load_corpus
from replyguard_evals.dataset import load_cases


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


def _assert_same(alternation: Alternation, full: re.Pattern[str], text: str) -> None:
    assert _spans(alternation.finditer(text)) == _spans(full.finditer(text)), text
    assert alternation.sub("#", text) == full.sub("#", text)


def _texts(language: str) -> list[str]:
    drafts = [d.draft for d in load_corpus() if d.language == language]
    drafts += [d.draft for d in load_corpus(HOLDOUT_DIR) if d.language == language]
    drafts += [c.review.text for c in load_cases(languages=[language])]
    return drafts + [normalize(t) for t in drafts]


_FIELDS = ("attack", "quoting", "stock_patterns", "offers", "negation", "negation_after")
_FIELDS += ("concepts", "address")


@pytest.mark.slow
@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_lexicon_matches_like_its_full_alternation(language: str) -> None:
    words = lexicon(language)
    texts = _texts(language)
    assert len(texts) > 20
    for name in _FIELDS:
        alternation: Alternation = getattr(words, name)
        full = re.compile(alternation.pattern, alternation.flags)
        for text in texts:
            _assert_same(alternation, full, text)


@pytest.mark.slow
def test_meta_patterns_match_like_their_full_alternation() -> None:
    texts = [t for language in SUPPORTED_LANGUAGES for t in _texts(language)]
    for alternation in meta_patterns().values():
        full = re.compile(alternation.pattern, alternation.flags)
        for text in texts:
            _assert_same(alternation, full, text)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("liar", {"liar"}),
        (r"\bliar\b", {"liar"}),
        ("(?:liar|cheat)s?", {"liar", "cheat"}),
        (r"you\s+(?:are|were)\s+wrong", {"wrong"}),
        ("(?:ab){2,}c", {"ab"}),  # a repeat of at least one: its body is required
        ("(?:ab)?c", None),  # an optional group guarantees nothing, "c" is too short
        ("(?:ab|c)d", None),  # one branch without a literal of two characters
        ("(?i)liar", None),  # case-insensitive: no exact literal to look for
        ("(?=ab)ab", {"ab"}),
    ],
)
def test_required_literals(source: str, expected: set[str] | None) -> None:
    found = required_literals(source)
    assert (None if found is None else set(found)) == expected


# Random alternations over a tiny alphabet: many overlaps, ties and empty matches.
_atom = st.sampled_from(["a", "b", "ab", "ba", "aa", " ", r"\b", "b?", "a+", "(?:ab|b)", "."])
_branch = st.lists(_atom, min_size=1, max_size=4).map("".join)
_groups = st.lists(
    st.tuples(st.sampled_from([None, "g1", "g2"]), st.lists(_branch, min_size=1, max_size=4)),
    min_size=1,
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(groups=_groups, text=st.text(alphabet="ab ", max_size=30))
def test_random_alternations(groups: list[tuple[str | None, list[str]]], text: str) -> None:
    # One group name may appear once only in a regex: merge repeated names.
    merged: dict[str | None, list[str]] = {}
    for name, sources in groups:
        merged.setdefault(name, []).extend(sources)
    alternation = Alternation(list(merged.items()))
    _assert_same(alternation, re.compile(alternation.pattern), text)
