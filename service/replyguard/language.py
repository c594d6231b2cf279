"""Which language a review is written in, with lingua's offline models.

Detection is limited to the languages replyguard answers in, which makes short
reviews far more reliable; Chinese is recognised by its script first.
"""

from __future__ import annotations

from typing import cast

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from replyguard_checks.context import SUPPORTED_LANGUAGES
from replyguard_checks.text import CJK_CHAR

from .schemas import Language as Language_

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


class LanguageDetector:
    def __init__(self, preload: bool = True) -> None:
        languages = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper()))
            for c in SUPPORTED_LANGUAGES
        ]
        builder = LanguageDetectorBuilder.from_languages(*languages)
        if preload:
            builder = builder.with_preloaded_language_models()
        self._detector = builder.build()

    def detect(self, text: str, default: Language_ = "en") -> Language_:
        han = len(CJK_CHAR.findall(text))
        if han and han >= 0.3 * len(text.replace(" ", "")):
            return "zh"
        found = self._detector.detect_language_of(text)
        if found is None:
            return default
        code = found.iso_code_639_1.name.lower()
        return cast(Language_, code) if code in SUPPORTED_LANGUAGES else default
