"""Between the tables (`models`) and the API's bodies (`schemas`, `record_schemas`).

Which field is kept in which column is derived once, from the two sides' names: a field
is kept in the column of the same name, except a review's fields, kept in the reply's
`review_*` columns (`REVIEW_COLUMNS`), and a revision's text, kept in the reply's
`reply` column. A column added to a table under the name of a schema field is then
written and read back with no change here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import inspect

from ..history import business_key, review_key
from ..record_schemas import (
    FeedbackRecord,
    FollowUp,
    OutcomeRecord,
    ReplyRecord,
    ReplySummary,
    ReviewRecord,
    RevisionRecord,
)
from ..schemas import (
    AttemptOut,
    ReplyRequest,
    ReplyResponse,
    RevisionRequest,
    RevisionResponse,
    Usage,
)
from .models import Attempt, Base, FailedCheck, Feedback, Outcome, Reply, ReplyTopic, Revision

#: Where a review's fields are kept: in the reply's row, named for the review.
REVIEW_COLUMNS = {
    "text": "review_text",
    "rating": "review_rating",
    "reviewer_name": "reviewer_name",
    "platform": "review_platform",
    "language": "review_language",
    "id": "review_id",
}


def columns_for(
    schema: type[BaseModel],
    model: type[Base],
    aliases: Mapping[str, str] | None = None,
    *,
    without: Collection[str] = (),
) -> dict[str, str]:
    """The schema's fields kept in the model's columns: field name -> column name.

    A field is kept in the column `aliases` names for it, else in the column of its name.
    """
    columns = {attribute.key for attribute in inspect(model).column_attrs} - set(without)
    aliases = aliases or {}
    found: dict[str, str] = {}
    for field in schema.model_fields:
        column = aliases.get(field, field)
        if column in columns:
            found[field] = column
    return found


def review_aliases(*fields: str) -> dict[str, str]:
    """The review's columns for bodies that name a few review fields among the reply's."""
    return {field: REVIEW_COLUMNS[field] for field in fields}


REVIEW = columns_for(ReviewRecord, Reply, REVIEW_COLUMNS)
#: What the reply's row takes from the response; the review's columns come from the request.
RESPONSE = columns_for(ReplyResponse, Reply, without=REVIEW_COLUMNS.values())
#: What a revision's reply row takes from its response: the revised text is its reply.
REVISED = columns_for(
    RevisionResponse, Reply, {"revised": "reply"}, without=REVIEW_COLUMNS.values()
)
#: What its `revisions` row takes from the response; the draft comes from the request.
REVISION_RESPONSE = columns_for(RevisionResponse, Revision)
REVISION = columns_for(RevisionRecord, Revision)
USAGE = columns_for(Usage, Reply)
ATTEMPT = columns_for(AttemptOut, Attempt)
FEEDBACK = columns_for(FeedbackRecord, Feedback)
OUTCOME = columns_for(OutcomeRecord, Outcome)
RECORD = columns_for(ReplyRecord, Reply)
# `id` and `language` are the reply's own there: only these fields are the review's.
SUMMARY = columns_for(ReplySummary, Reply, review_aliases("platform"))
FOLLOW_UP = columns_for(FollowUp, Reply, review_aliases("platform", "rating"))


def to_columns(body: BaseModel, columns: Mapping[str, str]) -> dict[str, Any]:
    """A body's fields as column values, nested bodies as JSON (bulk INSERT rows)."""
    data = body.model_dump(mode="json", include=set(columns))
    return {column: data[field] for field, column in columns.items()}


def from_columns(row: Base, columns: Mapping[str, str]) -> dict[str, Any]:
    """A row's column values, keyed by the fields they fill."""
    return {field: getattr(row, column) for field, column in columns.items()}


def copy_into(row: Base, body: BaseModel, columns: Mapping[str, str]) -> None:
    """Set a tracked row's columns from a body (the latest report wins)."""
    for field, column in columns.items():
        setattr(row, column, getattr(body, field))


# -- writing: one `/v1/replies` or `/v1/revisions` call as rows -------------------
Rows = list[tuple[type[Base], list[dict[str, Any]]]]


def _case_columns(request: ReplyRequest | RevisionRequest) -> dict[str, Any]:
    """The reply row's columns that come from the request: review, business, options."""
    review, business = request.review, request.business
    return {
        **to_columns(review, REVIEW),
        "business_key": business_key(business.name),
        "business_name": business.name,
        "business": business.model_dump(mode="json"),
        "review_key": review_key(review.id, review.text),
        "options": request.options.model_dump(mode="json"),
    }


def _topic_rows(reply_id: str, topics: list[str], key: str, created: datetime) -> list[Any]:
    return [
        {
            "reply_id": reply_id,
            "topic": topic,
            "position": i,
            "business_key": key,
            "created_at": created,
        }
        for i, topic in enumerate(dict.fromkeys(topics))
    ]


