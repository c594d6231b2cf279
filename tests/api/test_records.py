"""The records API over HTTP, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.support import ATTACK_DRAFT, GOOD_DRAFT, reply_body, scripted_settings

from replyguard.api import create_app
from replyguard.settings import Settings
from replyguard.storage.engine import make_engine
from replyguard_evals.scripted_llm import ScriptedLLM

#: No rate limit: these tests send many requests from one client.
OPEN = {"rate_limit_per_minute": 0}


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    settings = Settings(llm_provider="none", database_url=database_url, **OPEN)
    with TestClient(create_app(settings)) as client:
        yield client


def reply(client: TestClient, **review: Any) -> dict[str, Any]:
    response = client.post("/v1/replies", json=reply_body(**review))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_every_reply_is_kept_and_read_back(api: TestClient) -> None:
    data = reply(api)
    response = api.get(f"/v1/replies/{data['id']}")
    assert response.status_code == 200
    record = response.json()
    for field in ("reply", "source", "passed", "language", "scenario", "topics", "checks"):
        assert record[field] == data[field], field
    assert record["attempts"] == data["attempts"]
    assert record["usage"] == data["usage"]
    assert record["review_id"] == "rev-1042"
    assert record["review"]["text"].startswith("We waited almost two hours")
    assert record["business"]["name"] == "Bistro Verde"
    assert record["duration_ms"] > 0
    assert record["feedback"] is None
    datetime.fromisoformat(record["created_at"])

    missing = api.get("/v1/replies/" + "0" * 32)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_list_filters_and_pages(api: TestClient) -> None:
    ids = [reply(api, id=f"rev-{n}")["id"] for n in range(5)]
    other = api.post(
        "/v1/replies",
        json=reply_body(id="rev-x") | {"options": {"scenario": "needs_investigation"}},
    ).json()

    everything = api.get("/v1/replies", params={"business": "bistro verde"}).json()
    assert {item["id"] for item in everything["items"]} == {*ids, other["id"]}
    assert everything["next_cursor"] is None

    pages: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/replies", params=params).json()
        pages += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(pages) == sorted([*ids, other["id"]])
    assert len(pages) == 6

    scenario = api.get("/v1/replies", params={"scenario": "needs_investigation"}).json()
    assert [item["id"] for item in scenario["items"]] == [other["id"]]
    by_review = api.get("/v1/replies", params={"review_id": "rev-3"}).json()
    assert [item["id"] for item in by_review["items"]] == [ids[3]]
    assert api.get("/v1/replies", params={"source": "llm"}).json()["items"] == []
    since = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert api.get("/v1/replies", params={"since": since}).json()["items"] == []

    bad = api.get("/v1/replies", params={"cursor": "nonsense!"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "cursor"
    assert api.get("/v1/replies", params={"limit": 0}).status_code == 422
    assert api.get("/v1/replies", params={"source": "human"}).status_code == 422


def test_feedback_is_kept_and_feeds_the_rates(api: TestClient) -> None:
    first, second = reply(api, id="rev-a")["id"], reply(api, id="rev-b")["id"]
    sent_at = (datetime.now(UTC) - timedelta(days=4)).isoformat()
    response = api.post(
        f"/v1/replies/{first}/feedback",
        json={"used_suggestion": 0, "edited": True, "final_text": "Our words.", "sent_at": sent_at},
    )
    assert response.status_code == 202, response.text
    unknown = api.post(
        "/v1/replies/" + "a" * 32 + "/feedback", json={"used_suggestion": 0, "edited": False}
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"

    record = api.get(f"/v1/replies/{first}").json()
    assert record["feedback"]["edited"] is True
    assert record["feedback"]["final_text"] == "Our words."
    assert record["sent_at"] is not None

    stats = api.get("/v1/stats").json()
    assert stats["replies"] == 2
    assert stats["feedback"]["received"] == 1
    assert stats["feedback"]["acceptance_rate"] == 0.5
    assert stats["feedback"]["edit_rate"] == 1.0
    assert stats["by_source"] == {"template": 2}
    assert stats["follow_ups"]["sent"] == 1

    # Sent four days ago with no outcome: due (default 3 days).
    due = api.get("/v1/follow-ups/due").json()
    assert due["days"] == 3
    assert [item["reply_id"] for item in due["items"]] == [first]
    assert due["items"][0]["sent_text"] == "Our words."
    assert api.get("/v1/follow-ups/due", params={"days": 5}).json()["items"] == []

    # Marked sent just now: due only with days=0.
    marked = api.post(f"/v1/replies/{second}/sent", json={})
    assert marked.status_code == 200
    assert {i["reply_id"] for i in api.get("/v1/follow-ups/due?days=0").json()["items"]} == {
        first,
        second,
    }
    assert api.post("/v1/replies/" + "b" * 32 + "/sent").status_code == 404

    outcome = api.post(f"/v1/replies/{first}/outcome", json={"satisfied": True, "new_rating": 4})
    assert outcome.status_code == 200, outcome.text
    assert outcome.json()["rating_updated"] is True
    assert api.get("/v1/follow-ups/due").json()["items"] == []
    assert api.get(f"/v1/replies/{first}").json()["outcome"]["new_rating"] == 4
    assert api.post(f"/v1/replies/{first}/outcome", json={"new_rating": 9}).status_code == 422
    missing = api.post("/v1/replies/" + "c" * 32 + "/outcome", json={"satisfied": False})
    assert missing.status_code == 404


def test_topics_name_what_to_fix_first(api: TestClient) -> None:
    reviews = [
        "We waited two hours for our food.",
        "Waited forever, and the bill was wrong.",
        "The bathroom was dirty.",
        "Wir haben zwei Stunden auf das Essen gewartet.",
    ]
    for n, review in enumerate(reviews):
        reply(api, text=review, id=f"rev-{n}")
    data = api.get("/v1/stats/topics", params={"business": "Bistro Verde"}).json()
    counts = {t["topic"]: t["count"] for t in data["topics"]}
    assert data["topics"][0]["topic"] == "wait_time"
    assert counts["wait_time"] == 3
    assert counts["billing"] == 1
    assert counts["cleanliness"] == 1
    assert data["reviews"] == 4
    assert all(t["trend"] == "new" for t in data["topics"])
    assert api.get("/v1/stats/topics", params={"business": "Elsewhere"}).json()["topics"] == []
    dated = api.get("/v1/stats/topics", params={"business": "bistro verde", "since": "2020-01-01"})
    assert dated.status_code == 200
    assert dated.json()["reviews"] == 4
    assert dated.json()["since"].startswith("2020-01-01T00:00:00")
    now = datetime.now(UTC).isoformat()
    bad = api.get("/v1/stats/topics", params={"since": now, "until": now})
    assert bad.status_code == 422


def test_records_routes_are_documented(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/replies",
        "/v1/replies/{reply_id}",
        "/v1/replies/{reply_id}/sent",
        "/v1/replies/{reply_id}/outcome",
        "/v1/follow-ups/due",
        "/v1/stats",
        "/v1/stats/topics",
    ):
        assert path in paths, path
    assert "503" in paths["/v1/replies"]["post"]["responses"]


def test_a_store_that_fails_answers_503_and_keeps_nothing(
    api: TestClient, database_url: str
) -> None:
    kept = reply(api, id="rev-kept")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE attempts RENAME TO attempts_gone"))
        response = api.post("/v1/replies", json=reply_body(id="rev-lost"))
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "store_unavailable"
        assert response.headers["retry-after"]
        assert api.get(f"/v1/replies/{kept['id']}").status_code == 503
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE attempts_gone RENAME TO attempts"))
    finally:
        engine.dispose()
    # Nothing half-written: the failed reply left no row behind.
    listed = api.get("/v1/replies").json()["items"]
    assert [item["review_id"] for item in listed] == ["rev-kept"]


def test_not_repeated_reads_the_records(llm: ScriptedLLM, database_url: str) -> None:
    """A reply made before a restart still counts as recent for `not_repeated`."""
    settings = scripted_settings(llm, database_url=database_url, **OPEN)
    with TestClient(create_app(settings)) as before:
        llm.script({"text": ATTACK_DRAFT}, {"text": GOOD_DRAFT})
        first = before.post("/v1/replies", json=reply_body()).json()
        assert first["source"] == "llm"
    with TestClient(create_app(settings)) as after:
        llm.script({"text": GOOD_DRAFT})
        other = "The room was noisy all night and the shower was cold."
        second = after.post("/v1/replies", json=reply_body(text=other, id="rev-2")).json()
        assert "not_repeated" in second["attempts"][0]["failed"]
        # The LLM attempts and their failed checks are in the records.
        record = after.get(f"/v1/replies/{first['id']}").json()
        assert [a["source"] for a in record["attempts"]] == ["llm", "llm"]
        assert "no_attack" in record["attempts"][0]["failed"]
        assert record["usage"]["prompt_tokens"] > 0
        found = after.get("/v1/replies", params={"failed_check": "no_attack"}).json()
        assert [item["id"] for item in found["items"]] == [first["id"]]
        stats = after.get("/v1/stats").json()
        assert stats["failed_checks"]["no_attack"] == 1
        assert stats["failed_checks"]["not_repeated"] == 1
