"""`length`: a public reply is short; nobody reads paragraphs (playbook rule 11).

Also within the character limit of the platform it is posted on (Google Play takes 350).
"""

from __future__ import annotations

from functools import cache

from guardrails.validators import register_validator

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .lexicon import load_data
from .text import word_count


def _fmt(n: float) -> str:
    return f"{n:g}"


@cache
def platform_limits() -> dict[str, int]:
    return {str(k).casefold(): int(v) for k, v in load_data("platforms").items()}


def char_limit(platform: str | None) -> int | None:
    return platform_limits().get(platform.casefold().replace(" ", "_")) if platform else None


@register_validator(name="replyguard/length", data_type="string")
class Length(ReplyCheck):
    """At most `max_words` words; one CJK character counts as half a word."""

    name = "length"

    def check(self, text: str, context: CheckContext) -> Verdict:
        count = word_count(text)
        limit = context.max_words
        chars = char_limit(context.platform)
        if chars is not None and len(text) > chars:
            return Verdict.fail(
                f"The reply has {len(text)} characters but {context.platform} takes at most "
                f"{chars}. Shorten it to {chars} characters: thank, name the problem, give "
                "the contact, sign."
            )
        if count > limit:
            return Verdict.fail(
                f"The reply has {_fmt(count)} words but must have at most {limit}. "
                f"Cut it to {limit} words or fewer: keep the thanks, the specific problem, "
                "the fix and the contact details; drop everything else."
            )
        within = f" and {len(text)} of {chars} characters" if chars is not None else ""
        return Verdict.ok(f"{_fmt(count)} words, within the limit of {limit}{within}.")
