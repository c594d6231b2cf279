"""A large regex alternation that only tries the branches that could match.

Python's `re` tries every branch of an alternation at every position of the text, so
a lexicon of a few hundred phrase patterns costs milliseconds per draft. Nearly every
branch contains a literal that any match must include ("kłam", "liar", "voucher"):
one Aho-Corasick pass over the text finds which of those literals occur, and only the
branches whose literal is there (plus the few with no literal at all) are searched.
Leaving out a branch that cannot match anywhere in the text leaves every match, its
span and its group exactly as the full alternation gives them, which the tests check
on the whole labelled corpus.

Two things keep the per-text cost down. The literals of every alternation share one
automaton, so a text is scanned once, however many lexicons read it (a draft is read
by some fifty alternations, over a dozen texts). And a branch is looked for where its
literal is: a match starts at most a bounded number of characters before a required
literal, often at it (`\\byou\\s+...`), and `re` given a pattern that opens on `\\b` or a
look-behind tries it at every position of the text, which cost more than all the rest.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property, lru_cache
from operator import itemgetter

# The standard library's own regex parser, the only way to read a pattern's branches
# and literals: private to `re`, not to another package of ours.
from re import _constants as sre  # type: ignore[attr-defined]  # no stub for re's internals
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

#: A required-literal set: a match must contain at least one of these strings.
Requirement = frozenset[str]

# Literals shorter than this say too little ("a", "n") to be worth a lookup, unless
# the one character is rare in prose (see `_rare`).
_MIN_LITERAL = 2
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
# Widths at or above this are unbounded (`re` reports those as a huge number).
_UNBOUNDED = 1 << 20
# A character class of at most this many rare characters is a requirement.
_MAX_CLASS = 32
# A branch tried at this many places near its literal without a match is searched
# from there on instead (a literal as common as "is" would cost more one by one).
_MAX_TRIES = 32


class _Candidate:
    """A requirement and how far into a match its literal may start (None: no bound)."""

    __slots__ = ("literals", "offset")

    def __init__(self, literals: Requirement, offset: int | None) -> None:
        self.literals = literals
        self.offset = offset

    def rarity(self) -> tuple[int, int]:
        """The rarest requirement wins: long literals, few alternatives."""
        return (min(map(len, self.literals)), -len(self.literals))


def _rare(text: str) -> bool:
    """A single character worth looking up: an emoji, a colon, a Chinese character;
    not a letter of an alphabet, a digit, a space or a common mark."""
    if len(text) != 1 or text.isspace() or text in ".,'-\"" or text.isdigit():
        return False
    return not (text.isascii() and text.isalnum()) and text.lower() == text.upper()


def _acceptable(run: str) -> bool:
    return len(run) >= _MIN_LITERAL or _rare(run)


def required_literals(source: str, flags: int = 0) -> Requirement | None:
    """Strings of which any match of `source` must contain one, or None when the
    pattern guarantees no such literal (then its branch is always tried)."""
    requirements = _analyse(source, flags)[0]
    return requirements[0] if requirements else None


def _analyse(source: str, flags: int) -> tuple[list[Requirement], _Candidate | None]:
    """(every requirement of the pattern, the rarest first; the best one to find a
    match from): the second has a bounded offset, at best 0 (the match starts where
    its literal does)."""
    parsed = sre_parse.parse(source, flags)
    if parsed.state.flags & re.IGNORECASE:
        return [], None
    candidates = _sequence(parsed.state, list(parsed))
    if not candidates:
        return [], None
    rarest = max(candidates, key=_Candidate.rarity)
    requirements = list(dict.fromkeys([rarest.literals, *(c.literals for c in candidates)]))
    return requirements, _anchor(candidates)


def _width(state: Any, item: tuple[Any, Any]) -> int | None:
    """The most characters `item` can take, or None when unbounded."""
    high = int(sre_parse.SubPattern(state, [item]).getwidth()[1])
    return None if high >= _UNBOUNDED else high


def _plus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _sequence(state: Any, items: list[tuple[Any, Any]]) -> list[_Candidate]:
    """The requirements of a sequence: its runs of literals, and the requirements of
    its parts (a group, a branch, a repeat at least once), each with the most
    characters of the match that can stand before its literal."""
    candidates: list[_Candidate] = []
    offset: int | None = 0  # the most characters the items so far can take
    run = ""
    run_offset: int | None = 0

    def close() -> None:
        if _acceptable(run):
            candidates.append(_Candidate(frozenset({run}), run_offset))

    for op, av in items:
        if op is sre.LITERAL:
            if not run:
                run_offset = offset
            run += chr(av)
            offset = _plus(offset, 1)
            continue
        if op in _ZERO_WIDTH:
            continue  # takes no characters: the literals on both sides stay adjacent
        width = _width(state, (op, av))
        if op in _REPEATS and _single_literal(av):
            low, high, body = av
            if low >= 1:
                # "x{2,}": at least `low` of the character follow the run.
                if not run:
                    run_offset = offset
                run += chr(body[0][1]) * low
                if low == high:
                    offset = _plus(offset, low)
                    continue
        close()
        run = ""
        for part in _part(state, op, av):
            candidates.append(_Candidate(part.literals, _plus(offset, part.offset)))
        offset = _plus(offset, width)
    close()
    return candidates


def _single_literal(av: Any) -> bool:
    body = list(av[2])
    return len(body) == 1 and body[0][0] is sre.LITERAL


def _anchor(candidates: list[_Candidate]) -> _Candidate | None:
    """The requirement to look for matches from: a bounded offset, and the fewest
    places to try (a literal as short as "is" occurs often, a long offset widens
    every occurrence into as many places)."""
    bounded = [c for c in candidates if c.offset is not None]
    return min(bounded, key=_cost) if bounded else None


def _cost(candidate: _Candidate) -> float:
    """About how many places per character of prose a match is tried at: a literal of
    n letters occurs roughly once in 10**n characters."""
    frequency = sum(10.0 ** -(2.5 if len(t) == 1 else min(len(t), 6)) for t in candidate.literals)
    return ((candidate.offset or 0) + 1) * frequency


def _union(chosen: list[_Candidate | None]) -> _Candidate | None:
    """One of the alternatives' requirements, each from its own alternative."""
    if not chosen or any(c is None for c in chosen):
        return None
    literals: set[str] = set()
    offset: int | None = 0
    for candidate in chosen:
        assert candidate is not None
        literals |= candidate.literals
        offset = (
            None if offset is None or candidate.offset is None else max(offset, candidate.offset)
        )
    return _Candidate(frozenset(literals), offset)


