"""The rules that revise a reply a person wrote, smallest repair first.

Each rule edits the pieces of the reply (see `pieces`) and is kept only when the
re-check shows it broke nothing that passed before it (a few checks that a later rule
repairs aside: a removed sentence may have carried the phone, which the channel rule
puts back). A reply that already passes is returned as it is; a revision that in the
end fails a check its draft passed is rolled back to the last state that did not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Literal

from replyguard_checks import (
    CJK_CHAR,
    EMAIL,
    URL,
    CheckContext,
    CheckResult,
    CheckSuite,
    content_terms,
    mask_terms,
    normalize,
    word_count,
    words,
)

from ..drafting import Case
from ..templates import TemplateBook, in_script, tidy
from .phrases import Phrases, load_phrases
from .pieces import TERMINAL, Piece, clauses, join, leading_closing, split, without_clauses

ChangeKind = Literal["removed", "replaced", "added", "shortened"]
RevisionSource = Literal["rules", "llm", "template"]

#: Checks whose failing sentences are removed, in this order.
REMOVED_FOR = ("no_attack", "no_unauthorized_offer", "no_private_data", "no_meta")
#: Checks a removal may break for a moment: later rules put the detail, the channel
#: and the signature back.
_REPAIRED_LATER = frozenset({"named_contact", "offline_channel", "no_generic"})
_LENGTH = frozenset({"length"})
#: A clause left after a cut must still say something.
_MIN_WORDS = 3
#: A clause of the review quoted when the templates' quote found none: short, and with
#: nothing that could be private (numbers, addresses, links).
_CLAUSE = re.compile(r"[^.!?;。！？；,，\n]+")
_UNSAFE = re.compile(r"\d{3,}")
_QUOTE_WORDS = 12
_WINDOW_WORDS = 8
_QUOTE_CHARS = 12


@dataclass(frozen=True, slots=True)
class Change:
    check: str
    kind: ChangeKind
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Revision:
    draft: str
    revised: str
    checks_before: list[CheckResult]
    checks: list[CheckResult]
    changes: list[Change]
    #: The share of the draft's words still in the revision.
    kept: float
    source: RevisionSource = "rules"

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(r.passed for r in self.checks)


def kept_share(draft: str, revised: str) -> float:
    """The share of the draft's words (Chinese: characters) the revision still has."""
    before = _tokens(draft)
    if not before:
        return 1.0
    common = Counter(before) & Counter(_tokens(revised))
    return round(sum(common.values()) / len(before), 4)


def _tokens(text: str) -> list[str]:
    return [*words(text), *CJK_CHAR.findall(normalize(text))]


@dataclass(slots=True)
class _State:
    pieces: list[Piece]
    results: dict[str, CheckResult]
    changes: list[Change] = field(default_factory=list)

    def failing(self, name: str) -> bool:
        result = self.results.get(name)
        return result is not None and not result.passed

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results.values())


class Reviser:
    """Revises replies against the checks of `suite`, with the phrases and templates
    of the prompts folder."""

    def __init__(self, suite: CheckSuite, templates: TemplateBook, prompts_dir: Path) -> None:
        self.suite = suite
        self.templates = templates
        self.prompts_dir = prompts_dir
        self._single: dict[str, CheckSuite] = {}

    def _one(self, name: str) -> CheckSuite:
        """A suite of the one check `name`, to read a sentence alone."""
        if name not in self._single:
            check = next(c for c in self.suite.checks if c.name == name)
            self._single[name] = CheckSuite([check])
        return self._single[name]

    def passes_alone(self, name: str, text: str, context: CheckContext) -> bool:
        return not text.strip() or all(r.passed for r in self._one(name).run(text, context))

    def revise(self, case: Case, draft: str) -> Revision:
        context = case.context
        before = self.suite.run(draft, context)
        if all(r.passed for r in before):
            return Revision(draft, draft, before, before, [], 1.0)
        run = _Run(self, case, load_phrases(self.prompts_dir, case.language), draft, before)
        state = run.revise()
        revised = join(state.pieces)
        checks = [state.results[r.name] for r in before]
        return Revision(draft, revised, before, checks, state.changes, kept_share(draft, revised))


