"""Request and response bodies of the HTTP API.

Limits are part of the contract (documented in the README and in /docs): a review is
at most 5,000 characters, a draft at most 10,000, and text arrives NFC-normalised with
control characters removed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict

from replyguard_checks import SUPPORTED_LANGUAGES

from .llm.errors import ErrorKind

MAX_REVIEW_CHARS = 5000
MAX_DRAFT_CHARS = 10000
MAX_SUGGESTIONS = 3

Language = Literal["en", "de", "es", "fr", "nl", "pl", "sl", "bg", "zh"]
assert set(Language.__args__) == set(SUPPORTED_LANGUAGES)  # type: ignore[attr-defined]

Scenario = Literal[
    "genuine",
    "needs_investigation",
    "anonymous",
    "false_claim",
    "persistent",
    "fixed_since",
    "abusive",
    "escalate",
]
Source = Literal["llm", "template"]
#: Why a review is held for a person (scenario escalate).
Risk = Literal["legal", "injury", "discrimination", "harassment", "authority", "threat", "abuse"]

# Control characters, and invisible ones that hide text from a reader but not from a
# model: zero-width and bidi controls, soft hyphen, word joiners, BOM, interlinear
# annotation marks, and the Unicode tag block ("ASCII smuggling").
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)


def clean_text(value: object) -> object:
    """NFC-normalise and drop control and invisible characters (keeps \\n and \\t)."""
    if isinstance(value, str):
        return _CONTROL.sub("", unicodedata.normalize("NFC", value)).replace("\r\n", "\n")
    return value


def _has_phone_digits(value: str) -> str:
    if not 6 <= sum(ch.isdigit() for ch in value) <= 15:
        raise ValueError("a phone number has 6 to 15 digits")
    return value


def _blank_to_none(value: object) -> object:
    value = clean_text(value)
    return None if isinstance(value, str) and not value.strip() else value


ShortText = Annotated[
    str,
    BeforeValidator(clean_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
OptionalName = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None,
    BeforeValidator(_blank_to_none),
]
Phone = Annotated[str, StringConstraints(max_length=40), AfterValidator(_has_phone_digits)]


def _is_website(value: str) -> str:
    if not _WEBSITE.fullmatch(value):
        raise ValueError("a web site is a domain or an http(s) link, e.g. https://shop.example")
    return value


_WEBSITE = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:[/?#]\S*)?", re.IGNORECASE)
Website = Annotated[str, StringConstraints(max_length=200), AfterValidator(_is_website)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _clean_strings(cls, value: object) -> object:
        """Every text field of a request, lists of texts included, arrives cleaned."""
        if isinstance(value, list):
            return [clean_text(v) for v in value]
        return clean_text(value)


class Review(_Strict):
    text: Annotated[
        str,
        BeforeValidator(clean_text),
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REVIEW_CHARS),
    ] = Field(
        description=f"The review as the customer wrote it (1 to {MAX_REVIEW_CHARS} characters)."
    )
    rating: int | None = Field(default=None, ge=1, le=5, description="Star rating, 1 to 5.")
    reviewer_name: OptionalName = Field(
        default=None, description="As shown on the platform; null or absent means anonymous."
    )
    platform: Annotated[str, StringConstraints(max_length=50)] | None = Field(
        default=None, description="Where the review was posted, e.g. google, tripadvisor."
    )
    language: Language | None = Field(
        default=None, description="ISO 639-1 code; detected from the text when absent."
    )
    id: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="The CRM's id for the review, echoed back."
    )


def _person_name(value: str) -> str:
    if sum(ch.isalpha() for ch in value) < 2:
        raise ValueError("the contact's name needs at least two letters: a person signs the reply")
    return value


class Contact(_Strict):
    name: Annotated[ShortText, AfterValidator(_person_name)] = Field(
        description="The person who signs the reply."
    )
    role: OptionalName = None
    phone: Annotated[Phone | None, BeforeValidator(_blank_to_none)] = None
    email: Annotated[EmailStr | None, BeforeValidator(_blank_to_none)] = None
    website: Annotated[Website | None, BeforeValidator(_blank_to_none)] = Field(
        default=None,
        description="The business's own web site (e.g. https://bistroverde.example): links "
        "to it, or to the e-mail's domain, are the business's own in a reply.",
    )

    @model_validator(mode="after")
    def _needs_a_channel(self) -> Contact:
        if not self.phone and not self.email:
            raise ValueError("the contact needs a phone or an email, to take the matter offline")
        return self


class Business(_Strict):
    name: ShortText
    contact: Contact
    compensation: list[ShortText] = Field(
        default_factory=list,
        max_length=10,
        description="Offers the business allows in a public reply, e.g. 'a full refund'.",
    )
    not_offered: list[ShortText] = Field(
        default_factory=list,
        max_length=20,
        description="Products or services the business does not offer (spots false claims).",
    )
    fixed_issues: list[ShortText] = Field(
        default_factory=list,
        max_length=20,
        description="Problems fixed since, e.g. 'Version 4.2 fixed the crash at login'.",
    )
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = Field(
        default=None, description="ISO 3166 code, to read phone numbers without a country code."
    )


class Options(_Strict):
    max_words: int = Field(default=120, ge=40, le=400, description="Word limit of the reply.")
    scenario: Scenario | None = Field(
        default=None, description="Force a playbook scenario instead of detecting it."
    )
    platform: Annotated[str, StringConstraints(max_length=50)] | None = Field(
        default=None,
        description="Where the reply will be posted; its character limit tightens the "
        "length check: google_play 350, app_store 5970, google 4096, tripadvisor 5000.",
    )
    suggestions: int = Field(
        default=1,
        ge=1,
        le=MAX_SUGGESTIONS,
        description="How many alternative drafts to return in `suggestions` (1 to 3); "
        "every one is fully checked, and alternatives that fail a check are left out.",
    )


_EXAMPLE_REVIEW: JsonDict = {
    "text": "We waited almost two hours for a table and the soup was cold when it came. "
    "The waiter ignored us all evening.",
    "rating": 1,
    "reviewer_name": "Karen Miller",
    "platform": "google",
    "id": "rev-1042",
}
_EXAMPLE_BUSINESS: JsonDict = {
    "name": "Bistro Verde",
    "contact": {
        "name": "Anna Kowalska",
        "role": "Restaurant Manager",
        "phone": "+44 20 7946 0958",
        "email": "anna@bistroverde.example",
    },
    "compensation": ["a complimentary dinner for two"],
}


class ReplyRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"review": _EXAMPLE_REVIEW, "business": _EXAMPLE_BUSINESS}]}
    )
    review: Review
    business: Business
    options: Options = Field(default_factory=Options)


class CheckRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "review": _EXAMPLE_REVIEW,
                    "business": _EXAMPLE_BUSINESS,
                    "draft": "Dear Karen, we find that hard to believe. The Management",
                }
            ]
        }
    )
    review: Review
    business: Business
    draft: Annotated[
        str,
        BeforeValidator(clean_text),
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DRAFT_CHARS),
    ]
    options: Options = Field(default_factory=Options)


class CheckOut(BaseModel):
    name: str
    passed: bool
    message: str


class AttemptOut(BaseModel):
    source: Source
    text: str
    failed: list[str] = Field(description="Names of the checks this draft failed.")
    error: str | None = Field(default=None, description="Why the LLM gave no usable draft.")
    error_kind: ErrorKind | None = Field(
        default=None,
        description="What went wrong, as a stable code to branch on (`error` is for "
        "people): timeout, connection, rate_limited (429), http_error (another 4xx/5xx), "
        "bad_response (unparseable), empty (no text), local_error (the embedded model "
        "failed), circuit_open (LLM skipped while it is down), deadline (the request ran "
        "out of time), overloaded, or error (anything else). Null when the attempt did "
        "not error, and in records kept before this field was stored.",
    )
    duration_ms: float
    alternative: bool = Field(
        default=False,
        description="An extra draft asked for `options.suggestions` only, after the reply "
        "itself was settled.",
    )


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int


class Suggestion(BaseModel):
    text: str
    source: Source
    language: Language
    passed: bool = Field(description="True when this text passed every check.")
    checks: list[CheckOut]


class ReplyResponse(BaseModel):
    id: str = Field(
        description="This reply's id, made by the service: the key for feedback and records."
    )
    reply: str
    source: Source
    passed: bool = Field(description="True when the reply passed every check.")
    language: Language
    scenario: Scenario
    scenario_reason: str = Field(description="Why this playbook scenario was chosen.")
    needs_human: bool = Field(
        default=False,
        description="True when a person must answer the review (scenario escalate): the "
        "reply is then only a holding reply that takes the matter offline.",
    )
    risks: list[Risk] = Field(
        default_factory=list,
        description="Why the review is held for a person: legal, injury, discrimination, "
        "harassment, authority, threat, abuse.",
    )
    topics: list[str] = Field(description="Problems the review names, e.g. wait_time, billing.")
    checks: list[CheckOut]
    attempts: list[AttemptOut]
    usage: Usage
    review_id: str | None = None
    model: str
    suggestions: list[Suggestion] = Field(
        description="Up to `options.suggestions` distinct drafts, each fully checked; the "
        "first is `reply`. Alternatives are only ever drafts that passed every check."
    )


class CheckResponse(BaseModel):
    passed: bool
    language: Language
    checks: list[CheckOut]
    needs_human: bool = Field(
        default=False, description="True when a person must answer this review (escalate)."
    )
    risks: list[Risk] = Field(default_factory=list, description="Why, as in /v1/replies.")


RevisionSource = Literal["rules", "llm", "template"]
ChangeKind = Literal["removed", "replaced", "added", "shortened"]


class RevisionRequest(CheckRequest):
    """A reply a person wrote, to revise against the checks (the body of /v1/checks)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "review": _EXAMPLE_REVIEW,
                    "business": _EXAMPLE_BUSINESS,
                    "draft": "Dear Karen, we are sorry for any inconvenience caused. You are "
                    "lying about the wait. The Management",
                }
            ]
        }
    )


