"""The specific problems a text names in any words (`data/problems.yaml`).

A reply often answers a complaint in words the review does not use: "takes forever to
load" and "add-ons can slow Firefox down", "閃退" and "當掉". Lemmas cannot see that
these name the same problem; a short list of symptoms per language can. Only
symptoms are listed, never an area such as "the app" or "the room", so a reply about
"problems with the app" still names nothing.
"""

from __future__ import annotations

import re
from functools import cache

from .lexicon import load_data
from .text import normalize


def _keyword(word: str, language: str) -> str:
    """A keyword as a regex: `slow*` any word starting so, a phrase as it stands;
    Chinese keywords match anywhere."""
    stem = word.removesuffix("*")
    body = r"\s+".join(re.escape(part) for part in stem.split())
    if language == "zh":
        return body
    return rf"\b{body}" + (r"\w*" if word.endswith("*") else r"\b")


@cache
def _problems() -> dict[str, dict[str, list[str]]]:
    """`data/problems.yaml`, read once for every language."""
    return load_data("problems")


@cache
def _matcher(language: str) -> re.Pattern[str] | None:
    groups = [
        f"(?P<{problem}>{'|'.join(_keyword(w, language) for w in by_language[language])})"
        for problem, by_language in _problems().items()
        if by_language.get(language)
    ]
    return re.compile("|".join(groups)) if groups else None


def problems(text: str, language: str) -> frozenset[str]:
    """The problems (`slow`, `crash`, `login` ...) that `text` names."""
    matcher = _matcher(language)
    if matcher is None:
        return frozenset()
    return frozenset(str(m.lastgroup) for m in matcher.finditer(normalize(text)))


def same_problems(review: str, reply: str, language: str) -> list[str]:
    """The problems the review complains about that the reply names too."""
    wanted = problems(review, language)
    return sorted(wanted & problems(reply, language)) if wanted else []
