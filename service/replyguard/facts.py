"""Everything known about one review to answer: what prompts and templates are filled
with. Built once per request by the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from .schemas import Scenario


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    language: str
    scenario: Scenario
    review: str
    reviewer_name: str | None
    business: str
    contact_name: str
    contact_role: str | None
    phone: str | None
    email: str | None
    max_words: int
    rating: int | None = None
    platform: str | None = None
    #: Offers the business allows; templates use the first.
    compensation: tuple[str, ...] = ()
    greeting: str = ""
    #: Words of the review a reply could name (for the compact re-ask hints).
    details: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    #: A short, safe quote of the review, for templates.
    quote: str | None = None
    not_offered: str | None = None
    fix: str | None = None
    #: "Hant" for a Chinese review in Traditional characters: the reply is written in
    #: them too. None for every other review.
    script: str | None = None
