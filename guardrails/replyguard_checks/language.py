"""Which of the supported languages a text is written in, with lingua's offline models.

Detection is limited to the languages replyguard answers in, which makes short texts
far more reliable; Chinese is recognised by its script first. One detector per
process: the models take a second and some hundred MB to load.
"""

from __future__ import annotations

from functools import cache, lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from .context import SUPPORTED_LANGUAGES
from .text import CJK_CHAR

NAMES = {
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "nl": "Dutch",
    "pl": "Polish",
    "sl": "Slovenian",
    "bg": "Bulgarian",
    "zh": "Chinese (Simplified)",
}


@cache
def _detector() -> LanguageDetector:
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in SUPPORTED_LANGUAGES
    ]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


@lru_cache(maxsize=512)
def detect(text: str, default: str = "en") -> str:
    """The ISO 639-1 code of the text's language, or `default` when there is no telling."""
    han = len(CJK_CHAR.findall(text))
    if han and han >= 0.3 * len(text.replace(" ", "")):
        return "zh"
    found = _detector().detect_language_of(text)
    if found is None:
        return default
    code = found.iso_code_639_1.name.lower()
    return code if code in SUPPORTED_LANGUAGES else default


def confidence(text: str, language: str) -> float:
    """lingua's confidence (0 to 1) that `text` is in `language`."""
    if language == "zh":
        han = len(CJK_CHAR.findall(text))
        return min(1.0, han / max(1, 0.3 * len(text.replace(" ", ""))))
    target = Language.from_iso_code_639_1(getattr(IsoCode639_1, language.upper()))
    return float(_detector().compute_language_confidence(text, target))


def warm_up() -> None:
    _detector()
