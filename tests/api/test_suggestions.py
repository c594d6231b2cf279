"""`options.suggestions`: up to three distinct drafts, each fully checked.

Alternatives the LLM drafts are tested with a fake model in tests/test_pipeline.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.support import asking, assert_distinct, reply_body

from replyguard.api import create_app
from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import ReplyRequest
from replyguard.settings import Settings
from replyguard_checks import CORE_CHECKS, CheckContext, CheckSuite, Verdict
from replyguard_checks.no_attack import NoAttack


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
