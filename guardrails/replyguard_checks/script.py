"""Traditional and Simplified Chinese: telling them apart and converting between them.

Reviewers in Taiwan and Hong Kong write Traditional characters. Every lexicon and
detail table here is Simplified, so the checks read Chinese through `to_simplified`
(OpenCC's Taiwan-to-mainland conversion, with phrases: 軟體 reads as 软件), and a reply
to a Traditional review is written back in Traditional (`to_traditional`, OpenCC's
Taiwan standard characters). OpenCC ships its dictionaries in the wheel: no download.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

import opencc

# Han ideographs only (the checks' CJK class also has kana, which has no script).
CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

HANS = "Hans"
HANT = "Hant"

#: Share of a text's Han characters that must change under conversion before the
#: text counts as written in that script: names and loanwords change a few either way.
_MIN_SHARE = 0.04


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=1024)
def to_simplified(text: str) -> str:
    """`text` with Traditional characters and Taiwan phrases in Simplified form;
    text without Han characters comes back as it is, at no cost."""
    if not CJK_CHAR.search(text):
        return text
    return str(_converter("tw2sp").convert(text))


def to_traditional(text: str, keep: Iterable[str] = ()) -> str:
    """`text` in Traditional characters (Taiwan standard forms), with the strings in
    `keep` (a business's or a person's name) left exactly as they are written."""
    if not CJK_CHAR.search(text):
        return text
    kept = sorted({k for k in keep if k and CJK_CHAR.search(k)}, key=len, reverse=True)
    if not kept:
        return _to_taiwan_standard(text)
    parts = re.split(f"({'|'.join(map(re.escape, kept))})", text)
    return "".join(part if i % 2 else _to_taiwan_standard(part) for i, part in enumerate(parts))


def _to_taiwan_standard(text: str) -> str:
    """OpenCC's `s2tw` in its two steps, `s2t` then `t2tw`: `script_of` holds `s2t`'s
    phrase tables (26 MiB) anyway, and `s2tw` would load a second copy (16 MiB). A
    test holds the two ways equal on every Chinese text of the repo."""
    return str(_converter("t2tw").convert(_converter("s2t").convert(text)))


def _changed(text: str, converted: str) -> int:
    return sum(a != b for a, b in zip(text, converted, strict=False))


@lru_cache(maxsize=512)
def script_of(text: str) -> str | None:
    """`Hant`, `Hans`, or None for a text with no Han characters or no telling
    (a few characters that are the same in both scripts)."""
    han = len(CJK_CHAR.findall(text))
    if not han:
        return None
    # Character-level configs: position by position comparison stays valid.
    to_hans = _changed(text, str(_converter("t2s").convert(text)))
    to_hant = _changed(text, str(_converter("s2t").convert(text)))
    if to_hans > to_hant and to_hans >= max(1, _MIN_SHARE * han):
        return HANT
    if to_hant > to_hans and to_hant >= max(1, _MIN_SHARE * han):
        return HANS
    return None


def warm_up() -> None:
    """Load the conversion tables now rather than on a request."""
    for config in ("tw2sp", "t2tw", "t2s", "s2t"):
        _converter(config)
