"""`no_unauthorized_offer`: the reply offers only what the business allows.

An LLM eager to please invents refunds, vouchers, amounts and promises ("this will
never happen again", "the waiter has been fired"). Offers are found by the language's
patterns in `data/<lang>.yaml` (`offers`); one is allowed when the clause that makes it
matches an item of `business.compensation`. Amounts of money must appear in an allowed
item. A negated offer ("we cannot offer a refund") is not an offer.
"""

from __future__ import annotations

import re

from guardrails.validators import register_validator
from rapidfuzz import fuzz

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .details import content_terms, related
from .lexicon import lexicons_for
from .text import digits, normalize

_CLAUSE = re.compile(r"[^.!?;。！？；\n]+")
_AMOUNT = re.compile(
    r"(?:[$€£¥]|zł|лв\.?|kn|chf)\s?\d[\d.,\s]*\d?"
    r"|\b\d[\d.,]*\s?(?:€|\$|£|¥|eur|euros?|usd|dollars?|pounds?|gbp|zł|złotych|złote|pln|"
    r"лв|лева|bgn|元|块|rmb|yuan|chf|fr\.?)(?!\w)"
    r"|\b\d{1,3}\s?%",
    re.IGNORECASE,
)
_FUZZY = 80.0


def _allowed(clause: str, allowed: tuple[str, ...], language: str) -> bool:
    for item in allowed:
        wanted = content_terms(item, language)
        have = content_terms(clause, language)
        if normalize(item) in clause or fuzz.partial_ratio(normalize(item), clause) >= _FUZZY:
            return True
        if wanted and all(any(related(w, h) for h in have) for w in wanted):
            return True
    return False


def find_offers(text: str, context: CheckContext) -> list[tuple[str, str]]:
    """(kind, phrase) for every offer, amount or promise the business did not allow."""
    lexicons = lexicons_for(context.language, text)
    found: list[tuple[str, str]] = []
    for clause_match in _CLAUSE.finditer(normalize(text)):
        clause = clause_match.group()
        for lex in lexicons:
            for match in lex.offers.finditer(clause):
                kind = match.lastgroup or "offer"
                before = clause[: match.start()]
                if lex.negation.search(before):
                    continue
                if kind == "offer" and _allowed(clause, context.compensation, context.language):
                    continue
                found.append((kind, match.group().strip()))
        for amount in _AMOUNT.finditer(clause):
            value = digits(amount.group())
            quoted = value in digits(context.review_text)  # the review's own price
            if value and not quoted and not any(value in digits(i) for i in context.compensation):
                found.append(("amount", amount.group().strip()))
    return list(dict.fromkeys(found))


@register_validator(name="replyguard/no_unauthorized_offer", data_type="string")
class NoUnauthorizedOffer(ReplyCheck):
    """Fails on compensation, amounts or promises outside `business.compensation`."""

    name = "no_unauthorized_offer"

    def check(self, text: str, context: CheckContext) -> Verdict:
        hits = find_offers(text, context)
        allowed = "; ".join(f"“{c}”" for c in context.compensation)
        if not hits:
            if context.compensation:
                return Verdict.ok(f"Offers nothing beyond what the business allows ({allowed}).")
            return Verdict.ok("Offers no compensation and promises nothing.")
        listed = ", ".join(f"“{phrase}”" for _, phrase in hits[:3])
        rule = (
            f"The business allows only: {allowed}."
            if context.compensation
            else "The business allows no compensation in public replies."
        )
        return Verdict.fail(
            f"The reply offers or promises what the business has not allowed: {listed}. "
            f"{rule} Remove anything else, including amounts and promises about the future."
        )
