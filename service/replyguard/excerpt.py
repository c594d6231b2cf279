"""A short quote from the review, for a template to name the problem in the
reviewer's own words.

Skips clauses that would be unsafe to repeat in public: insults or accusations,
numbers that could be an order, phone or card, e-mail addresses and links.
"""

from __future__ import annotations

import re

from replyguard_checks import EMAIL, URL, content_terms, word_count

from .cues import Cues

_CLAUSE = re.compile(r"[^.!?;。！？；\n]+")
_NUMBER = re.compile(r"\d[\d\s\-/]{3,}\d|\d{4,}")
MAX_WORDS = 12


def _trim(clause: str, language: str) -> str:
    clause = clause.strip(" ,:-–—\"'“”„«»()")
    if language == "zh":
        return clause if len(clause) <= 2 * MAX_WORDS else clause[: 2 * MAX_WORDS] + "…"
    tokens = clause.split()
    return clause if len(tokens) <= MAX_WORDS else " ".join(tokens[:MAX_WORDS]) + "…"


def pick_quote(review: str, language: str, cues: Cues) -> str | None:
    """The most specific safe clause of the review, at most twelve words, or None."""
    # Imported here: no_attack imports guardrails-ai, which a starting service defers.
    from replyguard_checks import attacks_in

    best: tuple[int, int, str] | None = None
    for position, match in enumerate(_CLAUSE.finditer(review)):
        clause = match.group().strip()
        if word_count(clause) < 3:
            continue
        if _NUMBER.search(clause) or EMAIL.search(clause) or URL.search(clause):
            continue
        if attacks_in(clause, language) or cues.cue("abusive", clause):
            continue
        score = len(content_terms(clause, language))
        if score and (best is None or score > best[0]):
            best = (score, -position, clause)
    return _trim(best[2], language) if best else None
