"""The LLM step of a revision: when the rules cannot make a person's reply pass, the
configured LLM edits it, told which checks failed and to keep the writer's words,
and every edit is checked like a draft of its own.

The prompt is data (`prompts/revise.md`); the conversation is the reply prompt
(playbook, business facts, the review), the person's reply as the assistant's turn,
and the edit request, so the model edits the text rather than writing anew.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from functools import cache
from pathlib import Path
from string import Template

from replyguard_checks import CheckResult

from ..drafting import Case
from ..llm.base import Message
from ..llm.errors import LLMError
from ..pipeline import ReplyPipeline, clean_draft
from ..prompting import language_name
from ..resources import revise_prompt_file
from .engine import Change, Revision, kept_share

log = logging.getLogger(__name__)


@cache
def _prompt(folder: Path) -> Template:
    return Template(revise_prompt_file(folder).read_text(encoding="utf-8"))


def _failures(results: list[CheckResult]) -> str:
    return "\n".join(f"- {r.name}: {r.message}" for r in results if not r.passed)


async def llm_edit(
    pipeline: ReplyPipeline, case: Case, draft: str, before: list[CheckResult]
) -> Revision | None:
    """The LLM's edit of `draft` that passes every check, or None: no LLM, no edit that
    passes within the attempts and the request's deadline, or the LLM failing."""
    model = pipeline.model
    settings = pipeline.settings
    if model is None or case.decision.needs_human or pipeline.prompts.scaffolded:
        return None
    prompt = _prompt(pipeline.prompts_dir)
    facts = case.facts
    values = {
        "language_name": language_name(facts),
        "channel": " or ".join(x for x in (facts.phone, facts.email) if x),
        "contact_name": facts.contact_name,
        "max_words": str(facts.max_words),
    }
    # What the model was told is no reply text: an edit that parrots it fails no_meta.
    context = replace(
        case.context, instructions=f"{pipeline.prompts.instructions}\n{prompt.template}"
    )
    messages = [*pipeline.prompts.messages(facts), Message("assistant", draft)]
    results = before
    deadline = time.monotonic() + settings.request_deadline_s
    for _ in range(max(settings.max_attempts, 1)):
        remaining = deadline - time.monotonic()
        if remaining <= 0.2:
            break
        ask = Message("user", prompt.substitute(values, failures=_failures(results)).strip())
        try:
            async with asyncio.timeout(remaining):
                completion = await model.complete(
                    [*messages, ask],
                    max_tokens=settings.max_tokens,
                    temperature=settings.llm_temperature,
                    timeout_s=min(settings.llm_timeout_s, remaining),
                )
        except (LLMError, TimeoutError) as exc:
            log.warning("llm edit of a person's reply failed: %s", exc)
            return None
        text = clean_draft(completion.text)
        results = pipeline.suite.run(text, context)
        if text and all(r.passed for r in results):
            change = Change("all", "replaced", draft, text)
            return Revision(draft, text, before, results, [change], kept_share(draft, text), "llm")
        messages = [*messages, ask, Message("assistant", text)]
    return None


def template_revision(
    pipeline: ReplyPipeline, case: Case, draft: str, before: list[CheckResult]
) -> Revision | None:
    """The first template reply that passes every check: the last resort, which keeps
    little of the person's words (`kept` says how little)."""
    for text in pipeline.template_texts(case):
        results = pipeline.run_checks(text, case)
        if all(r.passed for r in results):
            change = Change("all", "replaced", draft, text)
            return Revision(
                draft, text, before, results, [change], kept_share(draft, text), "template"
            )
    return None
