"""`length`: a public reply is short; nobody reads paragraphs (playbook rule 11)."""

from __future__ import annotations

from guardrails.validators import register_validator

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .text import word_count


def _fmt(n: float) -> str:
    return f"{n:g}"


@register_validator(name="replyguard/length", data_type="string")
class Length(ReplyCheck):
    """At most `max_words` words; one CJK character counts as half a word."""

    name = "length"

    def check(self, text: str, context: CheckContext) -> Verdict:
        count = word_count(text)
        limit = context.max_words
        if count > limit:
            return Verdict.fail(
                f"The reply has {_fmt(count)} words but must have at most {limit}. "
                f"Cut it to {limit} words or fewer: keep the thanks, the specific problem, "
                "the fix and the contact details; drop everything else."
            )
        return Verdict.ok(f"{_fmt(count)} words, within the limit of {limit}.")