class _Run:
    """One revision: the rules in order over one draft."""

    def __init__(
        self,
        reviser: Reviser,
        case: Case,
        phrases: Phrases,
        draft: str,
        before: list[CheckResult],
    ) -> None:
        self.reviser = reviser
        self.case = case
        self.context = case.context
        self.phrases = phrases
        self.original = {r.name: r for r in before}
        self.state = _State(split(draft, phrases), dict(self.original))
        self.safe = self.state
        self.sep = "" if case.language == "zh" else " "

    # -- the rules, in order ---------------------------------------------------------
    def revise(self) -> _State:
        for name in REMOVED_FOR:
            if self.state.failing(name):
                self._step(partial(self._remove_for, name=name), _REPAIRED_LATER | _LENGTH)
        if self.state.failing("offline_channel"):
            self._step(self._remove_foreign, _REPAIRED_LATER | _LENGTH)
        if self.state.failing("no_generic"):
            self._step(self._make_specific, _LENGTH)
        if self.state.failing("offline_channel"):
            self._step(self._add_channel, _LENGTH)
        if self.state.failing("named_contact"):
            self._step(self._add_signature, _LENGTH)
        if self.state.failing("not_repeated"):
            self._step(self._make_own, _LENGTH)
        if self.state.failing("length"):
            self._step(self._shorten, frozenset())
        return self.state if not self._regressed(self.state) else self.safe

    def _step(self, rule: Callable[[_State], _State | None], tolerate: frozenset[str]) -> None:
        """Apply a rule, keep its result if it broke nothing that passed before it
        (`tolerate` aside), and remember it as safe if it broke nothing the draft
        passed."""
        revised = rule(self.state)
        if revised is None or self._broke(self.state, revised, tolerate):
            return
        self.state = revised
        if not self._regressed(revised):
            self.safe = revised

    def _broke(self, old: _State, new: _State, tolerate: frozenset[str]) -> bool:
        return any(
            r.passed and not new.results[name].passed and name not in tolerate
            for name, r in old.results.items()
        )

    def _regressed(self, state: _State) -> bool:
        return self._broke(_State([], self.original), state, frozenset())

    def _checked(self, state: _State, pieces: list[Piece], changes: Iterable[Change]) -> _State:
        results = self.reviser.suite.run(join(pieces), self.context)
        return _State(pieces, {r.name: r for r in results}, [*state.changes, *changes])

    # -- removing ----------------------------------------------------------------------
    def _remove_for(self, state: _State, *, name: str) -> _State | None:
        """Remove what fails `name`: the failing clauses of a sentence when the rest
        stands on its own, else the sentence; then, if the check still fails, the one
        sentence whose removal makes it pass."""
        alone = self.reviser.passes_alone
        pieces = list(state.pieces)
        changes: list[Change] = []
        for i in reversed(range(len(pieces))):
            piece = pieces[i]
            if alone(name, piece.text, self.context):
                continue
            cut = self._cut_clauses(piece.text, lambda t: not alone(name, t, self.context))
            if cut is not None and alone(name, cut, self.context):
                pieces[i] = replace(piece, text=cut)
                changes.append(Change(name, "removed", piece.text, cut))
            else:
                pieces = _drop(pieces, i)
                changes.append(Change(name, "removed", piece.text, ""))
        changes.reverse()
        revised = self._checked(state, pieces, changes) if changes else state
        if revised.failing(name):
            revised = self._drop_one(revised, name) or revised
        return revised if revised is not state else None

    def _drop_one(self, state: _State, name: str) -> _State | None:
        """The state without the one sentence whose removal makes `name` pass."""
        for i, piece in enumerate(state.pieces):
            if piece.kind == "greeting" and len(state.pieces) > 1:
                continue
            pieces = _drop(state.pieces, i)
            if not pieces:
                continue
            candidate = self._checked(state, pieces, [Change(name, "removed", piece.text, "")])
            if not candidate.failing(name):
                return candidate
        return None

    def _cut_clauses(self, text: str, bad: Callable[[str], bool]) -> str | None:
        """The sentence without its bad clauses, if what is left says something."""
        parts = clauses(text)
        if len(parts) < 2:
            return None
        drop = {i for i, part in enumerate(parts) if bad(part)}
        if not drop or len(drop) == len(parts):
            return None
        cut = without_clauses(text, drop)
        return cut if word_count(cut) >= _MIN_WORDS else None

    def _remove_foreign(self, state: _State) -> _State | None:
        """Remove the clauses or sentences that give a phone, e-mail or link that is
        not the business's: read beside the business's own channel, such a piece
        still fails `offline_channel`."""
        own = self._contact_sentence()
        alone = self.reviser.passes_alone

        def foreign(text: str) -> bool:
            return not alone("offline_channel", f"{text} {own}", self.context)

        pieces = list(state.pieces)
        changes: list[Change] = []
        for i in reversed(range(len(pieces))):
            piece = pieces[i]
            if not foreign(piece.text):
                continue
            cut = self._cut_clauses(piece.text, foreign)
            if cut is not None and not foreign(cut):
                pieces[i] = replace(piece, text=cut)
                changes.append(Change("offline_channel", "removed", piece.text, cut))
            else:
                pieces = _drop(pieces, i)
                changes.append(Change("offline_channel", "removed", piece.text, ""))
        if not changes:
            return None
        changes.reverse()
        return self._checked(state, pieces, changes)

    # -- the specific point --------------------------------------------------------------
    def _make_specific(self, state: _State) -> _State | None:
        """Cut the stock formulas out (the clause, or the sentence), and put a sentence
        that names the reviewer's problem where the first one was."""
        pieces = list(state.pieces)
        changes: list[Change] = []
        at: int | None = None
        for i in reversed(range(len(pieces))):
            piece = pieces[i]
            if piece.kind == "greeting":
                greeting = self._greeting()
                if greeting != piece.text and _stock_formulas(piece.text, self.context):
                    pieces[i] = replace(piece, text=greeting)
                    changes.append(Change("no_generic", "replaced", piece.text, greeting))
                continue
            if not self._stock(piece.text):
                continue
            cut = self._cut_clauses(piece.text, self._stock)
            if cut is not None and not self._stock(cut):
                pieces[i] = replace(piece, text=cut)
                changes.append(Change("no_generic", "removed", piece.text, cut))
                at = i
            else:
                pieces = _drop(pieces, i)
                changes.append(Change("no_generic", "removed", piece.text, ""))
                at = i
        changes.reverse()
        cleaned = self._checked(state, pieces, changes) if changes else state
        lost_apology = any(self._apology(c.before) > self._apology(c.after) for c in changes)
        if not cleaned.failing("no_generic") and not lost_apology:
            return cleaned
        where = at if at is not None else self._after_opening(pieces)
        apologised = any(p.kind == "sentence" and self._apology(p.text) for p in pieces)
        if lost_apology:
            apologised = False  # the replacement apologises in the cut formula's place
        for sentence in self._specific_sentences(apologised):
            added = _insert(pieces, where, Piece(sentence, self.sep), self.sep)
            replaced = [c for c in changes if c.after == ""]
            if replaced and at is not None:
                first = replaced[0]
                note = [c for c in changes if c is not first]
                note.append(Change("no_generic", "replaced", first.before, sentence))
            else:
                note = [*changes, Change("no_generic", "added", "", sentence)]
            candidate = self._checked(state, added, note)
            if not candidate.failing("no_generic") and not self._broke(state, candidate, _LENGTH):
                return candidate
        return None

    def _greeting(self) -> str:
        """The templates' greeting: the reviewer's name, or the neutral one."""
        facts = self.case.facts
        greeting = self.reviser.templates.greeting(facts.language, facts.reviewer_name)
        return in_script(greeting, facts)

    def _stock(self, text: str) -> bool:
        """Whether a piece holds a stock formula. A piece of a word or two (a name, "Thanks")
        is never one: the fuzzy match reads any short text as part of a long phrase."""
        own = mask_terms(normalize(text), self.context.masked_names)
        if len(words(own)) + len(CJK_CHAR.findall(own)) / 2 < _MIN_WORDS:
            return False
        return bool(_stock_formulas(text, self.context))

    def _specific_sentences(self, apologised: bool) -> list[str]:
        """Sentences that name the reviewer's problem, best first: by its topic, in the
        reviewer's own words, or both; without a second apology after the draft's."""
        facts = self.case.facts
        phrases = self.phrases
        topic = self.reviser.templates.topic_phrase(facts.language, facts.topics)
        by_topic = (phrases.named if apologised else phrases.specific).format(problem=topic)
        template = str(self.reviser.templates.data(facts.language)["quote"])
        quotes = [q for q in dict.fromkeys((facts.quote, self._fallback_quote())) if q]
        found: list[str] = [by_topic] if topic else []
        for quote in (_short_quote(q, facts.language) for q in quotes):
            if apologised:
                found.append(template.format(text=quote).strip())
            else:
                found.append(phrases.quoted.format(quote=quote))
            if topic:
                found.append(f"{by_topic}{self.sep}{found[-1]}")
        return [in_script(tidy(s) if self.sep == "" else s, facts) for s in found]

    def _fallback_quote(self) -> str | None:
        """The clause of the review (or, in a long one, the words around its first
        detail) that names the most details and is safe to repeat: what the templates'
        quote may miss, a quote about the business's own name."""
        language = self.context.language
        names = (*self.context.masked_names, self.context.business_name)
        best: tuple[int, int, str] | None = None
        for clause in _CLAUSE.findall(self.context.review_text):
            clause = _window(clause.strip(" ,:;-–—\"'“”„«»()"), language, names)
            if not clause or _UNSAFE.search(clause) or EMAIL.search(clause) or URL.search(clause):
                continue
            details = len(content_terms(clause, language, names))
            if not details or _attacks_in(clause, language, self.context.names):
                continue
            if best is None or (details, -len(clause)) > best[:2]:
                best = (details, -len(clause), clause)
        if best is None:
            return None
        # The screened review is normalised (lower case): quote the words as written.
        raw = self.case.facts.review
        at = raw.casefold().find(best[2])
        return raw[at : at + len(best[2])] if at >= 0 else best[2]

    def _after_opening(self, pieces: list[Piece]) -> int:
        """Where an added sentence goes: after the draft's apology, else after the
        greeting, else first."""
        for i, piece in enumerate(pieces):
            if piece.kind == "sentence" and self._apology(piece.text):
                return i + 1
        return 1 if pieces and pieces[0].kind == "greeting" else 0

    # -- the channel and the signature -------------------------------------------------
    def _contact_sentence(self) -> str:
        facts = self.case.facts
        forms = self.reviser.templates.data(facts.language)["channel"]
        if facts.phone and facts.email:
            channel = str(forms["both"]).format(phone=facts.phone, email=facts.email)
        elif facts.phone:
            channel = str(forms["phone"]).format(phone=facts.phone)
        else:
            channel = str(forms["email"]).format(email=facts.email)
        sentence = self.phrases.contact.format(channel=channel.strip())
        return in_script(tidy(sentence) if self.sep == "" else sentence, facts)

    def _ending(self, pieces: list[Piece]) -> int:
        """The index where the closing words and the signature start (len: none)."""
        end = len(pieces)
        while end > 1 and pieces[end - 1].kind in ("closing", "signature"):
            end -= 1
        return end

    def _add_channel(self, state: _State) -> _State | None:
        sentence = self._contact_sentence()
        pieces = _insert(state.pieces, self._ending(state.pieces), Piece(sentence, ""), self.sep)
        return self._checked(state, pieces, [Change("offline_channel", "added", "", sentence)])

    def _add_signature(self, state: _State) -> _State | None:
        """Sign under the closing words, before a team's name, or at the end, on its
        own line when the reply is written in lines."""
        facts = self.case.facts
        phrases = self.phrases
        frame = (
            phrases.signature_with_role if facts.contact_role else phrases.signature_without_role
        )
        signature = frame.format(contact=facts.contact_name, role=facts.contact_role or "")
        signature = in_script(signature, facts)
        pieces = state.pieces
        lines = any("\n" in p.sep for p in pieces)
        end = self._ending(pieces)
        sig_at = next((i for i in range(end, len(pieces)) if pieces[i].kind == "signature"), None)
        opening = None
        if sig_at is not None:
            written = pieces[sig_at].text
            dash = re.match(r"\s*[-–—]\s*", written)
            # "- TL." -> "- Anna Kowalska, TL.": the name goes after the dash too.
            opening = dash.group() if dash else leading_closing(written, phrases)
        if sig_at is not None and opening is not None:
            # "Regards, the team" -> "Regards, Anna Kowalska, the team": the name goes
            # after the closing words or the dash, not before them.
            line = pieces[sig_at]
            named = f"{opening}{signature}, {line.text[len(opening) :]}"
            new = [*pieces[:sig_at], replace(line, text=named), *pieces[sig_at + 1 :]]
        elif sig_at is not None:
            # "The Management" -> "Anna Kowalska, The Management" (or the line above it).
            gap = pieces[sig_at - 1].sep if sig_at else "\n"
            sep = "\n" if "\n" in gap else ", " if self.sep else " "
            new = [*pieces[:sig_at], Piece(signature, sep, "signature"), *pieces[sig_at:]]
        else:
            open_end = bool(pieces) and TERMINAL.search(pieces[-1].text) is None
            sep = "\n" if lines or (open_end and self.sep) else self.sep
            new = _insert(pieces, len(pieces), Piece(signature, "", "signature"), sep)
        return self._checked(state, new, [Change("named_contact", "added", "", signature)])

    # -- length --------------------------------------------------------------------------
    def _shorten(self, state: _State) -> _State | None:
        """Drop the least useful sentences until the reply is short enough."""
        return self._drop_until(state, "length", "shortened")

    def _make_own(self, state: _State) -> _State | None:
        """A near-copy of another reply gets this review's own problem named, then
        loses its least useful sentences until it differs enough."""
        pieces = state.pieces
        where = self._after_opening(pieces)
        apologised = any(p.kind == "sentence" and self._apology(p.text) for p in pieces)
        for sentence in self._specific_sentences(apologised):
            if any(p.text == sentence for p in pieces):
                continue
            added = _insert(pieces, where, Piece(sentence, self.sep), self.sep)
            change = Change("not_repeated", "added", "", sentence)
            candidate = self._checked(state, added, [change])
            if not candidate.failing("not_repeated") and not self._broke(state, candidate, _LENGTH):
                return candidate
        return self._drop_until(state, "not_repeated", "removed")

    def _drop_until(self, state: _State, target: str, kind: ChangeKind) -> _State | None:
        """Drop sentences, least useful first, until `target` passes: never the
        greeting, the apology, the closing or the signature, and never one whose loss
        fails another check (the specific point, the channel, the name)."""
        language = self.context.language
        review_terms = content_terms(self.context.review_text, language)
        current = state
        tried: set[str] = set()
        while current.failing(target):
            order = sorted(
                (len(review_terms & content_terms(p.text, language)), -len(p.text), i)
                for i, p in enumerate(current.pieces)
                if p.kind == "sentence" and not self._apology(p.text) and p.text not in tried
            )
            progress = False
            for _, _, i in order:
                piece = current.pieces[i]
                tried.add(piece.text)
                pieces = _drop(current.pieces, i)
                candidate = self._checked(current, pieces, [Change(target, kind, piece.text, "")])
                if not self._broke(current, candidate, frozenset({target})):
                    current = candidate
                    progress = True
                    break
            if not progress:
                break
        if current.failing(target) and target == "length":
            current = self._trim_clauses(current)
        return current if current is not state and not current.failing(target) else None

    def _trim_clauses(self, state: _State) -> _State:
        """Cut the last clauses of the longest sentences while the reply is too long,
        keeping each sentence's apology and breaking no other check."""
        current = state
        for index in sorted(range(len(state.pieces)), key=lambda i: -len(state.pieces[i].text)):
            piece = current.pieces[index]
            if piece.kind != "sentence":
                continue
            parts = clauses(piece.text)
            base = current  # each deeper cut of this sentence replaces the one before
            for keep in range(len(parts) - 1, 0, -1):
                if not current.failing("length"):
                    return current
                cut = without_clauses(piece.text, set(range(keep, len(parts))))
                if word_count(cut) < _MIN_WORDS or self._apology(piece.text) > self._apology(cut):
                    continue
                pieces = [*base.pieces]
                pieces[index] = replace(piece, text=cut)
                change = Change("length", "shortened", piece.text, cut)
                candidate = self._checked(base, pieces, [change])
                if not self._broke(base, candidate, _LENGTH):
                    current = candidate
        return current

    def _apology(self, text: str) -> bool:
        folded = normalize(text)
        return any(word in folded for word in self.phrases.apology)


