"""POST /v1/replies against a scripted OpenAI-compatible server over real HTTP.

The pipeline's own logic (re-asks, fallback, prompts, alternatives) is tested with an
in-process fake model in tests/test_pipeline.py; here, what goes over the wire.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.support import ATTACK_DRAFT, GOOD_DRAFT, reply_body

from replyguard_evals.scripted_llm import ScriptedLLM


def test_a_reask_goes_over_the_wire_as_chat_messages(client: TestClient, llm: ScriptedLLM) -> None:
    llm.script({"text": ATTACK_DRAFT}, {"text": GOOD_DRAFT})
    response = client.post("/v1/replies", json=reply_body())
    assert response.status_code == 200
    data = response.json()
    assert data["source"] == "llm"
    assert data["reply"] == GOOD_DRAFT
    assert data["usage"]["prompt_tokens"] > 0
    first, second = llm.requests
    assert first["model"] == "scripted-model"
    assert [m["role"] for m in first["messages"]] == ["system", "user"]
    assert second["messages"][:2] == first["messages"]
    assert second["messages"][2] == {"role": "assistant", "content": ATTACK_DRAFT}
    assert second["messages"][3]["role"] == "user"


def test_anonymous_review_gets_a_neutral_greeting(client: TestClient, llm: ScriptedLLM) -> None:
    llm.script({"status": 500})
    data = client.post("/v1/replies", json=reply_body(reviewer_name=None)).json()
    assert data["source"] == "template"
    assert data["passed"] is True
    assert data["reply"].startswith("Hello,")
    assert data["scenario"] == "anonymous"


def test_healthz_names_provider_and_model(client: TestClient) -> None:
    data = client.get("/healthz").json()
    assert data["provider"] == "openai"
    assert data["model"] == "scripted-model"
    assert data["checks"] == [
        "length",
        "no_attack",
        "named_contact",
        "offline_channel",
        "no_generic",
        "language",
        "no_meta",
        "no_unauthorized_offer",
        "no_private_data",
        "not_repeated",
    ]
