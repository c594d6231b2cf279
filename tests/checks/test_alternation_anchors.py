"""`Alternation` looks for a branch only near the literals its matches must hold: a
match found so must be the one `re`'s own search finds, from every position. Held on
random patterns built to stress the analysis (repeats of a character, rare characters
and classes of them, look-arounds, bounded and unbounded gaps, nested alternatives)
and on every lexicon branch over the labelled drafts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replyguard_checks import SUPPORTED_LANGUAGES, normalize
from replyguard_checks.alternation import Alternation, required_literals
from replyguard_checks.attack_structure import structure
from replyguard_checks.lexicon import lexicon
from replyguard_checks.no_meta import meta_patterns
from replyguard_evals.corpus import HOLDOUT_DIR, load_corpus

_ATOMS = [
    "a",
    "b",
    "ab",
    "ba",
    " ",
    ":",
    "😂",
    "亲",
    "x{2,}",
    "x{2}",
    "a+",
    "b?",
    "[:;]",
    "[😂亲]",
    r"\b",
    "(?<=a)",
    "(?<!b)",
    "(?=ab)",
    ".",
    r"\w*",
    ".{0,3}",
    "(?:ab|b:)",
    "(?:xx|a.{0,2}b)",
    "(?:a|ba)+",
    "(?:ab)?",
    "^",
    "$",
]
_ALPHABET = "ab x:;😂亲\n"


def _spans(matches: object) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]  # type: ignore[attr-defined]


def _assert_like_re(alternation: Alternation, text: str) -> None:
    full = re.compile(alternation.pattern, alternation.flags)
    assert _spans(alternation.finditer(text)) == _spans(full.finditer(text)), text
    assert alternation.sub("#", text) == full.sub("#", text)
    # Each branch alone, from every position: what `re` finds.
    for index in alternation.possible(text):
        branch = alternation._branch(index)
        for position in range(len(text) + 1):
            found = alternation._from(index, text, position)
            expected = branch.search(text, position)
            assert (found and found.span()) == (expected and expected.span()), (index, position)
    # A branch left out cannot match anywhere.
    left_out = set(range(len(alternation._branches))) - set(alternation.possible(text))
    for index in left_out:
        assert alternation._branch(index).search(text) is None


_branch = st.lists(st.sampled_from(_ATOMS), min_size=1, max_size=5).map("".join)
_alternative = st.lists(_branch, min_size=1, max_size=3).map("|".join)


@settings(max_examples=1000, deadline=None)
@given(
    groups=st.lists(
        st.tuples(
            st.sampled_from([None, "g1", "g2"]), st.lists(_alternative, min_size=1, max_size=4)
        ),
        min_size=1,
        max_size=3,
    ),
    # Few characters at a time: texts that hold some literals and lack others.
    text=st.sets(st.sampled_from(_ALPHABET), min_size=1, max_size=4).flatmap(
        lambda chars: st.text(alphabet=sorted(chars), max_size=60)
    ),
    multiline=st.booleans(),
)
def test_anchored_search_is_re_search(
    groups: list[tuple[str | None, list[str]]], text: str, multiline: bool
) -> None:
    merged: dict[str | None, list[str]] = {}
    for name, sources in groups:
        merged.setdefault(name, []).extend(sources)
    alternation = Alternation(list(merged.items()), re.MULTILINE if multiline else 0)
    _assert_like_re(alternation, text)


_TEXTS = [
    "",
    "a",
    "亲",
    "😂",
    ":",
    ";",
    "xx",
    "ab",
    "ba:",
    "a亲b",
    "x😂x",
    "ab ab",
    "b:a;x",
    "xxx ab",
]
_TEXTS += ["a\nb", "亲ab😂", ": ab xx", "aab", "bab:", "ab\n:x"]


@pytest.mark.parametrize("first", _ATOMS)
def test_every_pair_of_atoms(first: str) -> None:
    """Each atom, then each atom after it and as its alternative, on small texts."""
    for second in ["", *_ATOMS]:
        sources = [first + second] + ([f"{first}|{second}"] if second else [])
        alternation = Alternation([("g", sources)])
        for text in _TEXTS:
            _assert_like_re(alternation, text)


@settings(max_examples=100, deadline=None)
@given(repeat=st.integers(min_value=1, max_value=120), gap=st.sampled_from(["", " ", "a ", "b:"]))
def test_a_common_literal_falls_back_to_search(repeat: int, gap: str) -> None:
    # "ab" before every gap but no match until the end: more places than are tried
    # one by one, so the search takes over part way.
    alternation = Alternation([(None, [r"\bab:x", r"(?<=b)ab\b", r"a.{0,2}b:x"])])
    _assert_like_re(alternation, ("ab" + gap) * repeat + "ab:x ab")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x{2,}", {"xx"}),
        ("ax{2}b", {"axxb"}),
        ("[😂🙄]", {"😂", "🙄"}),
        ("[ab]", None),  # letters alone say too little
        (":-?[dp]", {":"}),
        ("亲(?:们|亲)?", {"亲"}),
        (r"(?:\w+ )?liar", {"liar"}),
    ],
)
def test_more_required_literals(source: str, expected: set[str] | None) -> None:
    found = required_literals(source)
    assert (None if found is None else set(found)) == expected


def _texts() -> list[str]:
    drafts = [d.draft for d in load_corpus()] + [d.draft for d in load_corpus(HOLDOUT_DIR)]
    return drafts + [normalize(t) for t in drafts]


@pytest.mark.slow
def test_every_branch_is_found_where_re_finds_it() -> None:
    """Every lexicon's, structure rule's and meta pattern's branches, from the start
    and from just after their first match, on every labelled draft."""
    alternations: list[Alternation] = list(meta_patterns().values())
    for language in SUPPORTED_LANGUAGES:
        words, rules = lexicon(language), structure(language)
        alternations += [words.attack, words.quoting, words.stock_patterns, words.offers]
        alternations += [words.negation, words.negation_after, words.concepts, words.address]
        alternations += [rules.reference, rules.predicates, rules.standalone]
    texts = _texts()
    assert len(texts) > 1000
    checked = 0
    for alternation in alternations:
        for text in texts:
            for index in alternation.possible(text):
                branch = alternation._branch(index)
                expected = branch.search(text)
                found = alternation._from(index, text, 0)
                assert (found and found.span()) == (expected and expected.span()), text
                if expected is not None:
                    after = expected.start() + 1
                    again = alternation._from(index, text, after)
                    wanted = branch.search(text, after)
                    assert (again and again.span()) == (wanted and wanted.span()), text
                checked += 1
    assert checked > 10_000
