"""Templates are the safety net: with no LLM, every eval case must pass."""

from __future__ import annotations

import asyncio

import pytest

from replyguard.pipeline import ReplyPipeline
from replyguard_evals.dataset import EvalCase, load_cases
from replyguard_evals.judge import judge

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_template_reply_meets_case(templates_only: ReplyPipeline, case: EvalCase) -> None:
    response = asyncio.run(templates_only.reply(case.request))
    verdict = judge(case, response, tuple(response.topics))
    assert verdict.passed, f"{verdict.problems}\n{response.reply}"
    assert response.source == "template"
