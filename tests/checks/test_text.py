"""Text helpers that the checks lean on, held to the plain `re` behaviour they replace."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from replyguard_checks import CJK_CHAR, mask_terms, normalize, word_count


def _regex_mask(text: str, terms: list[str]) -> str:
    """The specification: one alternation, longest name first, whole words only
    (CJK names wherever they are)."""
    kept = {normalize(t) for t in terms if t and len(t.strip()) >= 2}
    if not kept:
        return text
    pattern = "|".join(
        re.escape(t) if CJK_CHAR.search(t) else rf"(?<!\w){re.escape(t)}(?!\w)"
        for t in sorted(kept, key=len, reverse=True)
    )
    return re.sub(pattern, " ", text)


_term = st.text(alphabet="anką 王_-", min_size=1, max_size=6)


@settings(max_examples=500, deadline=None)
@given(terms=st.lists(_term, max_size=4), text=st.text(alphabet="anką 王_-.", max_size=40))
def test_mask_terms_is_the_regex_it_replaced(terms: list[str], text: str) -> None:
    normalized = normalize(text)
    assert mask_terms(normalized, terms) == _regex_mask(normalized, terms)


def test_mask_terms_masks_whole_names_longest_first() -> None:
    text = normalize("Dear Anna Kowalska, Joanna and Anna send 王伟您好 regards")
    masked = mask_terms(text, ["Anna", "Anna Kowalska", "王伟"])
    assert masked == "dear  , joanna and   send  您好 regards"


def test_word_count_counts_a_cjk_character_as_half_a_word() -> None:
    assert word_count("Thank you, Karen - it's well-known") == 5
    assert word_count("谢谢您 the feedback") == 3.5
    assert word_count("") == 0