class ChangeOut(BaseModel):
    check: str = Field(description="The check this change repairs.")
    kind: ChangeKind
    before: str = Field(description="The words taken out or replaced; empty when added.")
    after: str = Field(description="The words put in; empty when removed.")


class RevisionResponse(BaseModel):
    id: str = Field(
        description="This revision's id in the records: the key for feedback, as a reply's."
    )
    revised: str = Field(description="The revision; the draft itself when it passed.")
    passed: bool = Field(description="True when the revision passed every check.")
    language: Language
    source: RevisionSource = Field(
        description="Who revised: `rules` (the edits in `changes`, no LLM), `llm` (the "
        "configured LLM edited what the rules could not fix) or `template` (nothing else "
        "passed: a template reply replaces the draft)."
    )
    kept: float = Field(description="The share of the draft's words still in the revision.")
    changes: list[ChangeOut]
    checks_before: list[CheckOut] = Field(description="Every check on the draft.")
    checks: list[CheckOut] = Field(description="Every check on the revision.")
    needs_human: bool = Field(
        default=False, description="True when a person must answer this review (escalate)."
    )
    risks: list[Risk] = Field(default_factory=list, description="Why, as in /v1/replies.")
    scenario: Scenario = Field(description="The playbook scenario, as in /v1/replies.")
    scenario_reason: str = Field(description="Why this scenario was chosen.")
    topics: list[str] = Field(description="Problems the review names, as in /v1/replies.")
    model: str = Field(
        description="Who revised: the LLM's name (source `llm`), `rules` or `templates-only`."
    )


class FeedbackRequest(_Strict):
    """What an agent did with a reply: which suggestion, edited or not, sent when."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"used_suggestion": 0, "edited": True, "sent_at": "2025-11-25T14:03:00Z"}]
        }
    )
    used_suggestion: int = Field(
        strict=True,
        ge=0,
        lt=MAX_SUGGESTIONS,
        description="Index in the reply's `suggestions` of the draft the agent used.",
    )
    edited: bool = Field(
        strict=True, description="True when the agent changed the text before using it."
    )
    final_text: (
        Annotated[
            str,
            BeforeValidator(clean_text),
            StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DRAFT_CHARS),
        ]
        | None
    ) = Field(default=None, description="The text as posted, after the agent's edits.")
    sent_at: AwareDatetime | None = Field(
        default=None,
        description="When the agent posted the reply (with a time zone, ISO 8601); absent "
        "when the text was only copied.",
    )


class FeedbackResponse(BaseModel):
    reply_id: str
    status: Literal["accepted"] = "accepted"
    received_at: datetime


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
