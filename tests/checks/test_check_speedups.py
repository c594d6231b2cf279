"""The speed-ups of the reply checks (#14, #17), each held to the code it replaced: the
clauses of a draft that `no_unauthorized_offer` skips after one scan of the whole draft,
the allowed offers and the review's numbers read once per request, `language` reading
a repeated sentence once, and `no_meta`'s line patterns scanned for their own literals."""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replyguard_checks import SUPPORTED_LANGUAGES, CheckContext, normalize
from replyguard_checks.alternation import Alternation
from replyguard_checks.language import (
    _FOREIGN_LETTERS,
    _LATIN_RUN,
    _OUR_LABELS,
    _SENTENCE_END,
    _SENTENCE_WORD,
    _SENTENCE_WORDS,
    NEIGHBOURS,
    _fasttext_scores,
    _predict,
    detect,
    foreign_sentence,
    prose,
)
from replyguard_checks.lexicon import Lexicon, lexicon, lexicons_for
from replyguard_checks.no_meta import _LINE_KINDS, meta_patterns
from replyguard_checks.no_unauthorized_offer import (
    _AMOUNT,
    _CLAUSE,
    _PART_START,
    _allowed,
    _concepts,
    _holds_span,
    _holds_start,
    _item,
    _numbers,
    _numeric_starts,
    _price,
    _segment,
    _share,
    _spelled,
    find_offers,
)
from replyguard_evals.corpus import HOLDOUT_DIR, load_corpus
from replyguard_evals.dataset import load_cases


def _find_offers_as_first_written(text: str, context: CheckContext) -> list[tuple[str, str]]:
    """`find_offers` before the speed-up: every clause read with every lexicon, the
    allowed offers and the review's numbers read for every draft."""
    own = lexicon(context.language)
    lexicons = lexicons_for(context.language, text, context.masked_names)
    items = [_item(c, context.language, lexicons) for c in context.compensation]
    quoted = _numbers(_spelled(normalize(context.review_text), lexicons))
    allowed_numbers = set().union(*(i.numbers for i in items)) if items else set()
    found: list[tuple[str, str]] = []
    for clause_match in _CLAUSE.finditer(normalize(text)):
        clause = clause_match.group()
        for lex in lexicons:
            for match in lex.offers.finditer(clause):
                kind = match.lastgroup or "offer"
                left, right = _segment(clause, match.start(), match.end())
                if lex.negation.search(_PART_START.split(clause[: match.start()])[-1]):
                    continue
                if lex.negation_after.search(clause[match.end() : right]):
                    continue
                segment = clause[left:right]
                if lex.ordinary.search(segment) or lex.conditional.search(clause[: match.start()]):
                    continue
                if kind != "promise" and _allowed(segment, clause, items, own, lexicons):
                    continue
                found.append((kind, match.group().strip()))
        for amount in _AMOUNT.finditer(_spelled(clause, lexicons)):
            if _share(amount, clause) and not _concepts(clause, lexicons):
                continue
            if _price(amount, clause) and not _concepts(clause, lexicons):
                continue
            values = _numbers(amount.group())
            if values and not values <= quoted and not values <= allowed_numbers:
                found.append(("amount", amount.group().strip()))
    return list(dict.fromkeys(found))


def _foreign_sentence_as_first_written(text: str, language: str) -> tuple[str, str] | None:
    """`foreign_sentence` before the speed-up: a repeated sentence read again."""
    letters = _FOREIGN_LETTERS.get(language)
    parts = _LATIN_RUN.findall(text) if language == "zh" else _SENTENCE_END.split(text)
    for sentence in parts:
        if len(_SENTENCE_WORD.findall(sentence)) < _SENTENCE_WORDS:
            continue
        if letters is not None and len(letters.findall(sentence)) >= 2:
            scores = _fasttext_scores(sentence)
            return max(NEIGHBOURS[language], key=lambda c: scores.get(c, 0.0)), sentence.strip()
        (label,), _ = _predict(sentence, 1)
        if label == f"__label__{language}" or label not in _OUR_LABELS:
            continue
        found = detect(sentence, default=language)
        if found != language:
            return found, sentence.strip()
    return None


@cache
def _drafts() -> tuple[tuple[str, CheckContext], ...]:
    """Every labelled draft of the corpora with its context, and the eval cases' template
    replies (with their allowed offers), plain and repeated to over a hundred words."""
    from replyguard.runtime import Runtime

    found: list[tuple[str, CheckContext]] = []
    for folder in (Path("evals/corpus"), Path(HOLDOUT_DIR), *sorted(Path("evals/real").iterdir())):
        if folder.is_dir():
            found += [(item.draft, item.context) for item in load_corpus(folder)]
    pipeline = Runtime.templates_only().pipeline
    for case in load_cases():
        prepared = pipeline.prepare(case.review, case.business, case.options)
        for _, reply in zip(range(2), pipeline.templates.candidates(prepared.facts), strict=False):
            found += [(reply, prepared.context), (f"{reply} {reply} {reply}", prepared.context)]
    return tuple(found)


