"""POST /v1/revisions: the revision of a person's reply, what it refuses, and how it
is kept in the records with feedback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.support import ATTACK_DRAFT, GENERIC_DRAFT, GOOD_DRAFT, reply_body

from replyguard.api import create_app
from replyguard.settings import Settings
from replyguard.storage.engine import make_engine


def _body(draft: str) -> dict[str, Any]:
    return reply_body() | {"draft": draft}


def test_a_passing_reply_comes_back_unchanged(client: TestClient) -> None:
    data = client.post("/v1/revisions", json=_body(GOOD_DRAFT)).json()
    assert data["revised"] == GOOD_DRAFT
    assert data["passed"] is True
    assert data["changes"] == []
    assert data["kept"] == 1.0
    assert data["source"] == "rules"
    assert data["language"] == "en"
    assert data["checks"] == data["checks_before"]


def test_a_failing_reply_is_revised_with_its_changes(client: TestClient) -> None:
    response = client.post("/v1/revisions", json=_body(GENERIC_DRAFT))
    assert response.status_code == 200
    data = response.json()
    assert data["passed"] is True
    assert not all(c["passed"] for c in data["checks_before"])
    assert all(c["passed"] for c in data["checks"])
    kinds = {(c["check"], c["kind"]) for c in data["changes"]}
    assert {("no_generic", "replaced"), ("named_contact", "added")} <= kinds
    assert "Anna Kowalska" in data["revised"]
    assert 0 < data["kept"] < 1


def test_an_attack_is_removed(client: TestClient) -> None:
    data = client.post("/v1/revisions", json=_body(ATTACK_DRAFT)).json()
    assert data["passed"] is True
    assert "hard to believe" not in data["revised"]
    removed = [c for c in data["changes"] if c["check"] == "no_attack"]
    assert removed
    assert removed[0]["kind"] == "removed"
    assert removed[0]["after"] == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("draft"), "draft"),
        (lambda b: b.update(draft="   "), "draft"),
        (lambda b: b.update(draft="x" * 10_001), "draft"),
        (lambda b: b["business"]["contact"].update(phone=None, email=None), "contact"),
        (lambda b: b.update(options={"max_words": 5}), "max_words"),
        (lambda b: b.update(surprise=True), "surprise"),
    ],
)
def test_invalid_input_is_422_with_a_json_error(
    client: TestClient, change: Callable[[dict[str, Any]], object], field: str
) -> None:
    body = _body(GOOD_DRAFT)
    change(body)
    response = client.post("/v1/revisions", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in str(error)


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post(
        "/v1/revisions", content=b'{"draft": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


# -- kept in the records ---------------------------------------------------------
@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    settings = Settings(llm_provider="none", database_url=database_url, rate_limit_per_minute=0)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _revise(api: TestClient, draft: str, **review: Any) -> dict[str, Any]:
    response = api.post("/v1/revisions", json=reply_body(**review) | {"draft": draft})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_a_revision_is_listed_and_read_back(api: TestClient) -> None:
    reply = api.post("/v1/replies", json=reply_body(id="rev-reply")).json()
    revision = _revise(api, GENERIC_DRAFT, id="rev-revision")
    assert len(revision["id"]) == 32
    assert revision["scenario"] == reply["scenario"]
    assert revision["topics"] == reply["topics"]
    assert revision["model"] == "rules"

    record = api.get(f"/v1/replies/{revision['id']}").json()
    assert record["kind"] == "revision"
    assert record["reply"] == revision["revised"]
    assert record["source"] == "rules"
    assert record["checks"] == revision["checks"]
    assert record["revision"] == {
        "draft": GENERIC_DRAFT,
        "kept": revision["kept"],
        "changes": revision["changes"],
        "checks_before": revision["checks_before"],
    }
    assert "no_generic" in record["failed_checks"]
    # A reply's record reads as before, marked as a reply.
    kept_reply = api.get(f"/v1/replies/{reply['id']}").json()
    assert (kept_reply["kind"], kept_reply["revision"]) == ("reply", None)
    assert kept_reply["reply"] == reply["reply"]

    listed = api.get("/v1/replies").json()["items"]
    assert [(i["review_id"], i["kind"]) for i in listed] == [
        ("rev-revision", "revision"),
        ("rev-reply", "reply"),
    ]
    only = api.get("/v1/replies", params={"kind": "revision"}).json()["items"]
    assert [i["id"] for i in only] == [revision["id"]]
    by_rules = api.get("/v1/replies", params={"source": "rules"}).json()["items"]
    assert [i["id"] for i in by_rules] == [revision["id"]]
    assert api.get("/v1/replies", params={"kind": "draft"}).status_code == 422

    stats = api.get("/v1/stats").json()
    assert stats["replies"] == 2
    assert stats["by_kind"] == {"reply": 1, "revision": 1}
    assert stats["by_source"] == {"rules": 1, "template": 1}


def test_feedback_on_a_revision_starts_its_follow_up(api: TestClient) -> None:
    revision = _revise(api, GOOD_DRAFT)
    sent_at = datetime.now(UTC) - timedelta(days=5)
    response = api.post(
        f"/v1/replies/{revision['id']}/feedback",
        json={
            "used_suggestion": 0,
            "edited": True,
            "final_text": "Posted text.",
            "sent_at": sent_at.isoformat(),
        },
    )
    assert response.status_code == 202, response.text
    assert response.json()["reply_id"] == revision["id"]

    record = api.get(f"/v1/replies/{revision['id']}").json()
    assert record["feedback"]["edited"] is True
    assert record["feedback"]["final_text"] == "Posted text."
    assert record["sent_at"] is not None
    due = api.get("/v1/follow-ups/due", params={"days": 3}).json()["items"]
    assert [(d["reply_id"], d["sent_text"]) for d in due] == [(revision["id"], "Posted text.")]
    outcome = api.post(f"/v1/replies/{revision['id']}/outcome", json={"satisfied": True})
    assert outcome.status_code == 200
    assert api.get("/v1/stats").json()["feedback"]["edited"] == 1


def test_a_store_that_fails_answers_503_and_keeps_no_revision(
    api: TestClient, database_url: str
) -> None:
    kept = _revise(api, GOOD_DRAFT, id="rev-kept")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE revisions RENAME TO revisions_gone"))
        lost = reply_body(id="rev-lost") | {"draft": GENERIC_DRAFT}
        response = api.post("/v1/revisions", json=lost)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "store_unavailable"
        assert response.headers["retry-after"]
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE revisions_gone RENAME TO revisions"))
    finally:
        engine.dispose()
    # Nothing half-written: the reply row of the failed revision went with it.
    listed = api.get("/v1/replies").json()["items"]
    assert [item["id"] for item in listed] == [kept["id"]]


def test_the_schema_documents_the_store_error(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert "503" in paths["/v1/revisions"]["post"]["responses"]
