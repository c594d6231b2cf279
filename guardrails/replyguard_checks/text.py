"""Text helpers shared by the checks: one tokenizer, one normaliser, one word counter.

Every check sees text through these functions, so "a word" means the same thing in
`length`, `no_generic` and `named_contact`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .script import to_simplified

# Han ideographs, kana and CJK punctuation blocks: a CJK character counts as half a word.
_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
)
CJK_CHAR = re.compile(f"[{_CJK}]")
_WORD_NO_CJK = re.compile(rf"[^\W{_CJK}_]+(?:['’\-][^\W{_CJK}_]+)*")
WORD = re.compile(rf"[^\W\d{_CJK}_]+(?:['’\-][^\W\d{_CJK}_]+)*")

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
# Links with a scheme or www., and bare domains ("help.example.com/sync", "shop.pl").
URL = re.compile(
    # A link ends where CJK text or full-width punctuation starts: "https://x.tw/a◎專線".
    rf"\b(?:https?://|www\.)[^\s{_CJK}\u3000-\u303f\uff00-\uffef◎「」『』]+"
    r"|(?<![@\w.\-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|org|net|info|biz|io|app|co|shop|store|online|site|example|[a-z]{2})"
    r"(?:/[^\s,;:!?)\]]*)?(?![\w@\-])",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def normalize(text: str) -> str:
    """NFKC, case-folded, typographic quotes and dashes made plain, whitespace collapsed,
    Traditional Chinese read as Simplified (the lexicons are Simplified).

    Cached: every check normalises the same draft and review."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(to_simplified(plain_marks(text)).split())


#: Typographic quotes and dashes and their plain forms. No plain form is itself
#: replaced, so the order of the replacements does not matter.
PLAIN_MARKS: tuple[tuple[str, str], ...] = (
    ("’", "'"),
    ("‘", "'"),
    ("`", "'"),
    ("´", "'"),
    ("“", '"'),
    ("”", '"'),
    ("„", '"'),
    ("«", '"'),
    ("»", '"'),
    ("–", "-"),
    ("—", "-"),
    ("\u00a0", " "),
)


def plain_marks(text: str) -> str:
    """`text` with `PLAIN_MARKS` replaced: `str.translate` with the same table, but a
    dozen `str.replace` scans cost a fifth of translating a draft character by character."""
    for mark, plain in PLAIN_MARKS:
        if mark in text:
            text = text.replace(mark, plain)
    return text


class _Unaccented(dict[int, int | str | None]):
    """A `str.translate` table that drops combining marks and reads "ł" as "l", filled
    on first sight of each character: looked up in C, not tested one by one in Python."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_UNACCENTED = _Unaccented({ord("ł"): "l"})


def strip_accents(text: str) -> str:
    """Remove combining marks, so 'Kowalską' and 'kowalska' can meet; CJK is untouched."""
    return unicodedata.normalize("NFD", text).translate(_UNACCENTED)


def word_count(text: str) -> float:
    """Words in `text`, where one CJK character counts as half a word."""
    return len(_WORD_NO_CJK.findall(text)) + 0.5 * len(CJK_CHAR.findall(text))


def words(text: str) -> list[str]:
    """Letter-only word tokens (no digits, no CJK) in normalised form."""
    return WORD.findall(normalize(text))


def cjk_runs(text: str) -> Iterator[str]:
    """Maximal runs of CJK characters, for languages written without spaces."""
    yield from re.findall(f"[{_CJK}]+", text)


@lru_cache(maxsize=256)
def without_addresses(text: str) -> str:
    """The text with e-mail addresses and URLs blanked out.

    A name that appears only inside `anna.kowalska@example.com` is not a signature.
    """
    return URL.sub(" ", EMAIL.sub(" ", text))


def host(link: str) -> str:
    """The host of a link or bare domain, lower case, without "www.": what a link is
    compared by."""
    bare = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", link.strip().casefold())
    bare = re.split(r"[/?#:]", bare, maxsplit=1)[0]
    return bare.removeprefix("www.").rstrip(".")


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_terms(normalized_text: str, terms: Iterable[str]) -> str:
    """Blank out names in already-normalised text.

    People are called Karen, Sue or Troll; a greeting must not read as an insult or a
    threat, so the checks that scan for words first remove the names they were given.
    """
    return _masked(normalized_text, tuple(t for t in terms if t and len(t.strip()) >= 2))


@lru_cache(maxsize=256)
def _masked(normalized_text: str, terms: tuple[str, ...]) -> str:
    r"""Cached: several checks mask the same draft with the same names.

    Works like `re.sub` with `(?<!\w)term(?!\w)` for each term, longest first, but
    with `str.find`: a handful of names over a whole draft is ten times faster so."""
    text = normalized_text
    spans: list[tuple[int, int, int]] = []
    for term, glued in _mask_terms(frozenset(normalize(t) for t in terms)):
        start = text.find(term)
        while start != -1:
            end = start + len(term)
            # CJK is written without spaces: a name glued to 您好 is still the name.
            if glued or (_edge(text, start - 1) and _edge(text, end)):
                spans.append((start, -len(term), end))
            start = text.find(term, start + 1)
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    # Leftmost first and, at one place, the longest name: "Anna Kowalska" before "Anna".
    for start, _, end in sorted(spans):
        if start >= last:
            parts += [text[last:start], " "]
            last = end
    parts.append(text[last:])
    return "".join(parts)


def _edge(text: str, index: int) -> bool:
    r"""No word character at `index` (as `\w` reads one), or outside the text."""
    if index < 0 or index >= len(text):
        return True
    char = text[index]
    return not (char.isalnum() or char == "_")


@lru_cache(maxsize=4096)
def _mask_terms(terms: frozenset[str]) -> tuple[tuple[str, bool], ...]:
    """The terms longest first, each with whether it is CJK (masked wherever found)."""
    ordered = sorted((t for t in terms if t), key=len, reverse=True)
    return tuple((term, bool(CJK_CHAR.search(term))) for term in ordered)


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
