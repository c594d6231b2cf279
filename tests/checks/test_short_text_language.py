"""Short texts (under 120 letters) are told by lingua's trigrams and fastText's compact
model voting, with simplemma's dictionaries settling a disagreement, instead of
lingua's full models (about 170 MiB per worker). Held to the code it replaced: on
every labelled review of the corpora it is right at least as often as lingua's full
models, and it never loads them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from replyguard_checks import normalize
from replyguard_checks.context import SUPPORTED_LANGUAGES
from replyguard_checks.language import (
    _fasttext_scores,
    _trigrams_only,
    detect,
    detector_for,
    neighbour,
    sample,
)
from replyguard_evals.corpus import load_corpus
from replyguard_evals.dataset import load_cases

ROOT = Path(__file__).resolve().parents[2]
# Labelled reviews; never the frozen `challenge-next` set.
_REVIEW_FILES = (
    "evals/real/dev",
    "evals/real/blind",
    "evals/real/next-blind",
    "evals/challenge/no_attack",
)


def _labelled_reviews() -> set[tuple[str, str]]:
    found = {
        (item.context.language, item.context.review_text)
        for folder in _REVIEW_FILES
        for item in load_corpus(ROOT / folder)
    }
    return found | {(case.language, case.request.review.text) for case in load_cases()}


@pytest.mark.slow
def test_short_reviews_are_told_at_least_as_well_as_by_linguas_full_models() -> None:
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in SUPPORTED_LANGUAGES
    ]
    full = LanguageDetectorBuilder.from_languages(*languages).build()
    short = [
        (language, text)
        for language, text in _labelled_reviews()
        if not _trigrams_only(sample(normalize(text))) and language != "zh"
    ]
    assert len(short) > 900
    ours = sum(detect(text) == language for language, text in short)
    found = (full.detect_language_of(sample(normalize(text))) for _, text in short)
    theirs = sum(
        f is not None and f.iso_code_639_1.name.lower() == language
        for (language, _), f in zip(short, found, strict=True)
    )
    assert ours >= theirs
    assert ours >= 0.98 * len(short)


def test_the_dictionaries_settle_a_disagreement() -> None:
    text = "slecht. echt slecht."
    scores = _fasttext_scores(text)
    # fastText alone reads German ("schlecht"); Dutch's dictionary knows both words.
    assert max(SUPPORTED_LANGUAGES, key=lambda code: scores.get(code, 0.0)) == "de"
    assert detect(text) == "nl"


def test_agreeing_detectors_answer_directly() -> None:
    assert detect("Die Suppe war kalt.") == "de"
    assert detect("La sopa estaba fría.") == "es"
    assert detect("Zupa była zimna.") == "pl"
    assert detect("Soep was koud.", default="de") == "nl"


def test_text_with_no_letters_is_the_default() -> None:
    assert detect("1234 !!", default="fr") == "fr"
    assert detect("", default="pl") == "pl"
    assert detect("😤😤", default="nl") == "nl"


def test_a_short_text_in_a_neighbouring_language_is_named() -> None:
    croatian = "poštovani, žao nam je zbog čekanja. nazovite nas, molim vas."
    assert not _trigrams_only(croatian)
    assert neighbour(croatian, "sl") in {"hr", "bs", "sr"}
    assert neighbour("ens sap molt greu el retard de la comanda.", "es") == "ca"
    assert neighbour("dit spyt ons van die wagtyd.", "nl") == "af"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # fastText alone reads this as Serbian, lingua's trigrams as Croatian.
        ("spoštovani, žal nam je za čakanje. pokličite nas, prosim.", "sl"),
        ("hvala za vaše sporočilo, žal nam je, da soba ni bila čista.", "sl"),
        ("sentimos mucho el retraso del pedido.", "es"),
        ("het spijt ons van het wachten.", "nl"),
        ("przepraszamy za długie oczekiwanie.", "pl"),
    ],
)
def test_a_short_text_in_the_expected_language_has_no_neighbour(text: str, language: str) -> None:
    assert neighbour(text, language) is None


def test_one_detector_whatever_the_length() -> None:
    assert detector_for("Sorry for the wait.") is detector_for("x" * 130)


_PROBE = """
import json, resource
from replyguard_checks.language import detect, warm_up
warm_up()
detect("A long warm-up text about the hotel room and its breakfast, written in English "
       "by a guest who stayed two nights, found the shower broken and the towels dirty, "
       "and waited an hour at the desk on the day of arrival.")  # trigram models
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
before = rss()
for text in ("The soup was cold.", "Die Suppe war kalt.", "La soupe était froide.",
             "La sopa estaba fría.", "De soep was koud.", "Zupa była zimna.",
             "Juha je bila hladna.", "slecht. echt slecht."):
    detect(text)
print(json.dumps({"grown": rss() - before}))
"""


@pytest.mark.slow
def test_short_texts_in_every_language_load_no_large_models() -> None:
    """lingua's full models for our seven Latin-script languages take about 170 MiB
    once a short text loads them; the vote needs none of them."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, cwd=ROOT
    )
    grown = json.loads(done.stdout.strip().splitlines()[-1])["grown"]
    assert grown < 40, f"{grown:.0f} MiB"