@pytest.mark.slow
def test_find_offers_is_the_loop_it_replaced() -> None:
    drafts = _drafts()
    assert len(drafts) > 3000
    offered = 0
    for draft, context in drafts:
        expected = _find_offers_as_first_written(draft, context)
        assert find_offers(draft, context) == expected, draft
        offered += bool(expected)
    assert offered > 100


def _all_lexicons_alternations() -> list[Alternation]:
    found: list[Alternation] = []
    for language in SUPPORTED_LANGUAGES:
        words = lexicon(language)
        found += [words.offers, words.attack, words.stock_patterns]
    return found


@pytest.mark.slow
def test_a_clause_without_a_literal_span_has_no_match() -> None:
    """Every clause of every labelled draft, with every lexicon's alternations: a clause
    `literal_spans` leaves out is one where `finditer` finds nothing, and every clause
    with a match is kept."""
    alternations = _all_lexicons_alternations()
    skipped = matched = 0
    for draft, _ in _drafts():
        text = normalize(draft)
        for alternation in alternations:
            spans = alternation.literal_spans(text)
            for clause in _CLAUSE.finditer(text):
                found = list(alternation.finditer(clause.group()))
                if not _holds_span(spans, *clause.span()):
                    assert found == [], (clause.group(), alternation.pattern[:80])
                    skipped += 1
                matched += bool(found)
    assert skipped > 10_000
    assert matched > 100


_PIECES = ["refund", "free", " ", ".", ",", "we ", "will ", "voucher", "gratis", "20 €", "no "]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    cuts=st.lists(st.integers(min_value=0, max_value=300), max_size=6),
    language=st.sampled_from(SUPPORTED_LANGUAGES),
)
def test_literal_spans_on_random_parts(pieces: list[str], cuts: list[int], language: str) -> None:
    text = "".join(pieces)
    bounds = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
    alternation = lexicon(language).offers
    spans = alternation.literal_spans(text)
    for begin, end in pairwise(bounds):
        if not _holds_span(spans, begin, end):
            assert list(alternation.finditer(text[begin:end])) == []


@pytest.mark.slow
def test_a_clause_without_a_digit_or_number_word_has_no_amount() -> None:
    """The clauses `_numeric_starts` leaves out hold no amount once spelled out, with
    the lexicons a draft is read with and with all nine."""
    every: tuple[Lexicon, ...] = tuple(lexicon(code) for code in SUPPORTED_LANGUAGES)
    skipped = kept = 0
    for draft, context in _drafts():
        text = normalize(draft)
        for lexicons in (lexicons_for(context.language, draft, context.masked_names), every):
            starts = _numeric_starts(text, lexicons)
            for clause in _CLAUSE.finditer(text):
                spelled = _spelled(clause.group(), lexicons)
                if _holds_start(starts, *clause.span()):
                    kept += 1
                else:
                    assert not re.search(r"\d", spelled), clause.group()
                    assert list(_AMOUNT.finditer(spelled)) == []
                    skipped += 1
    assert skipped > 10_000
    assert kept > 500


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from([*"ab1 .,;!?\n€%五", "two ", "zwei", "fifty-", "dwa"])),
    language=st.sampled_from(SUPPORTED_LANGUAGES),
)
def test_numeric_starts_on_random_text(pieces: list[str], language: str) -> None:
    text = "".join(pieces)
    lexicons = lexicons_for(language)
    starts = _numeric_starts(text, lexicons)
    for clause in _CLAUSE.finditer(text):
        spelled = _spelled(clause.group(), lexicons)
        assert _holds_start(starts, *clause.span()) == bool(re.search(r"\d", spelled))


@pytest.mark.slow
def test_foreign_sentence_is_the_loop_it_replaced() -> None:
    found = 0
    for draft, context in _drafts():
        words = prose(draft, context.masked_names)
        for language in dict.fromkeys((context.language, "en", "bg", "zh")):
            expected = _foreign_sentence_as_first_written(words, language)
            assert foreign_sentence(words, language) == expected, draft
            found += expected is not None
    assert found > 100


@pytest.mark.slow
def test_line_patterns_with_their_own_scan_are_re() -> None:
    """`no_meta`'s markdown and preamble patterns, scanned for their own literals, find
    what their full regular expressions find, on every draft's raw lines."""
    patterns = {kind: meta_patterns()[kind] for kind in _LINE_KINDS}
    hits = 0
    for draft, _ in _drafts():
        raw = "\n".join(line.strip() for line in draft.casefold().splitlines() if line.strip())
        for texts in (raw, draft, normalize(draft)):
            for pattern in patterns.values():
                full = re.compile(pattern.pattern, pattern.flags)
                spans = [m.span() for m in pattern.finditer(texts)]
                assert spans == [m.span() for m in full.finditer(texts)], texts
                hits += bool(spans)
    assert hits > 10
