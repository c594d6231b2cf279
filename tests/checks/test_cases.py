"""Every labelled draft of the corpus (evals/corpus/*.yaml): the named check passes or
fails as labelled. The same corpus feeds the precision/recall table of the eval."""

from __future__ import annotations

import pytest

from replyguard_checks import CheckSuite
from replyguard_evals.corpus import LabelledDraft, load_corpus

DRAFTS = load_corpus()


def _id(item: LabelledDraft, index: int) -> str:
    label = "fail" if item.should_fail else "pass"
    note = f"-{item.note[:30]}" if item.note else ""
    return f"{item.language}-{index:03d}-{item.check}-{label}{note}"


@pytest.mark.parametrize("item", DRAFTS, ids=[_id(d, i) for i, d in enumerate(DRAFTS)])
def test_labelled_draft(suite: CheckSuite, item: LabelledDraft) -> None:
    results = {r.name: r for r in suite.run(item.draft, item.context)}
    result = results[item.check]
    assert result.passed is not item.should_fail, result.message
