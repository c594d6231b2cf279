"""What a check may know about a draft besides its text.

The service builds one `CheckContext` per request and hands it to guardrails as
metadata, so validators stay free of HTTP and pydantic types.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .script import HANS, HANT, script_of

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "es", "fr", "nl", "pl", "sl", "bg", "zh")
DEFAULT_MAX_WORDS = 120
#: Chinese tags that name a script or a region: read as Chinese written in that script.
_CHINESE_TAGS = {
    "zh-hant": HANT,
    "zh-tw": HANT,
    "zh-hk": HANT,
    "zh-mo": HANT,
    "zh-hans": HANS,
    "zh-cn": HANS,
    "zh-sg": HANS,
}


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    #: The business's own web site: links to it (or to its e-mail domain) are its own.
    website: str | None = None


@dataclass(frozen=True, slots=True)
class CheckContext:
    review_text: str
    language: str
    contact: Contact
    business_name: str = ""
    reviewer_name: str | None = None
    compensation: tuple[str, ...] = ()
    max_words: int = DEFAULT_MAX_WORDS
    #: ISO 3166 region used to read phone numbers written without a country code.
    region: str | None = None
    #: The instructions the LLM was given (without the review), so a draft that
    #: parrots them is caught; empty for drafts written by people.
    instructions: str = ""
    #: Where the reply will be posted, e.g. "google_play"; its character limit
    #: tightens `length` (see data/platforms.yaml).
    platform: str | None = None
    #: The business's recent replies to other reviews, for `not_repeated`.
    recent_replies: tuple[str, ...] = ()
    #: Similarity (0 to 1) from which a draft counts as a near-copy of a recent reply.
    repeat_threshold: float = 0.85
    #: A holding reply to a review a person must answer: it acknowledges and takes the
    #: matter offline, and names no detail of the review on purpose (`no_generic`).
    holding: bool = False
    #: What was screened out of the review as instructions aimed at a model (hidden
    #: markup, "ignore previous instructions ..."): a draft must not carry their words.
    injected: tuple[str, ...] = ()
    #: "Hant" or "Hans" for a Chinese review (how the reviewer writes), None when the
    #: review text itself tells (see `review_script`).
    script: str | None = None

    def __post_init__(self) -> None:
        # "zh-Hant" or "zh-TW" from a caller's own data: every check knows Chinese as
        # "zh", and the tag's script is the one a reply is written back in.
        tag = self.language.casefold().replace("_", "-")
        if tag in _CHINESE_TAGS:
            object.__setattr__(self, "language", "zh")
            if self.script is None:
                object.__setattr__(self, "script", _CHINESE_TAGS[tag])

    @property
    def review_script(self) -> str | None:
        """The script the reviewer wrote in: a reply is written back in it."""
        return self.script or script_of(self.review_text)

    @property
    def names(self) -> list[str]:
        """Reviewer, contact and business names (and their parts): masked out before a
        check reads words, so "Dear Karen" is not an insult and "Bistro Verde" no detail."""
        return list(_names(self.reviewer_name, self.contact.name, self.business_name))

    @property
    def masked_names(self) -> tuple[str, ...]:
        """`names` and the contact's role ("Restaurant Manager"): what is blanked out
        before the language of a draft is told or its details are read."""
        return (
            *_names(self.reviewer_name, self.contact.name, self.business_name),
            self.contact.role or "",
        )

    @property
    def metadata(self) -> dict[str, object]:
        """The guardrails metadata dict that carries this context to every validator."""
        return {"context": self}


@lru_cache(maxsize=256)
def _names(reviewer: str | None, contact: str, business: str) -> tuple[str, ...]:
    """`CheckContext.names`, cached: every check asks for them, several times a draft."""
    from .text import name_parts

    return (*name_parts(reviewer), *name_parts(contact), business)
