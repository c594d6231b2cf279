"""`replyguard accuracy --judge`: what the LLM judge adds to `no_attack` on a labelled
corpus, scored as its own row (`no_attack+judge`) beside the checks' own.

The judge reads, as in the service, only the replies `no_attack` passed; a reply it
cannot judge counts as flagged (the service fails closed) and is counted apart.
Calls run a few at a time: a real model takes a second or two each.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from replyguard.drafting import Tally
from replyguard.judge import UNJUDGED, AttackJudge
from replyguard.llm import build_model
from replyguard.prompting import language_label
from replyguard.settings import Settings
from replyguard_checks import CheckSuite

from .corpus import LabelledDraft, Results, Score, draft_key, load_corpus, report_of, run_once

#: The row the judge's verdicts are scored under.
JUDGED_CHECK = "no_attack+judge"
_IN_FLIGHT = 8


async def _verdicts(
    settings: Settings, drafts: list[LabelledDraft], runs: dict[tuple[str, int], Results]
) -> dict[tuple[str, int], tuple[bool, str]]:
    """(flagged, message) of the judge for every distinct reply `no_attack` passed."""
    model = build_model(settings)
    if model is None:
        raise ValueError("the LLM judge needs a model; provider is none")
    judge = AttackJudge(model, settings.prompts_dir, settings.judge_timeout_s)
    wanted = {
        draft_key(d): d
        for d in drafts
        if d.check == "no_attack" and runs[draft_key(d)]["no_attack"].passed
    }
    gate = asyncio.Semaphore(_IN_FLIGHT)

    async def one(item: LabelledDraft) -> tuple[bool, str]:
        async with gate:
            deadline = time.monotonic() + settings.request_deadline_s
            result = await judge.judge_text(
                item.draft,
                item.context.review_text,
                language_label(item.context.language, item.context.review_script),
                Tally(),
                deadline,
            )
            return (not result.passed, result.message)

    try:
        answers = await asyncio.gather(*(one(item) for item in wanted.values()))
    finally:
        await model.aclose()
    return dict(zip(wanted, answers, strict=True))


def judge_report(
    settings: Settings, drafts: list[LabelledDraft], runs: dict[tuple[str, int], Results]
) -> dict[str, Any]:
    """Precision, recall and F1 of `no_attack` with the judge behind it, per language,
    and how many replies the judge read and could not judge."""
    verdicts = asyncio.run(_verdicts(settings, drafts, runs))
    scores: dict[str, Score] = defaultdict(Score)
    for item in (d for d in drafts if d.check == "no_attack"):
        caught = not runs[draft_key(item)]["no_attack"].passed
        flagged, message = verdicts.get(draft_key(item), (False, ""))
        for bucket in (scores[item.language], scores["all"]):
            bucket.add(caught or flagged, item, message)
    unjudged = sum(1 for _, message in verdicts.values() if message.startswith(UNJUDGED))
    return {
        "judged": len(verdicts),
        "unjudged": unjudged,
        "model": settings.model_name,
        "by_language": {lang: s.as_dict() for lang, s in sorted(scores.items())},
    }


def judged_corpus_report(suite: CheckSuite, folder: Path, settings: Settings) -> dict[str, Any]:
    """`corpus_report` with the row `no_attack+judge` and what the judge read."""
    drafts = load_corpus(folder)
    runs = run_once(suite, drafts)
    report = report_of(suite, drafts, runs)
    judged = judge_report(settings, drafts, runs)
    report["judge"] = {k: v for k, v in judged.items() if k != "by_language"}
    report["by_check"][JUDGED_CHECK] = judged["by_language"]
    return report
