"""The whole-text shortcut of the structural attack rules changes no outcome."""

from __future__ import annotations

import pytest

from replyguard_checks import SUPPORTED_LANGUAGES, normalize
from replyguard_checks.attack_structure import find, find_by_clause, structure
from replyguard_evals.corpus import HOLDOUT_DIR, REAL_DIR, load_corpus
from replyguard_evals.train import paraphrase_samples

TEXTS = sorted(
    {
        d.draft
        for folder in (None, HOLDOUT_DIR, REAL_DIR / "dev")
        for d in (load_corpus(folder) if folder else load_corpus())
    }
    | {s.sentence for s in paraphrase_samples()}
)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_shortcut_equals_clause_by_clause(language: str) -> None:
    rules = structure(language)
    found = 0
    for text in TEXTS:
        scanned = normalize(text)
        expected = find_by_clause(scanned, rules)
        assert find(scanned, rules) == expected, text
        found += bool(expected)
    assert found  # the rules do fire on this material: the comparison is not vacuous
