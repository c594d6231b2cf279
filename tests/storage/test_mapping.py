"""Rows and bodies: every column is filled from the bodies, and each from the right field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect
from tests.storage.conftest import MakeReply

from replyguard.storage import InvalidCursor, mapping
from replyguard.storage.cursors import decode_cursor, encode_cursor
from replyguard.storage.models import (
    Attempt,
    Base,
    FailedCheck,
    Feedback,
    Outcome,
    Reply,
    ReplyTopic,
)

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


def column_names(model: type[Base]) -> set[str]:
    return {attribute.key for attribute in inspect(model).column_attrs}


def test_a_reply_fills_every_column_of_its_rows(make_reply: MakeReply) -> None:
    request, response = make_reply()
    tables = dict(mapping.reply_rows(request, response, created=NOW, duration_ms=1.0))

    assert list(tables) == [Reply, Attempt, FailedCheck, ReplyTopic]
    (reply,) = tables[Reply]
    # `sent_at` alone waits: it is set when the reply is posted.
    assert set(reply) == column_names(Reply) - {"sent_at"}
    assert tables[Attempt]
    for row in tables[Attempt]:
        assert set(row) == column_names(Attempt)
    for row in tables[ReplyTopic]:
        assert set(row) == column_names(ReplyTopic)
    # A column added to the reports' tables must have a field that fills it.
    assert set(mapping.FEEDBACK.values()) == column_names(Feedback) - {"reply_id"}
    assert set(mapping.OUTCOME.values()) == column_names(Outcome) - {"reply_id"}


def test_the_review_fills_the_review_columns(make_reply: MakeReply) -> None:
    request, response = make_reply(review_id="rev-7")
    # The response's echo of the review id never overrides the request's own.
    response = response.model_copy(update={"review_id": "echoed"})
    tables = dict(mapping.reply_rows(request, response, created=NOW, duration_ms=12.345))
    (reply,) = tables[Reply]

    assert reply["id"] == response.id
    assert reply["review_id"] == "rev-7"
    assert reply["review_text"] == request.review.text
    assert reply["review_rating"] == 1
    assert reply["review_platform"] == "google"
    assert reply["review_language"] is None  # as sent: detected, not given
    assert reply["language"] == response.language == "en"
    assert reply["duration_ms"] == 12.35
    assert reply["checks"] == [c.model_dump(mode="json") for c in response.checks]
    assert [row["position"] for row in tables[Attempt]] == list(range(len(response.attempts)))


def test_lists_name_the_reply_not_the_review() -> None:
    # `id` and `language` are the reply's in a summary and a record; only the review's
    # own body reads the `review_*` columns under those names.
    for columns in (mapping.SUMMARY, mapping.RECORD):
        assert columns["id"] == "id"
        assert columns["language"] == "language"
    assert mapping.REVIEW["id"] == "review_id"
    assert mapping.REVIEW["language"] == "review_language"
    assert mapping.SUMMARY["platform"] == "review_platform"
    assert mapping.FOLLOW_UP["rating"] == "review_rating"


def test_a_cursor_comes_back_as_given_in_utc() -> None:
    local = NOW.astimezone(timezone(timedelta(hours=2)))
    assert decode_cursor(encode_cursor(local, "abc|def")) == (NOW, "abc|def")
    assert decode_cursor(encode_cursor(NOW.replace(tzinfo=None), "k")) == (NOW, "k")
    for bad in ("not-a-cursor!", "", encode_cursor(NOW, "k")[:-6]):
        with pytest.raises(InvalidCursor):
            decode_cursor(bad)
