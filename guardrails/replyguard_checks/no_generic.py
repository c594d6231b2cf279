"""`no_generic`: no copy-paste reply (playbook rule 5).

One rule (README, "The no_generic rule"): a reply is generic when it names nothing
specific from the review, or when it leans on a stock formula. Thanking the reviewer
or a warm closing beside specifics is not generic, so neither is listed.
"""

from __future__ import annotations

from itertools import pairwise

from guardrails.validators import register_validator
from rapidfuzz import fuzz

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .details import lemma, shared_details
from .lexicon import all_lexicons, lexicon
from .problems import same_problems
from .text import mask_terms, name_parts, normalize, without_addresses, word_count, words

_FUZZY_CUTOFF = 90.0
#: A review names something specific to answer when it has at least this many detail
#: terms or this many words.
_SPECIFIC_TERMS = 2
_SPECIFIC_WORDS = 4


def find_stock(text: str, language: str) -> list[str]:
    """The stock formulas found in a normalised draft."""
    strong: list[str] = []
    for lex in all_lexicons():
        strong += [m.group() for m in lex.stock_patterns.finditer(text)]
    for lang in dict.fromkeys([language, "en"]):
        for phrase in lexicon(lang).stock_phrases:
            hit = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=_FUZZY_CUTOFF)
            if hit is not None:
                strong.append(text[hit.dest_start : hit.dest_end])
    return list(dict.fromkeys(s.strip() for s in strong))


def stock_formulas(text: str, context: CheckContext) -> list[str]:
    """The stock formulas `no_generic` finds in a draft (normalised, names masked): as
    data, for a revision that replaces them rather than parsing the check's message."""
    return find_stock(mask_terms(normalize(text), context.names), context.language)


#: A word written as two ("pin code", "log in") is the same detail as the one word.
_MIN_JOINED = 5


def joined_details(review: str, draft: str, language: str) -> list[str]:
    """Details one side writes as two words and the other as one ("pin code" and
    "pincode", "logging in" and "login"): the joined forms both sides share."""
    if language == "zh":
        return []
    review_words, draft_words = words(without_addresses(review)), words(without_addresses(draft))
    skip = lexicon(language).generic_words
    one = {w for w in (*review_words, *draft_words) if len(w) >= _MIN_JOINED and w not in skip}
    found: list[str] = []
    for pair_side, word_side in ((draft_words, review_words), (review_words, draft_words)):
        singles = {w for w in word_side if w in one}
        for first, second in pairwise(pair_side):
            for head in dict.fromkeys((first, lemma(first, language))):
                joined = head + second
                if len(joined) >= _MIN_JOINED and joined in singles:
                    found.append(joined)
    return sorted(set(found))


@register_validator(name="replyguard/no_generic", data_type="string")
class NoGeneric(ReplyCheck):
    """Fails on stock phrases, or when no specific detail of the review is named."""

    name = "no_generic"

    def check(self, text: str, context: CheckContext) -> Verdict:
        strong = stock_formulas(text, context)
        if strong:
            listed = ", ".join(f"“{p}”" for p in strong[:3])
            return Verdict.fail(
                f"The reply uses stock phrases that make it read as copy-paste: {listed}. "
                "Replace them with plain words about this reviewer's own problem."
            )
        if context.holding:
            return Verdict.ok(
                "No stock phrases; a holding reply leaves the details for the private channel."
            )
        # The business's own name says nothing about this reviewer's problem.
        masked = (*context.masked_names, *name_parts(context.business_name))
        wanted, named = shared_details(
            context.review_text, text, context.language, masked, context.masked_names
        )
        if wanted and not named:
            named = joined_details(context.review_text, text, context.language)
        if wanted and not named:
            named = same_problems(context.review_text, text, context.language)
        if len(wanted) < _SPECIFIC_TERMS and word_count(context.review_text) < _SPECIFIC_WORDS:
            # "Very bad app": a review this short names nothing a reply could repeat.
            wanted = set()
        if wanted and not named:
            examples = ", ".join(sorted(wanted)[:5])
            return Verdict.fail(
                "The reply names no specific detail of the review. Mention what went wrong "
                f"for this reviewer in their own terms (the review talks about: {examples})."
            )
        if not wanted:
            return Verdict.ok("No stock phrases; the review names no specific detail to repeat.")
        return Verdict.ok(f"No stock phrases; names the review's details: {', '.join(named[:5])}.")
