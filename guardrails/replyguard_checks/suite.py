"""All checks, built once per process.

`CheckSuite.run` returns one result per check, always in the same order; a check that
left no outcome counts as failed, never as passed. Each check is a guardrails-ai
`Validator` and is run through its public `validate`, as a `Guard` runs it: going
through `Guard.validate` gives the same outcomes (a test holds them equal) but costs
milliseconds per draft in history and bookkeeping, more than all the checks together.
`CheckSuite.guard` is that Guard, for callers that want guardrails' own interface.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .context import SUPPORTED_LANGUAGES, CheckContext
from .text import word_count

if TYPE_CHECKING:
    from guardrails.guard import Guard

    from .base import ReplyCheck

# Drafts this many times over the word limit (and at least this long) are not scanned.
_FAR_OVER = 4
_FAR_OVER_MIN = 600

#: The names of `core.CORE_CHECKS`, in order, known without importing guardrails-ai.
CORE_NAMES: tuple[str, ...] = (
    "length",
    "no_attack",
    "named_contact",
    "offline_channel",
    "no_generic",
    "language",
    "no_meta",
    "no_unauthorized_offer",
    "no_private_data",
    "not_repeated",
)


def _core_checks() -> tuple[ReplyCheck, ...]:
    from guardrails.settings import settings as guardrails_settings

    from .core import CORE_CHECKS

    # No hub telemetry, no tracing spans: replyguard runs offline and per-call cost matters.
    guardrails_settings.rc.enable_metrics = False
    guardrails_settings.disable_tracing = True
    return tuple(check() for check in CORE_CHECKS)


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    passed: bool
    message: str


class CheckSuite:
    """Runs every check on a draft.

    Without `checks`, the core checks are built on first use (importing guardrails-ai
    takes seconds): a service answers its health check before that, and `warm_up`
    builds them in the background; a draft checked sooner waits for them."""

    def __init__(self, checks: Sequence[ReplyCheck] | None = None) -> None:
        self._checks: tuple[ReplyCheck, ...] | None = tuple(checks) if checks else None
        self._building = threading.Lock()

    @property
    def checks(self) -> tuple[ReplyCheck, ...]:
        if self._checks is None:
            with self._building:
                if self._checks is None:
                    self._checks = _core_checks()
        return self._checks

    @cached_property
    def guard(self) -> Guard:
        """The same checks behind one guardrails `Guard` (not used by `run`)."""
        from guardrails.guard import Guard

        return Guard(name="replyguard").use(*self.checks)

    @property
    def names(self) -> list[str]:
        if self._checks is None:
            return list(CORE_NAMES)
        return [c.name for c in self._checks]

    def warm_up(self) -> None:
        """Build the checks, compile every lexicon and structural rule, load lemma
        tables, the attack classifier and the Chinese dictionary, so no request pays for
        them (Chinese script tables and lingua's larger models load on first use)."""
        from . import language, no_meta
        from .attack_model import shipped
        from .attack_structure import structure
        from .details import warm_up
        from .lexicon import all_lexicons

        self.checks  # noqa: B018 - built for its side effect
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
            if check.name == "length":
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
    from guardrails.validators import FailResult, PassResult

    from .base import MESSAGE_KEY

    if isinstance(outcome, PassResult):
        message = str((outcome.metadata or {}).get(MESSAGE_KEY, "Passed."))
        return CheckResult(check.name, True, message)
    if isinstance(outcome, FailResult):
        return CheckResult(check.name, False, outcome.error_message or "Failed.")
    return CheckResult(check.name, False, f"The {check.name} check did not run.")
