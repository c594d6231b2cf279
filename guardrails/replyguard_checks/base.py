"""The bridge between our checks and guardrails-ai's `Validator`.

Each check implements `check(text, context) -> Verdict`; this base turns a verdict into
PassResult/FailResult and turns a crash into a failure, so a broken check can never
wave a draft through.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from guardrails.types.on_fail import OnFailAction
from guardrails.validators import FailResult, PassResult, ValidationResult, Validator

from .context import CheckContext

log = logging.getLogger(__name__)

MESSAGE_KEY = "replyguard_message"
CRASHED_KEY = "replyguard_crashed"


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    #: For a failure: what is wrong and how to fix it, phrased so a re-ask prompt can use it.
    message: str

    @classmethod
    def ok(cls, message: str) -> Verdict:
        return cls(True, message)

    @classmethod
    def fail(cls, message: str) -> Verdict:
        return cls(False, message)


class ReplyCheck(Validator):  # type: ignore[misc]  # guardrails ships no type hints
    """One check on a reply draft; subclasses set `name` and implement `check`."""

    name: ClassVar[str]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(on_fail=OnFailAction.NOOP, **kwargs)

    @abstractmethod
    def check(self, text: str, context: CheckContext) -> Verdict:
        """Judge `text`; may raise, which counts as a failure."""

    def _validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        context = metadata.get("context")
        if not isinstance(context, CheckContext):
            return FailResult(error_message=f"{self.name}: no check context was given.")
        try:
            verdict = self.check(str(value), context)
        except Exception as exc:
            log.exception("check %s crashed", self.name)
            return FailResult(
                error_message=(
                    f"The {self.name} check could not run ({type(exc).__name__}), "
                    "so the draft is treated as failing it."
                ),
                metadata={**metadata, CRASHED_KEY: True},
            )
        if verdict.passed:
            # guardrails hands a result's metadata on to the next validator as its
            # metadata, so the incoming keys (the check context) must be kept.
            return PassResult(metadata={**metadata, MESSAGE_KEY: verdict.message})
        return FailResult(error_message=verdict.message, metadata=dict(metadata))
