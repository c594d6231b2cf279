"""All checks, built once per process.

`CheckSuite.run` returns one result per check, always in the same order; a check that
left no outcome counts as failed, never as passed. Each check is a guardrails-ai
`Validator` and is run through its public `validate`, as a `Guard` runs it: going
through `Guard.validate` gives the same outcomes (a test holds them equal) but costs
milliseconds per draft in history and bookkeeping, more than all the checks together.
`CheckSuite.guard` is that Guard, for callers that want guardrails' own interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from guardrails.guard import Guard
from guardrails.settings import settings as guardrails_settings
from guardrails.validators import FailResult, PassResult

from . import language, no_meta
from .attack_model import shipped
from .attack_structure import structure
from .base import MESSAGE_KEY, ReplyCheck
from .context import SUPPORTED_LANGUAGES, CheckContext
from .details import warm_up
from .length import Length
from .lexicon import all_lexicons
from .named_contact import NamedContact
from .no_attack import NoAttack
from .no_generic import NoGeneric
from .no_meta import NoMeta
from .no_private_data import NoPrivateData
from .no_unauthorized_offer import NoUnauthorizedOffer
from .not_repeated import NotRepeated
from .offline_channel import OfflineChannel
from .reply_language import ReplyLanguage
from .text import word_count

# No hub telemetry, no tracing spans: replyguard runs offline and per-call cost matters.
guardrails_settings.rc.enable_metrics = False
guardrails_settings.disable_tracing = True

# Drafts this many times over the word limit (and at least this long) are not scanned.
_FAR_OVER = 4
_FAR_OVER_MIN = 600

CORE_CHECKS: tuple[type[ReplyCheck], ...] = (
    Length,
    NoAttack,
    NamedContact,
    OfflineChannel,
    NoGeneric,
    ReplyLanguage,
    NoMeta,
    NoUnauthorizedOffer,
    NoPrivateData,
    NotRepeated,
)


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    passed: bool
    message: str


class CheckSuite:
    """Runs every check on a draft."""

    def __init__(self, checks: Sequence[ReplyCheck] | None = None) -> None:
        self.checks: tuple[ReplyCheck, ...] = tuple(checks or (c() for c in CORE_CHECKS))

    @cached_property
    def guard(self) -> Guard:
        """The same checks behind one guardrails `Guard` (not used by `run`)."""
        return Guard(name="replyguard").use(*self.checks)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.checks]

    def warm_up(self) -> None:
        """Compile every lexicon and structural rule, load lemma tables and the attack
        classifier before the first request (Chinese script tables load on first use)."""
        all_lexicons()
        for code in SUPPORTED_LANGUAGES:
            structure(code)
        shipped()
        warm_up(SUPPORTED_LANGUAGES)
        language.warm_up()
        no_meta.warm_up()

    def run(self, draft: str, context: CheckContext) -> list[CheckResult]:
        if not draft.strip():
            return [CheckResult(c.name, False, "The reply is empty.") for c in self.checks]
        words = word_count(draft)
        if words > max(_FAR_OVER * context.max_words, _FAR_OVER_MIN):
            # A runaway draft (a model that never stops) is rejected on length alone;
            # scanning 10,000 words for phrases would only delay the re-ask.
            return self._far_over(words, context)
        metadata = context.metadata
        return [_result(check, check.validate(draft, metadata)) for check in self.checks]

    def _far_over(self, words: float, context: CheckContext) -> list[CheckResult]:
        results = []
        for check in self.checks:
            if check.name == Length.name:
                message = (
                    f"The reply has {words:g} words but must have at most "
                    f"{context.max_words}. Write a short reply of at most "
                    f"{context.max_words} words."
                )
            else:
                message = (
                    f"Not checked: the draft is {words:g} words, far over the limit of "
                    f"{context.max_words}, so it fails without being read."
                )
            results.append(CheckResult(check.name, False, message))
        return results


def _result(check: ReplyCheck, outcome: object) -> CheckResult:
    if isinstance(outcome, PassResult):
        message = str((outcome.metadata or {}).get(MESSAGE_KEY, "Passed."))
        return CheckResult(check.name, True, message)
    if isinstance(outcome, FailResult):
        return CheckResult(check.name, False, outcome.error_message or "Failed.")
    return CheckResult(check.name, False, f"The {check.name} check did not run.")
