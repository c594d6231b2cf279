"""Bodies of the records API: stored replies, follow-ups, outcomes and statistics.

Stored values are read back as `str` where the live API has a closed list (scenario,
language): a record written by an older version stays readable after that list changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from .schemas import AttemptOut, ChangeOut, CheckOut, RevisionSource, Usage, clean_text

MAX_PAGE = 200

#: A reply the service drafted (`/v1/replies`), or a person's draft revised (`/v1/revisions`).
RecordKind = Literal["reply", "revision"]


class ReviewRecord(BaseModel):
    text: str
    rating: int | None = None
    reviewer_name: str | None = None
    platform: str | None = None
    language: str | None = Field(default=None, description="As sent; null when detected.")
    id: str | None = Field(default=None, description="The CRM's id for the review.")


class FeedbackRecord(BaseModel):
    used_suggestion: int | None = None
    edited: bool
    final_text: str | None = None
    sent_at: datetime | None = None
    received_at: datetime


class OutcomeRecord(BaseModel):
    satisfied: bool | None = None
    rating_updated: bool
    new_rating: int | None = None
    note: str | None = None
    recorded_at: datetime


class RevisionRecord(BaseModel):
    """What a revision has beyond a reply: the person's draft and how it was changed."""

    draft: str = Field(description="The person's reply, as sent.")
    kept: float = Field(description="The share of the draft's words still in the revision.")
    changes: list[ChangeOut]
    checks_before: list[CheckOut] = Field(description="Every check on the draft.")


class ReplyRecord(BaseModel):
    """Everything one `/v1/replies` or `/v1/revisions` call produced, as stored."""

    id: str
    kind: RecordKind = Field(
        default="reply",
        description="`reply` (drafted by the service) or `revision` (a person's draft, "
        "revised: `reply` is the revised text, `revision` holds the draft).",
    )
    created_at: datetime
    business_name: str
    business: dict[str, Any] = Field(description="The business profile as sent.")
    review: ReviewRecord
    options: dict[str, Any]
    reply: str
    source: RevisionSource = Field(description="`rules` only for revisions.")
    passed: bool
    language: str
    scenario: str
    scenario_reason: str
    topics: list[str]
    checks: list[CheckOut]
    attempts: list[AttemptOut]
    failed_checks: list[str] = Field(description="Checks that any attempt failed.")
    suggestions: list[dict[str, Any]] = Field(description="The drafts returned, as sent.")
    usage: Usage
    duration_ms: float = Field(description="Time the service took to answer the call.")
    model: str
    review_id: str | None = None
    sent_at: datetime | None = None
    feedback: FeedbackRecord | None = None
    outcome: OutcomeRecord | None = None
    revision: RevisionRecord | None = Field(
        default=None, description="The draft and its changes; null for a reply."
    )


class ReplySummary(BaseModel):
    id: str
    kind: RecordKind = "reply"
    created_at: datetime
    business_name: str
    review_id: str | None
    reviewer_name: str | None
    platform: str | None
    reply: str
    source: RevisionSource
    passed: bool
    language: str
    scenario: str
    topics: list[str]
    failed_checks: list[str]
    attempts: int
    sent_at: datetime | None
    feedback: bool = Field(description="True when an agent reported what they did with it.")
    outcome: bool = Field(description="True when a follow-up outcome is recorded.")


class ReplyPage(BaseModel):
    items: list[ReplySummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Note = Annotated[
    str, BeforeValidator(clean_text), StringConstraints(strip_whitespace=True, max_length=2000)
]


class SentRequest(_Strict):
    sent_at: datetime | None = Field(
        default=None, description="When the reply was posted; default: now."
    )


class SentResponse(BaseModel):
    reply_id: str
    sent_at: datetime


class OutcomeRequest(_Strict):
    """How the follow-up went."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"satisfied": True, "rating_updated": True, "new_rating": 4}]
        }
    )
    satisfied: bool | None = Field(
        default=None, description="Whether the customer was satisfied; null when unknown."
    )
    rating_updated: bool = Field(
        default=False, description="Whether the customer changed their rating (true if new_rating)."
    )
    new_rating: int | None = Field(default=None, ge=1, le=5, description="The rating now.")
    note: Note | None = None


class FollowUp(BaseModel):
    reply_id: str
    business_name: str
    review_id: str | None
    reviewer_name: str | None
    platform: str | None
    review_text: str
    rating: int | None
    sent_text: str = Field(description="The text posted: the agent's final text, else the reply.")
    sent_at: datetime
    days_since_sent: float


class FollowUpPage(BaseModel):
    days: int = Field(description="Replies sent at least this many days ago are due.")
    items: list[FollowUp]
    next_cursor: str | None


class FeedbackStats(BaseModel):
    received: int = Field(description="Replies an agent reported on.")
    edited: int
    acceptance_rate: float | None = Field(
        description="Share of the replies in the period that an agent used (feedback received)."
    )
    edit_rate: float | None = Field(description="Share of the used replies that were edited.")
    by_suggestion: dict[str, int] = Field(description="Which suggestion was used (0 = reply).")


class FollowUpStats(BaseModel):
    sent: int
    outcomes: int
    satisfied: int
    rating_updated: int
    satisfaction_rate: float | None = Field(description="Satisfied among recorded outcomes.")


class Stats(BaseModel):
    business: str | None
    since: datetime | None
    until: datetime | None
    replies: int = Field(description="Records: replies and revisions (see `by_kind`).")
    passed: int
    by_kind: dict[str, int] = Field(description="Replies drafted, and revisions.")
    by_source: dict[str, int]
    by_scenario: dict[str, int]
    by_language: dict[str, int]
    failed_checks: dict[str, int] = Field(
        description="Replies in which at least one attempt failed the check."
    )
    prompt_tokens: int
    completion_tokens: int
    mean_duration_ms: float | None
    feedback: FeedbackStats
    follow_ups: FollowUpStats


Trend = Literal["new", "up", "down", "flat"]


class TopicCount(BaseModel):
    topic: str
    count: int = Field(description="Reviews in the period that name the problem.")
    share: float = Field(description="count / reviews in the period.")
    previous_count: int = Field(description="The same, in the previous period of equal length.")
    change: int
    trend: Trend


class TopicStats(BaseModel):
    business: str | None
    since: datetime
    until: datetime
    previous_since: datetime
    reviews: int
    previous_reviews: int
    topics: list[TopicCount]
