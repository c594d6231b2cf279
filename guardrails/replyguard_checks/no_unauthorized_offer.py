"""`no_unauthorized_offer`: the reply offers only what the business allows.

An LLM eager to please invents refunds, vouchers, amounts and promises ("this will
never happen again", "the waiter has been fired", "the bug will be fixed in the next
update", "your money will be back within 3 days"). Offers are found by the language's
patterns in `data/<lang>.yaml` (`offers`: `offer`, `promise`, `outcome`). An offer or
outcome in a part of the clause that says how things normally work ("reversed
automatically", `offer_ordinary`) or after a condition on money having been taken ("if
the amount was debited", `offer_conditional`) describes the procedure. An offer or
outcome is allowed when the clause that makes it matches an item of
`business.compensation`, also reworded: the same kind of offer (`offer_concepts`: free,
refund, discount, voucher) of the same thing or the same amount, with number words read
as digits. Amounts of money must appear in an allowed item or the
review. A negated offer ("we cannot offer a refund", "Erstatten kann ich das nicht") is
not an offer.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache, partial

from guardrails.validators import register_validator
from rapidfuzz import fuzz

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .details import content_terms, related
from .lexicon import Lexicon, lexicon, lexicons_for
from .text import digits, normalize

# A point between digits ("version 4.2", "€4.99") ends no clause.
_CLAUSE = re.compile(r"(?:[^.!?;。！？；\n]|(?<=\d)\.(?=\d))+")
# Where a clause's parts meet: an offer and the item it gives stand in one part.
_BREAK = re.compile(r"\s*[,:，、：]\s*|\s+-\s+")
_PERCENT = r"%|percent|per cent|prozent|procent\w*|por ciento|pour cent|odstot\w*|процент\w*"
_AMOUNT = re.compile(
    r"(?:[$€£¥]|zł|лв\.?|kn|chf)\s?\d[\d.,\s]*\d?"
    r"|\b\d[\d.,]*\s?(?:€|\$|£|¥|eur|euros?|usd|dollars?|pounds?|gbp|zł|złotych|złote|pln|"
    r"лв|лева|bgn|元|块|rmb|yuan|chf|fr\.?|evr(?:o|a|ov|ih)|euro)(?!\w)"
    rf"|\b\d{{1,3}}\s?(?:{_PERCENT})",
    re.IGNORECASE,
)
_PERCENT_ONLY = re.compile(rf"^\d{{1,3}}\s?(?:{_PERCENT})$", re.IGNORECASE)
# What follows a percentage that is taken off a price ("20% off", "30 % sur", "20% на").
_PRICE_CUT = re.compile(
    r"^\s*(?:off|on|sur|de (?:réduction|remise)|auf|en|op|na|на|za|pri|korting|rabat\w*|"
    r"descuento|折扣|优惠|减免|折)\b",
    re.IGNORECASE,
)


def _share(amount: re.Match[str], clause: str) -> bool:
    """A percentage that is a share of something ("99% of patients", "100% sure"),
    not a price cut."""
    return bool(_PERCENT_ONLY.search(amount.group())) and not _PRICE_CUT.search(
        clause[amount.end() :]
    )


# An amount that is the business's price or fee ("we charge one flat fee of $4.99/mo",
# "the plan costs 10 €", "el precio es de 20 €", "收费50元") is stated, not offered.
_PRICE_LEAD = re.compile(
    r"(?:\b(?:fee|fees|charge|charges|charged|charging|costs?|costing|price[ds]?|priced|"
    r"tariff|rate|subscription|frais|coûte|coûtent|prix|tarif|"
    r"gebühr\w*|kostet|kosten|preis|entgelt|precio|cuesta|cuestan|cuota|tarifa|comisión|"
    r"kost|kosten|prijs|tarief|opłat\w*|kosztuje|cena|cen[aęy]|stane|stanejo|cenik|"
    r"такса|таксата|цена|цената|струва)\b|收费|费用|价格|售价|月费|年费)"
    r"[^.!?;\d$€£¥]{0,24}$",
    re.IGNORECASE,
)
_PRICE_TAIL = re.compile(
    r"^\s?(?:/\s?(?:mo|month|yr|year|mes|mois|monat|maand|miesiąc|mesec|месец)\b|"
    r"(?:per|a|an|each) (?:month|year|week|day|transaction|card)\b|"
    r"par mois|pro monat|al mes|por mes|per maand|miesięcznie|na mesec|на месец|每月|/月)",
    re.IGNORECASE,
)


def _price(amount: re.Match[str], clause: str) -> bool:
    """The amount is a price or fee the business states, not one it gives."""
    return bool(
        _PRICE_LEAD.search(clause[: amount.start()]) or _PRICE_TAIL.search(clause[amount.end() :])
    )


# A dash or colon starts a new thought: "I hope you return - a bottle awaits you".
_PART_START = re.compile(r"\s-\s|:\s")
_NUMBER = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_FUZZY = 80.0
# A quantity without end: never the counted amount of an allowed item.
_UNBOUNDED = re.compile(
    r"永久|终身|终生|无限|\b(?:lifetime|life-long|lifelong|forever|unlimited|permanent\w*|"
    r"lebenslang\w*|unbegrenzt\w*|dauerhaft\w*|à vie|illimité\w*|de por vida|ilimitad\w*|"
    r"permanente?s?|levenslang\w*|onbeperkt\w*|dożywotn\w*|bezterminow\w*|bez limitu|"
    r"doživljenjsk\w*|neomejen\w*|трайн\w*|доживотн\w*|неограничен\w*|завинаги)\b",
    re.IGNORECASE,
)


def _digit(values: dict[str, int], match: re.Match[str]) -> str:
    return str(values[match.group()])


def _spelled(text: str, lexicons: tuple[Lexicon, ...]) -> str:
    """`text` with number words written as digits ("fifty euros" → "50 euros")."""
    for lex in lexicons:
        if lex.numbers:
            text = lex.number_words.sub(partial(_digit, lex.numbers), text)
    return text


def _numbers(text: str) -> set[str]:
    """Each number's whole part as digits: "€ 50,00" and "50 euro" are both "50"."""
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        token = re.sub(r"[.,]\d{1,2}$", "", match.group())
        found.add(digits(token).lstrip("0") or "0")
    return found


