"""`shared_details` finds a repeated term by a set lookup before comparing pairs; it
gives exactly what the pairwise comparison alone gave, on every eval case's review
with each of its template replies (the drafts the checks read most)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from replyguard.pipeline import ReplyPipeline
from replyguard_checks.details import content_terms, related, shared_details
from replyguard_evals.dataset import load_cases

# Every eval case's review with each of its templates: an equivalence proof, slow.
pytestmark = pytest.mark.slow


def _pairwise(
    review: str, draft: str, language: str, names: Iterable[str] = ()
) -> tuple[set[str], list[str]]:
    """`shared_details` as it was: every review term against every draft term."""
    names = list(names)
    wanted = content_terms(review, language, names)
    have = content_terms(draft, language, names)
    return wanted, sorted(w for w in wanted if any(related(w, h) for h in have))


def test_shared_details_equal_the_pairwise_comparison(templates_only: ReplyPipeline) -> None:
    compared = found = 0
    for case in load_cases():
        if case.language == "zh":
            continue  # Chinese is compared by substring, untouched
        prepared = templates_only.prepare(case.review, case.business, case.options)
        context = prepared.context
        for draft in templates_only.template_texts(prepared):
            args = (context.review_text, draft, context.language, context.names)
            assert shared_details(*args) == _pairwise(*args), draft
            compared += 1
            found += bool(shared_details(*args)[1])
    assert compared > 300
    assert found > 100  # terms the drafts really share, not only empty answers


def test_every_term_is_related_to_itself() -> None:
    for word in ("soup", "wachttijd", "zupa", "réservation", "ab", "x"):
        assert related(word, word)
