"""`language`: the reply is written in the review's language (or the one requested).

Small models answer everything in English; a reply the reviewer cannot read is no
reply. Names, addresses and numbers are left out before detection, and a draft too
short to tell says so instead of guessing.
"""

from __future__ import annotations

from guardrails.validators import register_validator

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .language import (
    NAMES,
    confidence,
    detect,
    foreign_sentence,
    language_name,
    likeliest_language,
    neighbour,
    prose,
)
from .script import HANT, script_of
from .text import word_count

_MIN_WORDS = 6
# Below this lingua confidence for the expected language, a different detected
# language is believed.
_MIN_CONFIDENCE = 0.25


@register_validator(name="replyguard/language", data_type="string")
class ReplyLanguage(ReplyCheck):
    """Fails when the draft is in another language than the review's."""

    name = "language"

    def check(self, text: str, context: CheckContext) -> Verdict:
        words = prose(text, context.masked_names)
        expected = NAMES.get(context.language, context.language)
        if word_count(words) < _MIN_WORDS:
            return Verdict.ok(f"Too short to tell the language; assumed {expected}.")
        found = detect(words, default=context.language)
        if found == "zh" == context.language:
            return _chinese_script(text, context.review_script)
        if found == context.language:
            close = neighbour(words, context.language)
            if close is None:
                return _every_sentence(words, context.language, expected)
            found = close
        if found in NAMES and confidence(words, context.language) >= _MIN_CONFIDENCE:
            return Verdict.ok(
                f"Written in {expected}, though parts read like {NAMES.get(found, found)} "
                "(not confident)."
            )
        likeliest = likeliest_language(words) if found in NAMES else None
        if likeliest is not None and likeliest != context.language:
            found = likeliest  # the detectors know only our nine: Czech read as Polish
        return Verdict.fail(
            f"The reply is written in {language_name(found)}, but the review is in "
            f"{expected}. Write the whole reply in {expected}."
        )


# How much of a foreign sentence the message quotes.
_QUOTED_CHARS = 80


def _every_sentence(words: str, language: str, expected: str) -> Verdict:
    """A reply in the right language can still hold a sentence in another: a small
    model's note to itself in English, or Russian inside Bulgarian."""
    foreign = foreign_sentence(words, language)
    if foreign is None:
        return Verdict.ok(f"Written in {expected}.")
    found, sentence = foreign
    sentence = sentence.rstrip(".!?。！？:; ")
    if len(sentence) > _QUOTED_CHARS:
        sentence = sentence[:_QUOTED_CHARS].rsplit(" ", 1)[0] + " …"
    return Verdict.fail(
        f"A sentence of the reply is written in {language_name(found)}, not {expected}: "
        f"“{sentence}”. Write the whole reply in {expected}."
    )


_SCRIPT_NAMES = {HANT: "Traditional Chinese", "Hans": "Simplified Chinese"}


def _chinese_script(draft: str, wanted: str | None) -> Verdict:
    """A Chinese reply is written in the reviewer's own script: a reader in Taipei
    answered in Simplified characters reads a reply meant for somebody else."""
    written = script_of(draft)
    if wanted is None or written is None or wanted == written:
        return Verdict.ok(f"Written in {_SCRIPT_NAMES.get(written or '', 'Chinese')}.")
    return Verdict.fail(
        f"The reply is written in {_SCRIPT_NAMES[written]}, but the review is in "
        f"{_SCRIPT_NAMES[wanted]}. Write the whole reply in {_SCRIPT_NAMES[wanted]} characters."
    )