def _part(state: Any, op: Any, av: Any) -> list[_Candidate]:
    """The requirements of a group, a branch or a repeat (offsets from its start)."""
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        if add_flags & re.IGNORECASE:
            return []
        return _sequence(state, list(body))
    if op is sre.BRANCH:
        alternatives = [_sequence(state, list(branch)) for branch in av[1]]
        if not all(alternatives):
            return []  # one branch without a literal: the whole branch has none
        rarest = _union([max(c, key=_Candidate.rarity) for c in alternatives])
        anchor = _union([_anchor(c) for c in alternatives])
        return [c for c in (rarest, anchor) if c is not None]
    if op in _REPEATS:
        low, _high, body = av
        return _sequence(state, list(body)) if low >= 1 else []
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(state, list(av))
    if op is sre.IN:
        chars = [chr(value) for kind, value in av if kind is sre.LITERAL]
        if len(chars) == len(av) <= _MAX_CLASS and all(map(_rare, chars)):
            return [_Candidate(frozenset(chars), 0)]
    return []


class _Scanner:
    """One automaton over the literals numbered so far (below `size`), and the
    numbers each text holds, cached: the checks read a draft's normalised text with
    some twenty alternations (every language's stock phrases, every kind of AI talk,
    three lexicons' attacks), one pass serves them all."""

    def __init__(self, literals: list[str]) -> None:
        self.size = len(literals)
        self._automaton: Any = None
        if literals:
            automaton = ahocorasick.Automaton()
            for number, literal in enumerate(literals):
                automaton.add_word(literal, number)
            automaton.make_automaton()
            self._automaton = automaton
        self.scan: Callable[[str], frozenset[int]] = lru_cache(maxsize=64)(self._scan)

    def _scan(self, text: str) -> frozenset[int]:
        if self._automaton is None:
            return frozenset()
        return frozenset(map(itemgetter(1), self._automaton.iter(text)))


