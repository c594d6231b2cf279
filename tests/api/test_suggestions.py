"""`options.suggestions`: up to three distinct drafts, each fully checked."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rapidfuzz import fuzz
from tests.api.conftest import (
    ATTACK_DRAFT,
    GENERIC_DRAFT,
    GOOD_DRAFT,
    reply_body,
    scripted_settings,
)

from replyguard.api import create_app
from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import ReplyRequest
from replyguard.settings import Settings
from replyguard.suggestions import NEAR_IDENTICAL
from replyguard_checks.base import Verdict
from replyguard_checks.context import CheckContext
from replyguard_checks.no_attack import NoAttack
from replyguard_checks.suite import CORE_CHECKS, CheckSuite
from replyguard_evals.scripted_llm import ScriptedLLM

OTHER_GOOD = (
    "Dear Karen, I am sorry that your Saturday dinner meant two hours of waiting and a cold "
    "soup, and that nobody from our team looked after you. That is on us. Please ring me "
    "on 020 7946 0958 or e-mail anna@bistroverde.example and I will sort it out with you "
    "myself. Anna Kowalska, Restaurant Manager"
)
THIRD_GOOD = (
    "Dear Karen, thank you for letting us know. A two-hour wait for a table and soup "
    "served cold are not what we want for our guests, and being ignored by your waiter "
    "made it worse. I would like to hear more: you can reach me on 020 7946 0958 or at "
    "anna@bistroverde.example. Anna Kowalska, Restaurant Manager"
)


def asking(count: int, **review: Any) -> dict[str, Any]:
    return reply_body(**review) | {"options": {"suggestions": count}}


def assert_distinct(texts: list[str]) -> None:
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert fuzz.ratio(a.casefold(), b.casefold()) / 100 < NEAR_IDENTICAL


def own_records(folder: Path) -> dict[str, Any]:
    """An app with records of its own: `not_repeated` sees no other test's replies."""
    return {"database_url": f"sqlite:///{folder}/records.db"}


@pytest.fixture(scope="module")
def templates_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(llm_provider="none", **own_records(tmp_path_factory.mktemp("s")))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_default_is_one_suggestion_equal_to_the_reply(templates_client: TestClient) -> None:
    data = templates_client.post("/v1/replies", json=reply_body()).json()
    assert len(data["suggestions"]) == 1
    (only,) = data["suggestions"]
    assert only["text"] == data["reply"]
    assert only["source"] == data["source"]
    assert only["language"] == data["language"]
    assert only["passed"] is data["passed"] is True
    assert only["checks"] == data["checks"]


@pytest.mark.parametrize(
    "review",
    [
        {},
        {"reviewer_name": None, "text": "Rude staff, dirty room and they charged me twice."},
        {"text": "Das Essen war kalt und wir haben zwei Stunden gewartet.", "language": "de"},
        {"text": "Czekaliśmy dwie godziny na stolik, a zupa była zimna.", "language": "pl"},
    ],
    ids=["en", "anonymous", "de", "pl"],
)
def test_templates_only_gives_three_distinct_checked_variants(
    templates_client: TestClient, review: dict[str, Any]
) -> None:
    body = asking(3, **review)
    data = templates_client.post("/v1/replies", json=body).json()
    suggestions = data["suggestions"]
    assert 2 <= len(suggestions) <= 3
    assert suggestions[0]["text"] == data["reply"]
    assert_distinct([s["text"] for s in suggestions])
    for suggestion in suggestions:
        assert suggestion["source"] == "template"
        assert suggestion["language"] == data["language"]
        assert suggestion["passed"] is True
        assert len(suggestion["checks"]) == len(CORE_CHECKS)
        assert all(c["passed"] for c in suggestion["checks"])
        # The checks endpoint agrees with what the suggestion says.
        check = templates_client.post(
            "/v1/checks", json={**reply_body(**review), "draft": suggestion["text"]}
        ).json()
        assert check["passed"] is True, check
    # Only the reply itself counts as an attempt; template variants cost no LLM call.
    assert [a["source"] for a in data["attempts"]] == ["template"]


def test_english_variants_are_full_medium_and_short(templates_client: TestClient) -> None:
    data = templates_client.post("/v1/replies", json=asking(3)).json()
    words = [len(s["text"].split()) for s in data["suggestions"]]
    assert len(words) == 3
    assert words == sorted(words, reverse=True)


