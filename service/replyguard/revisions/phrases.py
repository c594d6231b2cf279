"""The words a revision reads and writes, per language, from
`prompts/revisions/<lang>.yaml`: texts are data, never Python strings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..resources import revisions_file


@dataclass(frozen=True, slots=True)
class Phrases:
    language: str
    #: Lower-case openings of a greeting ("dear", "您好").
    greetings: tuple[str, ...]
    #: Lower-case closing words a sign-off is written under ("kind regards").
    closings: tuple[str, ...]
    #: Lower-case word starts that mark the apology, which shortening never drops.
    apology: tuple[str, ...]
    #: Lower-case words whose full stop ends no sentence ("dr", "z.b").
    abbreviations: frozenset[str]
    #: A sentence naming the problem: {problem}.
    specific: str
    #: The same without an apology, for a reply that has one: {problem}.
    named: str
    #: A sentence naming the problem in the reviewer's words: {quote}.
    quoted: str
    #: A sentence that takes the matter offline: {channel}.
    contact: str
    #: The sign-off with and without the contact's role: {contact}, {role}.
    signature_with_role: str
    signature_without_role: str


def _words(data: dict[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ValueError(f"revisions: {key} must be a list")
    return tuple(str(v).casefold() for v in value)


@cache
def load_phrases(folder: Path, language: str) -> Phrases:
    """The phrases of one language (cached per prompts folder)."""
    data = yaml.safe_load(revisions_file(folder, language).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"revisions {language}: expected a mapping")
    signature = data["signature"]
    return Phrases(
        language=language,
        greetings=_words(data, "greetings"),
        closings=tuple(sorted(_words(data, "closings"), key=len, reverse=True)),
        apology=_words(data, "apology"),
        abbreviations=frozenset(_words(data, "abbreviations")),
        specific=str(data["specific"]),
        named=str(data["named"]),
        quoted=str(data["quoted"]),
        contact=str(data["contact"]),
        signature_with_role=str(signature["with_role"]),
        signature_without_role=str(signature["without_role"]),
    )
