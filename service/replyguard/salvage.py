"""Salvage a small model's failed draft by cutting sentences, never by rewriting them.

SmolLM2 often writes one good sentence beside a bad one ("Here are the sentences:",
a copied review passage, a refund it may not offer). Re-asking costs seconds and
mostly returns the same text, so the sentences that fail a check on their own are
cut first, and trailing ones while the reply is too long. What is left is kept only
when the whole scaffolded reply then passes every check: every word in it is still
the model's own, so its source stays `llm`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from replyguard_checks import CheckContext, CheckResult, content_terms, words

#: Checks a single sentence can fail on its own; `no_generic` counts only through a
#: stock formula in the sentence (naming no detail is the whole reply's matter).
SENTENCE_CHECKS = frozenset(
    {"no_meta", "no_attack", "no_unauthorized_offer", "no_private_data", "offline_channel"}
)

# After a full stop, question or exclamation mark (and any closing quote or bracket)
# and a space, or at a line break; CJK full stops need no space.
_BOUNDARY = re.compile(r"(?<=[.!?…][\"”’')\]])\s+|(?<=[.!?…])\s+|(?<=[。！？])|\s*\n+\s*")
_LETTER = re.compile(r"[^\W\d_]")
#: A run of this many words shared with the review is a copied passage, not naming
#: the problem in the reviewer's words.
REVIEW_RUN = 6


@dataclass(frozen=True, slots=True)
class SentenceRules:
    """The shape a kept sentence has (`prompts/compact/salvage.yaml`, one language)."""

    owning: re.Pattern[str]
    addressing: re.Pattern[str]
    refusing: re.Pattern[str]
    marks: frozenset[str]

    def faults(self, sentence: str) -> list[str]:
        text = sentence.replace("’", "'")
        found = []
        if not self.owning.search(text) or not self.addressing.search(text):
            found.append("not_an_apology")
        if self.refusing.search(text) or any(mark in text for mark in self.marks):
            found.append("off_task")
        return found


def _alternation(items: list[str]) -> re.Pattern[str]:
    escaped = "|".join(re.escape(str(item)) for item in sorted(items, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{escaped})(?![\w'])", re.IGNORECASE)


@cache
def load_rules(path: Path, language: str) -> SentenceRules | None:
    """The rules for `language`, or None where the file has none (no salvage)."""
    if not path.is_file():
        return None
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(language)
    if not data:
        return None
    return SentenceRules(
        owning=_alternation(data["owning"]),
        addressing=_alternation(data["addressing"]),
        refusing=_alternation(data["refusing"]),
        marks=frozenset(data.get("marks", [])),
    )


def _copies_review(sentence: str, review: str) -> bool:
    mine, theirs = words(sentence.casefold()), words(review.casefold())
    runs = {tuple(theirs[i : i + REVIEW_RUN]) for i in range(len(theirs) - REVIEW_RUN + 1)}
    return any(tuple(mine[i : i + REVIEW_RUN]) in runs for i in range(len(mine) - REVIEW_RUN + 1))


def sentences(body: str) -> list[str]:
    """The body's sentences as written; a list marker ("1.") stands alone."""
    return [s.strip() for s in _BOUNDARY.split(body) if s.strip()]


@dataclass(frozen=True, slots=True)
class Cut:
    """A draft made of some of the model's sentences, and how it fared."""

    body: str
    draft: str
    results: list[CheckResult]
    dropped: list[tuple[str, list[str]]]  # each cut sentence with why

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)


def _faults(
    sentence: str,
    frame: Callable[[str], str],
    run: Callable[[str], list[CheckResult]],
    context: CheckContext,
    rules: SentenceRules,
) -> list[str]:
    """Why `sentence` cannot stay: its shape, a copied review passage, and the
    sentence-level checks it fails framed on its own."""
    if not _LETTER.search(sentence):
        return ["fragment"]  # a list marker or stray punctuation
    faults = rules.faults(sentence)
    if _copies_review(sentence, context.review_text):
        faults.append("review_copy")
    if faults:
        return faults  # no need to run the checks
    faults = [r.name for r in run(frame(sentence)) if not r.passed and r.name in SENTENCE_CHECKS]
    # Imported here: no_generic imports guardrails-ai, which a starting service defers.
    from replyguard_checks import stock_formulas

    if stock_formulas(sentence, context):
        faults.append("no_generic")
    return faults


def salvage(
    body: str,
    frame: Callable[[str], str],
    run: Callable[[str], list[CheckResult]],
    context: CheckContext,
    rules: SentenceRules,
) -> Cut | None:
    """The longest cut of `body` whose framed reply passes every check, or None.

    `frame` turns a body into the whole reply (the scaffold) and `run` checks a whole
    reply; `rules` say which sentences may stay. At least one of the model's
    sentences must remain, and what remains must name a detail of the review itself.
    A body that needs no cut comes back whole, with nothing in `dropped`.
    """
    parts = sentences(body)
    dropped: list[tuple[str, list[str]]] = []
    kept: list[str] = []
    for part in parts:
        faults = _faults(part, frame, run, context, rules)
        if faults:
            dropped.append((part, faults))
        else:
            kept.append(part)
    # Whole sentences from the end while the reply fails: a rambling model's last
    # sentences are its weakest, and too many words fail `length`.
    review = content_terms(context.review_text, context.language, context.names)
    for size in range(len(kept), 0, -1):
        cut = " ".join(kept[:size])
        if not content_terms(cut, context.language, context.names) & review:
            continue  # names nothing of the review: the scaffold's lines would carry it
        draft = frame(cut)
        results = run(draft)
        if all(r.passed for r in results):
            trimmed = [(s, ["trailing"]) for s in kept[size:]]
            return Cut(cut, draft, results, dropped + trimmed)
    return None