def test_llm_alternatives_are_asked_in_parallel_and_checked(
    llm: ScriptedLLM, tmp_path: Path
) -> None:
    with TestClient(create_app(scripted_settings(llm, **own_records(tmp_path)))) as client:
        llm.script({"text": GOOD_DRAFT}, {"text": OTHER_GOOD}, {"text": THIRD_GOOD})
        data = client.post("/v1/replies", json=asking(3)).json()
    assert data["reply"] == GOOD_DRAFT
    texts = [s["text"] for s in data["suggestions"]]
    assert texts[0] == GOOD_DRAFT
    assert set(texts[1:]) == {OTHER_GOOD, THIRD_GOOD}
    assert all(s["source"] == "llm" and s["passed"] for s in data["suggestions"])
    assert len(llm.requests) == 3
    # The alternatives use the reply's own prompt, sampled a little warmer.
    first, *extras = llm.requests
    assert all(e["messages"] == first["messages"] for e in extras)
    assert all(e["temperature"] > first["temperature"] for e in extras)
    # Every call is accounted for: attempts and tokens.
    assert [a["alternative"] for a in data["attempts"]] == [False, True, True]
    assert data["usage"]["completion_tokens"] == sum(
        len(t.split()) for t in (GOOD_DRAFT, OTHER_GOOD, THIRD_GOOD)
    )


def test_failed_or_duplicate_llm_alternatives_are_replaced_by_templates(
    llm: ScriptedLLM, tmp_path: Path
) -> None:
    near_copy = GOOD_DRAFT.replace("far too long", "much too long")
    with TestClient(create_app(scripted_settings(llm, **own_records(tmp_path)))) as client:
        llm.script({"text": GOOD_DRAFT}, {"text": ATTACK_DRAFT}, {"text": near_copy})
        data = client.post("/v1/replies", json=asking(3)).json()
    suggestions = data["suggestions"]
    assert [s["source"] for s in suggestions] == ["llm", "template", "template"]
    texts = [s["text"] for s in suggestions]
    assert ATTACK_DRAFT not in texts
    assert near_copy not in texts
    assert all(s["passed"] for s in suggestions)
    assert_distinct(texts)
    failed_extra = next(a for a in data["attempts"] if a["text"] == ATTACK_DRAFT)
    assert failed_extra["alternative"] is True
    assert "no_attack" in failed_extra["failed"]


def test_no_extra_llm_calls_when_the_reply_fell_back_to_a_template(
    llm: ScriptedLLM, tmp_path: Path
) -> None:
    with TestClient(create_app(scripted_settings(llm, **own_records(tmp_path)))) as client:
        llm.script({"text": GENERIC_DRAFT})
        data = client.post("/v1/replies", json=asking(3)).json()
    assert data["source"] == "template"
    assert len(llm.requests) == 3  # the reply's three attempts, nothing more
    assert [s["source"] for s in data["suggestions"]] == ["template"] * 3
    assert not any(a["alternative"] for a in data["attempts"])


def test_slow_alternatives_never_hold_up_the_reply(llm: ScriptedLLM, tmp_path: Path) -> None:
    settings = scripted_settings(
        llm, llm_timeout_s=0.3, request_deadline_s=5.0, **own_records(tmp_path)
    )
    with TestClient(create_app(settings)) as client:
        llm.script({"text": GOOD_DRAFT}, {"hang": 1.5, "text": OTHER_GOOD})
        started = time.monotonic()
        data = client.post("/v1/replies", json=asking(3)).json()
        took = time.monotonic() - started
    time.sleep(max(0.0, 1.6 - took))  # let the scripted server finish the hung answers
    assert data["reply"] == GOOD_DRAFT
    assert [s["source"] for s in data["suggestions"]] == ["llm", "template", "template"]
    extras = [a for a in data["attempts"] if a["alternative"]]
    assert len(extras) == 2
    assert all(a["error"] for a in extras)
    assert all(a["duration_ms"] < 1000 for a in extras)
    assert took < 1.5


class AlwaysAttack(NoAttack):
    """Fails every draft, so no text can pass."""

    def check(self, text: str, context: CheckContext) -> Verdict:
        return Verdict.fail("broken on purpose")


def test_a_failing_draft_is_never_offered_as_passing() -> None:
    suite = CheckSuite([AlwaysAttack() if c is NoAttack else c() for c in CORE_CHECKS])
    pipeline = ReplyPipeline(Settings(llm_provider="none"), None, suite)  # in-memory history
    request = ReplyRequest.model_validate(asking(3))
    response = asyncio.run(pipeline.reply(request))
    assert response.passed is False
    # The reply is shown with its failure; no alternative can be offered.
    assert len(response.suggestions) == 1
    (only,) = response.suggestions
    assert only.text == response.reply
    assert only.passed is False
    assert any(c.name == "no_attack" and not c.passed for c in only.checks)


@pytest.mark.parametrize("count", [0, 4, 1.5, None, "three"])
def test_suggestions_out_of_range_is_a_422(templates_client: TestClient, count: Any) -> None:
    body = reply_body() | {"options": {"suggestions": count}}
    response = templates_client.post("/v1/replies", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "options.suggestions"
