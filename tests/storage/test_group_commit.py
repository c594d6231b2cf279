"""Group commit (`storage.group`) on SQLite and on a real PostgreSQL server: replies
that finish together share a transaction, and none is answered before its commit."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from tests.storage.conftest import MakeReply

from replyguard.schemas import ReplyRequest, ReplyResponse
from replyguard.storage import Store, StoreUnavailable
from replyguard.storage.group import GroupCommit
from replyguard.storage.mapping import Rows

Pair = tuple[ReplyRequest, ReplyResponse]


def _replies(make_reply: MakeReply, count: int) -> list[Pair]:
    """`count` real replies, each with its own id (one pipeline call, copied)."""
    request, response = make_reply()
    return [(request, response.model_copy(update={"id": uuid.uuid4().hex})) for _ in range(count)]


def _batches(store: Store) -> list[int]:
    """Spy on the store: the size of every transaction the writer asks for."""
    sizes: list[int] = []
    save = store.save_replies

    def counted(replies: list[Rows]) -> list[StoreUnavailable | None]:
        sizes.append(len(replies))
        return save(replies)

    store.save_replies = counted  # type: ignore[method-assign]
    return sizes


async def _save_all(writer: GroupCommit, pairs: list[Pair]) -> list[BaseException | None]:
    async def one(request: ReplyRequest, response: ReplyResponse) -> None:
        await writer.save_reply(request, response, duration_ms=1.0)

    return await asyncio.gather(*(one(*pair) for pair in pairs), return_exceptions=True)


def test_concurrent_replies_are_all_kept_in_fewer_transactions(
    store: Store, make_reply: MakeReply
) -> None:
    pairs = _replies(make_reply, 60)
    sizes = _batches(store)
    outcomes = asyncio.run(_save_all(GroupCommit(store, max_batch=25), pairs))

    assert outcomes == [None] * 60
    assert sum(sizes) == 60
    assert len(sizes) < 60
    assert max(sizes) <= 25
    for _, response in pairs:
        record = store.get_reply(response.id)
        assert record is not None
        assert record.reply == response.reply
        assert record.attempts == response.attempts
        assert record.checks == response.checks


def test_a_reply_is_answered_only_once_its_commit_is_visible(
    database_url: str, make_reply: MakeReply
) -> None:
    """Read through a second store (its own connections): what a saved reply's caller
    is told is stored is committed, not merely written in an open transaction."""
    writer_store, observer = Store.open(database_url), Store.open(database_url)
    pairs = _replies(make_reply, 40)
    unseen: list[str] = []

    async def one(writer: GroupCommit, request: ReplyRequest, response: ReplyResponse) -> None:
        await writer.save_reply(request, response, duration_ms=1.0)
        # No await between the answer and the read: nothing else runs meanwhile.
        if observer.get_reply(response.id) is None:
            unseen.append(response.id)

    async def main() -> None:
        writer = GroupCommit(writer_store)
        tasks = []
        for pair in pairs:
            tasks.append(asyncio.create_task(one(writer, *pair)))
            await asyncio.sleep(0)  # arrivals spread over the commits in flight
        await asyncio.gather(*tasks)

    try:
        asyncio.run(main())
    finally:
        writer_store.close()
        observer.close()
    assert unseen == []


def test_a_lone_reply_is_committed_at_once(store: Store, make_reply: MakeReply) -> None:
    sizes = _batches(store)
    (request, response), *_ = _replies(make_reply, 1)
    asyncio.run(GroupCommit(store).save_reply(request, response, duration_ms=1.0))
    assert sizes == [1]
    assert store.get_reply(response.id) is not None


def test_a_reply_that_cannot_be_stored_fails_alone(store: Store, make_reply: MakeReply) -> None:
    pairs = _replies(make_reply, 8)
    taken = pairs[3]
    store.save_reply(*taken, duration_ms=1.0)  # its id is taken: it cannot be kept again
    sizes = _batches(store)

    outcomes = asyncio.run(_save_all(GroupCommit(store), pairs))

    assert sizes == [8]  # one shared transaction was tried, then each alone
    assert isinstance(outcomes[3], StoreUnavailable)
    assert [o for i, o in enumerate(outcomes) if i != 3] == [None] * 7
    for _, response in pairs:
        assert store.get_reply(response.id) is not None


def test_a_database_that_fails_fails_every_reply_and_keeps_none(
    store: Store, make_reply: MakeReply
) -> None:
    pairs = _replies(make_reply, 6)
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE attempts RENAME TO attempts_gone"))
    outcomes = asyncio.run(_save_all(GroupCommit(store), pairs))
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE attempts_gone RENAME TO attempts"))

    assert all(isinstance(o, StoreUnavailable) for o in outcomes)
    for _, response in pairs:
        assert store.get_reply(response.id) is None


def test_an_unexpected_failure_fails_its_batch_and_the_writer_goes_on(
    store: Store, make_reply: MakeReply
) -> None:
    first, second = _replies(make_reply, 2)
    save = store.save_replies
    calls = 0

    def broken_once(replies: list[Rows]) -> list[StoreUnavailable | None]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("not a database error")
        return save(replies)

    store.save_replies = broken_once  # type: ignore[method-assign]

    async def main() -> None:
        writer = GroupCommit(store)
        with pytest.raises(StoreUnavailable):
            await writer.save_reply(*first, duration_ms=1.0)
        await writer.save_reply(*second, duration_ms=1.0)

    asyncio.run(main())
    assert store.get_reply(first[1].id) is None
    assert store.get_reply(second[1].id) is not None


def test_different_replies_in_one_transaction_are_each_kept_whole(
    store: Store, make_reply: MakeReply
) -> None:
    """Rows of unlike replies (no review id, other business and topics, suggestions)
    merged into one set of INSERTs come back reply by reply as they were."""
    pairs = [
        make_reply(),
        make_reply(review_id=None),
        make_reply(
            text="The room was dirty and the receptionist was rude to us.", business="Hotel"
        ),
        make_reply(suggestions=2),
    ]
    sizes = _batches(store)
    assert asyncio.run(_save_all(GroupCommit(store), pairs)) == [None] * 4
    assert sizes == [4]
    for request, response in pairs:
        record = store.get_reply(response.id)
        assert record is not None
        assert record.review_id == request.review.id
        assert record.business_name == request.business.name
        assert record.topics == response.topics
        assert record.attempts == response.attempts
        assert record.checks == response.checks
        assert record.suggestions == [s.model_dump(mode="json") for s in response.suggestions]