def _concepts(text: str, lexicons: tuple[Lexicon, ...]) -> set[str]:
    return {m.lastgroup for lex in lexicons for m in lex.concepts.finditer(text) if m.lastgroup}


def _segment(clause: str, start: int, end: int) -> tuple[int, int]:
    """The part of the clause between the breaks around `clause[start:end]`."""
    left = 0
    for brk in _BREAK.finditer(clause, 0, start):
        left = brk.end()
    right = _BREAK.search(clause, end)
    return left, right.start() if right else len(clause)


@dataclass(frozen=True, slots=True)
class _Item:
    """An allowed offer, read once per check: its text, concepts, object words, numbers."""

    text: str
    terms: frozenset[str]
    concepts: frozenset[str]
    objects: frozenset[str]
    numbers: frozenset[str]


def _item(item: str, language: str, lexicons: tuple[Lexicon, ...]) -> _Item:
    text = normalize(item)
    bare = text
    for lex in lexicons:
        bare = lex.concepts.sub(" ", bare)
    spelled = _spelled(text, lexicons)
    return _Item(
        text=text,
        terms=frozenset(content_terms(item, language)),
        concepts=frozenset(_concepts(text, lexicons)),
        objects=frozenset(content_terms(re.sub(r"\d", " ", bare), language)),
        numbers=frozenset(_numbers(spelled)),
    )


@lru_cache(maxsize=256)
def _items(
    compensation: tuple[str, ...], language: str, read_with: tuple[str, ...]
) -> tuple[_Item, ...]:
    """The allowed offers read with the lexicons of `read_with`: the same for every
    draft of a request, so read once, not once per draft."""
    lexicons = tuple(lexicon(code) for code in read_with)
    return tuple(_item(c, language, lexicons) for c in compensation)


