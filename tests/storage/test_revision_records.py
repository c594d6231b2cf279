"""Revisions in the records store, on SQLite and PostgreSQL: kept whole beside the
replies, read back by the replies' readers, and open to feedback and follow-ups."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, text
from tests.storage.conftest import MakeReply, downgrade_to
from tests.support import BUSINESS, GENERIC_DRAFT, GOOD_DRAFT, REVIEW

from replyguard.pipeline import ReplyPipeline
from replyguard.revisions import revise_request
from replyguard.schemas import RevisionRequest, RevisionResponse
from replyguard.storage import ReplyFilter, Store, StoreUnavailable, migrate
from replyguard.storage.engine import make_engine
from replyguard.storage.models import Reply

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)

MakeRevision = Callable[..., tuple[RevisionRequest, RevisionResponse]]


@pytest.fixture
def make_revision(pipeline: ReplyPipeline) -> MakeRevision:
    """A real (request, response) pair from `/v1/revisions`' engine, templates only."""

    def make(draft: str = GENERIC_DRAFT, **review: Any) -> tuple[RevisionRequest, RevisionResponse]:
        request = RevisionRequest.model_validate(
            {"review": REVIEW | review, "business": BUSINESS, "draft": draft}
        )
        return request, asyncio.run(revise_request(pipeline, request))

    return make


def test_a_revision_is_kept_whole(store: Store, make_revision: MakeRevision) -> None:
    request, response = make_revision(id="rev-9")
    assert response.source == "rules"
    assert response.changes
    store.save_revision(request, response, duration_ms=7.004, created_at=NOW)

    record = store.get_reply(response.id)
    assert record is not None
    assert record.kind == "revision"
    assert record.created_at == NOW
    assert record.reply == response.revised
    assert record.source == "rules"
    assert record.passed is response.passed is True
    assert record.language == "en"
    assert record.scenario == response.scenario
    assert record.scenario_reason == response.scenario_reason
    assert record.topics == response.topics
    assert record.checks == response.checks
    assert record.model == "rules"
    assert record.duration_ms == 7.0
    assert record.review_id == "rev-9"
    assert record.review.text == request.review.text
    assert record.business_name == "Bistro Verde"
    # A revision has no attempts and cost no tokens.
    assert record.attempts == []
    assert record.suggestions == []
    assert record.usage.prompt_tokens == record.usage.completion_tokens == 0
    # What only a revision has.
    assert record.revision is not None
    assert record.revision.draft == GENERIC_DRAFT
    assert record.revision.kept == response.kept
    assert record.revision.changes == response.changes
    assert record.revision.checks_before == response.checks_before
    # The checks the draft failed are the record's failed checks (for filters and counts).
    failed_before = {c.name for c in response.checks_before if not c.passed}
    assert failed_before
    assert set(record.failed_checks) == failed_before


def test_replies_and_revisions_share_the_lists_and_the_stats(
    store: Store, make_reply: MakeReply, make_revision: MakeRevision
) -> None:
    reply_request, reply = make_reply(review_id="rev-reply")
    store.save_reply(reply_request, reply, duration_ms=1.0, created_at=NOW)
    request, revision = make_revision(id="rev-revision")
    store.save_revision(request, revision, duration_ms=1.0, created_at=NOW + timedelta(1))

    kept = store.get_reply(reply.id)
    assert kept is not None
    assert kept.kind == "reply"
    assert kept.revision is None

    items = store.list_replies(ReplyFilter()).items
    assert [(i.id, i.kind, i.source) for i in items] == [
        (revision.id, "revision", "rules"),
        (reply.id, "reply", "template"),
    ]
    assert items[0].reply == revision.revised
    assert items[0].attempts == 0
    assert [i.id for i in store.list_replies(ReplyFilter(kind="revision")).items] == [revision.id]
    assert [i.id for i in store.list_replies(ReplyFilter(kind="reply")).items] == [reply.id]
    assert [i.id for i in store.list_replies(ReplyFilter(source="rules")).items] == [revision.id]
    named = store.list_replies(ReplyFilter(failed_check="named_contact")).items
    assert revision.id in [i.id for i in named]

    stats = store.stats()
    assert stats.replies == 2
    assert stats.by_kind == {"reply": 1, "revision": 1}
    assert stats.by_source == {"rules": 1, "template": 1}
    assert stats.failed_checks["no_generic"] >= 1
    assert store.topic_stats(since=NOW - timedelta(1), until=NOW + timedelta(2)).reviews == 2


def test_feedback_and_follow_ups_work_on_a_revision(
    store: Store, make_revision: MakeRevision
) -> None:
    request, revision = make_revision(draft=GOOD_DRAFT)
    assert revision.revised == GOOD_DRAFT
    store.save_revision(request, revision, duration_ms=1.0, created_at=NOW)

    sent = NOW + timedelta(hours=1)
    kept = store.record_feedback(
        revision.id, used_suggestion=0, edited=False, final_text=None, sent_at=sent
    )
    assert kept is not None
    record = store.get_reply(revision.id)
    assert record is not None
    assert record.feedback == kept
    assert record.sent_at == sent

    due = store.due_follow_ups(3, at=sent + timedelta(days=4)).items
    assert [(d.reply_id, d.sent_text) for d in due] == [(revision.id, GOOD_DRAFT)]
    stats = store.stats()
    assert stats.feedback.received == 1
    assert stats.feedback.by_suggestion == {"0": 1}


def test_a_revision_that_cannot_be_kept_leaves_nothing(
    store: Store, make_revision: MakeRevision, database_url: str
) -> None:
    """The reply row goes in first; when its `revisions` row fails, neither is kept."""
    request, revision = make_revision()
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE revisions RENAME TO revisions_gone"))
        with pytest.raises(StoreUnavailable, match="save the revision"):
            store.save_revision(request, revision, duration_ms=1.0)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE revisions_gone RENAME TO revisions"))
    finally:
        engine.dispose()
    assert store.get_reply(revision.id) is None
    assert store.list_replies(ReplyFilter()).items == []


def test_replies_kept_before_0003_read_back_as_replies(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine, "0002")
        # The columns of 0002 only: the row a service of that version wrote.
        row = {
            "id": "a" * 32,
            "created_at": NOW,
            "business_key": "bistro verde",
            "business_name": "Bistro Verde",
            "business": {},
            "review_key": "k",
            "review_text": "Cold soup.",
            "options": {},
            "reply": "Sorry.",
            "source": "template",
            "passed": False,
            "language": "en",
            "scenario": "genuine",
            "scenario_reason": "r",
            "model": "templates-only",
            "checks": [],
            "suggestions": [],
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "duration_ms": 1.0,
        }
        with engine.begin() as connection:
            connection.execute(insert(Reply), [row])
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    store = Store.open(database_url)
    try:
        record = store.get_reply("a" * 32)
        assert record is not None
        assert (record.kind, record.revision, record.reply) == ("reply", None, "Sorry.")
        assert store.stats().by_kind == {"reply": 1}
    finally:
        store.close()


def test_downgrading_0003_drops_the_revisions(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        downgrade_to(engine, "0002")
        assert migrate.current(engine) == "0002"
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM replies")).keys()
            assert "kind" not in columns
            tables = connection.dialect.get_table_names(connection)
            assert "revisions" not in tables
    finally:
        engine.dispose()