def reply_rows(
    request: ReplyRequest, response: ReplyResponse, *, created: datetime, duration_ms: float
) -> Rows:
    """Every row one call keeps, table by table, parents first (for bulk INSERTs)."""
    case = _case_columns(request)
    reply = {
        **to_columns(response, RESPONSE),
        **case,
        **to_columns(response.usage, USAGE),
        "kind": "reply",
        "created_at": created,
        "duration_ms": round(duration_ms, 2),
    }
    attempts = [
        {"reply_id": response.id, "position": i, **to_columns(attempt, ATTEMPT)}
        for i, attempt in enumerate(response.attempts)
    ]
    failed = dict.fromkeys(name for a in response.attempts for name in a.failed)
    failures = [{"reply_id": response.id, "name": name} for name in failed]
    topics = _topic_rows(response.id, response.topics, case["business_key"], created)
    return [(Reply, [reply]), (Attempt, attempts), (FailedCheck, failures), (ReplyTopic, topics)]


def revision_rows(
    request: RevisionRequest,
    response: RevisionResponse,
    *,
    created: datetime,
    duration_ms: float,
) -> Rows:
    """Every row one revision keeps, parents first: a reply row of kind "revision" (no
    attempts, no tokens counted), its `revisions` row, the checks the draft or the
    revision failed, and the review's topics."""
    case = _case_columns(request)
    reply = {
        **to_columns(response, REVISED),
        **case,
        "kind": "revision",
        "suggestions": [],
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "created_at": created,
        "duration_ms": round(duration_ms, 2),
    }
    revision = {
        "reply_id": response.id,
        "draft": request.draft,
        **to_columns(response, REVISION_RESPONSE),
    }
    failed = dict.fromkeys(
        c.name for c in [*response.checks_before, *response.checks] if not c.passed
    )
    failures = [{"reply_id": response.id, "name": name} for name in failed]
    topics = _topic_rows(response.id, response.topics, case["business_key"], created)
    return [
        (Reply, [reply]),
        (Revision, [revision]),
        (FailedCheck, failures),
        (ReplyTopic, topics),
    ]


# -- reading: rows as bodies ------------------------------------------------------
def topics(row: Reply) -> list[str]:
    return [t.topic for t in sorted(row.topics, key=lambda t: t.position)]


def failed_checks(row: Reply) -> list[str]:
    """In the order the attempts failed them; by name for rows kept without attempts."""
    seen = dict.fromkeys(name for a in row.attempts for name in a.failed)
    return list(seen) or sorted(f.name for f in row.failures)


def feedback_record(row: Feedback) -> FeedbackRecord:
    return FeedbackRecord.model_validate(from_columns(row, FEEDBACK))


def outcome_record(row: Outcome) -> OutcomeRecord:
    return OutcomeRecord.model_validate(from_columns(row, OUTCOME))


def revision_record(row: Revision) -> RevisionRecord:
    return RevisionRecord.model_validate(from_columns(row, REVISION))


def record(row: Reply) -> ReplyRecord:
    """The whole record; needs the row's attempts, topics, failures, feedback, outcome
    and revision."""
    return ReplyRecord.model_validate(
        {
            **from_columns(row, RECORD),
            "review": ReviewRecord.model_validate(from_columns(row, REVIEW)),
            "topics": topics(row),
            "attempts": [AttemptOut.model_validate(from_columns(a, ATTEMPT)) for a in row.attempts],
            "failed_checks": failed_checks(row),
            "usage": Usage.model_validate(from_columns(row, USAGE)),
            "feedback": None if row.feedback is None else feedback_record(row.feedback),
            "outcome": None if row.outcome is None else outcome_record(row.outcome),
            "revision": None if row.revision is None else revision_record(row.revision),
        }
    )


def summary(row: Reply) -> ReplySummary:
    """One line of a list; needs the row's attempts, topics, failures, feedback, outcome."""
    return ReplySummary.model_validate(
        {
            **from_columns(row, SUMMARY),
            "topics": topics(row),
            "failed_checks": failed_checks(row),
            "attempts": len(row.attempts),
            "feedback": row.feedback is not None,
            "outcome": row.outcome is not None,
        }
    )


def sent_text(row: Reply) -> str:
    """What was posted: the agent's final text, else the suggestion used, else the reply."""
    feedback = row.feedback
    if feedback is not None:
        if feedback.final_text:
            return feedback.final_text
        index = feedback.used_suggestion
        suggestions: Sequence[Any] = row.suggestions or ()
        if index is not None and 0 <= index < len(suggestions):
            text = suggestions[index].get("text") if isinstance(suggestions[index], dict) else None
            if isinstance(text, str) and text:
                return text
    return row.reply


def follow_up(row: Reply, moment: datetime) -> FollowUp:
    """A sent reply due for a follow-up at `moment`; needs the row's feedback."""
    assert row.sent_at is not None
    return FollowUp.model_validate(
        {
            **from_columns(row, FOLLOW_UP),
            "reply_id": row.id,
            "sent_text": sent_text(row),
            "days_since_sent": round((moment - row.sent_at).total_seconds() / 86400, 2),
        }
    )
