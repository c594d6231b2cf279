"""`no_attack`: never insult, mock, blame, threaten or doubt the reviewer (playbook rule 7)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.validators import register_validator

from .attack_model import shipped
from .attack_structure import find, structure
from .base import ReplyCheck, Verdict
from .context import CheckContext
from .lexicon import Lexicon, lexicons_for
from .text import mask_terms, normalize

_WHY = {
    "accuse_lying": "suggests the reviewer is lying, faking or making things up",
    "accuse_competitor": "suggests the reviewer is a competitor or was paid to write",
    "insult": "insults the reviewer or belittles their review",
    "mock": "mocks the reviewer",
    "blame": "blames the reviewer",
    "threaten": "threatens the reviewer",
    "doubt": "casts doubt on the reviewer's account",
    "others_fine": "implies the reviewer is wrong because others had no problem",
    "sarcasm": "is sarcastic about the reviewer",
    "falsity": "says or implies the review is untrue",
    "contempt": "shows contempt for the reviewer",
    "belittle": "belittles the reviewer or lectures them",
}


def find_attacks(text: str, context: CheckContext) -> list[tuple[str, str]]:
    """(kind, phrase) for every attack found in a draft, with the names of the people
    in `context` masked out first ("Dear Karen" is no insult)."""
    return attacks_in(text, context.language, context.names, context.masked_names)


def attacks_in(
    text: str,
    language: str,
    names: Sequence[str] = (),
    masked_names: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """(kind, phrase) for every attack found, with the lexicons of `language`, English
    and the language the text is really in: also for text that is not a draft, such
    as a clause of the review the service would quote."""
    scanned = mask_terms(normalize(text), names)
    ordered = lexicons_for(language, text, masked_names)
    hits: list[tuple[str, str]] = []
    for lex in ordered:
        for match in lex.attack.finditer(scanned):
            kind = match.lastgroup or "insult"
            if kind in _QUOTABLE and _quoted(scanned, match.start(), ordered):
                continue
            hits.append((kind, match.group().strip()))
    for lex in ordered:
        hits += [(hit.kind, hit.predicate) for hit in find(scanned, structure(lex.language))]
    return hits


#: Words a reply may repeat from the review when it reports what the reviewer wrote
#: ("you wrote that the price was a joke"): the reviewer's words, not an insult.
_QUOTABLE = frozenset({"insult", "mock"})
_SENTENCE = re.compile(r"[.!?。！？;；\n]")
# A quotation, in the marks people type ("...", “...”, „...“, «...», ‘...’, 「...」).
_QUOTATION = re.compile(
    r'"[^"\n]{1,400}"|“[^”\n]{1,400}”|„[^“”\n]{1,400}[“”]|«[^»\n]{1,400}»'
    r"|‘[^’\n]{1,400}’|「[^」]{1,400}」|『[^』]{1,400}』"
)
_PAUSE = re.compile(r"[,;:，、\-–]")


def _quoted(text: str, start: int, lexicons: tuple[Lexicon, ...]) -> bool:
    """The hit at `start` stands in reported speech: after a quoting lead in the same
    sentence, with no pause between them (", which is nonsense" is ours again)."""
    sentence = max((m.end() for m in _SENTENCE.finditer(text, 0, start)), default=0)
    before = text[sentence:start]
    for lex in lexicons:
        for lead in lex.quoting.finditer(before):
            if not _PAUSE.search(before, lead.end()):
                return True
    return False


@register_validator(name="replyguard/no_attack", data_type="string")
class NoAttack(ReplyCheck):
    """Fails on insults, mockery, blame, threats and doubts about the reviewer's honesty."""

    name = "no_attack"

    def check(self, text: str, context: CheckContext) -> Verdict:
        hits = find_attacks(text, context)
        model = shipped()
        score, sentence = (0.0, "")
        if model is not None:
            # Words in quotation marks are the reviewer's, reported: not ours to judge.
            own_words = mask_terms(normalize(_QUOTATION.sub(" “ ” ", text)), context.names)
            score, sentence = model.most_hostile(own_words, context.language)
        flagged = model is not None and score >= model.threshold
        if not hits and not flagged:
            return Verdict.ok(
                "No insult, mockery, blame, threat or accusation of the reviewer"
                + (f" (classifier: {score:.2f})." if model is not None else ".")
            )
        problems = [f"“{phrase}” {_WHY[kind]}" for kind, phrase in _dedupe(hits)[:3]]
        if flagged:
            problems.append(f"“{sentence}” reads as an attack (classifier score {score:.2f})")
        return Verdict.fail(
            f"The reply attacks the reviewer: {'; '.join(problems)}. Remove these words. "
            "Never doubt, blame, mock or threaten the reviewer; if a fact needs correcting, "
            "state it calmly and invite them to get in touch."
        )


def _dedupe(hits: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for kind, phrase in hits:
        if phrase not in seen:
            seen.add(phrase)
            out.append((kind, phrase))
    return out
