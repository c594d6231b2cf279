"""Which of the supported languages a text is written in, with lingua's offline models.

Detection is limited to the languages replyguard answers in, which makes short texts
far more reliable; Chinese is recognised by its script first.

lingua reads a text of 120 characters or more with its trigram models only, exactly as
its low accuracy mode reads every text; its other models (about 200 MB for our
languages) only ever serve shorter texts. So a text surely that long goes to a detector
in low accuracy mode, which loads trigram models alone, and only a short text loads
the rest, on first need (a test holds both ways to the same answers).
"""

from __future__ import annotations

import itertools
import re
from functools import cache, lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from . import heap
from .context import SUPPORTED_LANGUAGES
from .text import CJK_CHAR, URL, mask_terms, normalize, without_addresses

NAMES = {
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "nl": "Dutch",
    "pl": "Polish",
    "sl": "Slovenian",
    "bg": "Bulgarian",
    "zh": "Chinese",
}


# lingua's limit, counted on its cleaned text (letters and the spaces between words):
# a text with this many letters is surely over it.
_TRIGRAMS_ONLY = 120


def _trigrams_only(text: str) -> bool:
    """Whether lingua reads `text` with trigrams alone, whatever its accuracy mode."""
    return sum(ch.isalpha() for ch in text) >= _TRIGRAMS_ONLY


@cache
def _detector(trigrams_only: bool = False) -> LanguageDetector:
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in SUPPORTED_LANGUAGES
    ]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder.with_low_accuracy_mode() if trigrams_only else builder).build()


def detector_for(text: str) -> LanguageDetector:
    """The detector that gives lingua's high-accuracy answer for `text` loading the
    fewest models."""
    _count_detection()
    return _detector(_trigrams_only(text))


_detections = itertools.count(1)


def _count_detection() -> None:
    """Trim the heap before the 1st, 2nd, 4th, 8th... detection: lingua loads a
    language's models on first need and leaves the scratch memory of loading them
    (about 50 MiB for the Latin-script languages) free but held, and models load early
    in a process's life, so a few trims in all return nearly all of it."""
    count = next(_detections)
    if count & (count - 1) == 0:
        heap.trim()


# lingua's time grows with the text; a head and a tail this long tell the language of
# a reply as well as the whole does (a 2,000-word draft costs what a short one does).
_SAMPLE_CHARS = 600


def sample(text: str) -> str:
    """What the language is detected on: the text, or its start and end when long."""
    if len(text) <= _SAMPLE_CHARS:
        return text
    half = _SAMPLE_CHARS // 2
    return f"{text[:half]} {text[-half:]}"


_NUMBERS = re.compile(r"[\d+()/.\-]{4,}")


@lru_cache(maxsize=256)
def prose(text: str, names: tuple[str, ...] = ()) -> str:
    """The words a language is told by: normalised, without names, web and e-mail
    addresses or numbers ("Dear Karen" says nothing about the language)."""
    return _NUMBERS.sub(" ", mask_terms(normalize(without_addresses(URL.sub(" ", text))), names))


def written_in(text: str, names: tuple[str, ...] = (), default: str = "en") -> str:
    """The language `text` is written in, told from its prose: every check that asks
    about the same draft with the same names shares one detection."""
    return detect(prose(text, names), default)


def detect(text: str, default: str = "en") -> str:
    """The ISO 639-1 code of the text's language, or `default` when there is no telling.

    Detected on a sample of the normalised text (lingua ignores case anyway), so a
    draft and its normalised form, both scanned by the checks, cost one detection."""
    return _detect(sample(normalize(text)), default)


@lru_cache(maxsize=512)
def _detect(text: str, default: str) -> str:
    han = len(CJK_CHAR.findall(text))
    if han and han >= 0.3 * len(text.replace(" ", "")):
        return "zh"
    found = detector_for(text).detect_language_of(text)
    if found is None:
        return default
    code = found.iso_code_639_1.name.lower()
    return code if code in SUPPORTED_LANGUAGES else default


# Languages a reply can drift into that the restricted detector cannot tell from the
# expected one (it only knows the nine): Croatian for Slovenian, Russian for Bulgarian.
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "sl": ("hr", "bs", "sr"),
    "bg": ("ru", "mk", "uk", "sr"),
    "pl": ("cs", "sk"),
    "es": ("ca", "pt", "it"),
    "fr": ("ca", "it"),
    "nl": ("af",),
    "de": (),
    "en": (),
}
_KANA = re.compile("[\u3040-\u30ff]")


@cache
def _neighbour_detector(language: str, trigrams_only: bool) -> LanguageDetector | None:
    codes = [language, *NEIGHBOURS.get(language, ())]
    if len(codes) < 2:
        return None
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    # Not preloaded: only the models of languages whose replies are checked get loaded.
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder.with_low_accuracy_mode() if trigrams_only else builder).build()


def neighbour(text: str, language: str) -> str | None:
    """A language close to `language` that `text` is really written in, if any:
    "hr" for a Croatian reply to a Slovenian review, "ja" for Japanese for Chinese."""
    if language == "zh":
        return "ja" if len(_KANA.findall(text)) >= 3 else None
    text = sample(text)
    _count_detection()
    detector = _neighbour_detector(language, _trigrams_only(text))
    if detector is None:
        return None
    found = detector.detect_language_of(text)
    if found is None:
        return None
    code = found.iso_code_639_1.name.lower()
    return None if code == language else code


def language_name(code: str) -> str:
    if code in NAMES:
        return NAMES[code]
    return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name.title()


def confidence(text: str, language: str) -> float:
    """lingua's confidence (0 to 1) that `text` is in `language`."""
    if language == "zh":
        han = len(CJK_CHAR.findall(text))
        return min(1.0, han / max(1, 0.3 * len(text.replace(" ", ""))))
    target = Language.from_iso_code_639_1(getattr(IsoCode639_1, language.upper()))
    text = sample(text)
    return float(detector_for(text).compute_language_confidence(text, target))


def warm_up() -> None:
    """Build both detectors; the trigram models load on first use."""
    _detector(trigrams_only=True)
    _detector()
