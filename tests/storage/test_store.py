"""The records store on SQLite and on a real PostgreSQL server: the same tests for both."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from tests.storage.conftest import MakeReply

from replyguard.record_schemas import OutcomeRequest
from replyguard.schemas import AttemptOut
from replyguard.storage import InvalidCursor, ReplyFilter, Store, StoreUnavailable
from replyguard.storage.history import StoredReplies

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


def test_a_reply_is_kept_whole(store: Store, make_reply: MakeReply) -> None:
    request, response = make_reply()
    store.save_reply(request, response, duration_ms=12.345, created_at=NOW)

    record = store.get_reply(response.id)
    assert record is not None
    assert record.id == response.id
    assert record.created_at == NOW
    assert record.reply == response.reply
    assert record.source == response.source == "template"
    assert record.passed is response.passed
    assert record.language == response.language == "en"
    assert record.scenario == response.scenario
    assert record.scenario_reason == response.scenario_reason
    assert record.topics == response.topics
    assert record.topics[:2] == ["wait_time", "food_quality"]
    assert record.checks == response.checks
    assert record.attempts == response.attempts
    assert record.usage == response.usage
    assert record.model == "templates-only"
    assert record.duration_ms == 12.35
    assert record.review_id == "rev-1"
    assert record.review.text == request.review.text
    assert record.review.reviewer_name == "Karen Miller"
    assert record.review.rating == 1
    assert record.business_name == "Bistro Verde"
    assert record.business["contact"]["phone"] == "+44 20 7946 0958"
    assert record.options["max_words"] == 120
    assert record.sent_at is None
    assert record.feedback is None
    assert record.outcome is None
    assert store.get_reply("0" * 32) is None


def test_every_attempt_keeps_its_failed_checks(store: Store, make_reply: MakeReply) -> None:
    request, response = make_reply()
    attempts = [
        AttemptOut(
            source="llm",
            text="",
            failed=[],
            error="timeout",
            error_kind="timeout",
            duration_ms=20000.0,
        ),
        AttemptOut(
            source="llm", text="We doubt it.", failed=["no_attack", "length"], duration_ms=9
        ),
        *response.attempts,
    ]
    response = response.model_copy(update={"attempts": attempts})
    store.save_reply(request, response, duration_ms=1.0)

    record = store.get_reply(response.id)
    assert record is not None
    assert record.attempts == attempts
    assert record.attempts[0].error == "timeout"
    assert [a.error_kind for a in record.attempts] == ["timeout", None, None]
    assert record.failed_checks == ["no_attack", "length"]
    page = store.list_replies(ReplyFilter(failed_check="no_attack"))
    assert [item.id for item in page.items] == [response.id]
    assert page.items[0].attempts == 3
    assert store.list_replies(ReplyFilter(failed_check="no_meta")).items == []


def test_a_failed_write_keeps_nothing_half_written(store: Store, make_reply: MakeReply) -> None:
    request, response = make_reply()

    def refuse(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        # The reply row is written by now; its attempts fail.
        if statement.lstrip().upper().startswith("INSERT INTO ATTEMPTS"):
            raise RuntimeError("disk full")

    event.listen(store.engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            store.save_reply(request, response, duration_ms=1.0)
    finally:
        event.remove(store.engine, "before_cursor_execute", refuse)
    assert store.get_reply(response.id) is None
    assert store.stats().replies == 0

    # A database error (here: the same id twice) is StoreUnavailable, never silence.
    store.save_reply(request, response, duration_ms=1.0)
    with pytest.raises(StoreUnavailable):
        store.save_reply(request, response, duration_ms=1.0)
    assert store.stats().replies == 1


def test_list_filters_and_pages(store: Store, make_reply: MakeReply) -> None:
    ids: dict[str, str] = {}
    plan = [
        ("a", "Bistro Verde", "genuine", NOW - timedelta(days=5)),
        ("b", "Bistro Verde", "needs_investigation", NOW - timedelta(days=4)),
        ("c", "bistro  VERDE", "genuine", NOW - timedelta(days=3)),
        ("d", "Hotel Aurora", "genuine", NOW - timedelta(days=2)),
        ("e", "Hotel Aurora", "persistent", NOW - timedelta(days=1)),
        ("f", "Bistro Verde", "genuine", NOW - timedelta(days=1)),
    ]
    for name, business, scenario, created in plan:
        request, response = make_reply(
            review_id=f"rev-{name}", business=business, scenario=scenario
        )
        store.save_reply(request, response, duration_ms=5.0, created_at=created)
        ids[name] = response.id

    def listed(**filters: object) -> list[str]:
        page = store.list_replies(ReplyFilter(**filters), limit=200)  # type: ignore[arg-type]
        return [next(k for k, v in ids.items() if v == item.id) for item in page.items]

    # Newest first; on the same instant, by id (descending) for a stable order.
    everything = listed()
    assert len(everything) == 6
    assert everything[-2:] == ["b", "a"]
    assert set(everything[:2]) == {"e", "f"}
    assert sorted(listed(business="Bistro Verde")) == ["a", "b", "c", "f"]
    assert sorted(listed(business="hotel aurora")) == ["d", "e"]
    assert sorted(listed(scenario="genuine")) == ["a", "c", "d", "f"]
    assert listed(scenario="persistent") == ["e"]
    assert listed(source="llm") == []
    assert len(listed(source="template")) == 6
    assert sorted(listed(since=NOW - timedelta(days=3), until=NOW - timedelta(days=1))) == [
        "c",
        "d",
    ]
    assert listed(review_id="rev-d") == ["d"]
    assert len(listed(topic="wait_time")) == 6
    assert listed(topic="billing") == []
    assert len(listed(language="en", passed=True)) == 6

    # Pages of two cover everything once, in order.
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = store.list_replies(ReplyFilter(), limit=2, cursor=cursor)
        seen += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [ids[name] for name in everything]
    with pytest.raises(InvalidCursor):
        store.list_replies(ReplyFilter(), cursor="not-a-cursor!")


def test_feedback_sets_sent_and_feeds_the_rates(store: Store, make_reply: MakeReply) -> None:
    replies = []
    for n in range(4):
        request, response = make_reply(review_id=f"rev-{n}")
        store.save_reply(request, response, duration_ms=10.0 * (n + 1))
        replies.append(response.id)
    sent = NOW - timedelta(days=1)
    assert (
        store.record_feedback(
            "f" * 32, used_suggestion=0, edited=False, final_text=None, sent_at=None
        )
        is None
    )
    kept = store.record_feedback(
        replies[0], used_suggestion=0, edited=True, final_text="Edited text.", sent_at=sent
    )
    assert kept is not None
    assert kept.sent_at == sent
    store.record_feedback(
        replies[1], used_suggestion=1, edited=False, final_text=None, sent_at=None
    )
    # The latest report wins.
    store.record_feedback(
        replies[1], used_suggestion=0, edited=False, final_text=None, sent_at=None
    )

    record = store.get_reply(replies[0])
    assert record is not None
    assert record.sent_at == sent
    assert record.feedback is not None
    assert record.feedback.edited is True
    assert record.feedback.final_text == "Edited text."

    stats = store.stats()
    assert stats.replies == 4
    assert stats.by_source == {"template": 4}
    assert stats.mean_duration_ms == 25.0
    assert stats.feedback.received == 2
    assert stats.feedback.edited == 1
    assert stats.feedback.acceptance_rate == 0.5
    assert stats.feedback.edit_rate == 0.5
    assert stats.feedback.by_suggestion == {"0": 2}
    assert stats.follow_ups.sent == 1
    assert store.stats(business="Nobody").replies == 0
    assert store.stats(business="Nobody").feedback.acceptance_rate is None


def test_follow_ups_fall_due_and_leave_with_an_outcome(store: Store, make_reply: MakeReply) -> None:
    ages = {"old": 6, "due": 3, "fresh": 1}
    ids = {}
    for name, days in ages.items():
        request, response = make_reply(review_id=f"rev-{name}")
        store.save_reply(request, response, duration_ms=1.0, created_at=NOW - timedelta(days=9))
        assert store.mark_sent(response.id, NOW - timedelta(days=days)) is not None
        ids[name] = response.id
    request, unsent = make_reply(review_id="rev-unsent")
    store.save_reply(request, unsent, duration_ms=1.0)
    assert store.mark_sent("e" * 32) is None

    due = store.due_follow_ups(3, at=NOW)
    assert [f.reply_id for f in due.items] == [ids["old"], ids["due"]]
    assert due.items[0].days_since_sent == 6.0
    assert due.items[0].sent_text
    assert due.items[0].reviewer_name == "Karen Miller"
    assert [f.reply_id for f in store.due_follow_ups(0, at=NOW).items] == list(ids.values())
    assert store.due_follow_ups(3, business="Other Place", at=NOW).items == []

    first = store.due_follow_ups(3, limit=1, at=NOW)
    assert len(first.items) == 1
    assert first.next_cursor
    second = store.due_follow_ups(3, limit=1, cursor=first.next_cursor, at=NOW)
    assert [f.reply_id for f in second.items] == [ids["due"]]
    assert second.next_cursor is None

    outcome = store.record_outcome(
        ids["old"], OutcomeRequest(satisfied=True, new_rating=4, note="Called back, happy.")
    )
    assert outcome is not None
    assert outcome.rating_updated is True
    assert store.record_outcome("d" * 32, OutcomeRequest(satisfied=False)) is None
    assert [f.reply_id for f in store.due_follow_ups(3, at=NOW).items] == [ids["due"]]
    record = store.get_reply(ids["old"])
    assert record is not None
    assert record.outcome is not None
    assert record.outcome.new_rating == 4
    stats = store.stats()
    assert stats.follow_ups.sent == 3
    assert stats.follow_ups.outcomes == 1
    assert stats.follow_ups.satisfaction_rate == 1.0


def test_edited_text_is_what_the_follow_up_shows(store: Store, make_reply: MakeReply) -> None:
    request, response = make_reply()
    store.save_reply(request, response, duration_ms=1.0)
    store.record_feedback(
        response.id,
        used_suggestion=0,
        edited=True,
        final_text="Our own words.",
        sent_at=NOW - timedelta(days=4),
    )
    (follow_up,) = store.due_follow_ups(3, at=NOW).items
    assert follow_up.sent_text == "Our own words."


def test_topics_counted_with_trend(store: Store, make_reply: MakeReply) -> None:
    texts = {
        "wait": "We waited two hours for a table.",
        "dirty": "The bathroom was dirty and smelled.",
        "bill": "We were overcharged on the bill.",
    }
    plan = [
        # this period (the last 7 days before NOW)
        ("wait", 1),
        ("wait", 2),
        ("wait", 3),
        ("dirty", 2),
        ("bill", 3),
        # the previous 7 days
        ("wait", 8),
        ("dirty", 9),
        ("dirty", 10),
        ("dirty", 11),
        ("bill", 12),
        # too old to count
        ("bill", 30),
    ]
    for n, (kind, days_ago) in enumerate(plan):
        request, response = make_reply(text=texts[kind], review_id=f"rev-{n}")
        store.save_reply(
            request, response, duration_ms=1.0, created_at=NOW - timedelta(days=days_ago)
        )
    request, response = make_reply(text=texts["bill"], business="Hotel Aurora", review_id="x")
    store.save_reply(request, response, duration_ms=1.0, created_at=NOW - timedelta(days=1))

    stats = store.topic_stats(business="bistro verde", since=NOW - timedelta(days=7), until=NOW)
    assert stats.reviews == 5
    assert stats.previous_reviews == 5
    assert stats.previous_since == NOW - timedelta(days=14)
    by_topic = {t.topic: t for t in stats.topics}
    assert [t.topic for t in stats.topics][:1] == ["wait_time"]
    assert (by_topic["wait_time"].count, by_topic["wait_time"].previous_count) == (3, 1)
    assert by_topic["wait_time"].trend == "up"
    assert by_topic["wait_time"].share == 0.6
    assert by_topic["cleanliness"].trend == "down"
    assert by_topic["cleanliness"].change == -2
    assert by_topic["billing"].trend == "flat"

    everyone = store.topic_stats(since=NOW - timedelta(days=7), until=NOW)
    assert {t.topic: t.count for t in everyone.topics}["billing"] == 2
    assert (
        store.topic_stats(business="bistro verde", since=NOW, until=NOW + timedelta(days=1)).topics
        == []
    )
    with pytest.raises(ValueError, match="before"):
        store.topic_stats(since=NOW, until=NOW)
    # A period reaching back to year 1 has a previous period that starts there too.
    ancient = store.topic_stats(since=datetime(1, 1, 2, tzinfo=UTC), until=NOW)
    assert ancient.previous_since == datetime.min.replace(tzinfo=UTC)
    assert ancient.reviews == 12


def test_recent_replies_come_from_the_store(
    store: Store, database_url: str, make_reply: MakeReply
) -> None:
    history = StoredReplies(store, per_business=3, ttl_s=0.0)
    assert history.recent("Bistro Verde", "rev-x") == ()
    texts = []
    for n in range(4):
        request, response = make_reply(review_id=f"rev-{n}")
        store.save_reply(request, response, duration_ms=1.0, created_at=NOW + timedelta(minutes=n))
        texts.append(response.reply)
    # The last three, oldest first, without replies to the review being answered.
    assert history.recent("BISTRO verde", "rev-x") == tuple(texts[1:])
    assert history.recent("Bistro Verde", "rev-2") == (texts[1], texts[3])
    assert history.recent("Hotel Aurora", "rev-x") == ()

    # Another process writing to the same database is seen once the cache is stale.
    other = Store.open(database_url)
    try:
        request, response = make_reply(review_id="rev-9")
        other.save_reply(request, response, duration_ms=1.0, created_at=NOW + timedelta(hours=1))
    finally:
        other.close()
    assert history.recent("Bistro Verde", "rev-x")[-1] == response.reply

    cached = StoredReplies(store, per_business=3, ttl_s=3600)
    assert len(cached.recent("Bistro Verde", "rev-x")) == 3
    cached.add("Bistro Verde", "rev-new", "A brand new reply.")
    assert cached.recent("Bistro Verde", "rev-x")[-1] == "A brand new reply."
    assert StoredReplies(store, per_business=0).recent("Bistro Verde", "rev-x") == ()


def test_concurrent_writers_all_land(store: Store, make_reply: MakeReply) -> None:
    request, response = make_reply()
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(25):
                copy = response.model_copy(update={"id": f"{worker:02d}{n:030d}"})
                store.save_reply(request, copy, duration_ms=1.0)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert store.stats().replies == 200