@lru_cache(maxsize=256)
def _quoted(review: str, read_with: tuple[str, ...]) -> frozenset[str]:
    """The numbers of the review (number words read as digits), read once per request."""
    lexicons = tuple(lexicon(code) for code in read_with)
    return frozenset(_numbers(_spelled(normalize(review), lexicons)))


_DIGIT = re.compile(r"\d")


def _numeric_starts(text: str, lexicons: tuple[Lexicon, ...]) -> list[int]:
    """Where a digit or a number word of one of `lexicons` starts in `text`, sorted.

    `_AMOUNT` matches only where a digit is, and `_spelled` adds digits only for number
    words, which hold no clause end: a clause of `text` without one of these starts
    has no amount, so it is not spelled out and scanned for one."""
    starts = [m.start() for m in _DIGIT.finditer(text)]
    for lex in lexicons:
        if lex.numbers:
            starts += [m.start() for m in lex.number_words.finditer(text)]
    starts.sort()
    return starts


def _holds_start(starts: list[int], begin: int, end: int) -> bool:
    """Some position of `starts` (sorted) lies in [begin, end)."""
    at = bisect_left(starts, begin)
    return at < len(starts) and starts[at] < end


def _holds_span(spans: list[tuple[int, int]] | None, begin: int, end: int) -> bool:
    """Some span of `spans` (sorted; None: any) lies whole in [begin, end)."""
    if spans is None:
        return True
    at = bisect_left(spans, (begin, begin))
    while at < len(spans) and spans[at][0] < end:
        if spans[at][1] <= end:
            return True
        at += 1
    return False


def _same_object(item: _Item, have: set[str], text: str, own: Lexicon) -> bool:
    """One of the item's object words is among `have`, or `text` names a word of the
    same group (`offer_objects` of the reply's language: "shipping" for "delivery")."""
    if any(related(w, h) for w in item.objects for h in have):
        return True
    return any(group.search(item.text) and group.search(text) for group in own.objects)


def _other_object(item: _Item, text: str, own: Lexicon) -> bool:
    """`text` names a thing of a group (`offer_objects`) that the item does not offer."""
    return any(group.search(text) and not group.search(item.text) for group in own.objects)


def _allowed(
    segment: str, clause: str, items: list[_Item], own: Lexicon, lexicons: tuple[Lexicon, ...]
) -> bool:
    """The offer in `segment` is one of the allowed items: named as written, with all
    its words, or as the same kind of offer (free, refund, ...) of the same thing or
    the same amount. The whole clause counts when it offers nothing of another kind
    ("to make up for it, the night is on us": the item spans the comma), unless the
    offer's own part names another thing ("the wine is on us, and the dessert too")."""
    language = own.language
    in_clause = _concepts(clause, lexicons)
    clause_terms = content_terms(clause, language)
    for item in items:
        if _names_item(segment, item, own, lexicons, set(), literal=True):
            return True
        if _other_object(item, segment, own):
            continue
        if _names_item(segment, item, own, lexicons, clause_terms, clause):
            return True
        if (
            segment != clause
            and in_clause <= item.concepts
            and _names_item(clause, item, own, lexicons, clause_terms, clause)
        ):
            return True
    return False


def _names_item(
    scope: str,
    item: _Item,
    own: Lexicon,
    lexicons: tuple[Lexicon, ...],
    clause_terms: set[str],
    clause: str = "",
    literal: bool = False,
) -> bool:
    if item.text in scope or fuzz.partial_ratio(item.text, scope) >= _FUZZY:
        return True
    have = content_terms(scope, own.language)
    if item.terms and all(any(related(w, h) for h in have) for w in item.terms):
        return True
    if literal or not _concepts(scope, lexicons) & item.concepts:
        return False
    if item.numbers:
        named = _numbers(_spelled(scope, lexicons))
        if item.numbers <= named:
            return True
        if named or _UNBOUNDED.search(scope):
            # "three nights" is not the allowed "two nights", nor "lifetime membership"
            # the allowed "one month of membership"
            return False
    if _same_object(item, have | clause_terms, clause or scope, own):
        return True
    # "a full refund": the kind of offer is all there is to match.
    return not item.objects and not item.numbers and not _other_object(item, scope, own)


