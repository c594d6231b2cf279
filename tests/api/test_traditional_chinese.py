"""A review in Traditional characters is checked through the Simplified lexicons and
answered in Traditional characters; drafts of any script or size stay out of the 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.support import reply_body, scripted_settings

from replyguard.api import create_app
from replyguard_checks import HANT, script_of
from replyguard_evals.scripted_llm import ScriptedLLM


def _zh_body(**extra: Any) -> dict[str, Any]:
    body = reply_body(
        text="等了一個多小時才上菜，牛排也煎過頭了，服務生的態度很差。",
        reviewer_name="陳小姐",
        language=None,
    )
    body["business"] = {
        "name": "好吃牛排館",
        "contact": {"name": "王小明", "role": "店長", "phone": "02-2345-6789"},
    }
    return body | extra


@pytest.fixture(scope="module")
def templates(llm: ScriptedLLM) -> Iterator[TestClient]:
    settings = scripted_settings(llm, llm_provider="none")
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_traditional_review_gets_a_traditional_reply(templates: TestClient) -> None:
    response = templates.post("/v1/replies", json=_zh_body())
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["language"] == "zh"
    assert data["passed"], data["checks"]
    assert script_of(data["reply"]) == HANT, data["reply"]
    # Names are printed as the business spelt them.
    assert "王小明" in data["reply"]
    assert "好吃牛排館" in data["reply"]


def test_checks_read_traditional_attacks(templates: TestClient) -> None:
    body = _zh_body(draft="陳小姐您好，您說的根本不是事實。請打 02-2345-6789。王小明")
    data = templates.post("/v1/checks", json=body).json()
    verdicts = {c["name"]: c["passed"] for c in data["checks"]}
    assert verdicts["no_attack"] is False
    assert verdicts["offline_channel"] is True


def test_a_simplified_reply_to_a_traditional_review_fails_language(
    templates: TestClient,
) -> None:
    simplified = "陈小姐您好，让您等了一个多小时，牛排也煎过头了，真的很抱歉。"
    body = _zh_body(draft=simplified + "请打 02-2345-6789。王小明")
    data = templates.post("/v1/checks", json=body).json()
    language = next(c for c in data["checks"] if c["name"] == "language")
    assert language["passed"] is False
    assert "Traditional Chinese" in language["message"]


@pytest.mark.parametrize(
    "draft",
    ["😡😡😡", "🙏", "مرحبا، نأسف لما حدث", "ok", "。。。！！！", "a" * 9_999],
    ids=["angry-emoji", "one-emoji", "arabic", "two-letters", "cjk-punctuation", "long"],
)
def test_any_script_or_size_is_checked_not_crashed(templates: TestClient, draft: str) -> None:
    response = templates.post("/v1/checks", json=_zh_body(draft=draft))
    assert response.status_code == 200, response.text
    assert response.json()["passed"] is False


@pytest.mark.parametrize(("draft", "status"), [("", 422), ("   ", 422), ("a" * 10_001, 422)])
def test_an_empty_or_oversized_draft_is_a_4xx(
    templates: TestClient, draft: str, status: int
) -> None:
    response = templates.post("/v1/checks", json=_zh_body(draft=draft))
    assert response.status_code == status
    assert response.json()["error"]["field"] == "draft"


def test_a_website_that_is_not_one_is_refused(templates: TestClient) -> None:
    body = _zh_body()
    body["business"]["contact"]["website"] = "not a site"
    response = templates.post("/v1/replies", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "business.contact.website"


def test_the_model_is_told_to_write_traditional_characters() -> None:
    from dataclasses import replace

    from replyguard.facts import ReplyFacts
    from replyguard.prompting import PromptBook
    from replyguard.settings import Settings

    facts = ReplyFacts(
        language="zh",
        scenario="genuine",
        review="等了一個多小時才上菜。",
        reviewer_name=None,
        business="好吃牛排館",
        contact_name="王小明",
        contact_role=None,
        phone="02-2345-6789",
        email=None,
        max_words=120,
        script=HANT,
    )
    book = PromptBook(Settings().prompts_dir)
    system = book.messages(facts)[0].content
    assert "Traditional Chinese" in system
    simplified = book.messages(replace(facts, script=None))[0].content
    assert "Simplified Chinese" in simplified
