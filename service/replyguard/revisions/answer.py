"""A revision request answered: the rules, then the LLM if one is configured, then a
template when nothing else passes. `POST /v1/revisions` takes all three steps;
`replyguard audit` the rules alone."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

from replyguard_checks import CheckResult

from ..drafting import Case, Tally
from ..judge import JUDGE_CHECK
from ..pipeline import ReplyPipeline
from ..schemas import ChangeOut, CheckOut, RevisionRequest, RevisionResponse
from .engine import Reviser, Revision
from .llm_edit import llm_edit, template_revision


def _by_rules(pipeline: ReplyPipeline, body: RevisionRequest) -> tuple[Case, Revision]:
    case = pipeline.prepare(body.review, body.business, body.options)
    reviser = Reviser(pipeline.suite, pipeline.templates, pipeline.prompts_dir)
    return case, reviser.revise(case, body.draft)


def revise_by_rules(pipeline: ReplyPipeline, body: RevisionRequest) -> RevisionResponse:
    """The rules' revision of `body.draft`, checked in the context `/v1/checks` builds
    (CPU work: call it off the event loop)."""
    case, revision = _by_rules(pipeline, body)
    return _response(revision, case, pipeline)


async def revise_request(pipeline: ReplyPipeline, body: RevisionRequest) -> RevisionResponse:
    """The rules' revision when it passes; else the LLM's edit that passes; else the
    first template reply that passes; else the rules' revision, marked as failing."""
    case, revision = await asyncio.to_thread(_by_rules, pipeline, body)
    revision = await _judged(pipeline, case, revision)
    if revision.passed:
        return _response(revision, case, pipeline)
    # The judge's reading of the person's words is one more thing for the edit to fix.
    judged = [r for r in revision.checks if r.name == JUDGE_CHECK]
    edited = await llm_edit(pipeline, case, body.draft, [*revision.checks_before, *judged])
    if edited is not None:
        edited = await _judged(pipeline, case, edited)
    if edited is None or not edited.passed:
        edited = await asyncio.to_thread(
            template_revision, pipeline, case, body.draft, revision.checks_before
        )
    return _response(edited or revision, case, pipeline)


async def _judged(pipeline: ReplyPipeline, case: Case, revision: Revision) -> Revision:
    """A revision that passed the checks, with the LLM judge's verdict as one more
    check when the judge is on: the person's words it keeps are read like any draft.
    A template is ours and is not judged."""
    if not revision.passed or revision.source == "template":
        return revision
    checks = await pipeline.with_judge(revision.revised, revision.checks, case, Tally())
    return replace(revision, checks=checks)


def _model(revision: Revision, pipeline: ReplyPipeline) -> str:
    """Who revised, as a reply's `model` says who drafted."""
    if revision.source == "llm" and pipeline.model is not None:
        return pipeline.model.name
    return "templates-only" if revision.source == "template" else "rules"


def _response(revision: Revision, case: Case, pipeline: ReplyPipeline) -> RevisionResponse:
    return RevisionResponse(
        id=uuid.uuid4().hex,
        revised=revision.revised,
        passed=revision.passed,
        language=case.language,
        source=revision.source,
        kept=revision.kept,
        changes=[
            ChangeOut(check=c.check, kind=c.kind, before=c.before, after=c.after)
            for c in revision.changes
        ],
        checks_before=[_out(r) for r in revision.checks_before],
        checks=[_out(r) for r in revision.checks],
        needs_human=case.decision.needs_human,
        risks=list(case.decision.risks),
        scenario=case.decision.scenario,
        scenario_reason=case.decision.reason,
        topics=list(case.decision.topics),
        model=_model(revision, pipeline),
    )


def _out(result: CheckResult) -> CheckOut:
    return CheckOut(name=result.name, passed=result.passed, message=result.message)
