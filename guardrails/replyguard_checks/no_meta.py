"""`no_meta`: the reply is a finished public text, not a model's workings.

Fails on "As an AI", unfilled placeholders ("[Name]", "{phone}", "<review>"), echoed
prompt or instruction text, words of instructions hidden in the review, and markdown
or bullet lists, in any language.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from guardrails.validators import register_validator

from .alternation import Alternation
from .base import ReplyCheck, Verdict
from .context import CheckContext
from .lexicon import load_data, phrases
from .text import CJK_CHAR, normalize, words

_WHY = {
    "ai_self_reference": "talks about being an AI",
    "placeholder": "leaves a placeholder unfilled",
    "prompt_echo": "repeats prompt or instruction text",
    "markdown": "uses markdown or a list, which a review site shows as raw symbols",
    "preamble": "opens with a line that introduces the reply instead of the reply itself",
    "review_echo": "copies the review back instead of answering it",
    "injection_echo": "carries words from instructions hidden in the review",
}
# A run of this many words shared with the instructions is an echo of the prompt...
_PROMPT_RUN = 8
# ...and with the review, parroting (templates quote at most twelve words).
_REVIEW_RUN = 15
# Words (or CJK characters) in a row shared with an instruction hidden in the review:
# the draft obeys it.
_INJECTED_RUN = 4
_INJECTED_RUN_CJK = 6
_LINE_KINDS = frozenset({"markdown", "preamble"})
# Quoted text inside such an instruction ("end with 'HACKED'") is its payload.
_QUOTED = re.compile(r"[\"“„«「『']([^\"”“»」』']{3,200})[\"”“»」』']")


@cache
def meta_patterns() -> dict[str, Alternation]:
    """The phrases of each kind of AI talk, by kind: public so a test can hold each
    alternation to the regular expression it stands for."""
    data = load_data("meta")
    # The line kinds read the raw lines, which no other alternation reads: scanning
    # them for every lexicon's literals would be wasted.
    return {
        kind: phrases(data[kind], re.MULTILINE, own_scan=kind in _LINE_KINDS)
        for kind in _WHY
        if kind in data
    }


def warm_up() -> None:
    """Compile every pattern now, not on the first draft that needs it."""
    for pattern in meta_patterns().values():
        pattern.compile_all()


@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached: a draft is compared with the instructions, the review and each
    injected instruction."""
    return tuple(words(text) or [ch for ch in normalize(text) if CJK_CHAR.match(ch)])


@lru_cache(maxsize=64)
def _grams(source: str, length: int) -> frozenset[tuple[str, ...]]:
    """Every run of `length` words of `source` (cached: the instructions are the same
    for every draft)."""
    tokens = _tokens(source)
    return frozenset(zip(*(tokens[i:] for i in range(length)), strict=False))


def shared_run(text: str, source: str, length: int) -> str | None:
    """The first run of `length` consecutive words of `text` that `source` also has."""
    if not source:
        return None
    tokens = _tokens(text)
    grams = _grams(source, length)
    firsts = _firsts(source, length)
    for i in range(len(tokens) - length + 1):
        # Only a run that starts on a word some run of the source starts on is looked up.
        if tokens[i] in firsts and tuple(tokens[i : i + length]) in grams:
            return " ".join(tokens[i : i + length])
    return None


@lru_cache(maxsize=64)
def _firsts(source: str, length: int) -> frozenset[str]:
    return frozenset(gram[0] for gram in _grams(source, length))


def find_meta(text: str, context: CheckContext | None = None) -> list[tuple[str, str]]:
    """(kind, snippet) for everything in the draft that is not reply text."""
    scanned = normalize(text)
    # Markdown and a preamble line live in line structure, which normalise() collapses:
    # scan the raw lines for them.
    raw = "\n".join(line.strip() for line in text.casefold().splitlines() if line.strip())
    hits: list[tuple[str, str]] = []
    for kind, pattern in meta_patterns().items():
        match = pattern.search(raw if kind in _LINE_KINDS else scanned)
        if match:
            hits.append((kind, match.group().strip()[:40]))
    if context is not None:
        if echo := shared_run(text, context.instructions, _PROMPT_RUN):
            hits.append(("prompt_echo", echo))
        if echo := shared_run(text, context.review_text, _REVIEW_RUN):
            hits.append(("review_echo", echo[:60] + "…"))
        if echo := injected_echo(text, scanned, context.injected):
            hits.append(("injection_echo", echo[:60]))
    return hits


def injected_echo(text: str, scanned: str, injected: tuple[str, ...]) -> str | None:
    """Words of an instruction hidden in the review that the draft repeats: a quoted
    payload, or a run of words (characters, for CJK) in a row."""
    for instruction in injected:
        for quoted in _QUOTED.findall(instruction):
            payload = normalize(quoted)
            if len(payload) >= 3 and payload in scanned:
                return payload
        length = _INJECTED_RUN_CJK if CJK_CHAR.search(instruction) else _INJECTED_RUN
        if echo := shared_run(text, instruction, length):
            return echo
    return None


@register_validator(name="replyguard/no_meta", data_type="string")
class NoMeta(ReplyCheck):
    """Fails on AI self-reference, placeholders, echoed prompts and markdown."""

    name = "no_meta"

    def check(self, text: str, context: CheckContext) -> Verdict:
        hits = find_meta(text, context)
        if not hits:
            return Verdict.ok(
                "Plain reply text: no AI talk, placeholders, prompt echo or markdown."
            )
        problems = "; ".join(f"“{snippet}” {_WHY[kind]}" for kind, snippet in hits)
        return Verdict.fail(
            f"The reply is not clean public text: {problems}. Write only the finished reply "
            "as plain sentences, with every name and contact detail filled in."
        )
