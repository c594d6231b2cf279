"""Who may call the API: keys, rate limits, CORS, and the OpenAPI security schemes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.support import reply_body, scripted_settings

from replyguard.api import create_app
from replyguard.api.ratelimit import TokenBuckets
from replyguard.settings import Settings
from replyguard_evals.scripted_llm import ScriptedLLM

KEYS = ["k-alpha-0123456789", "k-beta-9876543210"]


@pytest.fixture(scope="module")
def locked(llm: ScriptedLLM) -> Iterator[TestClient]:
    settings = scripted_settings(llm, llm_provider="none", api_keys=",".join(KEYS))
    with TestClient(create_app(settings)) as client:
        yield client


def _check_body() -> dict[str, object]:
    return reply_body() | {"draft": "Dear Karen, sorry about the cold soup. Anna Kowalska"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/replies"),
        ("POST", "/v1/checks"),
        ("POST", "/v1/replies/0123456789abcdef0123456789abcdef/feedback"),
        ("GET", "/v1/anything-added-later"),
    ],
)
def test_every_v1_route_needs_a_key(locked: TestClient, method: str, path: str) -> None:
    response = locked.request(method, path, json=_check_body())
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert "X-API-Key" in error["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f"Bearer {KEYS[0]}"},
        {"Authorization": f"bearer {KEYS[1]}"},
        {"X-API-Key": KEYS[1]},
    ],
    ids=["bearer", "bearer-lowercase", "x-api-key"],
)
def test_a_valid_key_gets_in(locked: TestClient, headers: dict[str, str]) -> None:
    response = locked.post("/v1/checks", json=_check_body(), headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {KEYS[0]}"},
        {"X-API-Key": KEYS[0][:-1]},
        {"X-API-Key": KEYS[0] + "x"},
        {"Authorization": "Bearer "},
    ],
    ids=["wrong", "basic-scheme", "prefix", "longer", "empty"],
)
def test_an_invalid_key_is_refused(locked: TestClient, headers: dict[str, str]) -> None:
    response = locked.post("/v1/checks", json=_check_body(), headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/docs", "/openapi.json", "/"])
def test_service_routes_and_the_agent_page_stay_open(locked: TestClient, path: str) -> None:
    assert locked.get(path).status_code == 200


def test_healthz_says_whether_keys_are_required(locked: TestClient, client: TestClient) -> None:
    assert locked.get("/healthz").json()["auth"] == "api_keys"
    assert client.get("/healthz").json()["auth"] == "open"


def test_openapi_documents_both_ways_to_send_a_key(locked: TestClient) -> None:
    schema = locked.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    assert schemes["apiKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            if path.startswith("/v1/"):
                assert {"bearerAuth": []} in operation["security"]
                assert {"401", "429"} <= set(operation["responses"])
            else:
                assert "security" not in operation


def test_no_keys_means_open_with_a_warning(
    llm: ScriptedLLM, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING),
        TestClient(create_app(scripted_settings(llm, llm_provider="none"))) as open_client,
    ):
        assert open_client.post("/v1/checks", json=_check_body()).status_code == 200
    assert any("REPLYGUARD_API_KEYS is not set" in r.getMessage() for r in caplog.records)


def test_keys_never_appear_in_logs(locked: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        locked.post("/v1/checks", json=_check_body(), headers={"X-API-Key": KEYS[0]})
        locked.post("/v1/checks", json=_check_body(), headers={"X-API-Key": "guess-123"})
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert KEYS[0] not in logged
    assert "guess-123" not in logged


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("k1,k2", ["k1", "k2"]),
        (" k1 , ,k2 ", ["k1", "k2"]),
        ('["k1", "k2"]', ["k1", "k2"]),
        ("", []),
    ],
)
def test_keys_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: list[str]
) -> None:
    monkeypatch.setenv("REPLYGUARD_API_KEYS", raw)
    monkeypatch.setenv("REPLYGUARD_CORS_ORIGINS", "https://crm.example, https://agents.example")
    settings = Settings()
    assert [k.get_secret_value() for k in settings.api_keys] == expected
    assert settings.cors_origins == ["https://crm.example", "https://agents.example"]
    assert "k1" not in repr(settings)


# -- rate limits -------------------------------------------------------------------


def test_token_bucket_refills_at_the_rate_per_minute() -> None:
    now = [0.0]
    buckets = TokenBuckets(6, clock=lambda: now[0])  # one token every 10 s
    assert [buckets.take("a").allowed for _ in range(7)] == [True] * 6 + [False]
    denied = buckets.take("a")
    assert denied.retry_after_s == 10
    assert buckets.take("b").allowed, "every caller has their own bucket"
    now[0] = 9.0
    assert buckets.take("a").retry_after_s == 1
    now[0] = 10.0
    assert buckets.take("a").allowed
    assert not buckets.take("a").allowed


def test_buckets_are_bounded() -> None:
    buckets = TokenBuckets(1, max_clients=3)
    for client in "abcde":
        buckets.take(client)
    assert len(buckets._buckets) == 3


def test_rate_limit_per_key_answers_429_with_retry_after(llm: ScriptedLLM) -> None:
    settings = scripted_settings(
        llm, llm_provider="none", api_keys=",".join(KEYS), rate_limit_per_minute=2
    )
    first_key = {"X-API-Key": KEYS[0]}
    with TestClient(create_app(settings)) as client:
        ok = [client.post("/v1/checks", json=_check_body(), headers=first_key) for _ in range(2)]
        assert [r.status_code for r in ok] == [200, 200]
        assert ok[0].headers["x-ratelimit-limit"] == "2"
        assert ok[1].headers["x-ratelimit-remaining"] == "0"
        limited = client.post("/v1/checks", json=_check_body(), headers=first_key)
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 30
        other = client.post("/v1/checks", json=_check_body(), headers={"X-API-Key": KEYS[1]})
        assert other.status_code == 200, "the other key has its own limit"
        assert client.get("/healthz").status_code == 200, "only /v1 is limited"


def test_open_api_is_limited_per_client_address(llm: ScriptedLLM) -> None:
    settings = scripted_settings(llm, llm_provider="none", rate_limit_per_minute=1)
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/checks", json=_check_body()).status_code == 200
        assert client.post("/v1/checks", json=_check_body()).status_code == 429


# -- CORS --------------------------------------------------------------------------


def test_cors_for_the_configured_origins_only(llm: ScriptedLLM) -> None:
    settings = scripted_settings(
        llm, llm_provider="none", api_keys=KEYS[0], cors_origins=["https://crm.example"]
    )
    with TestClient(create_app(settings)) as client:
        preflight = client.options(
            "/v1/replies",
            headers={
                "Origin": "https://crm.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200, "a preflight needs no key"
        assert preflight.headers["access-control-allow-origin"] == "https://crm.example"
        refused = client.post(
            "/v1/checks", json=_check_body(), headers={"Origin": "https://crm.example"}
        )
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == "https://crm.example"
        assert "x-request-id" in refused.headers["access-control-expose-headers"].lower()
        stranger = client.options(
            "/v1/replies",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in stranger.headers


def test_no_cors_headers_unless_configured(client: TestClient) -> None:
    response = client.get("/healthz", headers={"Origin": "https://crm.example"})
    assert "access-control-allow-origin" not in response.headers
