"""The reviewer's own words for their specific problems: up to three short phrases of
the review ("waited 45 minutes", "steak was overcooked", "rolled his eyes") that a
template names, so a reply answers this review and no other (playbook rule 5).

A phrase is a run of at most six words of one clause (fourteen characters of Chinese)
that starts on a content word, a negation or a number (never just after one) and ends
on a content word, or the whole of a part of a clause between joins when it fits,
picked for the specific terms it carries: content terms of the review (lemmas, jieba
words for Chinese) count fully, topic words ("wait", "room") less, since a template
names the topic anyway. Clauses that praise, insult, or carry a long number, an
amount, an address or link are not repeated. The word lists are data: `details` in
`prompts/cues/<lang>.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from replyguard_checks import (
    CJK_CHAR,
    EMAIL,
    URL,
    content_terms,
    normalize,
    spelled_numbers,
    to_simplified,
)

from .cues import Cues
from .resources import cues_file

#: Words in one phrase: short enough to read as a detail, never a long quote.
MAX_WORDS = 6
#: Characters in one Chinese phrase (two characters make about one word).
MAX_ZH_CHARS = 14
#: Distinct complaints a reply names.
LIMIT = 3
# A clause ends at punctuation; a full stop between digits ("5.0") is no end.
_CLAUSE = re.compile(
    r"(?:[^.!?;:,()\[\]{}\"“”„«»‹›…\n。！？；：，、（）「」『』|/*~]|(?<=\d)[.,](?=\d))+"
)
#: What may stand between two phrases for them to read as one quote in the reply.
_GAP = re.compile(r"[\W_]*")
_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_LONG_NUMBER = re.compile(r"\d[\d\s\-/.]{3,}\d|\d{4,}")
#: An amount of money: a reply does not repeat what the reviewer paid ("180 лева").
_MONEY = re.compile(
    r"\d+(?:[.,]\d+)?\s?(?:[$€£¥₹元块]|лв|лева|zł|złotych|eur|euro|euros|dollars?|pounds?|"
    r"francs?|kr|rs|rupees?|usd|gbp|pln|bgn|yuan|dólares|pesos)|[$€£¥₹]\s?\d|\d{3,}"
)
_SMALL_NUMBER = re.compile(r"\d{1,3}")
#: A word this short that is no detail ("on", "of", "me") never ends a quote.
_SHORT_WORD = 4


@dataclass(frozen=True, slots=True)
class DetailWords:
    """Per language: negations that keep a complaint's sense ("not", "kein", "没"),
    praise that marks a clause as no complaint, words a Chinese phrase does not start
    with (然后, 但是), and joins a phrase never spans ("and", "but")."""

    negations: frozenset[str]
    praise: frozenset[str]
    leading: tuple[str, ...]
    joins: frozenset[str]
    #: Parts of words a repeated phrase never holds: a demand for compensation, or how
    #: many times the reviewer had to write (the template answers that in its own words).
    skip: tuple[str, ...]


@cache
def detail_words(folder: Path, language: str) -> DetailWords:
    data = yaml.safe_load(cues_file(folder, language).read_text(encoding="utf-8"))
    words = data.get("details") or {}
    return DetailWords(
        frozenset(normalize(w) for w in words.get("negations") or []),
        frozenset(normalize(w) for w in words.get("praise") or []),
        tuple(sorted((normalize(w) for w in words.get("leading") or []), key=len, reverse=True)),
        frozenset(normalize(w) for w in words.get("joins") or []),
        tuple(str(w).casefold() for w in words.get("skip") or []),
    )


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    #: Where the phrase starts and ends in the complaint (Simplified form for Chinese).
    start: int
    end: int
    score: float
    terms: frozenset[str]
    topics: frozenset[str]


def detail_phrases(
    complaint: str,
    language: str,
    cues: Cues,
    folder: Path,
    names: tuple[str, ...] = (),
    limit: int = LIMIT,
) -> list[str]:
    """Up to `limit` phrases of `complaint`, each naming a different problem, best
    first."""
    lexicon = detail_words(folder, language)
    found: list[Phrase] = []
    for match in _CLAUSE.finditer(complaint):
        clause = match.group().strip()
        if not clause:
            continue
        offset = match.start() + (len(match.group()) - len(match.group().lstrip()))
        if language == "zh":
            picked = _zh_phrase(clause, offset, cues, lexicon, names)
            found += [picked] if picked and _safe(picked.text, language, cues, lexicon.skip) else []
        else:
            found += _phrases(clause, offset, language, cues, lexicon, names)
    return [p.text for p in _distinct(found, limit, complaint, language)]


def _safe(phrase: str, language: str, cues: Cues, skip: tuple[str, ...]) -> bool:
    """Nothing a public reply should repeat: insults, accusations, demands for
    compensation, numbers that could be an order, phone or card, addresses and links.
    Judged per phrase, so one insult in a long unpunctuated review does not silence
    the rest of it."""
    if _LONG_NUMBER.search(phrase) or EMAIL.search(phrase) or URL.search(phrase):
        return False
    if _MONEY.search(phrase.casefold()):
        return False
    if cues.cue("abusive", phrase):
        return False
    padded = f" {normalize(phrase)} "
    if any(part in padded for part in skip):
        return False
    # Imported here: no_attack imports guardrails-ai, which a starting service defers.
    from replyguard_checks import attacks_in

    return not attacks_in(phrase, language)


def _phrases(
    clause: str,
    offset: int,
    language: str,
    cues: Cues,
    lexicon: DetailWords,
    names: tuple[str, ...],
) -> list[Phrase]:
    """The best windows of one clause that do not overlap: a clause can hold two
    complaints ("the steak was overcooked and the waiter rolled his eyes")."""
    tokens = list(_TOKEN.finditer(clause))
    kinds: list[tuple[float, frozenset[str], frozenset[str], str]] = []
    praised = negated = False
    praise: set[int] = set()
    for index, token in enumerate(tokens):
        word = normalize(token.group())
        if word in lexicon.praise:
            praise.add(index)
        terms = frozenset(content_terms(word, language, names))
        topics = frozenset(cues.topics_in(word)) if terms else frozenset()
        if terms:
            kinds.append((0.5 if topics else 1.0, terms, topics, "content"))
        elif word in lexicon.negations:
            negated = True
            kinds.append((0.4, frozenset(), frozenset(), "negation"))
        elif word in lexicon.joins:
            kinds.append((0.0, frozenset(), frozenset(), "join"))
        elif _SMALL_NUMBER.fullmatch(word) or word in spelled_numbers(language):
            kinds.append((0.3, frozenset(), frozenset(), "number"))
        else:
            kinds.append((0.0, frozenset(), frozenset(), "other"))
        praised = praised or word in lexicon.praise
    windows: list[tuple[float, int, int]] = []
    for start, (_, _, _, kind) in enumerate(kinds):
        if kind in ("other", "join"):
            continue
        if start and kinds[start - 1][3] in ("number", "negation"):
            continue  # "hours" without its "two", "warm" without its "not"
        for end in range(start, min(start + MAX_WORDS, len(kinds))):
            if kinds[end][3] == "join":
                break
            if kinds[end][3] != "content":
                continue  # a number says what it counts after it: "50" alone is no detail
            window = kinds[start : end + 1]
            if not any(k[3] == "content" for k in window):
                continue
            if praise & set(range(start, end + 1)) and not negated:
                continue  # "staff were lovely" is praise, not a complaint to answer
            score = sum(k[0] for k in window) - 0.12 * len(window)
            if len(window) == 1 and window[0][2]:
                score -= 0.3  # one topic word alone ("slow") says little beyond the topic
            if praised and not negated:
                score *= 0.3  # "the staff were friendly" is no complaint to answer
            windows.append((score, start, end))
    sizes = [len(token.group()) for token in tokens]
    windows += _whole_parts(kinds, sizes, windows, praise)
    found: list[Phrase] = []
    taken: set[int] = set()
    for score, start, end in sorted(windows, key=lambda w: (-w[0], w[1])):
        span = set(range(start - 1, end + 2))
        if span & taken or len(found) == 2:
            continue
        text = clause[tokens[start].start() : tokens[end].end()]
        if not _safe(text, language, cues, lexicon.skip):
            continue
        taken |= set(range(start, end + 1))
        window = kinds[start : end + 1]
        found.append(
            Phrase(
                text,
                offset + tokens[start].start(),
                offset + tokens[end].end(),
                score,
                frozenset().union(*(k[1] for k in window)),
                frozenset().union(*(k[2] for k in window)),
            )
        )
    return found


def _whole_parts(
    kinds: list[tuple[float, frozenset[str], frozenset[str], str]],
    sizes: list[int],
    windows: list[tuple[float, int, int]],
    praise: set[int],
) -> list[tuple[float, int, int]]:
    """Each part of the clause between joins that fits in one phrase, quoted whole
    from its first telling word ("waiter ignored us all evening", not "waiter"): a
    person's sentence reads better than a cut of it. A short word it would end on is
    left out ("still waiting on", "fees of Rs"). It takes the score of the best window
    inside it, and a little more, so it stands in for that window."""
    whole: list[tuple[float, int, int]] = []
    begin = 0
    for end in range(len(kinds) + 1):
        if end < len(kinds) and kinds[end][3] != "join":
            continue
        first = next((i for i in range(begin, end) if kinds[i][3] not in ("other", "join")), end)
        last = end - 1
        while last > first and kinds[last][3] == "other" and sizes[last] < _SHORT_WORD:
            last -= 1
        inside = [w for w in windows if first <= w[1] and w[2] <= last]
        # Praise inside the part is no complaint, unless the part itself negates it
        # ("not good"); a "no" elsewhere in the clause does not count here.
        praised = any(
            i in praise and not any(kinds[j][3] == "negation" for j in range(first, i))
            for i in range(first, last + 1)
        )
        if inside and last - first < MAX_WORDS and not praised:
            whole.append((max(w[0] for w in inside) + 0.01, first, last))
        begin = end + 1
    return whole


def _zh_phrase(
    clause: str,
    offset: int,
    cues: Cues,
    lexicon: DetailWords,
    names: tuple[str, ...],
) -> Phrase | None:
    simple = to_simplified(clause)
    source = clause if len(simple) == len(clause) else simple
    terms = sorted(
        (t for t in content_terms(simple, "zh", names) if t in simple),
        key=simple.find,
    )
    if not terms:
        return None
    spans = [(simple.find(t), simple.find(t) + len(t), t) for t in terms]
    best: tuple[float, int, int] | None = None
    for i in range(len(spans)):
        for j in range(i, len(spans)):
            begin, end = spans[i][0], max(s[1] for s in spans[i : j + 1])
            if end - begin > MAX_ZH_CHARS:
                break
            score = sum(0.5 if cues.topics_in(s[2]) else 1.0 for s in spans[i : j + 1])
            score -= 0.03 * (end - begin)
            if best is None or score > best[0]:
                best = (score, begin, end)
    if best is None:
        return None
    score, begin, end = best
    # Widen to the whole clause when it fits, so the phrase keeps its verb ("太慢了").
    lead = next((w for w in lexicon.leading if simple.startswith(w)), "")
    if len(simple) - len(lead) <= MAX_ZH_CHARS:
        begin, end = len(lead), len(simple)
    else:
        # Keep a negation or degree word just before the terms ("没有", "不").
        for negation in sorted(lexicon.negations, key=len, reverse=True):
            if simple[:begin].endswith(negation) and end - begin + len(negation) <= MAX_ZH_CHARS:
                begin -= len(negation)
                break
    text = source[begin:end]
    if len(CJK_CHAR.findall(text)) < 2:
        return None
    if any(p in simple for p in lexicon.praise) and not any(n in simple for n in lexicon.negations):
        score *= 0.3
    chosen = [s[2] for s in spans if s[0] >= begin and s[1] <= end]
    topics = frozenset(t for term in chosen for t in cues.topics_in(term))
    return Phrase(text, offset + begin, offset + end, score, frozenset(chosen), topics)


def _distinct(found: list[Phrase], limit: int, complaint: str, language: str) -> list[Phrase]:
    """The best phrases that share no term and, where the review allows, no topic:
    up to `limit` different complaints, not one complaint three times. Two phrases
    that stand side by side in the review would read as one quote: taken together
    only while they stay within the quoting limit."""
    picked: list[Phrase] = []
    pool = [p for p in found if p.score > 0]
    while pool and len(picked) < limit:
        seen_topics = frozenset().union(*(p.topics for p in picked)) if picked else frozenset()

        def weight(p: Phrase, seen: frozenset[str] = seen_topics) -> float:
            return p.score * (0.6 if p.topics and p.topics <= seen else 1.0)

        best = max(pool, key=weight)
        pool.remove(best)
        if any(best.terms & p.terms or _overlaps(best.text, p.text) for p in picked):
            continue
        if _run_words([*picked, best], complaint, language) > MAX_QUOTED:
            continue
        picked.append(best)
    return picked


#: The most review words in a row that the phrases of one reply may repeat.
MAX_QUOTED = 12


def _run_words(phrases: list[Phrase], complaint: str, language: str) -> float:
    """The longest run of review words the phrases repeat once they are printed in
    review order: phrases with only punctuation between them join up."""
    text = to_simplified(complaint) if language == "zh" else complaint
    ordered = sorted(phrases, key=lambda p: p.start)
    longest = 0.0
    run = 0.0
    for i, phrase in enumerate(ordered):
        size = len(phrase.text) / 2 if language == "zh" else len(_TOKEN.findall(phrase.text))
        joined = i > 0 and _GAP.fullmatch(text[ordered[i - 1].end : phrase.start]) is not None
        run = run + size if joined else size
        longest = max(longest, run)
    return longest


def _overlaps(a: str, b: str) -> bool:
    a, b = normalize(a), normalize(b)
    return a in b or b in a
