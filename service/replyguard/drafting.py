"""What drafting a reply works on and reports, and the interface alternatives are
drafted through.

`pipeline` writes the reply and `suggestions` finds alternatives to it. Both use these
types, and `suggestions` reaches the pipeline only through `Drafter`, so neither module
imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz

from replyguard_checks import CheckContext, CheckResult

from .facts import ReplyFacts
from .scenario import Decision
from .schemas import AttemptOut, Business, Language, Options, Review, Source

#: Two drafts at least this similar (0..1, on casefolded text) count as the same draft.
NEAR_IDENTICAL = 0.85


def comparable(text: str) -> str:
    """A draft as it is compared with others: case and spacing aside."""
    return " ".join(text.casefold().split())


def same_draft(a: str, b: str) -> bool:
    """Whether two drafts are the same text, or nearly (a model that repeats itself,
    an alternative that says nothing new)."""
    return fuzz.ratio(comparable(a), comparable(b)) / 100 >= NEAR_IDENTICAL


@dataclass(slots=True)
class Case:
    """One review to answer, with everything derived from it."""

    review: Review
    business: Business
    options: Options
    language: Language
    decision: Decision
    context: CheckContext
    facts: ReplyFacts


@dataclass(slots=True)
class Tally:
    """Every attempt made for one request and the tokens they cost: the response
    reports them all, the alternatives' included."""

    attempts: list[AttemptOut] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Draft:
    """A text offered to the agent, where it came from and how it fared."""

    text: str
    source: Source
    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)


class Drafter(Protocol):
    """What `suggestions` needs from whatever wrote the reply (`ReplyPipeline`)."""

    @property
    def drafts_alongside(self) -> bool:
        """Whether an LLM can take extra drafts in parallel with each other."""
        ...

    async def draft_alternative(
        self, case: Case, tally: Tally, deadline: float, warmer: float
    ) -> Draft | None:
        """One more LLM draft from the reply's own prompt, sampled `warmer` above the
        reply's temperature, checked and recorded in `tally` as an alternative; None
        when the LLM gave nothing usable. Raises `Overloaded` when the model is busy."""
        ...

    def template_texts(self, case: Case) -> Iterable[str]:
        """The template variants for `case`, best first, not yet checked."""
        ...

    def run_checks(self, text: str, case: Case) -> list[CheckResult]:
        """Every check on `text` as a reply to `case`."""
        ...
