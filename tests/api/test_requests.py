"""Bad input gets a clear 4xx with a JSON error body, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.support import reply_body

from replyguard.schemas import MAX_REVIEW_CHARS


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    node = body
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return body


def _with(body: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


BAD = {
    "missing_review": (_without(reply_body(), "review"), 422, "review"),
    "missing_text": (_without(reply_body(), "review", "text"), 422, "review.text"),
    "missing_business": (_without(reply_body(), "business"), 422, "business"),
    "missing_contact_name": (
        _without(reply_body(), "business", "contact", "name"),
        422,
        "business.contact.name",
    ),
    "rating_zero": (_with(reply_body(), 0, "review", "rating"), 422, "review.rating"),
    "rating_six": (_with(reply_body(), 6, "review", "rating"), 422, "review.rating"),
    "rating_text": (_with(reply_body(), "five", "review", "rating"), 422, "review.rating"),
    "empty_text": (_with(reply_body(), "", "review", "text"), 422, "review.text"),
    "blank_text": (_with(reply_body(), "   \n ", "review", "text"), 422, "review.text"),
    "text_too_long": (
        _with(reply_body(), "a" * (MAX_REVIEW_CHARS + 1), "review", "text"),
        422,
        "review.text",
    ),
    "no_phone_no_email": (
        _with(reply_body(), {"name": "Anna Kowalska"}, "business", "contact"),
        422,
        "business.contact",
    ),
    "bad_email": (
        _with(reply_body(), "not-an-email", "business", "contact", "email"),
        422,
        "business.contact.email",
    ),
    "phone_without_digits": (
        _with(reply_body(), "call us", "business", "contact", "phone"),
        422,
        "business.contact.phone",
    ),
    "one_letter_contact": (
        _with(reply_body(), "A", "business", "contact", "name"),
        422,
        "business.contact.name",
    ),
    "unsupported_language": (
        _with(reply_body(), "it", "review", "language"),
        422,
        "review.language",
    ),
    "unknown_field": (_with(reply_body(), "x", "review", "stars"), 422, "review.stars"),
    "max_words_too_small": (
        _with(reply_body(), {"max_words": 5}, "options"),
        422,
        "options.max_words",
    ),
    "body_is_a_list": ([1, 2, 3], 422, None),
}


@pytest.mark.parametrize("name", BAD, ids=list(BAD))
def test_bad_request_is_a_json_4xx(client: TestClient, name: str) -> None:
    body, status, field = BAD[name]
    response = client.post("/v1/replies", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"]
    if field:
        assert error["field"] == field


@pytest.mark.parametrize("path", ["/v1/replies", "/v1/checks"])
def test_malformed_json_is_400(client: TestClient, path: str) -> None:
    response = client.post(
        path, content=b'{"review": {', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_oversized_body_is_413_before_parsing(client: TestClient) -> None:
    response = client.post(
        "/v1/replies",
        content=b"{" + b" " * 70_000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_unknown_route_is_json_404(client: TestClient) -> None:
    response = client.get("/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_control_characters_are_stripped(client: TestClient) -> None:
    body = reply_body(text="The soup\x00 was cold\x1b[31m and we waited two hours.\u202e")
    body["draft"] = "Dear Karen, sorry. Anna Kowalska"
    response = client.post("/v1/checks", json=body)
    assert response.status_code == 200


def test_checks_endpoint_reports_every_check(client: TestClient) -> None:
    body = reply_body()
    body["draft"] = "Dear Karen, we find that hard to believe. The Management"
    data = client.post("/v1/checks", json=body).json()
    assert data["passed"] is False
    verdicts = {c["name"]: c["passed"] for c in data["checks"]}
    assert verdicts == {
        "length": True,
        "no_attack": False,
        "named_contact": False,
        "offline_channel": False,
        "no_generic": False,
        "language": True,
        "no_meta": True,
        "no_unauthorized_offer": True,
        "no_private_data": True,
        "not_repeated": True,
    }
    assert data["language"] == "en"