def find_offers(text: str, context: CheckContext) -> list[tuple[str, str]]:
    """(kind, phrase) for every offer, amount or promise the business did not allow."""
    own = lexicon(context.language)
    lexicons = lexicons_for(context.language, text, context.masked_names)
    read_with = tuple(lex.language for lex in lexicons)
    items = list(_items(context.compensation, context.language, read_with))
    quoted = _quoted(context.review_text, read_with)
    allowed_numbers = set().union(*(i.numbers for i in items)) if items else set()
    found: list[tuple[str, str]] = []
    normalized = normalize(text)
    # One scan of the whole draft tells which clauses can hold an offer or an amount:
    # most hold neither, and are not read clause by clause.
    offer_spans = [lex.offers.literal_spans(normalized) for lex in lexicons]
    numeric = _numeric_starts(normalized, lexicons)
    for clause_match in _CLAUSE.finditer(normalized):
        clause = clause_match.group()
        begin, end = clause_match.span()
        for lex, spans in zip(lexicons, offer_spans, strict=True):
            if not _holds_span(spans, begin, end):
                continue
            for match in lex.offers.finditer(clause):
                kind = match.lastgroup or "offer"
                left, right = _segment(clause, match.start(), match.end())
                if lex.negation.search(_PART_START.split(clause[: match.start()])[-1]):
                    continue
                if lex.negation_after.search(clause[match.end() : right]):
                    continue
                segment = clause[left:right]
                if lex.ordinary.search(segment) or lex.conditional.search(clause[: match.start()]):
                    continue  # "if it was debited, it is reversed automatically": procedure
                if kind != "promise" and _allowed(segment, clause, items, own, lexicons):
                    continue
                found.append((kind, match.group().strip()))
        if not _holds_start(numeric, begin, end):
            continue
        for amount in _AMOUNT.finditer(_spelled(clause, lexicons)):
            if _share(amount, clause) and not _concepts(clause, lexicons):
                continue  # "99% of patients", not "30 % sur l'abonnement": a share
            if _price(amount, clause) and not _concepts(clause, lexicons):
                continue  # "a flat fee of $4.99/mo": the price, not an offer
            values = _numbers(amount.group())
            # The review's own price is quoted, not offered.
            if values and not values <= quoted and not values <= allowed_numbers:
                found.append(("amount", amount.group().strip()))
    return list(dict.fromkeys(found))


@register_validator(name="replyguard/no_unauthorized_offer", data_type="string")
class NoUnauthorizedOffer(ReplyCheck):
    """Fails on compensation, amounts or promises outside `business.compensation`."""

    name = "no_unauthorized_offer"

    def check(self, text: str, context: CheckContext) -> Verdict:
        hits = find_offers(text, context)
        allowed = "; ".join(f"“{c}”" for c in context.compensation)
        if not hits:
            if context.compensation:
                return Verdict.ok(f"Offers nothing beyond what the business allows ({allowed}).")
            return Verdict.ok("Offers no compensation and promises nothing.")
        listed = ", ".join(f"“{phrase}”" for _, phrase in hits[:3])
        rule = (
            f"The business allows only: {allowed}."
            if context.compensation
            else "The business allows no compensation in public replies."
        )
        return Verdict.fail(
            f"The reply offers or promises what the business has not allowed: {listed}. "
            f"{rule} Remove anything else, including amounts and promises about the future "
            "(a fix, refund, delivery or date you cannot guarantee); saying what the team is "
            "doing or that it will get in touch is fine."
        )
