"""Review in, guarded reply out.

prompt → LLM → every check → re-ask with the failures → template when attempts run
out. Whatever the LLM does (time out, fail, ramble, insult), the caller gets a reply
whose `passed` flag and check list say exactly how it fared.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import cast

from replyguard_checks import (
    CheckContext,
    CheckResult,
    CheckSuite,
    Contact,
    content_terms,
    detect_language,
)

from .cues import load_cues
from .drafting import Case, Draft, Tally, same_draft
from .excerpt import pick_quote
from .facts import ReplyFacts
from .history import RecentReplies, ReplyHistory, review_key
from .judge import AttackJudge
from .llm.base import ChatModel, Message
from .llm.errors import CircuitOpen, DeadlineExceeded, LLMError, Overloaded
from .prompting import PromptBook
from .reply_script import reply_script
from .resources import prompt_texts_dir
from .salvage import load_rules, salvage
from .scenario import decide
from .schemas import (
    AttemptOut,
    Business,
    CheckOut,
    CheckRequest,
    CheckResponse,
    Language,
    Options,
    ReplyRequest,
    ReplyResponse,
    Review,
    Source,
    Suggestion,
    Usage,
)
from .settings import Settings
from .suggestions import alternatives
from .templates import TemplateBook

log = logging.getLogger(__name__)

#: Scenarios the scaffolded (compact) profile leaves to the template: see `_model_answers`.
_TEMPLATE_SCENARIOS = frozenset({"needs_investigation", "abusive"})
#: How much warmer each re-ask of the scaffolded profile samples, at the least: it
#: re-asks without the failed draft, and the same prompt at the same heat gives the
#: same text. The salvage rules, not the heat, decide which sentences can stay.
_SCAFFOLD_REASK_WARMER = 0.3
_FENCE = re.compile(r"^```[\w-]*\s*|\s*```$")
_WRAPPING_QUOTES = ('"', "'", "“", "”", "„", "«", "»")


def clean_draft(text: str) -> str:
    """Undo the wrapping some models add (code fences, quotes); nothing else."""
    text = _FENCE.sub("", text.strip()).strip()
    if len(text) > 1 and text[0] in _WRAPPING_QUOTES and text[-1] in _WRAPPING_QUOTES:
        inner = text[1:-1]
        if not any(q in inner for q in _WRAPPING_QUOTES[:2]):
            text = inner.strip()
    return text


def _outs(results: list[CheckResult]) -> list[CheckOut]:
    return [CheckOut(name=r.name, passed=r.passed, message=r.message) for r in results]


def _circuit_open(tally: Tally) -> bool:
    """Whether the last attempt was skipped because the circuit breaker is open."""
    return bool(tally.attempts) and tally.attempts[-1].error_kind == CircuitOpen.kind


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


class ReplyPipeline:
    def __init__(
        self,
        settings: Settings,
        model: ChatModel | None,
        suite: CheckSuite,
        prompts_dir: Path | None = None,
        history: ReplyHistory | None = None,
    ) -> None:
        self.settings = settings
        self.model = model
        self.suite = suite
        folder = prompts_dir or settings.prompts_dir
        self.prompts_dir = folder
        self.prompts = PromptBook(folder, settings.prompt_texts)
        # The service passes the records store's (storage.history); in memory otherwise.
        self.history: ReplyHistory = history or RecentReplies(per_business=settings.repeat_window)
        self.templates = TemplateBook(folder)
        # Settings allow the judge only with a remote model (provider openai).
        self.judge = (
            AttackJudge(model, folder, settings.judge_timeout_s)
            if model is not None and settings.judge == "llm"
            else None
        )

    # -- preparing ---------------------------------------------------------------
    def prepare(self, review: Review, business: Business, options: Options) -> Case:
        language = cast(Language, review.language or detect_language(review.text))
        script = reply_script(review, business) if language == "zh" else None
        cues = load_cues(self.prompts_dir, language)
        # What the review complains about, without any instructions aimed at a model.
        complaint, injected = cues.split(review.text)
        decision = decide(
            complaint,
            language,
            review.reviewer_name,
            cues,
            business.not_offered,
            business.fixed_issues,
            forced=options.scenario,
            whole_review=review.text,
        )
        contact = business.contact
        context = CheckContext(
            review_text=cues.without_abuse(complaint),
            language=language,
            contact=Contact(
                contact.name, contact.role, contact.phone, contact.email, contact.website
            ),
            business_name=business.name,
            reviewer_name=review.reviewer_name,
            compensation=tuple(business.compensation),
            max_words=options.max_words,
            region=business.country,
            platform=options.platform,
            recent_replies=self.history.recent(business.name, review_key(review.id, review.text)),
            repeat_threshold=self.settings.repeat_threshold,
            holding=decision.needs_human,
            injected=tuple(injected),
            script=script,
        )
        facts = ReplyFacts(
            language=language,
            scenario=decision.scenario,
            review=review.text,
            reviewer_name=review.reviewer_name,
            business=business.name,
            contact_name=contact.name,
            contact_role=contact.role,
            phone=contact.phone,
            email=contact.email,
            max_words=options.max_words,
            rating=review.rating,
            platform=review.platform,
            compensation=tuple(business.compensation),
            greeting=self.templates.greeting(language, review.reviewer_name),
            details=tuple(sorted(content_terms(complaint, language))),
            topics=decision.topics,
            quote=pick_quote(complaint, language, cues),
            not_offered=decision.not_offered,
            fix=decision.fix,
            script=script,
        )
        return Case(review, business, options, language, decision, context, facts)

    # -- checking ----------------------------------------------------------------
    async def check(self, request: CheckRequest) -> CheckResponse:
        case = self.prepare(request.review, request.business, request.options)
        results = await self.with_judge(
            request.draft, self.suite.run(request.draft, case.context), case, Tally()
        )
        return CheckResponse(
            passed=all(r.passed for r in results),
            language=case.language,
            checks=_outs(results),
            needs_human=case.decision.needs_human,
            risks=list(case.decision.risks),
        )

    async def with_judge(
        self,
        text: str,
        results: list[CheckResult],
        case: Case,
        tally: Tally,
        deadline: float | None = None,
    ) -> list[CheckResult]:
        """`results`, and the LLM judge's verdict on `text` when the judge is on and
        every check passed: only a text about to go out costs a judge call."""
        if self.judge is None or not all(r.passed for r in results):
            return results
        if deadline is None:
            deadline = time.monotonic() + self.settings.request_deadline_s
        return [*results, await self.judge.judge(text, case, tally, deadline)]

    # -- replying ----------------------------------------------------------------
    async def reply(self, request: ReplyRequest) -> ReplyResponse:
        case = self.prepare(request.review, request.business, request.options)
        tally = Tally()
        deadline = time.monotonic() + self.settings.request_deadline_s
        # A review held for a person gets only a holding reply: never the LLM's words.
        if self.model is not None and not case.decision.needs_human and self._model_answers(case):
            accepted = await self._ask_llm(case, tally, deadline)
            if accepted is not None:
                return await self._finish(case, tally, accepted[0], "llm", accepted[1], deadline)
        text, results = self._template(case, tally)
        return await self._finish(case, tally, text, "template", results, deadline)

    def _model_answers(self, case: Case) -> bool:
        """Whether the model is asked at all: only in the languages it drafts in
        (`Settings.drafting_languages`). A scaffolded body cannot ask the reviewer for
        the date and details these scenarios need (the templates do), so a small
        model's seconds would be spent on a reply that lacks them."""
        if case.language not in self.settings.drafting_languages:
            return False
        return not (self.prompts.scaffolded and case.decision.scenario in _TEMPLATE_SCENARIOS)

    def _remember(self, case: Case, reply: str) -> None:
        self.history.add(case.business.name, review_key(case.review.id, case.review.text), reply)

    async def _ask_llm(
        self, case: Case, tally: Tally, deadline: float
    ) -> tuple[str, list[CheckResult]] | None:
        assert self.model is not None
        base = self.prompts.messages(case.facts)
        messages = list(base)
        context = replace(case.context, instructions=self.prompts.instructions)
        rejected: list[str] = []
        for attempt in range(self.settings.max_attempts):
            if deadline - time.monotonic() <= 0.2:
                break
            drafted = await self.draft_once(
                messages, context, case, tally, deadline, self._temperature(len(rejected))
            )
            if drafted is None:
                if _circuit_open(tally):
                    break  # the LLM is down: straight to the template
                continue
            body, draft, results = drafted
            failed = [r for r in results if not r.passed]
            if self.prompts.scaffolded:
                kept = self._salvage(body, draft, results, case, context, tally)
                if kept is not None:
                    return kept
            elif not failed:
                return draft, results
            if any(same_draft(body, earlier) for earlier in rejected):
                # The model answers the re-ask with the draft it was told fails: another
                # try costs seconds (on the embedded model) and gives the same again.
                log.info("llm repeated a rejected draft on attempt %d; template", attempt + 1)
                break
            rejected.append(body)
            # A draft that passed the checks but not the salvage rules names nothing of
            # its own: it gets the hint to name the problem.
            told = [(r.name, r.message) for r in failed] or [("no_generic", "")]
            reask = self.prompts.reask(case.facts, told)
            # A small model shown its failed draft writes it again: the scaffolded
            # profile re-asks afresh, with the hints and a warmer sample instead.
            shown = [] if self.prompts.scaffolded else [Message("assistant", body)]
            messages = [*base, *shown, reask]
        return None

    def _salvage(
        self,
        body: str,
        draft: str,
        results: list[CheckResult],
        case: Case,
        context: CheckContext,
        tally: Tally,
    ) -> tuple[str, list[CheckResult]] | None:
        """A scaffolded draft as it may go out, or None to re-ask. A small model's body
        keeps only the sentences the salvage rules allow, and must name the problem
        itself (the scaffold's fact line must not do it for the model): one good
        sentence is worth more than a re-ask's seconds. A cut is its own attempt after
        the draft it was cut from, so the record shows both."""
        rules = load_rules(
            prompt_texts_dir(self.prompts_dir, "compact") / "salvage.yaml", case.language
        )
        if rules is None:  # no rules for the language: the checks alone decide
            return (draft, results) if all(r.passed for r in results) else None
        started = time.perf_counter()
        cut = salvage(
            body,
            lambda text: self.templates.scaffold(case.facts, text),
            lambda text: self.suite.run(text, context),
            context,
            rules,
        )
        if cut is None:
            return None
        if not cut.dropped and all(r.passed for r in results):
            return draft, results  # the draft as written
        log.info("llm draft kept after cutting %d sentences", len(cut.dropped))
        tally.attempts.append(
            AttemptOut(source="llm", text=cut.draft, failed=[], duration_ms=_ms(started))
        )
        return cut.draft, cut.results

    def _temperature(self, reasks: int) -> float:
        """The first draft at the configured temperature, each re-ask a step warmer, so
        a model that failed does not sample the same text again."""
        step = self.settings.llm_reask_warmer
        if self.prompts.scaffolded:
            step = max(step, _SCAFFOLD_REASK_WARMER)
        warmer = self.settings.llm_temperature + reasks * step
        return round(min(warmer, max(1.0, self.settings.llm_temperature)), 3)

    async def draft_once(
        self,
        messages: list[Message],
        context: CheckContext,
        case: Case,
        tally: Tally,
        deadline: float,
        temperature: float,
        *,
        alternative: bool = False,
    ) -> tuple[str, str, list[CheckResult]] | None:
        """One LLM call, cleaned and checked, recorded in `tally`: (the model's body, the
        draft, its check results), or None when the LLM gave nothing usable."""
        assert self.model is not None
        remaining = deadline - time.monotonic()
        started = time.perf_counter()
        try:
            async with asyncio.timeout(remaining):
                completion = await self.model.complete(
                    messages,
                    max_tokens=self.settings.max_tokens,
                    temperature=temperature,
                    timeout_s=min(self.settings.llm_timeout_s, remaining),
                )
        except Overloaded:
            raise  # not the draft's failure: the caller answers 503 with Retry-After
        except (LLMError, TimeoutError) as exc:
            failure = (
                exc
                if isinstance(exc, LLMError)
                else DeadlineExceeded("the request ran out of time")
            )
            log.warning("llm attempt failed: %s", failure)
            tally.attempts.append(
                AttemptOut(
                    source="llm",
                    text="",
                    failed=[],
                    error=str(failure),
                    error_kind=failure.kind,
                    duration_ms=_ms(started),
                    alternative=alternative,
                )
            )
            return None
        tally.prompt_tokens += completion.prompt_tokens
        tally.completion_tokens += completion.completion_tokens
        body = clean_draft(completion.text)
        draft = self.templates.scaffold(case.facts, body) if self.prompts.scaffolded else body
        # The judge's verdict is one more check: a draft it rejects is re-asked with
        # its reason.
        results = await self.with_judge(
            draft, self.suite.run(draft, context), case, tally, deadline
        )
        tally.attempts.append(
            AttemptOut(
                source="llm",
                text=draft,
                failed=[r.name for r in results if not r.passed],
                duration_ms=_ms(started),
                alternative=alternative,
            )
        )
        return body, draft, results

    def _template(self, case: Case, tally: Tally) -> tuple[str, list[CheckResult]]:
        started = time.perf_counter()
        best: tuple[int, str, list[CheckResult]] | None = None
        for candidate in self.templates.candidates(case.facts):
            results = self.suite.run(candidate, case.context)
            failures = sum(not r.passed for r in results)
            if best is None or failures < best[0]:
                best = (failures, candidate, results)
            if failures == 0:
                break
        assert best is not None, "every scenario has at least one template"
        _, text, results = best
        if best[0]:
            log.error(
                "no template passes every check (language=%s scenario=%s failed=%s)",
                case.language,
                case.decision.scenario,
                [r.name for r in results if not r.passed],
            )
        tally.attempts.append(
            AttemptOut(
                source="template",
                text=text,
                failed=[r.name for r in results if not r.passed],
                duration_ms=_ms(started),
            )
        )
        return text, results

    # -- alternatives: the `Drafter` that `suggestions` drafts through -------------
    @property
    def drafts_alongside(self) -> bool:
        """Not with the embedded local model: it drafts one at a time on the CPU, so
        extra drafts would add their whole duration to the agent's wait."""
        return self.model is not None and self.settings.provider != "local"

    async def draft_alternative(
        self, case: Case, tally: Tally, deadline: float, warmer: float
    ) -> Draft | None:
        messages = self.prompts.messages(case.facts)
        context = replace(case.context, instructions=self.prompts.instructions)
        temperature = min(self.settings.llm_temperature + warmer, 1.0)
        drafted = await self.draft_once(
            messages, context, case, tally, deadline, temperature, alternative=True
        )
        if drafted is None:
            return None
        _, text, results = drafted
        return Draft(text, "llm", results)

    def template_texts(self, case: Case) -> Iterable[str]:
        return self.templates.candidates(case.facts)

    def run_checks(self, text: str, case: Case) -> list[CheckResult]:
        return self.suite.run(text, case.context)

    async def _finish(
        self,
        case: Case,
        tally: Tally,
        text: str,
        source: Source,
        results: list[CheckResult],
        deadline: float,
    ) -> ReplyResponse:
        """Find the alternatives asked for, record the reply for `not_repeated`, and
        build the response."""
        drafts = await alternatives(self, case, tally, Draft(text, source, results), deadline)
        self._remember(case, text)
        return ReplyResponse(
            id=uuid.uuid4().hex,
            reply=text,
            source=source,
            passed=all(r.passed for r in results),
            language=case.language,
            scenario=case.decision.scenario,
            scenario_reason=case.decision.reason,
            needs_human=case.decision.needs_human,
            risks=list(case.decision.risks),
            topics=list(case.decision.topics),
            checks=_outs(results),
            attempts=tally.attempts,
            usage=Usage(
                prompt_tokens=tally.prompt_tokens, completion_tokens=tally.completion_tokens
            ),
            review_id=case.review.id,
            model=self.model.name if self.model else "templates-only",
            suggestions=[
                Suggestion(
                    text=d.text,
                    source=d.source,
                    language=case.language,
                    passed=d.passed,
                    checks=_outs(d.results),
                )
                for d in drafts
            ],
        )