class _Literals:
    """Every alternation's literals, numbered, and a scanner that knows them."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        #: The literals by number.
        self.text: list[str] = []
        self._sets: dict[frozenset[int], frozenset[int]] = {}
        self._lock = threading.Lock()
        self._scanner = _Scanner([])

    def number(self, literals: Requirement) -> frozenset[int]:
        with self._lock:
            for literal in literals:
                if literal not in self._numbers:
                    self._numbers[literal] = len(self.text)
                    self.text.append(literal)
            numbers = frozenset(self._numbers[literal] for literal in literals)
            # Branches share requirements ("you", "nous"): one set object for all.
            return self._sets.setdefault(numbers, numbers)

    def scanner(self, needed: int) -> _Scanner:
        """A scanner that knows at least the first `needed` literals (rebuilt when an
        alternation made later needs more: at start-up, not per draft)."""
        scanner = self._scanner
        if scanner.size < needed:
            with self._lock:
                if self._scanner.size < needed:
                    self._scanner = _Scanner(list(self.text))
                scanner = self._scanner
        return scanner


_LITERALS = _Literals()


class Alternation:
    """`(?P<g1>b1|b2|…)|(?P<g2>…)|…` with a literal prefilter.

    Offers the parts of `re.Pattern` the checks use (`finditer`, `search`, `sub`);
    `lastgroup` of a match is its group's name, as with the full pattern. Each branch
    is compiled on its own, once: compiling the narrowed alternation per text would
    cost more than it saves whenever a new combination of branches shows up.
    """

    def __init__(
        self,
        groups: Sequence[tuple[str | None, Sequence[str]]],
        flags: int = 0,
        own_scan: bool = False,
    ) -> None:
        self.flags = flags
        # `own_scan`: texts are scanned for this alternation's literals alone, for one
        # that reads texts no other alternation reads (no_meta's raw lines): the shared
        # scan would look for every lexicon's literals there for nothing.
        self._literals = _Literals() if own_scan else _LITERALS
        self._branches: list[tuple[str | None, str]] = [
            (name, source) for name, sources in groups for source in sources
        ]
        self._groups = groups
        self._compiled: list[re.Pattern[str] | None] = [None] * len(self._branches)
        self._always: list[int] = []
        number = self._literals.number
        by_literal: dict[int, set[int]] = {}
        # Per branch: its other requirements (a match holds a literal of each), and
        # where its matches are looked for: (its anchor's literals, the most characters
        # a match starts before one), or None: anywhere.
        self._also: list[tuple[frozenset[int], ...]] = []
        self._anchors: list[tuple[frozenset[int], int] | None] = []
        for index, (_name, source) in enumerate(self._branches):
            requirements, anchor = _analyse(source, flags)
            self._anchors.append(
                None if anchor is None else (number(anchor.literals), anchor.offset or 0)
            )
            if not requirements:
                self._always.append(index)
                self._also.append(())
                continue
            first, *others = requirements
            for literal in number(first):
                by_literal.setdefault(literal, set()).add(index)
            # The others prune too when they are rare characters (the "(" of "(your
            # name)"); indexing every longer one as well cost 12 MiB a worker for a few
            # tenths of a millisecond a draft.
            others = [r for r in others if all(map(_rare, r))]
            self._also.append(tuple(number(r) for r in others))
        self._by_literal = {literal: tuple(sorted(found)) for literal, found in by_literal.items()}
        self._own = frozenset(by_literal)
        used = [*by_literal, *(n for also in self._also for r in also for n in r)]
        used += [n for anchor in self._anchors if anchor is not None for n in anchor[0]]
        self._needed = max(used, default=-1) + 1
        # Several checks scan the same normalised draft with the same lexicon.
        self.possible: Callable[[str], tuple[int, ...]] = lru_cache(maxsize=32)(self._possible)

    @cached_property
    def pattern(self) -> str:
        """The full alternation's source: what this object matches exactly like (made
        when asked, for tests: about 1 MiB of strings a worker need not hold)."""
        return _source(self._groups, self._branches)

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

    def _present(self, text: str) -> frozenset[int]:
        """The numbers of the literals `text` holds (this alternation's at least)."""
        return self._literals.scanner(self._needed).scan(text) if self._needed else frozenset()

    def _possible(self, text: str) -> tuple[int, ...]:
        """Indexes of the branches that could match somewhere in `text`, in order: a
        literal of each of their requirements is there."""
        present = self._present(text)
        found = set(self._always)
        by_literal = self._by_literal
        for literal in self._own.intersection(present):
            found.update(by_literal[literal])
        also = self._also
        return tuple(i for i in sorted(found) if all(not r.isdisjoint(present) for r in also[i]))

    def literal_spans(self, text: str) -> list[tuple[int, int]] | None:
        """(start, end) of every occurrence in `text` of a literal that lets a branch be
        tried, sorted; None when some branch has no literal (it is tried anywhere).

        A part of `text` that holds none of these spans whole has no match: a checker
        that reads a text part by part (clause by clause) skips those parts with one
        scan of the whole text instead of one per part."""
        if self._always:
            return None
        present = self._present(text)
        spans: list[tuple[int, int]] = []
        for number in self._own.intersection(present):
            literal = self._literals.text[number]
            at = text.find(literal)
            while at >= 0:
                spans.append((at, at + len(literal)))
                at = text.find(literal, at + 1)
        spans.sort()
        return spans

    def _from(self, index: int, text: str, position: int) -> re.Match[str] | None:
        """The branch's first match starting at `position` or later: what `re`'s search
        from `position` finds."""
        branch = self._branch(index)
        anchor = self._anchors[index]
        if anchor is None:
            return branch.search(text, position)
        numbers, before = anchor
        literals = [self._literals.text[n] for n in numbers.intersection(self._present(text))]
        # A match starts at most `before` characters ahead of an occurrence of a
        # literal at or after it: only the positions so close to one are tried.
        untried = position
        tries = _MAX_TRIES
        while True:
            at = _first(text, literals, untried)
            if at < 0:
                return None
            for start in range(max(untried, at - before), at + 1):
                if not tries:
                    return branch.search(text, start)
                tries -= 1
                match = branch.match(text, start)
                if match is not None:
                    return match
            untried = at + 1

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches as the full alternation finds them: leftmost first, the earliest
        branch winning at a position, scanning on from the end of each match."""
        indexes = self.possible(text)
        if not indexes:
            return
        if len(indexes) == 1 and self._anchors[indexes[0]] is None:
            yield from self._branch(indexes[0]).finditer(text)
            return
        upcoming = [self._from(i, text, 0) for i in indexes]
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
                    index = indexes[i]
                    if self._anchors[index] is not None:
                        # A branch with a literal never matches the empty string.
                        upcoming[i] = self._from(index, text, position)
                    else:
                        upcoming[i] = _next(self._branch(index), text, position, advance)

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


def _first(text: str, literals: list[str], position: int) -> int:
    """Where the first occurrence of any of `literals` at or after `position` starts
    (-1: none)."""
    found = -1
    for literal in literals:
        at = text.find(literal, position)
        if at >= 0 and (found < 0 or at < found):
            found = at
    return found


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
