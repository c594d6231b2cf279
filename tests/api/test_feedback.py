"""POST /v1/replies/{id}/feedback: which suggestion an agent used, edited or not."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.support import reply_body

from replyguard.api import create_app
from replyguard.feedback import LoggingFeedbackSink, UnknownReply
from replyguard.schemas import FeedbackRequest
from replyguard.settings import Settings

REPLY_ID = "0123456789abcdef0123456789abcdef"
URL = f"/v1/replies/{REPLY_ID}/feedback"


class RecordingSink:
    def __init__(self) -> None:
        self.reports: list[tuple[str, FeedbackRequest, datetime]] = []

    async def record(self, reply_id: str, feedback: FeedbackRequest, received_at: datetime) -> None:
        self.reports.append((reply_id, feedback, received_at))


class KnowsNoReply:
    async def record(self, reply_id: str, feedback: FeedbackRequest, received_at: datetime) -> None:
        raise UnknownReply(reply_id)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("feedback")
    settings = Settings(llm_provider="none", database_url=f"sqlite:///{folder}/records.db")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def sink(client: TestClient) -> Iterator[RecordingSink]:
    app: Any = client.app
    previous = app.state.feedback_sink
    app.state.feedback_sink = recording = RecordingSink()
    try:
        yield recording
    finally:
        app.state.feedback_sink = previous


def test_the_logging_sink_writes_one_json_line_without_any_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The default sink, until a records store takes its place."""
    final = "Dear Karen, I am so sorry about the cold soup. Anna Kowalska, +44 20 7946 0958"
    feedback = FeedbackRequest(
        used_suggestion=2,
        edited=True,
        final_text=final,
        sent_at=datetime.fromisoformat("2025-11-25T14:03:00+01:00"),
    )
    received_at = datetime(2025, 11, 25, 13, 5, tzinfo=UTC)
    with caplog.at_level(logging.INFO, logger="replyguard.feedback"):
        asyncio.run(LoggingFeedbackSink().record(REPLY_ID, feedback, received_at))
    (line,) = [r.getMessage() for r in caplog.records if r.name == "replyguard.feedback"]
    assert json.loads(line) == {
        "event": "reply_feedback",
        "reply_id": REPLY_ID,
        "used_suggestion": 2,
        "edited": True,
        "sent": True,
        "sent_at": "2025-11-25T14:03:00+01:00",
        "final_chars": len(final),
        "received_at": "2025-11-25T13:05:00+00:00",
    }
    for words in ("cold soup", "Karen", "Kowalska", "7946"):
        assert words not in line


def test_the_route_answers_202_and_hands_the_report_to_the_sink(
    client: TestClient, sink: RecordingSink
) -> None:
    reply = client.post("/v1/replies", json=reply_body() | {"options": {"suggestions": 3}})
    reply_id = reply.json()["id"]
    response = client.post(
        f"/v1/replies/{reply_id}/feedback",
        json={
            "used_suggestion": 2,
            "edited": True,
            "final_text": "Dear Karen, sorry. Anna Kowalska, +44 20 7946 0958",
            "sent_at": "2025-11-25T14:03:00+01:00",
        },
    )
    assert response.status_code == 202
    data = response.json()
    assert data["reply_id"] == reply_id
    assert data["status"] == "accepted"
    ((got_id, feedback, received_at),) = sink.reports
    assert got_id == reply_id
    assert feedback.used_suggestion == 2
    assert feedback.sent_at == datetime(2025, 11, 25, 13, 3, tzinfo=UTC)
    assert datetime.fromisoformat(data["received_at"]) == received_at


def test_a_copy_without_sent_at_or_text(client: TestClient, sink: RecordingSink) -> None:
    response = client.post(URL, json={"used_suggestion": 0, "edited": False})
    assert response.status_code == 202
    ((reply_id, feedback, received_at),) = sink.reports
    assert reply_id == REPLY_ID
    assert feedback.used_suggestion == 0
    assert feedback.edited is False
    assert feedback.final_text is None
    assert feedback.sent_at is None
    assert received_at.tzinfo is UTC


def test_final_text_is_cleaned(client: TestClient, sink: RecordingSink) -> None:
    text = "  Dear Karen,\u202e sorry.\r\nAnna  "
    client.post(URL, json={"used_suggestion": 1, "edited": True, "final_text": text})
    assert sink.reports[0][1].final_text == "Dear Karen, sorry.\nAnna"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"edited": False}, "used_suggestion"),
        ({"used_suggestion": 0}, "edited"),
        ({"used_suggestion": -1, "edited": False}, "used_suggestion"),
        ({"used_suggestion": 3, "edited": False}, "used_suggestion"),
        ({"used_suggestion": "1", "edited": False}, "used_suggestion"),
        ({"used_suggestion": 0, "edited": "yes"}, "edited"),
        ({"used_suggestion": 0, "edited": 1}, "edited"),
        ({"used_suggestion": 0, "edited": True, "final_text": ""}, "final_text"),
        ({"used_suggestion": 0, "edited": True, "final_text": "x" * 10001}, "final_text"),
        ({"used_suggestion": 0, "edited": False, "sent_at": "yesterday"}, "sent_at"),
        ({"used_suggestion": 0, "edited": False, "sent_at": "2025-11-25T14:03:00"}, "sent_at"),
        ({"used_suggestion": 0, "edited": False, "rating": 5}, "rating"),
    ],
)
def test_invalid_bodies_are_422_with_the_field(
    client: TestClient, sink: RecordingSink, body: dict[str, Any], field: str
) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["field"] == field
    assert sink.reports == []


@pytest.mark.parametrize(
    "reply_id", ["not-an-id", "0123456789ABCDEF0123456789ABCDEF", "0" * 31, "0" * 33, "g" * 32]
)
def test_a_malformed_reply_id_is_422(
    client: TestClient, sink: RecordingSink, reply_id: str
) -> None:
    response = client.post(
        f"/v1/replies/{reply_id}/feedback", json={"used_suggestion": 0, "edited": False}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "reply_id"
    assert sink.reports == []


def test_malformed_json_and_wrong_method(client: TestClient) -> None:
    response = client.post(URL, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert client.get(URL).status_code == 405


def test_a_sink_that_knows_no_such_reply_makes_a_404(client: TestClient) -> None:
    app: Any = client.app
    previous = app.state.feedback_sink
    app.state.feedback_sink = KnowsNoReply()
    try:
        response = client.post(URL, json={"used_suggestion": 0, "edited": False})
    finally:
        app.state.feedback_sink = previous
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": f"No reply has the id {REPLY_ID}.",
        "field": "reply_id",
    }


def test_reply_ids_are_unique_and_fit_the_feedback_route(client: TestClient) -> None:
    ids = {client.post("/v1/replies", json=reply_body()).json()["id"] for _ in range(3)}
    assert len(ids) == 3
    for reply_id in ids:
        response = client.post(
            f"/v1/replies/{reply_id}/feedback", json={"used_suggestion": 0, "edited": False}
        )
        assert response.status_code == 202
