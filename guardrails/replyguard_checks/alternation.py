"""A large regex alternation that only tries the branches that could match.

Python's `re` tries every branch of an alternation at every position of the text, so
a lexicon of a few hundred phrase patterns costs milliseconds per draft. Nearly every
branch contains a literal that any match must include ("kłam", "liar", "voucher"):
one Aho-Corasick pass over the text finds which of those literals occur, and only the
branches whose literal is there (plus the few with no literal at all) are compiled
searched. Leaving out a branch that cannot match anywhere in the text leaves every
match, its span and its group exactly as the full alternation gives them, which the
tests check on the whole labelled corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

# The standard library's own regex parser, the only way to read a pattern's branches
# and literals: private to `re`, not to another package of ours.
from re import _constants as sre  # type: ignore[attr-defined]  # no stub for re's internals
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

#: A required-literal set: a match must contain at least one of these strings.
Requirement = frozenset[str]

# Literals shorter than this say too little ("a", "n") to be worth a lookup.
_MIN_LITERAL = 2
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


def required_literals(source: str, flags: int = 0) -> Requirement | None:
    """Strings of which any match of `source` must contain one, or None when the
    pattern guarantees no such literal (then its branch is always tried)."""
    parsed = sre_parse.parse(source, flags)
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _sequence(list(parsed))


def _sequence(items: list[tuple[Any, Any]]) -> Requirement | None:
    """The best requirement of a sequence: its longest run of literals, or a
    requirement of one of its parts (a group, a branch, a repeat at least once)."""
    candidates: list[Requirement] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if op in _ZERO_WIDTH:
            continue  # takes no characters: the literals on both sides stay adjacent
        if len(run) >= _MIN_LITERAL:
            candidates.append(frozenset({run}))
        run = ""
        part = _part(op, av)
        if part is not None:
            candidates.append(part)
    if len(run) >= _MIN_LITERAL:
        candidates.append(frozenset({run}))
    if not candidates:
        return None
    # The rarest requirement wins: long literals, few alternatives.
    return max(candidates, key=lambda r: (min(map(len, r)), -len(r)))


def _part(op: Any, av: Any) -> Requirement | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        if add_flags & re.IGNORECASE:
            return None
        return _sequence(list(body))
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(list(branch))
            if found is None:
                return None  # one branch without a literal: the whole branch has none
            union |= found
        return frozenset(union)
    if op in _REPEATS:
        low, _high, body = av
        return _sequence(list(body)) if low >= 1 else None
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    return None


class Alternation:
    """`(?P<g1>b1|b2|…)|(?P<g2>…)|…` with a literal prefilter.

    Offers the parts of `re.Pattern` the checks use (`finditer`, `search`, `sub`);
    `lastgroup` of a match is its group's name, as with the full pattern. Each branch
    is compiled on its own, once: compiling the narrowed alternation per text would
    cost more than it saves whenever a new combination of branches shows up.
    """

    def __init__(self, groups: Sequence[tuple[str | None, Sequence[str]]], flags: int = 0) -> None:
        self.flags = flags
        self._branches: list[tuple[str | None, str]] = [
            (name, source) for name, sources in groups for source in sources
        ]
        #: The full alternation's source: what this object matches exactly like.
        self.pattern = _source(groups, self._branches)
        self._compiled: list[re.Pattern[str] | None] = [None] * len(self._branches)
        self._always: list[int] = []
        automaton = ahocorasick.Automaton()
        by_literal: dict[str, set[int]] = {}
        for index, (_name, source) in enumerate(self._branches):
            literals = required_literals(source, flags)
            if literals is None:
                self._always.append(index)
                continue
            for literal in literals:
                by_literal.setdefault(literal, set()).add(index)
        for literal, indexes in by_literal.items():
            automaton.add_word(literal, tuple(sorted(indexes)))
        self._automaton: Any = None
        if by_literal:
            automaton.make_automaton()
            self._automaton = automaton
        # Several checks scan the same normalised draft with the same lexicon.
        self.possible: Callable[[str], tuple[int, ...]] = lru_cache(maxsize=32)(self._possible)

    def compile_all(self) -> None:
        """Compile every branch now (start-up) rather than on the first text needing it."""
        for index in range(len(self._branches)):
            self._branch(index)

    def _branch(self, index: int) -> re.Pattern[str]:
        compiled = self._compiled[index]
        if compiled is None:
            name, source = self._branches[index]
            wrapped = f"(?P<{name}>(?:{source}))" if name else source
            compiled = self._compiled[index] = re.compile(wrapped, self.flags)
        return compiled

    def _possible(self, text: str) -> tuple[int, ...]:
        """Indexes of the branches that could match somewhere in `text`, in order."""
        found = set(self._always)
        if self._automaton is not None:
            for _end, indexes in self._automaton.iter(text):
                found.update(indexes)
        return tuple(sorted(found))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches as the full alternation finds them: leftmost first, the earliest
        branch winning at a position, scanning on from the end of each match."""
        branches = [self._branch(i) for i in self.possible(text)]
        if len(branches) == 1:
            yield from branches[0].finditer(text)
            return
        upcoming = [b.search(text) for b in branches]
        while True:
            best: re.Match[str] | None = None
            for match in upcoming:
                if match is not None and (best is None or match.start() < best.start()):
                    best = match
            if best is None:
                return
            yield best
            position = best.end()
            # After an empty match, `re` looks on from the same place for a non-empty one.
            advance = best.start() == position
            for i, match in enumerate(upcoming):
                if match is not None and (
                    match.start() < position
                    or (advance and match.start() == match.end() == position)
                ):
                    upcoming[i] = _next(branches[i], text, position, advance)

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def sub(self, repl: str, text: str) -> str:
        """`text` with every match replaced by the plain string `repl`."""
        parts: list[str] = []
        last = 0
        for match in self.finditer(text):
            parts += [text[last : match.start()], repl]
            last = match.end()
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)


def _next(branch: re.Pattern[str], text: str, position: int, advance: bool) -> re.Match[str] | None:
    """The branch's next match from `position`; with `advance`, not the empty one there
    (`finditer` applies exactly `re`'s rule for the match after an empty one)."""
    if not advance:
        return branch.search(text, position)
    found = branch.finditer(text, position)
    match = next(found, None)
    if match is not None and match.start() == match.end() == position:
        match = next(found, None)
    return match


def _source(
    groups: Sequence[tuple[str | None, Sequence[str]]], branches: list[tuple[str | None, str]]
) -> str:
    """The regex source of the alternation: one named group per name, in order."""
    parts = []
    for name in dict.fromkeys(n for n, _ in groups):
        inner = "|".join(f"(?:{s})" for n, s in branches if n == name) or r"(?!x)x"
        parts.append(f"(?P<{name}>{inner})" if name else inner)
    return "|".join(parts) or r"(?!x)x"
