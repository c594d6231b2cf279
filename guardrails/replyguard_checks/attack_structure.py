"""Structural attack rules: a reference to the reviewer together with a hostile predicate.

Real owners rarely attack with a word from a list. They write "What you wrote is
untrue", "Your behaviour was the problem", "Perhaps a fast-food chain would suit you
better". What those share is a shape: something that points at the reviewer or their
review (you, your review, this guest, 您, 这位客人, or a sentence that opens on "this"
or "that") and, in the same clause, a predicate of falsity, blame, contempt, doubt or
belittling advice. The rules read that shape in any order and with words between, and
skip a predicate that a negation in front of it turns round ("we would never doubt").

The patterns are data, per language (`structure` in `data/structure/<lang>.yaml`):

- `reference`: the reviewer or their account, anywhere in the clause;
- `opening`: a clause that opens on the review itself ("this is ...", "what you wrote"),
  or on unasked advice ("maybe", "next time");
- `predicates`: one list per kind (`STRUCTURE_KINDS`), read near a reference;
- `standalone`: predicates that carry their own subject ("what you wrote is untrue",
  "that never happened", "most guests manage ... without any drama"), by kind;
- `negation`: words that, just before a predicate, negate it;
- `condition`: words that, just before a predicate, make it a supposition ("if you
  choose the instant option", "if this is not the case"): no assertion, no attack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .alternation import Alternation
from .lexicon import alternation, load_data, phrases

STRUCTURE_KINDS: tuple[str, ...] = ("falsity", "blame", "contempt", "doubt", "belittle")

#: How far apart (in characters of normalised text) a reference and its predicate may
#: stand and still be read as one statement.
_SPAN = 90
#: Characters before a predicate in which a negation turns it round.
_NEGATION_REACH = 24
_CLAUSE = re.compile(r"[.!?。！？;；\n]+|,\s*(?:but|aber|mais|pero|maar|ale|ampak|но)\s|，但")


@dataclass(frozen=True, slots=True)
class Structure:
    language: str
    reference: Alternation
    opening: re.Pattern[str]
    predicates: Alternation
    standalone: Alternation
    negation: re.Pattern[str]
    #: None where a language lists no conditions.
    condition: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class StructuralHit:
    kind: str
    #: The clause the attack stands in, as normalised.
    clause: str
    predicate: str


@cache
def structure(language: str) -> Structure:
    """The compiled structural rules of one language (cached for the process)."""
    data = (load_data(f"structure/{language}").get("structure")) or {}
    built = Structure(
        language=language,
        reference=phrases(data.get("reference")),
        opening=re.compile(rf"^\W*(?:{alternation(data.get('opening') or [])})"),
        predicates=_by_kind(language, data.get("predicates") or {}),
        standalone=_by_kind(language, data.get("standalone") or {}),
        negation=re.compile(rf"(?:{alternation(data.get('negation') or [])})\W*(?:\w+\W+){{0,2}}$"),
        condition=(
            re.compile(rf"(?:{alternation(data['condition'])})\W*(?:\w+\W+)?$")
            if data.get("condition")
            else None
        ),
    )
    for patterns in (built.reference, built.predicates, built.standalone):
        patterns.compile_all()
    return built


def _by_kind(language: str, found: dict[str, list[str]]) -> Alternation:
    unknown = set(found) - set(STRUCTURE_KINDS)
    if unknown:
        raise ValueError(f"lexicon {language}: unknown structure kinds {sorted(unknown)}")
    return Alternation([(kind, list(found.get(kind) or [])) for kind in STRUCTURE_KINDS])


def clauses(text: str) -> list[str]:
    """A normalised text cut into clauses: sentences, and halves around a "but"."""
    return [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]


def find(text: str, rules: Structure) -> list[StructuralHit]:
    """Every clause of the normalised, name-masked `text` that attacks by structure.

    Most replies hold no predicate at all: one look at the whole text settles them
    before it is cut into clauses (a test holds both ways equal on every corpus)."""
    if rules.standalone.search(text) is None and rules.predicates.search(text) is None:
        return []
    return find_by_clause(text, rules)


def find_by_clause(text: str, rules: Structure) -> list[StructuralHit]:
    """`find`, clause by clause, without the whole-text shortcut."""
    hits: list[StructuralHit] = []
    for clause in clauses(text):
        alone = _live(rules.standalone, clause, rules)
        if alone:
            hits.append(StructuralHit(alone[0].lastgroup or "doubt", clause, alone[0].group()))
            continue
        predicates = _live(rules.predicates, clause, rules)
        if not predicates:
            continue
        opens = rules.opening.search(clause) is not None
        references = [m.start() for m in rules.reference.finditer(clause)]
        for match in predicates:
            near = any(abs(start - match.start()) <= _SPAN for start in references)
            if opens or near:
                kind = match.lastgroup or "blame"
                hits.append(StructuralHit(kind, clause, match.group().strip()))
                break
    return hits


def _live(patterns: Alternation, clause: str, rules: Structure) -> list[re.Match[str]]:
    """The matches of `patterns` in `clause` that no negation turns round and no
    condition makes a supposition."""
    return [m for m in patterns.finditer(clause) if not _turned(clause, m.start(), rules)]


def _turned(clause: str, start: int, rules: Structure) -> bool:
    """A negation or a condition just before `start`: what follows is not asserted."""
    before = clause[max(0, start - _NEGATION_REACH) : start]
    if rules.negation.search(before) is not None:
        return True
    return rules.condition is not None and rules.condition.search(before) is not None
