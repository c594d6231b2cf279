"""Replies answered together over HTTP, against the scripted LLM: every 200 is in the
records (read back through another connection), and a store that fails gives no 200.
On SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.support import GOOD_DRAFT, reply_body, scripted_settings

from replyguard.api import create_app
from replyguard.storage import Store
from replyguard_evals.scripted_llm import ScriptedLLM

IN_FLIGHT = 12


@pytest.fixture
def api(llm: ScriptedLLM, database_url: str) -> Iterator[TestClient]:
    # No `not_repeated` memory: every request gets the same good draft.
    settings = scripted_settings(
        llm, database_url=database_url, rate_limit_per_minute=0, repeat_window=0
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _post_all(api: TestClient, count: int) -> list[httpx.Response]:
    """`count` requests at once (the LLM holds each a while, so they overlap)."""
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        return list(
            pool.map(
                lambda n: api.post("/v1/replies", json=reply_body(id=f"rev-{n}")), range(count)
            )
        )


def test_every_reply_answered_together_is_stored(
    api: TestClient, llm: ScriptedLLM, database_url: str
) -> None:
    llm.script({"text": GOOD_DRAFT, "hang": 0.05})
    responses = _post_all(api, 36)
    assert [r.status_code for r in responses] == [200] * 36
    assert llm.max_in_flight > 1
    observer = Store.open(database_url)
    try:
        for response in responses:
            data = response.json()
            record = observer.get_reply(data["id"])
            assert record is not None
            assert record.reply == data["reply"] == GOOD_DRAFT
            assert record.source == "llm"
    finally:
        observer.close()


def test_a_store_that_fails_gives_no_200(
    api: TestClient, llm: ScriptedLLM, database_url: str
) -> None:
    llm.script({"text": GOOD_DRAFT, "hang": 0.05})
    observer = Store.open(database_url)
    try:
        with observer.engine.begin() as connection:
            connection.execute(text("ALTER TABLE attempts RENAME TO attempts_gone"))
        responses = _post_all(api, 12)
        with observer.engine.begin() as connection:
            connection.execute(text("ALTER TABLE attempts_gone RENAME TO attempts"))
        assert {r.status_code for r in responses} == {503}
        assert {r.json()["error"]["code"] for r in responses} == {"store_unavailable"}
    finally:
        observer.close()
    listed = api.get("/v1/replies").json()["items"]
    assert listed == []
