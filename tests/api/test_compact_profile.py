"""The compact profile (default for small local models), driven over real HTTP by the
scripted server: the model writes a body, the service frames it, the checks judge
the whole, and re-asks carry short hints rather than check messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.support import reply_body, scripted_settings

from replyguard.api import create_app
from replyguard_evals.scripted_llm import ScriptedLLM

BODY = (
    "Thank you for writing. I am sorry you waited two hours for a table and that the soup "
    "reached you cold; that was our failure."
)


@pytest.fixture(scope="module")
def compact(llm: ScriptedLLM) -> Iterator[TestClient]:
    with TestClient(create_app(scripted_settings(llm, prompt_profile="compact"))) as client:
        yield client


def test_body_is_framed_with_greeting_channel_and_signature(
    compact: TestClient, llm: ScriptedLLM
) -> None:
    llm.script({"text": BODY})
    data = compact.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    assert data["passed"] is True
    assert data["reply"].startswith("Dear Karen Miller, Thank you for writing.")
    assert "+44 20 7946 0958" in data["reply"]
    assert data["reply"].endswith("Anna Kowalska, Restaurant Manager, Bistro Verde")
    system = llm.requests[0]["messages"][0]["content"]
    assert "Do not greet them and do not sign" in system
    assert "liar" not in system.casefold()


def test_reask_sends_short_hints_not_check_messages(compact: TestClient, llm: ScriptedLLM) -> None:
    llm.script({"text": "We apologize for any inconvenience."}, {"text": BODY})
    data = compact.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    assert data["attempts"][0]["failed"] == ["no_generic"]
    reask = llm.requests[1]["messages"][-1]["content"]
    assert "sorry for the inconvenience" in reask  # the hint
    assert "copy-paste" not in reask  # not the check's long message
    assert "soup" in reask  # a detail of the review to name


def test_model_that_writes_contact_details_itself_is_caught(
    compact: TestClient, llm: ScriptedLLM
) -> None:
    """The checks catch the made-up hotline; the sentence is cut and the model's other
    sentences, which pass, are kept (`replyguard.salvage`)."""
    llm.script({"text": BODY + " Call our hotline on +1 212 555 0147."})
    data = compact.post("/v1/replies", json=reply_body()).json()
    assert len(llm.requests) == 1
    assert data["source"] == "llm"
    assert data["passed"] is True
    raw, cut = data["attempts"]
    assert "offline_channel" in raw["failed"]
    assert cut["failed"] == []
    assert cut["text"] == data["reply"]
    assert "212 555 0147" not in data["reply"]
    assert BODY in data["reply"]
