"""`no_generic`: no copy-paste reply (playbook rule 5).

Fails when a draft leans on stock phrases, or names no specific detail of the review.
"""

from __future__ import annotations

from guardrails.validators import register_validator
from rapidfuzz import fuzz

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .details import shared_details
from .lexicon import all_lexicons, lexicon
from .text import mask_terms, normalize

_FUZZY_CUTOFF = 90.0


def find_stock(text: str, language: str) -> tuple[list[str], list[str]]:
    """(stock phrases found, weak phrases found) in a normalised draft."""
    strong: list[str] = []
    for lex in all_lexicons():
        strong += [m.group() for m in lex.stock_patterns.finditer(text)]
    langs = dict.fromkeys([language, "en"])
    weak: list[str] = []
    for lang in langs:
        lex = lexicon(lang)
        for phrase in lex.stock_phrases:
            hit = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=_FUZZY_CUTOFF)
            if hit is not None:
                strong.append(text[hit.dest_start : hit.dest_end])
        for phrase in lex.weak_phrases:
            if fuzz.partial_ratio(phrase, text, score_cutoff=_FUZZY_CUTOFF + 3):
                weak.append(phrase)
    return list(dict.fromkeys(s.strip() for s in strong)), weak


@register_validator(name="replyguard/no_generic", data_type="string")
class NoGeneric(ReplyCheck):
    """Fails on stock phrases, or when no specific detail of the review is named."""

    name = "no_generic"

    def check(self, text: str, context: CheckContext) -> Verdict:
        names = context.names
        scanned = mask_terms(normalize(text), names)
        strong, weak = find_stock(scanned, context.language)
        if strong or len(weak) >= 2:
            listed = ", ".join(f"“{p}”" for p in [*strong, *weak][:3])
            return Verdict.fail(
                f"The reply uses stock phrases that make it read as copy-paste: {listed}. "
                "Replace them with plain words about this reviewer's own problem."
            )
        if context.holding:
            return Verdict.ok(
                "No stock phrases; a holding reply leaves the details for the private channel."
            )
        wanted, named = shared_details(
            context.review_text, text, context.language, context.masked_names
        )
        if wanted and not named:
            examples = ", ".join(sorted(wanted)[:5])
            return Verdict.fail(
                "The reply names no specific detail of the review. Mention what went wrong "
                f"for this reviewer in their own terms (the review talks about: {examples})."
            )
        if not wanted:
            return Verdict.ok("No stock phrases; the review names no specific detail to repeat.")
        return Verdict.ok(f"No stock phrases; names the review's details: {', '.join(named[:5])}.")
