"""The scaffolded (compact) profile's drafting with an in-process fake model: a failed
body is cut to the model's own good sentences before a re-ask, re-asks start afresh
and warmer, and scenarios a scaffold cannot answer go straight to the template."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tests.fakes import FakeChatModel
from tests.support import llm_settings, reply_body

from replyguard.llm.base import ChatModel
from replyguard.pipeline import ReplyPipeline
from replyguard.salvage import sentences
from replyguard.schemas import ReplyRequest
from replyguard_checks import CheckSuite

GOOD_BODY = "I am so sorry that you waited two hours for a table and that your soup was cold."
CLOSING = (
    "I would like to put this right personally, so please contact me directly at "
    "+44 20 7946 0958 or anna@bistroverde.example. Anna Kowalska, Restaurant Manager, "
    "Bistro Verde"
)


@pytest.fixture
def model() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def pipeline(model: FakeChatModel, suite: CheckSuite) -> ReplyPipeline:
    chat: ChatModel = model
    return ReplyPipeline(llm_settings(prompt_profile="compact"), chat, suite)


def reply(pipeline: ReplyPipeline, body: dict[str, Any]) -> dict[str, Any]:
    response = asyncio.run(pipeline.reply(ReplyRequest.model_validate(body)))
    return response.model_dump(mode="json")


def test_sentences_keep_list_markers_apart() -> None:
    assert sentences("Here are the sentences: 1. Sorry. 2. Thanks!\nBye") == [
        "Here are the sentences: 1.",
        "Sorry.",
        "2.",
        "Thanks!",
        "Bye",
    ]


def test_a_failing_sentence_is_cut_and_the_model_s_own_rest_kept(
    pipeline: ReplyPipeline, model: FakeChatModel
) -> None:
    model.script(f"Here is your reply as a numbered list: 1. {GOOD_BODY}")
    data = reply(pipeline, reply_body())
    assert len(model.calls) == 1  # no re-ask
    assert data["source"] == "llm"
    assert data["passed"] is True
    assert data["reply"] == f"Dear Karen Miller, {GOOD_BODY} {CLOSING}"
    raw, cut = data["attempts"]
    assert "Here is your reply" in raw["text"]
    assert raw["failed"]
    assert cut["text"] == data["reply"]
    assert cut["failed"] == []


def test_a_cut_that_names_nothing_of_the_review_is_not_kept(
    pipeline: ReplyPipeline, model: FakeChatModel
) -> None:
    """The kept sentences must name the problem themselves: thanks alone would pass
    only because the scaffold's lines are around it."""
    model.script("Thank you for writing. Here is a reply: the soup was cold.", GOOD_BODY)
    data = reply(pipeline, reply_body())
    assert len(model.calls) == 2
    assert [a["source"] for a in data["attempts"]] == ["llm", "llm"]
    assert data["attempts"][0]["failed"]
    assert data["reply"] == f"Dear Karen Miller, {GOOD_BODY} {CLOSING}"


def test_a_passing_draft_that_talks_about_the_customer_is_reasked(
    pipeline: ReplyPipeline, model: FakeChatModel
) -> None:
    """The checks are not the only gate for a small model's body: a sentence that does
    not speak to the reviewer (their problem in the third person, a promise) is cut
    even when the checks let it through."""
    off_task = "I'm sorry that you waited two hours for a table, but they were busy."
    model.script(off_task, GOOD_BODY)
    data = reply(pipeline, reply_body())
    assert data["reply"] == f"Dear Karen Miller, {GOOD_BODY} {CLOSING}"
    assert len(model.calls) == 2


def test_reasks_start_afresh_and_warmer(pipeline: ReplyPipeline, model: FakeChatModel) -> None:
    """Shown its failed draft, a small model writes it again; the same prompt at the
    same temperature does too."""
    model.script("We apologize for any inconvenience.", "Your satisfaction is our priority.")
    data = reply(pipeline, reply_body())
    assert data["source"] == "template"
    assert data["passed"] is True
    assert [c.roles for c in model.calls] == [
        ["system", "user"],
        ["system", "user", "user"],
        ["system", "user", "user"],
    ]
    assert [c.temperature for c in model.calls] == [0.4, 0.7, 1.0]
    assert "sorry for the inconvenience" in model.calls[1].messages[-1].content


@pytest.mark.parametrize("scenario", ["needs_investigation", "abusive"])
def test_scenarios_a_scaffold_cannot_answer_go_to_the_template(
    pipeline: ReplyPipeline, model: FakeChatModel, scenario: str
) -> None:
    data = reply(pipeline, reply_body() | {"options": {"scenario": scenario}})
    assert model.calls == []
    assert data["source"] == "template"
    assert data["passed"] is True


def test_a_review_in_a_language_the_model_does_not_draft_in_gets_the_template(
    model: FakeChatModel, suite: CheckSuite
) -> None:
    chat: ChatModel = model
    pipeline = ReplyPipeline(
        llm_settings(prompt_profile="compact", llm_languages="en"), chat, suite
    )
    german = reply_body(
        text="Wir haben zwei Stunden auf einen Tisch gewartet und die Suppe war kalt.",
        language="de",
    )
    data = reply(pipeline, german)
    assert model.calls == []
    assert data["source"] == "template"
    assert data["passed"] is True
    model.script(GOOD_BODY)
    assert reply(pipeline, reply_body())["source"] == "llm"
    assert len(model.calls) == 1


def test_a_fixed_fault_gets_the_business_fact_in_the_scaffold(pipeline: ReplyPipeline) -> None:
    body = reply_body()
    body["business"]["fixed_issues"] = ["We have doubled the staff on Saturdays"]
    request = ReplyRequest.model_validate(body | {"options": {"scenario": "fixed_since"}})
    case = pipeline.prepare(request.review, request.business, request.options)
    framed = pipeline.templates.scaffold(case.facts, GOOD_BODY)
    assert framed.startswith(f"Dear Karen Miller, {GOOD_BODY} ")
    assert framed.endswith(CLOSING)
    assert "fixed" in framed.casefold() or "doubled the staff" in framed