def _stock_formulas(text: str, context: CheckContext) -> list[str]:
    # Imported on use: no_generic imports guardrails-ai, which a starting service defers.
    from replyguard_checks import stock_formulas

    return stock_formulas(text, context)


def _attacks_in(text: str, language: str, names: list[str]) -> list[tuple[str, str]]:
    from replyguard_checks import attacks_in  # on use, as `_stock_formulas`

    return attacks_in(text, language, names)


def _window(clause: str, language: str, names: tuple[str, ...]) -> str:
    """A clause of at most `_QUOTE_WORDS` words: a longer one is cut to the words
    around its first detail term."""
    if language == "zh" or word_count(clause) <= _QUOTE_WORDS:
        return clause
    tokens = clause.split()
    terms = content_terms(clause, language, names)
    first = next((i for i, t in enumerate(tokens) if content_terms(t, language, names) & terms), 0)
    start = max(0, first - 2)
    return " ".join(tokens[start : start + _WINDOW_WORDS])


def _short_quote(quote: str, language: str) -> str:
    """A quote short enough not to read as the review copied back (`no_meta` takes 15
    words, or Chinese characters, in a row for that)."""
    if language == "zh" and len(quote.rstrip("…")) > _QUOTE_CHARS:
        return quote[:_QUOTE_CHARS] + "…"
    return quote


def _drop(pieces: list[Piece], index: int) -> list[Piece]:
    """The pieces without one, the line breaks around it kept."""
    out = list(pieces)
    gone = out.pop(index)
    if index and index == len(out):
        out[index - 1] = replace(out[index - 1], sep="")
    elif index and "\n" in gone.sep and "\n" not in out[index - 1].sep:
        out[index - 1] = replace(out[index - 1], sep=gone.sep)
    return out


def _insert(pieces: list[Piece], index: int, piece: Piece, sep: str) -> list[Piece]:
    """The pieces with one more at `index`, spaced like the text around it."""
    out = list(pieces)
    if index and not sep and out[index - 1].text[-1:].isascii():
        sep = " "  # Chinese glued to a link or a number would read as part of it
    if index >= len(out):
        if out:
            out[-1] = replace(out[-1], sep=out[-1].sep or sep)
        out.append(replace(piece, sep=""))
        return out
    before = out[index - 1] if index else None
    if before is not None and before.kind != "greeting":
        # Joins the paragraph it follows: the line break stays after the new piece.
        out[index - 1] = replace(before, sep=sep)
        out.insert(index, replace(piece, sep=before.sep or sep))
    else:
        out.insert(index, replace(piece, sep=sep))
    return out
