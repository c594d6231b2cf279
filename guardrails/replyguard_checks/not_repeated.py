"""`not_repeated`: the reply is not a near-copy of the business's recent replies.

Readers scroll through a business's replies; the same text under every review reads
as a form letter (playbook rule 5). Names are masked before comparing, so a copy with
only the greeting changed is still a copy. The threshold is a setting.
"""

from __future__ import annotations

from guardrails.validators import register_validator
from rapidfuzz import fuzz

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .text import mask_terms, normalize


def _comparable(text: str, names: list[str]) -> str:
    return mask_terms(normalize(text), names)


@register_validator(name="replyguard/not_repeated", data_type="string")
class NotRepeated(ReplyCheck):
    """Fails when the draft is at least `repeat_threshold` similar to a recent reply."""

    name = "not_repeated"

    def check(self, text: str, context: CheckContext) -> Verdict:
        if not context.recent_replies:
            return Verdict.ok("No recent replies of this business to compare with.")
        names = context.names
        draft = _comparable(text, names)
        best = max(
            fuzz.ratio(draft, _comparable(previous, names)) / 100
            for previous in context.recent_replies
        )
        limit = context.repeat_threshold
        if best >= limit:
            return Verdict.fail(
                f"The reply is {best:.0%} the same as a recent reply to another review "
                f"(the limit is {limit:.0%}). Write it for this review: its own problem, "
                "in fresh words."
            )
        return Verdict.ok(
            f"Differs from the {len(context.recent_replies)} recent replies "
            f"(closest {best:.0%}, limit {limit:.0%})."
        )
