"""Per-language word lists and patterns, loaded once from `data/<lang>.yaml`.

Keeping phrases in data files lets linguists extend a language without touching code,
and lets tests assert that every supported language has every section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any

import stopwordsiso
import yaml

from .alternation import Alternation
from .context import SUPPORTED_LANGUAGES

ATTACK_KINDS: tuple[str, ...] = (
    "accuse_lying",
    "accuse_competitor",
    "insult",
    "mock",
    "blame",
    "threaten",
    "doubt",
    "others_fine",
    "sarcasm",
)

#: What an offer gives, so a reworded allowed offer ("a night on the house" for "a
#: complimentary night") is still recognised as the one the business allowed.
OFFER_CONCEPTS: tuple[str, ...] = ("free", "refund", "discount", "voucher")
#: `offers` kinds: compensation, assurances and staff outcomes ("promise"), and an
#: outcome the business makes happen stated as certain ("outcome": "the bug will be fixed
#: in the next update", "your order will be redelivered tomorrow").
OFFER_KINDS: tuple[str, ...] = ("offer", "promise", "outcome")


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    #: One alternation with a named group per attack kind.
    attack: Alternation
    #: Leads that report the reviewer's own words ("you wrote that", "napisał Pan, że"):
    #: an insult right after one is the reviewer's, quoted, not ours.
    quoting: Alternation
    #: Stock phrases matched exactly (regex) and fuzzily (plain phrases).
    stock_patterns: Alternation
    stock_phrases: tuple[str, ...]
    #: Words that never count as a specific detail of a review.
    generic_words: frozenset[str]
    stopwords: frozenset[str]
    #: Offers of compensation (group `offer`) and promises (group `promise`).
    offers: Alternation
    #: Words that, earlier in the same clause, negate an offer ("we cannot offer").
    negation: Alternation
    #: Words that, later in the same clause, negate an offer ("Erstatten kann ich das
    #: nicht", "... не мога да ви предложа").
    negation_after: Alternation
    #: Words that, in the part of the clause that makes an offer, say it is how things
    #: normally work ("reversed automatically", "usually"): not an offer.
    ordinary: Alternation
    #: A condition on money having been taken ("if the amount was debited"), earlier in
    #: the clause: what follows describes the normal procedure.
    conditional: Alternation
    #: One named group per offer concept (`OFFER_CONCEPTS`).
    concepts: Alternation
    #: Groups of words that name the same thing offered ("shipping", "delivery"), one
    #: pattern per group matching any of its words at a word's start.
    objects: tuple[re.Pattern[str], ...]
    #: Number words and their values ("fifty" = 50), matched by `number_words`.
    numbers: dict[str, int]
    number_words: re.Pattern[str]
    #: Postal addresses, for `no_private_data`.
    address: Alternation


def alternation(patterns: list[str]) -> str:
    """One regex source matching any of `patterns`; one that never matches if none."""
    return "|".join(f"(?:{p})" for p in patterns) or r"(?!x)x"


def phrases(patterns: list[str] | None, flags: int = 0, own_scan: bool = False) -> Alternation:
    """Any of `patterns`, with only the branches that could match tried per text
    (`own_scan`: see `Alternation`)."""
    return Alternation([(None, list(patterns or []))], flags, own_scan)


def _named_groups(
    language: str, section: str, data: dict[str, Any], kinds: tuple[str, ...]
) -> Alternation:
    """One named group per kind of a lexicon section, rejecting kinds the code does not
    know (a misspelt kind would otherwise be silently ignored)."""
    found = data.get(section) or {}
    unknown = set(found) - set(kinds)
    if unknown:
        raise ValueError(f"lexicon {language}: unknown {section} kinds {sorted(unknown)}")
    return Alternation([(kind, list(found.get(kind) or [])) for kind in kinds])


def _number_words(language: str, numbers: dict[str, int]) -> re.Pattern[str]:
    """Longest words first, so "fünfzehn" is not read as "fünf"; Chinese has no spaces."""
    ordered = sorted(numbers, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    words = "|".join(re.escape(w) for w in ordered)
    return re.compile(words if language == "zh" else rf"(?<!\w)(?:{words})(?!\w)")


def load_data(name: str) -> dict[str, Any]:
    """`data/<name>.yaml` from the installed package (word lists, patterns, limits)."""
    path = resources.files("replyguard_checks").joinpath("data", f"{name}.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"data/{name}.yaml: expected a mapping")
    return data


@cache
def lexicon(language: str) -> Lexicon:
    """The compiled lexicon for one supported language (cached for the process)."""
    if language not in SUPPORTED_LANGUAGES:
        raise KeyError(f"no lexicon for language {language!r}")
    data = load_data(language)
    numbers = {str(k).casefold(): int(v) for k, v in (data.get("numbers") or {}).items()}
    stock = data.get("stock") or {}
    keep = {w.casefold() for w in data.get("not_stopwords") or []}
    stop = {w.casefold() for w in stopwordsiso.stopwords(language)} - keep
    stop |= {w.casefold() for w in data.get("extra_stopwords") or []}
    return Lexicon(
        language=language,
        attack=_named_groups(language, "attack", data, ATTACK_KINDS),
        quoting=phrases(data.get("quoting")),
        stock_patterns=phrases(stock.get("patterns")),
        stock_phrases=tuple(p.casefold() for p in stock.get("phrases") or []),
        generic_words=frozenset(w.casefold() for w in data.get("generic_words") or []),
        stopwords=frozenset(stop),
        offers=_named_groups(language, "offers", data, OFFER_KINDS),
        negation=phrases(data.get("negation")),
        negation_after=phrases(data.get("negation_after")),
        ordinary=phrases(data.get("offer_ordinary")),
        conditional=phrases(data.get("offer_conditional")),
        concepts=_named_groups(language, "offer_concepts", data, OFFER_CONCEPTS),
        objects=tuple(
            re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w.casefold()) for w in group)})")
            for group in data.get("offer_objects") or []
        ),
        numbers=numbers,
        number_words=_number_words(language, numbers),
        address=phrases(data.get("address")),
    )


@cache
def spelled_numbers(language: str) -> frozenset[str]:
    """The numbers a language writes as words ("two", "zwei", "dwie"), normalised: a
    quote of the review keeps the number in front of what it counts ("two hours")."""
    if language not in SUPPORTED_LANGUAGES:
        return frozenset()
    return frozenset(lexicon(language).numbers)


@cache
def all_lexicons() -> tuple[Lexicon, ...]:
    """Every lexicon, each pattern compiled: what start-up loads before the first request."""
    found = tuple(lexicon(lang) for lang in SUPPORTED_LANGUAGES)
    for words in found:
        for item in fields(words):
            value = getattr(words, item.name)
            if isinstance(value, Alternation):
                value.compile_all()
    return found


def lexicons_for(language: str, text: str = "", names: Iterable[str] = ()) -> tuple[Lexicon, ...]:
    """The lexicons a text meant to be in `language` is scanned with: that language's,
    English (the one most often mixed in), and the language the text is actually
    written in (told without `names`), so an insult in a third language is still read.
    Scanning all nine would cost four times as much per draft."""
    from .language import written_in  # lingua loads lazily; only checks that scan need it

    found = written_in(text, tuple(names), default=language) if text else language
    wanted = [language, "en", found]
    return tuple(lexicon(lang) for lang in dict.fromkeys(wanted) if lang in SUPPORTED_LANGUAGES)
