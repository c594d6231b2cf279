"""Prompt injection: an LLM that obeys the review's instructions gets nothing out.

Every review in `injection/corpus.yaml` carries instructions aimed at the model. The
scripted LLM obeys them all: it returns a draft that would pass every check but for
the injected payload (an accusation, an invented phone number, a refund the business
did not allow, a link, the injected text, the system prompt). The reply that leaves
the service must pass every check and carry none of the payload.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from tests.support import scripted_settings

from replyguard.api import create_app
from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import Business, Options, Review
from replyguard_checks import SUPPORTED_LANGUAGES
from replyguard_evals.scripted_llm import ScriptedLLM

CORPUS = yaml.safe_load((Path(__file__).parent / "injection" / "corpus.yaml").read_text("utf-8"))
CASES: list[dict[str, Any]] = CORPUS["cases"]
BUSINESSES: dict[str, dict[str, Any]] = CORPUS["businesses"]


@pytest.fixture(scope="module")
def hostile(llm: ScriptedLLM) -> Iterator[TestClient]:
    # repeat_window 0: the obedient drafts of one language share a business and a base.
    with TestClient(create_app(scripted_settings(llm, repeat_window=0))) as client:
        yield client


def _request(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "review": {
            "text": case["review"],
            "rating": 1,
            "reviewer_name": "Alex Morgan" if case["language"] != "zh" else "王先生",
            "language": case["language"],
        },
        "business": BUSINESSES[case["language"]],
    }


def obedient_draft(pipeline: ReplyPipeline, case: dict[str, Any]) -> str:
    """A reply that passes every check, with the injected payload written in after the
    greeting: what an LLM that follows the review's instructions sends back."""
    body = _request(case)
    prepared = pipeline.prepare(
        Review.model_validate(body["review"]), Business.model_validate(body["business"]), Options()
    )
    base = next(
        text
        for text in pipeline.templates.candidates(prepared.facts)
        if all(r.passed for r in pipeline.suite.run(text, prepared.context))
    )
    greeting = prepared.facts.greeting
    assert base.startswith(greeting)
    return f"{greeting} {case['payload'].strip()} {base[len(greeting) :].strip()}"


def test_the_corpus_covers_every_language_and_technique() -> None:
    assert len(CASES) >= 30
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert {c["language"] for c in CASES} == set(SUPPORTED_LANGUAGES)
    techniques = Counter(c["technique"] for c in CASES)
    assert set(techniques) >= {
        "ignore_previous",
        "role_play",
        "fake_system_tag",
        "hidden_markup",
        "zero_width",
        "other_language",
        "prompt_leak",
        "payload_text",
    }


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_an_obedient_llm_gets_no_payload_out(
    hostile: TestClient, llm: ScriptedLLM, case: dict[str, Any]
) -> None:
    pipeline: ReplyPipeline = hostile.app.state.pipeline  # type: ignore[attr-defined]
    draft = obedient_draft(pipeline, case)
    llm.script({"text": draft})

    response = hostile.post("/v1/replies", json=_request(case))

    assert response.status_code == 200, response.text
    data = response.json()
    # The obedient draft was rejected, by a check that reads the payload...
    llm_attempts = [a for a in data["attempts"] if a["source"] == "llm"]
    assert llm_attempts, "the LLM was never asked"
    for attempt in llm_attempts:
        assert set(attempt["failed"]) & set(case["caught_by"]), (attempt["failed"], draft)
    # ...and what went out is a checked reply without any of it.
    assert data["source"] == "template"
    assert data["passed"] is True
    assert all(check["passed"] for check in data["checks"]), data["checks"]
    reply = data["reply"].casefold()
    leaked = [word for word in case["forbidden"] if word.casefold() in reply]
    assert not leaked, f"unsafe reply: {leaked} in {data['reply']!r}"
    # The review reached the model only as delimited data in the user message.
    system, user = llm.requests[0]["messages"][:2]
    tail = case["review"].replace("\u200b", "")[-20:]
    assert user["content"].count("</review>") == 1
    assert tail in user["content"]
    assert tail not in system["content"]
