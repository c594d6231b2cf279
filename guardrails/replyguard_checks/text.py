"""Text helpers shared by the checks: one tokenizer, one normaliser, one word counter.

Every check sees text through these functions, so "a word" means the same thing in
`length`, `no_generic` and `named_contact`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

# Han ideographs, kana and CJK punctuation blocks: a CJK character counts as half a word.
_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
)
CJK_CHAR = re.compile(f"[{_CJK}]")
_WORD_OR_CJK = re.compile(rf"[{_CJK}]|[^\W{_CJK}_]+(?:['’\-][^\W{_CJK}_]+)*")
WORD = re.compile(rf"[^\W\d{_CJK}_]+(?:['’\-][^\W\d{_CJK}_]+)*")

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
# Links with a scheme or www., and bare domains ("help.example.com/sync", "shop.pl").
URL = re.compile(
    r"\b(?:https?://|www\.)\S+"
    r"|(?<![@\w.\-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|org|net|info|biz|io|app|co|shop|store|online|site|example|[a-z]{2})"
    r"(?:/[^\s,;:!?)\]]*)?(?![\w@\-])",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """NFKC, case-folded, typographic quotes and dashes made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_PLAIN)
    return " ".join(text.split())


_PLAIN = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)


def strip_accents(text: str) -> str:
    """Remove combining marks, so 'Kowalską' and 'kowalska' can meet; CJK is untouched."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def word_count(text: str) -> float:
    """Words in `text`, where one CJK character counts as half a word."""
    total = 0.0
    for match in _WORD_OR_CJK.finditer(text):
        total += 0.5 if CJK_CHAR.fullmatch(match.group()) else 1.0
    return total


def words(text: str) -> list[str]:
    """Letter-only word tokens (no digits, no CJK) in normalised form."""
    return WORD.findall(normalize(text))


def cjk_runs(text: str) -> Iterator[str]:
    """Maximal runs of CJK characters, for languages written without spaces."""
    yield from re.findall(f"[{_CJK}]+", text)


def without_addresses(text: str) -> str:
    """The text with e-mail addresses and URLs blanked out.

    A name that appears only inside `anna.kowalska@example.com` is not a signature.
    """
    return URL.sub(" ", EMAIL.sub(" ", text))


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_terms(normalized_text: str, terms: Iterable[str]) -> str:
    """Blank out names in already-normalised text.

    People are called Karen, Sue or Troll; a greeting must not read as an insult or a
    threat, so the checks that scan for words first remove the names they were given.
    """
    pattern = _terms_pattern(frozenset(normalize(t) for t in terms if t and len(t.strip()) >= 2))
    return pattern.sub(" ", normalized_text) if pattern else normalized_text


@lru_cache(maxsize=4096)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One compiled alternation per set of names (every check of a request masks the
    same names; compiling them per call also evicts other patterns from re's cache)."""
    if not terms:
        return None
    # Longest first, so "Anna Kowalska" is masked before "Anna".
    return re.compile(
        "|".join(
            # CJK is written without spaces: a name glued to 您好 is still the name.
            re.escape(term) if CJK_CHAR.search(term) else rf"(?<!\w){re.escape(term)}(?!\w)"
            for term in sorted(terms, key=len, reverse=True)
        )
    )


# Name particles are not a name on their own: "van" in "Tom van Dijk" is any "van".
NAME_PARTICLES = frozenset(
    "von van de der den di da del della du la le zu ten ter vom zum dos das bin ibn".split()
)


def name_parts(name: str | None) -> list[str]:
    """A person's name and each of its parts of three letters or more, particles aside."""
    if not name:
        return []
    parts = [
        p
        for p in re.split(r"[\s,.]+", name.strip())
        if len(p) >= 3 and p.casefold() not in NAME_PARTICLES
    ]
    return [name.strip(), *parts]
